"""Authorization with cedarpy's arguments, answered by cordon's C++ engine.

Arguments are converted into cedar-wasm's AuthorizationCall JSON text and handed
to ``cordon._native``; the engine decides, and its answer is converted back into
an ``AuthzResult`` or raised as ``CordonError``. An ``Engine`` hands its request dicts
to ``_native.Authorizer`` instead, which converts them straight into the engine's
request (no JSON text either way) and sends any request it cannot convert exactly down
the JSON path. Nothing here decides anything::

    request = {"principal": 'User::"alice"', "action": 'Action::"view"',
               "resource": 'Photo::"a.jpg"', "context": {"mfa": True}}
    cordon.is_authorized(request, 'permit(principal, action, resource);', []).allowed  # True

    engine = cordon.Engine(policy_text, entities)   # parses the policies once
    engine.is_authorized(request)                   # then answers fast, from any thread
"""

from __future__ import annotations

import json
import logging
import time
from typing import (Any, Callable, Iterable, List, Mapping, Optional, Sequence, Tuple, TypeVar,
                    Union)

from cordon import _native
from cordon.results import AuthzResult, CordonError

#: An entity reference: Cedar text ``'User::"alice"'`` or ``{"type": "User", "id": "alice"}``.
EntityRef = Union[str, Mapping[str, Any]]
#: ``{"principal", "action", "resource"}`` plus optional ``"context"`` and ``"correlation_id"``.
Request = Mapping[str, Any]
#: Cedar policy text, or a cedar-wasm PolicySet object (``{"staticPolicies": ..., ...}``).
PoliciesArg = Union[str, Mapping[str, Any]]
#: Cedar's entities JSON: a list of ``{"uid", "attrs", "parents"}`` dicts, or the list as text.
EntitiesArg = Union[str, Sequence[Mapping[str, Any]]]
#: A schema: its JSON form (a dict or JSON text) or Cedar schema text.
SchemaArg = Union[str, Mapping[str, Any]]

_ENTITY_KEYS = ("principal", "action", "resource")
_REQUEST_KEYS = _ENTITY_KEYS + ("context", "correlation_id")

_log = logging.getLogger("cordon")


def _dump(value: Any) -> str:
    return _ENCODER.encode(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# One encoder for every call: json.dumps with options builds a new one each time, which
# cost more than the decision itself. allow_nan=False: NaN and Infinity are not JSON, and
# the engine must see only JSON.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                            default=_jsonable)


def _json_text(value: Any, what: str) -> str:
    """JSON text for value. A str is taken to be JSON text already: it is checked to be
    exactly one JSON value, so it can be placed into the call as it is (its numbers
    stay exact, and it cannot add members to the call around it)."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except json.JSONDecodeError as error:
            raise CordonError([f"{what}:{error.lineno}:{error.colno}: json error: {error.msg}"
                               ]) from None
        return value
    return _to_json(value, what)


def _to_json(value: Any, what: str) -> str:
    try:
        return _dump(value)
    except ValueError as error:
        raise CordonError([f"{what}: json error: {error}"]) from None


def _policies_json(policies: PoliciesArg) -> str:
    if isinstance(policies, str):
        return _dump({"staticPolicies": policies})
    if isinstance(policies, Mapping):
        return _json_text(policies, "policies")
    raise TypeError(
        f"policies must be Cedar text or a PolicySet dict, not {type(policies).__name__}")


def _entities_json(entities: Optional[EntitiesArg]) -> str:
    if entities is None:
        return "[]"
    return _json_text(entities, "entities")


def _schema_json(schema: Optional[SchemaArg]) -> Optional[str]:
    if schema is None:
        return None
    if isinstance(schema, str):
        # cedarpy takes the JSON form as text too; cedar-wasm wants it as an object and
        # Cedar schema text as a string. Cedar schema text never starts with "{".
        if schema.lstrip().startswith("{"):
            return _json_text(schema, "schema")
        return _dump(schema)
    if isinstance(schema, Mapping):
        return _json_text(schema, "schema")
    raise TypeError(f"schema must be a dict or text, not {type(schema).__name__}")


def _schema_text(schema: SchemaArg) -> str:
    """The schema as text for the engine's schema reader: Cedar schema text as it is, the
    JSON form as JSON text (what _schema_json puts into a call, unquoted)."""
    if isinstance(schema, str):
        return schema
    return _schema_json(schema) or ""


def _request_json(request: Request) -> Tuple[str, Optional[str]]:
    """The request's members of the call (without braces) and its correlation id."""
    if not isinstance(request, Mapping):
        raise TypeError(f"request must be a dict, not {type(request).__name__}")
    for key in request:
        if key not in _REQUEST_KEYS:
            # A misspelt "context" must not quietly become an empty context.
            raise CordonError(
                [f"request: unknown key {key!r}; expected {', '.join(_REQUEST_KEYS)}"])
    members = []
    for key in _ENTITY_KEYS:
        if request.get(key) is None:
            raise CordonError([f"request: missing {key!r}"])
        members.append(f'"{key}":{_to_json(request[key], key)}')
    context = request.get("context")
    members.append('"context":' + ("{}" if context is None else _json_text(context, "context")))
    return ",".join(members), request.get("correlation_id")


def _decode(answer_text: str) -> Mapping[str, Any]:
    """The engine's answer as a dict when it succeeded; CordonError when it failed."""
    try:
        answer = json.loads(answer_text)
    except ValueError:
        raise CordonError(["engine answered text that is not JSON"]) from None
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind == "success":
        return dict(answer)
    if kind == "failure":
        raise CordonError.from_failure(answer)
    raise CordonError([f"engine answered an unknown type: {kind!r}"])


def _describe(entity: Any) -> str:
    if isinstance(entity, Mapping):
        inner = entity.get("__entity", entity)
        if isinstance(inner, Mapping):
            return f"{inner.get('type')}::{json.dumps(inner.get('id'))}"
    return str(entity)


def _authorize(request: Request, shared_members: str, evaluate: Callable[[str], str],
               verbose: bool) -> AuthzResult:
    request_members, correlation_id = _request_json(request)
    started = time.perf_counter()
    answer = _decode(evaluate("{" + request_members + "," + shared_members + "}"))
    result = AuthzResult(answer, correlation_id)
    if verbose:
        # Only the entity references: context and entities may hold data that must not be logged.
        _log.info("%s %s %s -> %s (reasons: %s; errors: %s) in %.3f ms",
                  *(_describe(request[key]) for key in _ENTITY_KEYS), result.decision.value,
                  ", ".join(result.diagnostics.reasons) or "none",
                  ", ".join(e.policy_id for e in result.diagnostics.policy_errors) or "none",
                  (time.perf_counter() - started) * 1000)
    return result


_Item = TypeVar("_Item")


def _authorize_each(items: Iterable[_Item], authorize_one: Callable[[_Item], AuthzResult]
                    ) -> List[AuthzResult]:
    results = []
    for index, item in enumerate(items):
        try:
            results.append(authorize_one(item))
        except CordonError as error:
            raise CordonError([f"requests[{index}]: {m}" for m in error.messages], error.errors,
                              error.warnings) from None
    return results


def _stateless_members(policies: PoliciesArg, entities: Optional[EntitiesArg],
                       schema: Optional[SchemaArg]) -> str:
    members = f'"policies":{_policies_json(policies)},"entities":{_entities_json(entities)}'
    schema_json = _schema_json(schema)
    if schema_json is not None:
        members += f',"schema":{schema_json}'
    return members


def is_authorized(request: Request, policies: PoliciesArg,
                  entities: Optional[EntitiesArg], schema: Optional[SchemaArg] = None,
                  verbose: bool = False) -> AuthzResult:
    """Decides one request, like ``cedarpy.is_authorized``.

    :param request: ``principal``, ``action``, ``resource`` as Cedar text
        (``'User::"alice"'``) or ``{"type", "id"}`` dicts; optional ``context``
        (a dict or JSON text) and ``correlation_id``. Any other key is an error.
    :param policies: Cedar policy text (or a cedar-wasm PolicySet dict).
    :param entities: a list of entity dicts, or the same as JSON text.
    :param schema: optional schema, as a dict, JSON text or Cedar schema text.
    :param verbose: log each decision (entity references, decision, policy ids,
        time) at INFO level on the ``cordon`` logger.
    :raises CordonError: when any input is malformed; there is then no decision.
    """
    return _authorize(request, _stateless_members(policies, entities, schema),
                      _native.is_authorized_json, verbose)


def is_authorized_batch(requests: Iterable[Request], policies: PoliciesArg,
                        entities: Optional[EntitiesArg],
                        schema: Optional[SchemaArg] = None,
                        verbose: bool = False) -> List[AuthzResult]:
    """Decides each request independently, like ``cedarpy.is_authorized_batch``;
    results are in request order. The policies and schema are parsed once for the batch.

    :raises CordonError: when the policies, entities, schema or any request is
        malformed (the message names the request's index).
    """
    return Engine(policies, entities, schema).is_authorized_batch(requests, verbose=verbose)


def is_authorized_json(call_json: str) -> str:
    """cedar-wasm's ``isAuthorized``: an AuthorizationCall as JSON text in, the
    AuthorizationAnswer as JSON text out. Integers stay exact 64-bit values. Never
    raises for malformed input: the answer is then ``{"type": "failure", ...}``."""
    if not isinstance(call_json, str):
        raise TypeError(f"call_json must be str, not {type(call_json).__name__}")
    return _native.is_authorized_json(call_json)


class Engine:
    """A policy set (and schema) parsed once, with default entities, answering many requests.

    Construction parses the policies, the entities and the schema (raising ``CordonError``
    if any does not parse); ``is_authorized`` then only converts the request. An Engine
    never changes after construction, so one instance may serve many threads; the engine
    runs without holding the GIL.

    Requests take the native path: ``_native.Authorizer`` turns the request dict into the
    engine's request and hands back its response, no JSON text on the way (with a schema,
    only the context goes as JSON text, to be read with the schema). A request it does not
    convert exactly (anything but plain dicts, str, int, bool, lists; any request the
    engine refuses) and a call with ``entities`` or ``verbose`` take the JSON path instead
    (the calls ``stateful_is_authorized`` answers), so answers and errors are the JSON
    path's.
    """

    # Each Engine has its own store, so one name for its policy set and schema is enough.
    _NAME = "cordon.Engine"

    def __init__(self, policies: PoliciesArg, entities: Optional[EntitiesArg] = None,
                 schema: Optional[SchemaArg] = None) -> None:
        self._authorizer: Optional[_native.Authorizer] = None
        # The JSON path: (store, its members naming the policy set and schema, and the
        # entities). Made here for an Engine with a schema (so it raises here as it always
        # has), else when the native Authorizer cannot be made, or when a call first needs it.
        self._json_path: Optional[Tuple[_native.PolicyStore, str, str]] = None
        if schema is not None:
            self._json_path = self._read_json_path(_policies_json(policies), entities, schema)
        try:
            policies_json = _policies_json(policies)
            entities_json = _entities_json(entities)
            # Cedar schema text or JSON schema text: what the JSON path's store reads.
            schema_text = None if schema is None else _schema_text(schema)
            # Its answers come as AuthzResults holding the engine's response (_result_of).
            self._authorizer = _native.Authorizer(policies_json, entities_json, AuthzResult,
                                                  schema_text)
        except (TypeError, ValueError):
            pass  # the JSON path, read below (or above), raises the exact error it always has
        else:
            self._texts = (policies_json, entities_json)
        if self._authorizer is None and self._json_path is None:
            self._json_path = self._read_json_path(_policies_json(policies), entities, schema)

    @classmethod
    def _read_json_path(cls, policies_json: str, entities: Optional[EntitiesArg],
                        schema: Optional[SchemaArg]) -> Tuple[_native.PolicyStore, str, str]:
        store = _native.PolicyStore()
        _decode(store.preparse_policy_set(cls._NAME, policies_json))
        schema_json = _schema_json(schema)
        preparsed = f'"preparsedPolicySetId":{_dump(cls._NAME)}'
        if schema_json is not None:
            _decode(store.preparse_schema(cls._NAME, schema_json))
            preparsed += f',"preparsedSchemaName":{_dump(cls._NAME)}'
        # The default entities are read once, here, not on every call; with a schema they
        # are read with it, so they travel in each call instead.
        entities_json = _entities_json(entities)
        if schema_json is None:
            _decode(store.preparse_entities(cls._NAME, entities_json))
            shared = f'{preparsed},"preparsedEntitiesId":{_dump(cls._NAME)}'
        else:
            shared = f'{preparsed},"entities":{entities_json}'
        return store, preparsed, shared

    def _json(self) -> Tuple[_native.PolicyStore, str, str]:
        state = self._json_path
        if state is None:
            # Texts that the Authorizer read, so they read here too. Two threads may both
            # get here: each makes the same state, and either one is kept.
            policies_json, entities_json = self._texts
            state = self._json_path = self._read_json_path(policies_json, entities_json, None)
        return state

    def _members_for(self, entities: Optional[EntitiesArg]) -> str:
        _, preparsed, shared = self._json()
        if entities is None:
            return shared
        return f'{preparsed},"entities":{_entities_json(entities)}'

    def _evaluate(self, call_json: str) -> str:
        return self._json()[0].stateful_is_authorized(call_json)

    def is_authorized(self, request: Request, entities: Optional[EntitiesArg] = None,
                      verbose: bool = False) -> AuthzResult:
        """Decides one request against this engine's policies; ``entities`` replaces
        the engine's entities for this request only."""
        authorizer = self._authorizer
        if authorizer is not None and entities is None and not verbose:
            result = authorizer.decide(request)  # an AuthzResult, made natively
            if result is not None:
                return result
        return _authorize(request, self._members_for(entities), self._evaluate, verbose)

    def is_authorized_batch(self, requests: Iterable[Request],
                            entities: Optional[EntitiesArg] = None,
                            verbose: bool = False) -> List[AuthzResult]:
        """Decides each request independently; results are in request order."""
        authorizer = self._authorizer
        if authorizer is None or entities is not None or verbose:
            shared = self._members_for(entities)
            return _authorize_each(
                requests, lambda request: _authorize(request, shared, self._evaluate, verbose))
        if type(requests) is not list:
            requests = list(requests)
        results = authorizer.decide_batch(requests)
        if None not in results:
            return results
        # Some requests take the JSON path; the first that fails raises, naming its index.
        shared = self._members_for(None)
        return _authorize_each(
            zip(requests, results),
            lambda pair: (pair[1] if pair[1] is not None else
                          _authorize(pair[0], shared, self._evaluate, False)))
