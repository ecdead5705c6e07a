"""Tests of the installed `cordon` package's Python API: cedarpy-shaped results,
the stateful Engine, batches, errors raised as CordonError (never a silent
allow), the JSON passthrough, and decisions running without the GIL.
"""

import json
import logging
import re
import threading
import time
from pathlib import Path

import pytest

import cordon
from cordon import AuthzResult, CordonError, Decision, Engine

ALICE_VIEW_PHOTO = {
    "principal": 'User::"alice"',
    "action": 'Action::"view"',
    "resource": 'Photo::"vacation.jpg"',
    "context": {},
}

PHOTO_POLICIES = """
permit(principal in Role::"viewer", action == Action::"view", resource);
forbid(principal, action, resource) when { context has blocked && context.blocked };
"""

ENTITIES = [
    {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30},
     "parents": [{"type": "Role", "id": "viewer"}]},
    {"uid": {"type": "User", "id": "bob"}, "attrs": {}, "parents": []},
    {"uid": {"type": "Role", "id": "viewer"}, "attrs": {}, "parents": []},
    {"uid": {"type": "Photo", "id": "vacation.jpg"}, "attrs": {}, "parents": []},
]

PERMIT_ALL = "permit(principal, action, resource);"


def request(**changes):
    return {**ALICE_VIEW_PHOTO, **changes}


# --- cedarpy-shaped results -------------------------------------------------------------


def test_allow_has_cedarpy_shape():
    result = cordon.is_authorized(ALICE_VIEW_PHOTO, PHOTO_POLICIES, ENTITIES)
    assert isinstance(result, AuthzResult)
    assert result.decision == Decision.Allow
    assert result.allowed is True
    assert result.diagnostics.reasons == ["policy0"]
    assert result.diagnostics.errors == []
    assert result["decision"] == Decision.Allow  # cedarpy's item access


def test_deny_when_no_permit_applies():
    result = cordon.is_authorized(request(principal='User::"bob"'), PHOTO_POLICIES, ENTITIES)
    assert result.decision == Decision.Deny
    assert result.allowed is False
    assert result.diagnostics.reasons == []


def test_forbid_overrides_permit_and_is_the_reason():
    result = cordon.is_authorized(request(context={"blocked": True}), PHOTO_POLICIES, ENTITIES)
    assert result.decision == Decision.Deny
    assert result.diagnostics.reasons == ["policy1"]


def test_empty_policy_set_denies():
    result = cordon.is_authorized(ALICE_VIEW_PHOTO, "", ENTITIES)
    assert result.decision == Decision.Deny
    assert result.diagnostics.reasons == []


def test_entity_references_as_dicts_and_entities_as_json_text():
    as_dicts = request(principal={"type": "User", "id": "alice"},
                       action={"type": "Action", "id": "view"},
                       resource={"__entity": {"type": "Photo", "id": "vacation.jpg"}})
    result = cordon.is_authorized(as_dicts, PHOTO_POLICIES, json.dumps(ENTITIES))
    assert result.decision == Decision.Allow
    assert result.diagnostics.reasons == ["policy0"]


def test_context_as_json_text_and_absent_context():
    assert not cordon.is_authorized(request(context='{"blocked": true}'), PHOTO_POLICIES,
                                    ENTITIES).allowed
    without_context = {k: v for k, v in ALICE_VIEW_PHOTO.items() if k != "context"}
    assert cordon.is_authorized(without_context, PHOTO_POLICIES, ENTITIES).allowed
    assert cordon.is_authorized(request(context=None), PHOTO_POLICIES, ENTITIES).allowed


def test_erroring_policy_is_skipped_and_reported():
    policies = PERMIT_ALL + '\nforbid(principal, action, resource) when { principal.missing };'
    result = cordon.is_authorized(ALICE_VIEW_PHOTO, policies, ENTITIES)
    # The forbid errors, so it is skipped: the permit decides.
    assert result.decision == Decision.Allow
    assert result.diagnostics.reasons == ["policy0"]
    assert [e.policy_id for e in result.diagnostics.policy_errors] == ["policy1"]
    assert len(result.diagnostics.errors) == 1
    assert result.diagnostics.errors[0].startswith("error while evaluating policy `policy1`: ")
    assert result.diagnostics.policy_errors[0].message == result.diagnostics.errors[0]


def test_integers_stay_exact_beyond_2_to_the_53():
    policies = 'permit(principal, action, resource) when { context.n == 9007199254740993 };'
    assert cordon.is_authorized(request(context={"n": 9007199254740993}), policies, []).allowed
    assert not cordon.is_authorized(request(context={"n": 9007199254740992}), policies, []).allowed
    assert cordon.is_authorized(request(context='{"n": 9007199254740993}'), policies, []).allowed


def test_id_annotation_does_not_rename_the_policy():
    # As Cedar: policies of a text are named by position; a bundle names them by @id.
    policies = '@id("alice-may-view") permit(principal == User::"alice", action, resource);'
    result = cordon.is_authorized(ALICE_VIEW_PHOTO, policies, [])
    assert result.diagnostics.reasons == ["policy0"]


def test_correlation_id_is_handed_back():
    result = cordon.is_authorized(request(correlation_id="req-42"), PERMIT_ALL, [])
    assert result.correlation_id == "req-42"
    assert cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, []).correlation_id is None


def test_answer_is_the_engines_cedar_wasm_answer():
    result = cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, [])
    assert result.answer["type"] == "success"
    assert result.answer["response"]["decision"] == "allow"
    assert result.answer["response"]["diagnostics"]["reason"] == ["policy0"]


def test_verbose_logs_the_decision_but_not_the_context(caplog):
    caplog.set_level(logging.INFO, logger="cordon")
    cordon.is_authorized(request(context={"token": "s3cr3t-value"}), PERMIT_ALL, [], verbose=True)
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert 'User::"alice"' in line and "Allow" in line and "policy0" in line
    assert "s3cr3t-value" not in line
    caplog.clear()
    cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, [])
    assert caplog.records == []


# --- malformed input raises CordonError, never a decision --------------------------------

LOCATION = re.compile(r"\d+:\d+")


def test_policy_that_does_not_parse_raises_with_location():
    with pytest.raises(CordonError) as raised:
        cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL + "\npermit(principal, action", [])
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.messages and str(error) == "\n".join(error.messages)
    assert LOCATION.search(str(error)), str(error)
    assert error.errors and error.errors[0]["message"] == error.messages[0]


def test_entities_text_that_is_not_json_raises_with_location():
    with pytest.raises(CordonError, match=r"entities:1:\d+: json error"):
        cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, "[{")


@pytest.mark.parametrize("bad_request", [
    request(principal="alice"),                      # not an entity reference
    request(principal='User::"alice'),               # unterminated string
    request(context="[1"),                           # context text that is not JSON
    request(context=[1, 2]),                         # context that is not a record
    request(contxt={"blocked": True}),               # misspelt key: must not become {}
    {k: v for k, v in ALICE_VIEW_PHOTO.items() if k != "action"},
    request(principal=None),
    request(context={"x": float("nan")}),
], ids=["bare-id", "unterminated", "context-text", "context-list", "unknown-key",
        "missing-action", "null-principal", "nan"])
def test_malformed_request_raises_even_when_everything_is_permitted(bad_request):
    with pytest.raises(CordonError):
        cordon.is_authorized(bad_request, PERMIT_ALL, [])


@pytest.mark.parametrize("bad_entities", [
    [{"uid": 5}],
    [{"uid": {"type": "User", "id": "alice"}, "attrs": {}, "parents": "Role::\"x\""}],
    {"not": "a list"},
], ids=["uid-not-a-reference", "parents-not-a-list", "not-a-list"])
def test_malformed_entities_raise_even_when_everything_is_permitted(bad_entities):
    with pytest.raises(CordonError):
        cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, bad_entities)


def test_malformed_schema_raises():
    with pytest.raises(CordonError):
        cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, [], schema="entity User {{{")
    with pytest.raises(CordonError):
        cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, [], schema='{"": {"entityTypes": 5}}')


# --- schemas -----------------------------------------------------------------------------

CEDAR_SCHEMA = """
entity Role;
entity User in [Role] { age?: Long };
entity Photo;
action view appliesTo { principal: User, resource: Photo, context: { blocked?: Bool } };
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
            "blocked": {"type": "Boolean", "required": False}}}}}},
}}


@pytest.mark.parametrize("schema", [CEDAR_SCHEMA, JSON_SCHEMA, json.dumps(JSON_SCHEMA)],
                         ids=["cedar-text", "json-dict", "json-text"])
def test_schema_in_each_form(schema):
    assert cordon.is_authorized(ALICE_VIEW_PHOTO, PHOTO_POLICIES, ENTITIES, schema=schema).allowed
    blocked = cordon.is_authorized(request(context={"blocked": True}), PHOTO_POLICIES, ENTITIES,
                                   schema=schema)
    assert blocked.decision == Decision.Deny
    assert blocked.diagnostics.reasons == ["policy1"]


@pytest.mark.parametrize("bad_request", [
    request(principal='Role::"viewer"'),       # view does not apply to a Role
    request(context={"blocked": "yes"}),        # blocked is a Bool
    request(context={"unknown": True}),         # undeclared context attribute
], ids=["principal-type", "context-type", "context-attribute"])
def test_request_that_breaks_the_schema_raises(bad_request):
    with pytest.raises(CordonError):
        cordon.is_authorized(bad_request, PERMIT_ALL, ENTITIES, schema=CEDAR_SCHEMA)


def test_entities_that_break_the_schema_raise():
    wrong_type = [{"uid": {"type": "User", "id": "alice"}, "attrs": {"age": "thirty"},
                   "parents": []}]
    with pytest.raises(CordonError):
        cordon.is_authorized(ALICE_VIEW_PHOTO, PERMIT_ALL, wrong_type, schema=CEDAR_SCHEMA)


def test_arguments_of_the_wrong_type_raise_type_error():
    with pytest.raises(TypeError):
        cordon.is_authorized([ALICE_VIEW_PHOTO], PERMIT_ALL, [])
    with pytest.raises(TypeError):
        cordon.is_authorized(ALICE_VIEW_PHOTO, 42, [])
    with pytest.raises(TypeError):
        cordon.is_authorized_json(b"{}")


# --- batches -----------------------------------------------------------------------------


def test_batch_answers_each_request_in_order():
    requests = [ALICE_VIEW_PHOTO, request(principal='User::"bob"'),
                request(context={"blocked": True}), ALICE_VIEW_PHOTO]
    results = cordon.is_authorized_batch(requests, PHOTO_POLICIES, ENTITIES)
    assert [r.decision for r in results] == [Decision.Allow, Decision.Deny, Decision.Deny,
                                             Decision.Allow]
    assert [r.diagnostics.reasons for r in results] == [["policy0"], [], ["policy1"], ["policy0"]]


def test_empty_batch_still_checks_the_policies():
    assert cordon.is_authorized_batch([], PERMIT_ALL, []) == []
    with pytest.raises(CordonError):
        cordon.is_authorized_batch([], "permit(", [])


def test_batch_error_names_the_request():
    with pytest.raises(CordonError, match=r"requests\[1\]"):
        cordon.is_authorized_batch([ALICE_VIEW_PHOTO, request(principal="alice")], PERMIT_ALL, [])


# --- Engine ------------------------------------------------------------------------------


def test_engine_answers_like_the_stateless_call():
    engine = Engine(PHOTO_POLICIES, ENTITIES)
    for each in [ALICE_VIEW_PHOTO, request(principal='User::"bob"'),
                 request(context={"blocked": True})]:
        assert engine.is_authorized(each).answer == \
            cordon.is_authorized(each, PHOTO_POLICIES, ENTITIES).answer


def test_engine_entities_can_be_replaced_per_request():
    engine = Engine(PHOTO_POLICIES, ENTITIES)
    assert engine.is_authorized(ALICE_VIEW_PHOTO).allowed
    # Without the membership in Role::"viewer", alice may not view.
    assert not engine.is_authorized(ALICE_VIEW_PHOTO, entities=[]).allowed
    assert engine.is_authorized(ALICE_VIEW_PHOTO).allowed


def test_engine_batch():
    engine = Engine(PHOTO_POLICIES, json.dumps(ENTITIES))
    results = engine.is_authorized_batch([ALICE_VIEW_PHOTO, request(principal='User::"bob"')])
    assert [r.allowed for r in results] == [True, False]


def test_engine_rejects_bad_policies_at_construction():
    with pytest.raises(CordonError) as raised:
        Engine("permit(principal, action, resource) when { ;")
    assert LOCATION.search(str(raised.value)), str(raised.value)


def test_engine_reads_its_entities_once_and_refuses_bad_ones_at_construction():
    # The default entities are parsed when the Engine is made (not on every call), so
    # entities that do not parse raise there, with where they went wrong.
    with pytest.raises(CordonError) as raised:
        Engine(PHOTO_POLICIES, '[{"uid": {"type": "User", "id": "alice"}, "attrs": {}}')
    assert "entities" in str(raised.value)
    with pytest.raises(CordonError):
        Engine(PHOTO_POLICIES, [{"uid": {"type": "User", "id": "alice"}}])


def test_engine_with_a_schema_answers_like_the_stateless_call():
    engine = Engine(PHOTO_POLICIES, ENTITIES, schema=JSON_SCHEMA)
    for each in [ALICE_VIEW_PHOTO, request(principal='User::"bob"'),
                 request(context={"blocked": True})]:
        assert engine.is_authorized(each).answer == \
            cordon.is_authorized(each, PHOTO_POLICIES, ENTITIES, schema=JSON_SCHEMA).answer
    with pytest.raises(CordonError):
        engine.is_authorized(request(context={"blocked": "yes"}))


def test_engine_rejects_a_bad_schema_at_construction():
    with pytest.raises(CordonError):
        Engine(PERMIT_ALL, schema="entity User in [")


def test_engine_raises_for_malformed_requests():
    engine = Engine(PERMIT_ALL)
    with pytest.raises(CordonError):
        engine.is_authorized(request(principal="alice"))
    with pytest.raises(CordonError):
        engine.is_authorized(ALICE_VIEW_PHOTO, entities="[")


# --- JSON passthrough and versions -------------------------------------------------------


def test_is_authorized_json_passes_text_through():
    call = ('{"principal":{"type":"User","id":"alice"},"action":{"type":"Action","id":"view"},'
            '"resource":{"type":"Photo","id":"a"},"context":{"n":9223372036854775807},'
            '"policies":{"staticPolicies":"permit(principal, action, resource) when '
            '{ context.n == 9223372036854775807 };"},"entities":[]}')
    answer = cordon.is_authorized_json(call)
    assert isinstance(answer, str)
    assert json.loads(answer)["response"]["decision"] == "allow"


def test_is_authorized_json_answers_failure_instead_of_raising():
    answer = json.loads(cordon.is_authorized_json("{not json"))
    assert answer["type"] == "failure"
    assert answer["errors"][0]["message"]


def test_versions():
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[-+.].*)?", cordon.version())
    assert cordon.__version__ == cordon.version()
    assert re.fullmatch(r"\d+\.\d+(?:\.\d+)?", cordon.cedar_language_version())


def test_installed_package_ships_its_types_and_module():
    package = Path(cordon.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_native.pyi").is_file()
    assert Path(cordon._native.__file__).parent == package


# --- threads -----------------------------------------------------------------------------


def test_decisions_from_several_threads_share_one_engine():
    engine = Engine(PHOTO_POLICIES, ENTITIES)
    cases = [(ALICE_VIEW_PHOTO, True), (request(principal='User::"bob"'), False),
             (request(context={"blocked": True}), False)]
    failures = []

    def work(worker):
        for i in range(200):
            each, expected = cases[(worker + i) % len(cases)]
            stateless = cordon.is_authorized(each, PHOTO_POLICIES, ENTITIES).allowed
            if engine.is_authorized(each).allowed != expected or stateless != expected:
                failures.append((worker, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def slow_call(minimum_seconds):
    """A call that keeps the engine busy for at least minimum_seconds (a large policy set)."""
    count = 2000
    while True:
        policies = "\n".join(
            f'permit(principal == User::"u{i}", action, resource) when {{ context.n > {i} }};'
            for i in range(count))
        call = json.dumps({**{k: {"type": t, "id": i} for k, t, i in [
            ("principal", "User", "alice"), ("action", "Action", "view"),
            ("resource", "Photo", "a")]}, "context": {"n": 1},
            "policies": {"staticPolicies": policies}, "entities": []})
        started = time.perf_counter()
        cordon.is_authorized_json(call)
        elapsed = time.perf_counter() - started
        if elapsed >= minimum_seconds or count >= 1_000_000:
            return call, elapsed
        count = int(count * min(8.0, 1.5 * minimum_seconds / max(elapsed, 1e-4)))


def test_engine_runs_without_the_gil():
    call, elapsed = slow_call(0.2)
    assert elapsed >= 0.1, "could not make a call slow enough to observe"
    # A Python thread keeps noting the longest pause between its steps. If the call held
    # the GIL, that thread would stop for the whole call.
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
    cordon.is_authorized_json(call)
    elapsed = time.perf_counter() - started
    stop.set()
    watcher.join()
    assert longest_pause[0] < elapsed / 2, (longest_pause[0], elapsed)
