"""What cordon's Python API returns and raises.

An authorization answer is an ``AuthzResult`` shaped like cedarpy's::

    result = cordon.is_authorized(request, policies, entities)
    result.decision                 # Decision.Allow or Decision.Deny
    result.allowed                  # True only for Decision.Allow
    result.diagnostics.reasons      # ["policy0"]: the policies that determined it
    result.diagnostics.errors       # ["error while evaluating policy `policy1`: ..."]

Input the engine cannot use (a policy that does not parse, malformed entities,
an incomplete request) never yields a result: it raises ``CordonError``, so a
caller cannot mistake a broken input for a decision. The domain calls raise its
subclasses: ``BundleError`` (and ``SignatureError``) when a bundle does not load,
``DomainError`` when a route request, mask, scrub, gate or matrix call is malformed.
"""

from __future__ import annotations

import copy
import json
from enum import Enum
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence


class CordonError(ValueError):
    """The engine refused the input; ``str(error)`` is every message, one per line.

    ``messages`` are the engine's messages (with their ``file:line:col`` location
    when the input has one); ``errors`` are the same errors as cedar-wasm's
    DetailedError dicts (``message``, ``help``, ``code``, ``url``, ``severity``).
    """

    def __init__(self, messages: Sequence[str],
                 errors: Optional[Sequence[Mapping[str, Any]]] = None,
                 warnings: Optional[Sequence[Mapping[str, Any]]] = None) -> None:
        self.messages: List[str] = list(messages) or ["unknown error"]
        self.errors: List[Dict[str, Any]] = [dict(e) for e in errors or []]
        self.warnings: List[Dict[str, Any]] = [dict(w) for w in warnings or []]
        super().__init__("\n".join(self.messages))

    @property
    def kind(self) -> Optional[str]:
        """The engine's error kind (``"bundle"``, ``"signature"``, ``"domain"``, ``"json"``,
        ``"io"``, ``"limit"``, ...) when the engine gave one: the ``code`` of the first
        error. The Cedar-level calls give none (cedar-wasm's ``code`` is null there)."""
        for error in self.errors:
            code = error.get("code")
            return code if isinstance(code, str) else None
        return None

    @classmethod
    def from_failure(cls, answer: Mapping[str, Any]) -> "CordonError":
        """Builds the error from cedar-wasm's ``{"type": "failure", "errors": [...]}``."""
        errors = answer.get("errors") or []
        messages = [str(e.get("message", e)) if isinstance(e, Mapping) else str(e) for e in errors]
        return cls(messages, [e for e in errors if isinstance(e, Mapping)],
                   answer.get("warnings") or [])


class BundleError(CordonError):
    """A bundle that did not load: ``str(error)`` is the engine's message with its
    ``file:line:col`` (``policies/elaygent/routes.json:14:17: bundle error: ...``), and
    ``kind`` says what went wrong (``"bundle"``, ``"io"``, ``"limit"``, ``"json"``, ...)."""


class SignatureError(BundleError):
    """A bundle whose signature is required but missing, malformed or not verifying
    (``kind == "signature"``). Its messages never contain a key."""


class DomainError(CordonError):
    """A domain call the engine refused: a malformed route request, an unknown field-mask
    or scrub profile, a gate call without an actor, an undeclared surface, ... The message
    locates the mistake in the call's JSON text (``call:1:42: domain error: ...``)."""


class Decision(Enum):
    """The decision of an authorization request (cedarpy's names)."""
    Allow = "Allow"
    Deny = "Deny"


class PolicyError(NamedTuple):
    """A policy that errored while being evaluated and was therefore skipped."""
    policy_id: str
    message: str


class Diagnostics:
    """Why a decision came out as it did (cedarpy's ``Diagnostics``)."""

    def __init__(self, reasons: List[str], policy_errors: List[PolicyError]) -> None:
        self._reasons = reasons
        self._policy_errors = policy_errors

    @property
    def reasons(self) -> List[str]:
        """Ids of the policies that determined the decision."""
        return list(self._reasons)

    @property
    def errors(self) -> List[str]:
        """One message per errored policy, as cedarpy gives them
        ("error while evaluating policy `policy1`: ...")."""
        return [e.message for e in self._policy_errors]

    @property
    def policy_errors(self) -> List[PolicyError]:
        """The errored policies as (policy_id, message) pairs."""
        return list(self._policy_errors)

    def __repr__(self) -> str:
        return f"Diagnostics(reasons={self._reasons!r}, errors={self.errors!r})"


class AuthzResult:
    """The answer to one request (cedarpy's ``AuthzResult``).

    Made from the engine's answer dict, or (``cordon.Engine``'s native path) from the
    engine's native response, read only when a property asks for it.
    """

    __slots__ = ("_native", "_answer", "_decision", "_diagnostics", "_correlation_id")

    def __init__(self, answer: Mapping[str, Any], correlation_id: Optional[str] = None) -> None:
        response = answer.get("response")
        if not isinstance(response, Mapping):
            raise CordonError([f"engine answer has no response: {json.dumps(answer)[:200]}"])
        named = response.get("decision")
        decision = {"allow": Decision.Allow, "deny": Decision.Deny}.get(str(named))
        if decision is None:
            # Fail closed on anything that is not a decision we know.
            raise CordonError([f"engine answered an unknown decision: {named!r}"])
        self._native = None
        self._answer = answer
        self._decision = decision
        self._correlation_id = correlation_id
        self._diagnostics = _answer_diagnostics(answer)

    @property
    def decision(self) -> Decision:
        native = self._native
        if native is None:
            return self._decision
        return Decision.Allow if native.allowed else Decision.Deny

    @property
    def allowed(self) -> bool:
        native = self._native
        if native is None:
            return self._decision is Decision.Allow
        return native.allowed

    @property
    def diagnostics(self) -> Diagnostics:
        try:
            return self._diagnostics
        except AttributeError:  # a native response's, made on first use
            self._diagnostics = _native_diagnostics(self._native)
            return self._diagnostics

    @property
    def correlation_id(self) -> Optional[str]:
        """The request's ``correlation_id``, handed back unchanged (as cedarpy does)."""
        native = self._native
        if native is None:
            return self._correlation_id
        return native.correlation_id

    @property
    def warnings(self) -> List[Dict[str, Any]]:
        native = self._native
        answer = self._answer if native is None else json.loads(native.answer_json())
        return [dict(w) for w in answer.get("warnings") or []]

    @property
    def answer(self) -> Dict[str, Any]:
        """The engine's cedar-wasm-shaped answer, as parsed JSON."""
        native = self._native
        if native is None:
            return copy.deepcopy(dict(self._answer))
        # The engine's own writer: the same text as the JSON path's answer.
        return json.loads(native.answer_json())

    def __reduce__(self) -> Any:
        # Copies and pickles hold the answer itself, whichever way the result was made.
        return (AuthzResult, (self.answer, self.correlation_id))

    def __getitem__(self, name: str) -> Any:
        # cedarpy allows result["decision"] as well as result.decision.
        return getattr(self, name)

    def __repr__(self) -> str:
        return f"AuthzResult(decision={self.decision}, diagnostics={self.diagnostics!r})"


def _answer_diagnostics(answer: Mapping[str, Any]) -> Diagnostics:
    diagnostics = answer["response"].get("diagnostics") or {}
    return Diagnostics(
        [str(r) for r in diagnostics.get("reason") or []],
        [PolicyError(str(e.get("policyId", "")), str((e.get("error") or {}).get("message", "")))
         for e in diagnostics.get("errors") or []])


def _native_diagnostics(native: Any) -> Diagnostics:
    try:
        return Diagnostics(native.reasons, [PolicyError(*e) for e in native.errors])
    except UnicodeDecodeError:
        # Text that is not UTF-8 (an error message cut inside a character): the answer's
        # writer replaces it as the JSON path does.
        return _answer_diagnostics(json.loads(native.answer_json()))


def _result_of(native: Any) -> AuthzResult:
    """An AuthzResult around a ``_native.Response``, as ``_native.Authorizer`` makes them for
    ``cordon.Engine`` (given ``AuthzResult`` as its result type)."""
    result = object.__new__(AuthzResult)
    result._native = native
    return result
