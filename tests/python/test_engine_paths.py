"""cordon.Engine's two roads to a decision give the same answers and the same errors.

An Engine decides a request natively (``_native.Authorizer``: the request dict straight
into the engine, no JSON text; with a schema, the context as JSON text read with it); a
request it does not convert exactly and a call with ``entities`` or ``verbose`` take the
JSON path (``PolicyStore.stateful_is_authorized``). Every shared vector (tests/vectors), in
several spellings of its request, a list of awkward requests and requests against a schema
go both ways here, and must come back the same: the answer, every property of the result,
or the exception and its messages.
"""

import enum
import json
import pickle
import re
import threading
import time
import types

import pytest

import cordon
from cordon import CordonError, Engine, _native
from cordon.authorize import _policies_json


def json_path_engine(policies, entities, schema=None):
    """An Engine that answers every request on the JSON path (a differential test's other
    side: the private switch is the only way to turn the native path off)."""
    engine = Engine(policies, entities, schema)
    engine._authorizer = None
    return engine


def outcome(call):
    """What a call gives: the result's every property, or the exception's."""
    try:
        result = call()
    except Exception as error:  # compared, whatever it is
        # Without object addresses (pybind11's TypeError names the store it was called on).
        return ("raised", type(error).__name__, re.sub(r"0x[0-9a-f]+", "0x", str(error)),
                getattr(error, "errors", None))
    if isinstance(result, Engine):
        return "made"
    if isinstance(result, list):
        return [summary(r) for r in result]
    return summary(result)


def summary(result):
    return {
        "answer": result.answer,
        "decision": result.decision,
        "allowed": result.allowed,
        "reasons": result.diagnostics.reasons,
        "errors": result.diagnostics.errors,
        "policy_errors": result.diagnostics.policy_errors,
        "correlation_id": result.correlation_id,
        "warnings": result.warnings,
        "repr": repr(result),
        "item": result["decision"],
    }


def cedar_text(ref):
    return f'{ref["type"]}::{json.dumps(ref["id"], ensure_ascii=False)}'


def spellings(call):
    """The vector's request as a cordon request dict, in each way a caller may write it."""
    base = {key: call[key] for key in ("principal", "action", "resource", "context")
            if key in call}
    yield "dicts", base
    refs = all(isinstance(base.get(key), dict) and set(base[key]) == {"type", "id"}
               and all(isinstance(v, str) for v in base[key].values())
               for key in ("principal", "action", "resource"))
    if refs:
        yield "cedar-text", {**base, **{key: cedar_text(base[key])
                                        for key in ("principal", "action", "resource")}}
        yield "escapes", {**base, **{key: {"__entity": base[key]}
                                     for key in ("principal", "action", "resource")}}
    if isinstance(base.get("context"), dict):
        yield "context-text", {**base, "context": json.dumps(base["context"])}
    yield "correlated", {**base, "correlation_id": "req-7"}


def vector_engines(call):
    entities = call.get("entities")
    return (lambda: Engine(call["policies"], entities),
            lambda: json_path_engine(call["policies"], entities))


def test_vector_gives_the_same_outcome_both_ways(vector_case):
    _, call, _ = vector_case
    make_native, make_json = vector_engines(call)
    made = outcome(make_native)
    assert made == outcome(make_json)
    if isinstance(made, tuple):
        return  # the engine refused the policies or entities: raised the same both ways
    native, json_path = make_native(), make_json()
    requests = []
    for name, request in spellings(call):
        assert outcome(lambda: native.is_authorized(request)) == \
            outcome(lambda: json_path.is_authorized(request)), name
        requests.append(request)
    assert outcome(lambda: native.is_authorized_batch(requests)) == \
        outcome(lambda: json_path.is_authorized_batch(requests))


def test_native_answer_is_the_json_apis_text(vector_case):
    _, call, _ = vector_case
    raw = _native.is_authorized_json(json.dumps(call, ensure_ascii=False))
    if json.loads(raw)["type"] != "success":
        return
    request = {key: call[key] for key in ("principal", "action", "resource", "context")}
    authorizer = _native.Authorizer(json.dumps(call["policies"]), json.dumps(call["entities"]))
    response = authorizer.decide(request)
    assert response is not None, "a request the JSON API decides must be decided natively"
    assert response.answer_json() == raw


POLICIES = """
permit(principal in Role::"viewer", action == Action::"view", resource);
permit(principal, action, resource) when { context has n && context.n == 9223372036854775807 };
permit(principal, action, resource) when { context has d && context.d == decimal("1.5") };
permit(principal, action, resource) when { context has who && context.who == User::"alice" };
permit(principal, action, resource) when { context has s && context.s == "a\\"b\\\\c\\n\\u{1F600}" };
permit(principal, action, resource) when { context has set && context.set == [1, 2] };
forbid(principal, action, resource) when { context has blocked && context.blocked };
forbid(principal, action, resource) when { context.missing };
"""

ENTITIES = [
    {"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": [{"type": "Role", "id": "viewer"}]},
    {"uid": {"type": "Role", "id": "viewer"}, "attrs": {}, "parents": []},
]

ALICE = {"principal": 'User::"alice"', "action": 'Action::"view"', "resource": 'Photo::"a"'}


class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


def nested(depth):
    value = {}
    for _ in range(depth):
        value = {"x": value}
    return value


def nested_set(depth):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def circular():
    value = {}
    value["self"] = value
    return value


AWKWARD = {
    "plain": ALICE,
    "no-context": {k: v for k, v in ALICE.items()},
    "context-none": {**ALICE, "context": None},
    "bob": {**ALICE, "principal": {"type": "User", "id": "bob"}},
    "blocked": {**ALICE, "context": {"blocked": True}},
    "int64-max": {**ALICE, "context": {"n": 9223372036854775807}},
    "int64-min": {**ALICE, "context": {"n": -9223372036854775808}},
    "beyond-int64": {**ALICE, "context": {"n": 9223372036854775808}},
    "below-int64": {**ALICE, "context": {"n": -9223372036854775809}},
    "int-enum": {**ALICE, "context": {"n": Level.HIGH}},
    "float": {**ALICE, "context": {"n": 1.5}},
    "nan": {**ALICE, "context": {"n": float("nan")}},
    "none-value": {**ALICE, "context": {"n": None}},
    "int-key": {**ALICE, "context": {1: True}},
    "int-and-str-key": {**ALICE, "context": {1: True, "1": False}},
    "tuple": {**ALICE, "context": {"set": (1, 2)}},
    "set-with-duplicates": {**ALICE, "context": {"set": [2, 1, 2]}},
    "python-set": {**ALICE, "context": {"set": {1, 2}}},
    "string-escapes": {**ALICE, "context": {"s": "a\"b\\c\n\U0001F600"}},
    "control-characters": {**ALICE, "context": {"s": "\x00\x01\x1f\x7f"}},
    "lone-surrogate": {**ALICE, "context": {"s": "\ud800"}},
    "str-subclass": {**ALICE, "context": {"s": Text("x")}},
    "extension-escape": {**ALICE, "context": {"d": {"__extn": {"fn": "decimal", "arg": "1.5"}}}},
    "entity-escape": {**ALICE, "context": {"who": {"__entity": {"type": "User", "id": "alice"}}}},
    "bad-escape": {**ALICE, "context": {"who": {"__entity": {"type": "User"}}}},
    "escape-extra-key-in-context": {**ALICE, "context": {"who": {"__entity": {
        "type": "User", "id": "alice"}, "x": 1}}},
    "escape-after-key-in-context": {**ALICE, "context": {"who": {"x": 1, "__entity": {
        "type": "User", "id": "alice"}}}},
    "escape-key-of-the-context": {**ALICE, "context": {"__entity": {"type": "User",
                                                                    "id": "alice"}}},
    "extension-args": {**ALICE, "context": {"d": {"__extn": {"fn": "ip",
                                                             "args": ["10.0.0.1"]}}}},
    "extension-unknown": {**ALICE, "context": {"d": {"__extn": {"fn": "nope", "arg": "1"}}}},
    "extension-bad-arg": {**ALICE, "context": {"d": {"__extn": {"fn": "decimal",
                                                                "arg": "x"}}}},
    "extension-in-set": {**ALICE, "context": {"set": [{"__extn": {"fn": "decimal",
                                                                 "arg": "1.5"}}, 1]}},
    "entity-escape-in-escape": {**ALICE, "context": {"who": {"__entity": {"__entity": {
        "type": "User", "id": "alice"}}}}},
    "expr-escape": {**ALICE, "context": {"x": {"__expr": "1"}}},
    "nested-150": {**ALICE, "context": nested(150)},
    "nested-199": {**ALICE, "context": nested(199)},
    "nested-200": {**ALICE, "context": nested(200)},
    "nested-201": {**ALICE, "context": nested(201)},
    "nested-set-200": {**ALICE, "context": {"s": nested_set(199)}},
    "nested-set-201": {**ALICE, "context": {"s": nested_set(200)}},
    "escape-deep-inside": {**ALICE, "context": {"a": [{"b": {"__entity": {"type": "User",
                                                                         "id": "alice"}}}]}},
    "nested-250": {**ALICE, "context": nested(250)},
    "circular": {**ALICE, "context": circular()},
    "mapping-proxy": {**ALICE, "context": types.MappingProxyType({"blocked": True})},
    "context-list": {**ALICE, "context": [1, 2]},
    "context-text": {**ALICE, "context": '{"n": 9223372036854775807}'},
    "context-text-spaces": {**ALICE, "context": '  {"blocked" : true}\n'},
    "context-text-empty": {**ALICE, "context": ""},
    "context-text-blank": {**ALICE, "context": "  "},
    "context-text-null": {**ALICE, "context": "null"},
    "context-text-bom": {**ALICE, "context": "\ufeff{}"},
    "context-text-duplicate": {**ALICE, "context": '{"a": 1, "a": 2}'},
    "context-text-not-json": {**ALICE, "context": "[1"},
    "context-text-nan": {**ALICE, "context": '{"n": NaN}'},
    "context-text-huge-number": {**ALICE, "context": '{"n": 1e999}'},
    "context-bytes": {**ALICE, "context": b"{}"},
    "text-with-spaces": {**ALICE, "principal": 'User :: "alice"'},
    "text-namespaced": {**ALICE, "principal": 'App::User::"alice"'},
    "text-unterminated": {**ALICE, "principal": 'User::"alice'},
    "text-bare-id": {**ALICE, "principal": "alice"},
    "text-subclass": {**ALICE, "principal": Text('User::"alice"')},
    "type-reserved": {**ALICE, "principal": {"type": "if", "id": "alice"}},
    "type-trailing-colons": {**ALICE, "principal": {"type": "User::", "id": "alice"}},
    "type-with-space": {**ALICE, "principal": {"type": " User", "id": "alice"}},
    "type-not-str": {**ALICE, "principal": {"type": 5, "id": "alice"}},
    "ref-extra-key": {**ALICE, "principal": {"type": "User", "id": "alice", "x": 1}},
    "ref-missing-id": {**ALICE, "principal": {"type": "User"}},
    "escape-extra-key": {**ALICE, "principal": {"__entity": {"type": "User", "id": "alice"},
                                                "x": 1}},
    "escape-not-dict": {**ALICE, "principal": {"__entity": 'User::"alice"'}},
    "ref-int": {**ALICE, "principal": 5},
    "ref-none": {**ALICE, "principal": None},
    "ref-mapping-proxy": {**ALICE, "principal": types.MappingProxyType(
        {"type": "User", "id": "alice"})},
    "missing-action": {k: v for k, v in ALICE.items() if k != "action"},
    "unknown-key": {**ALICE, "contxt": {}},
    "int-key-in-request": {**ALICE, 5: 1},
    "str-subclass-key-in-request": {**{k: v for k, v in ALICE.items() if k != "action"},
                                    Text("action"): 'Action::"view"'},
    "ref-misspelt-type": {**ALICE, "principal": {"tipe": "User", "id": "alice"}},
    "ref-misspelt-escape": {**ALICE, "principal": {"__entitx": {"type": "User", "id": "alice"}}},
    "ref-int-key": {**ALICE, "principal": {"type": "User", 1: "alice"}},
    "correlation-id": {**ALICE, "correlation_id": "req-42"},
    "correlation-id-object": {**ALICE, "correlation_id": ("any", 1)},
    "erroring-forbid": {**ALICE, "context": {"blocked": False}},
    "request-mapping-proxy": types.MappingProxyType(ALICE),
    "request-list": [ALICE],
}

# Every policy errors or not depending on the context: `context.missing` errors when absent.


@pytest.mark.parametrize("name", list(AWKWARD))
def test_awkward_request_gives_the_same_outcome_both_ways(name):
    request = AWKWARD[name]
    native, json_path = Engine(POLICIES, ENTITIES), json_path_engine(POLICIES, ENTITIES)
    assert outcome(lambda: native.is_authorized(request)) == \
        outcome(lambda: json_path.is_authorized(request))
    # In a batch, between two requests that decide natively.
    batch = [ALICE, request, ALICE]
    assert outcome(lambda: native.is_authorized_batch(batch)) == \
        outcome(lambda: json_path.is_authorized_batch(batch))


def test_common_requests_take_the_native_path():
    authorizer = Engine(POLICIES, ENTITIES)._authorizer
    assert authorizer is not None
    for name in ("plain", "no-context", "context-none", "bob", "blocked", "int64-max",
                 "int64-min", "tuple", "string-escapes", "control-characters",
                 "extension-escape", "entity-escape", "escape-deep-inside",
                 "escape-key-of-the-context", "extension-args", "extension-in-set",
                 "nested-150", "nested-200", "context-text",
                 "context-text-spaces", "text-namespaced", "correlation-id"):
        assert authorizer.decide(AWKWARD[name]) is not None, name
    for name in ("float", "nan", "none-value", "int-key", "lone-surrogate", "context-text-bom",
                 "context-text-empty", "type-reserved", "text-bare-id", "unknown-key",
                 "request-mapping-proxy", "nested-201", "nested-250", "circular",
                 "bad-escape", "expr-escape", "escape-extra-key-in-context",
                 "escape-after-key-in-context", "extension-unknown", "extension-bad-arg"):
        assert authorizer.decide(AWKWARD[name]) is None, name


def test_batch_of_every_awkward_request_that_decides():
    native, json_path = Engine(POLICIES, ENTITIES), json_path_engine(POLICIES, ENTITIES)
    deciding = [r for r in AWKWARD.values()
                if not isinstance(outcome(lambda: json_path.is_authorized(r)), tuple)]
    assert len(deciding) > 20
    assert outcome(lambda: native.is_authorized_batch(deciding)) == \
        outcome(lambda: json_path.is_authorized_batch(deciding))
    assert outcome(lambda: native.is_authorized_batch(iter(deciding))) == \
        outcome(lambda: json_path.is_authorized_batch(deciding))


def test_batch_error_names_the_first_failing_request():
    engine = Engine(POLICIES, ENTITIES)
    batch = [ALICE, AWKWARD["float"], AWKWARD["ref-none"]]
    with pytest.raises(CordonError, match=r"^requests\[1\]: .*floating-point"):
        engine.is_authorized_batch(batch)


def test_entities_and_verbose_calls_of_a_native_engine():
    engine = Engine(POLICIES, ENTITIES)
    assert engine.is_authorized(ALICE).allowed
    assert not engine.is_authorized(ALICE, entities=[]).allowed
    assert not engine.is_authorized_batch([ALICE], entities=[])[0].allowed
    assert engine.is_authorized(ALICE, verbose=True).allowed
    assert engine.is_authorized(ALICE).allowed


def test_construction_errors_are_the_json_paths():
    for policies, entities in [("permit(", []), ("permit(principal, action, resource);", "[{"),
                               ("permit(principal, action, resource);", [{"uid": 5}]),
                               ("permit(", "[{")]:
        with pytest.raises(Exception) as native_error:
            Engine(policies, entities)
        with pytest.raises(Exception) as json_error:
            Engine._read_json_path(_policies_json(policies), entities, None)
        assert type(native_error.value) is type(json_error.value)
        assert str(native_error.value) == str(json_error.value)


def test_native_results_copy_and_pickle_as_their_answer():
    result = Engine(POLICIES, ENTITIES).is_authorized({**ALICE, "correlation_id": "c"})
    for copied in (pickle.loads(pickle.dumps(result)), __import__("copy").deepcopy(result)):
        assert summary(copied) == summary(result)


def test_stateless_batch_takes_the_native_path_too():
    results = cordon.is_authorized_batch([ALICE, AWKWARD["bob"]], POLICIES, ENTITIES)
    assert [r.allowed for r in results] == [True, False]
    assert results[0]._native is not None


def test_native_decisions_run_without_the_gil():
    # Many policies, each with a condition to evaluate: a batch that keeps the engine busy.
    count = 20000
    policies = "\n".join(
        f'permit(principal, action, resource) when {{ context.n > {i} && context.n < 0 }};'
        for i in range(count))
    engine = Engine(policies, [])
    batch = [{**ALICE, "context": {"n": 5}}] * 50
    started = time.perf_counter()
    engine.is_authorized_batch(batch)
    alone = time.perf_counter() - started
    if alone < 0.05:
        pytest.skip(f"the batch took {alone:.3f} s: too fast to observe")
    longest_pause = [0.0]
    stop = threading.Event()

    def watch():
        last = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            longest_pause[0] = max(longest_pause[0], now - last)
            last = now

    watcher = threading.Thread(target=watch)
    watcher.start()
    time.sleep(0.02)
    started = time.perf_counter()
    results = engine.is_authorized_batch(batch)
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    assert not any(r.allowed for r in results)
    assert longest_pause[0] < elapsed / 2, (longest_pause[0], elapsed)


CEDAR_SCHEMA = """
entity Role;
entity User in [Role] { age?: Long };
entity Photo;
action view appliesTo { principal: User, resource: Photo,
                        context: { blocked?: Bool, n?: Long, who?: User, ip?: ipaddr } };
"""

JSON_SCHEMA = {"": {
    "entityTypes": {
        "Role": {},
        "User": {"memberOfTypes": ["Role"], "shape": {
            "type": "Record", "attributes": {"age": {"type": "Long", "required": False}}}},
        "Photo": {},
    },
    "actions": {"view": {"appliesTo": {
        "principalTypes": ["User"], "resourceTypes": ["Photo"],
        "context": {"type": "Record", "attributes": {
            "blocked": {"type": "Boolean", "required": False},
            "n": {"type": "Long", "required": False},
            "who": {"type": "Entity", "name": "User", "required": False},
            "ip": {"type": "Extension", "name": "ipaddr", "required": False}}}}}},
}}

SCHEMA_POLICIES = POLICIES + """
permit(principal, action, resource) when { context has ip && context.ip.isLoopback() };
"""

SCHEMA_REQUESTS = {
    "plain": ALICE,
    "no-context": {k: v for k, v in ALICE.items() if k != "context"},
    "context-none": {**ALICE, "context": None},
    "blocked": {**ALICE, "context": {"blocked": True}},
    "n": {**ALICE, "context": {"n": 9223372036854775807}},
    "who-without-escape": {**ALICE, "context": {"who": {"type": "User", "id": "alice"}}},
    "who-escaped": {**ALICE, "context": {"who": {"__entity": {"type": "User", "id": "alice"}}}},
    "ip-without-escape": {**ALICE, "context": {"ip": "127.0.0.1"}},
    "ip-escaped": {**ALICE, "context": {"ip": {"__extn": {"fn": "ip", "arg": "127.0.0.1"}}}},
    "context-text": {**ALICE, "context": '{"blocked": false, "ip": "10.0.0.1"}'},
    "bob": {**ALICE, "principal": {"type": "User", "id": "bob"}},
    "wrong-principal-type": {**ALICE, "principal": 'Role::"viewer"'},
    "wrong-context-type": {**ALICE, "context": {"blocked": "yes"}},
    "undeclared-context": {**ALICE, "context": {"unknown": True}},
    "float": {**ALICE, "context": {"n": 1.5}},
    "correlated": {**ALICE, "correlation_id": "c-1"},
}


@pytest.mark.parametrize("schema", [CEDAR_SCHEMA, JSON_SCHEMA, json.dumps(JSON_SCHEMA)],
                         ids=["cedar-text", "json-dict", "json-text"])
@pytest.mark.parametrize("name", list(SCHEMA_REQUESTS))
def test_engine_with_a_schema_gives_the_same_outcome_both_ways(schema, name):
    request = SCHEMA_REQUESTS[name]
    native = Engine(SCHEMA_POLICIES, ENTITIES, schema)
    json_path = json_path_engine(SCHEMA_POLICIES, ENTITIES, schema)
    assert native._authorizer is not None
    assert outcome(lambda: native.is_authorized(request)) == \
        outcome(lambda: json_path.is_authorized(request))
    batch = [ALICE, request, ALICE]
    assert outcome(lambda: native.is_authorized_batch(batch)) == \
        outcome(lambda: json_path.is_authorized_batch(batch))


def test_engine_with_a_schema_decides_natively():
    authorizer = Engine(SCHEMA_POLICIES, ENTITIES, CEDAR_SCHEMA)._authorizer
    for name in ("plain", "no-context", "blocked", "who-without-escape", "ip-without-escape",
                 "context-text", "correlated"):
        assert authorizer.decide(SCHEMA_REQUESTS[name]) is not None, name
    for name in ("wrong-principal-type", "wrong-context-type", "undeclared-context", "float"):
        assert authorizer.decide(SCHEMA_REQUESTS[name]) is None, name


def test_entities_that_break_the_schema_raise_on_each_call_as_before():
    wrong = [{"uid": {"type": "User", "id": "alice"}, "attrs": {"age": "thirty"}, "parents": []}]
    native = Engine(SCHEMA_POLICIES, wrong, CEDAR_SCHEMA)
    json_path = json_path_engine(SCHEMA_POLICIES, wrong, CEDAR_SCHEMA)
    assert native._authorizer is None
    assert outcome(lambda: native.is_authorized(ALICE)) == \
        outcome(lambda: json_path.is_authorized(ALICE))
    assert outcome(lambda: native.is_authorized(ALICE))[0] == "raised"


def test_schema_construction_errors_are_unchanged():
    for schema in ("entity User in [", '{"": {"entityTypes": 5}}', 42):
        with pytest.raises(Exception) as raised:
            Engine(SCHEMA_POLICIES, ENTITIES, schema)
        with pytest.raises(Exception) as expected:
            Engine._read_json_path(_policies_json(SCHEMA_POLICIES), ENTITIES, schema)
        assert type(raised.value) is type(expected.value)
        assert str(raised.value) == str(expected.value)


def test_authorizer_hands_responses_back_in_the_result_type():
    class Plain:
        pass

    class Slotted:
        __slots__ = ("_native",)

    class Inherited(Slotted):
        __slots__ = ()

    policies = json.dumps({"staticPolicies": POLICIES})
    for result_type in (Plain, Slotted, Inherited):
        authorizer = _native.Authorizer(policies, json.dumps(ENTITIES), result_type)
        results = [authorizer.decide({**ALICE, "correlation_id": "c"})] + \
            authorizer.decide_batch([ALICE, AWKWARD["float"]])
        assert type(results[0]) is result_type and type(results[1]) is result_type
        assert results[2] is None
        assert results[0]._native.allowed and results[0]._native.correlation_id == "c"
        assert results[1]._native.reasons == ["policy0"]
    bare = _native.Authorizer(policies, json.dumps(ENTITIES))
    assert type(bare.decide(ALICE)) is _native.Response
    with pytest.raises(TypeError):
        _native.Authorizer(policies, "[]", 42)
    with pytest.raises(TypeError):
        _native.Response()
