"""Verification: webhook signatures, outbound URLs and stored-digest credentials.

The same checks as the native server and the npm package (cordon/verify_json.h), so an
auditor can confirm what a deployment accepts::

    import cordon

    verdict = cordon.verify_webhook(body, request.headers["Stripe-Signature"],
                                    secrets=[stripe_secret])
    verdict.verified, verdict.outcome      # False, "too_old"

    check = cordon.check_outbound_url("https://0x7f.1/hook")
    check.allowed, check.verdict, check.host   # False, "loopback", "127.0.0.1"

    digest = cordon.credential_digest(token)   # "sha256:<hex>": what the server stores
    cordon.check_credential(digest, authorization="Bearer " + token).state   # "valid"

A refused delivery, URL or credential is a result that says why; only a malformed call
raises ``VerificationError``. Secrets are passed to the engine inside the call's text; the
copies it makes are wiped, the Python strings remain the caller's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from cordon import _native
from cordon.results import CordonError

TextArg = Union[str, bytes]


class VerificationError(CordonError):
    """A verification call the engine refused as malformed (``kind`` ``"verification"`` or
    ``"json"``): a secret that is not a string, a tolerance out of range, ... Its messages
    never contain a secret."""


@dataclass(frozen=True)
class WebhookVerdict:
    """The outcome of a webhook signature check.

    ``outcome`` is ``"verified"``, ``"unset"`` (no secret configured), ``"misconfigured"``,
    ``"malformed"``, ``"no_signature"``, ``"mismatch"``, ``"too_old"``, ``"too_new"``,
    ``"replayed"`` or ``"store_failed"``. Once a signature matched, ``replay_key`` names the
    delivery (remember it until ``replay_expires_at`` to refuse replays) and
    ``secret_index`` which secret matched."""

    verified: bool
    outcome: str
    message: str
    timestamp: Optional[int]
    replay_key: Optional[str]
    replay_expires_at: Optional[int]
    secret_index: Optional[int]

    def __bool__(self) -> bool:
        return self.verified


@dataclass(frozen=True)
class UrlCheck:
    """Whether the server may send requests to a URL. ``verdict`` is ``"allowed"``,
    ``"malformed"``, ``"not_https"``, ``"userinfo"``, ``"port_not_allowed"``,
    ``"local_name"``, ``"unspecified"``, ``"loopback"``, ``"private"``, ``"link_local"``,
    ``"multicast"`` or ``"reserved"``; ``address`` is set when the host is an IP address in
    any of its forms (``2130706433`` is ``127.0.0.1``)."""

    allowed: bool
    verdict: str
    message: str
    host: Optional[str]
    port: Optional[int]
    address: Optional[str]
    address_class: Optional[str]

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class CredentialCheck:
    """A presented credential against its stored digest: ``state`` is ``"valid"``,
    ``"invalid"``, ``"missing"`` or ``"unset"`` (nothing configured: refused), the words a
    route request's ``credentials`` uses."""

    state: str
    message: str

    @property
    def ok(self) -> bool:
        return self.state == "valid"

    def __bool__(self) -> bool:
        return self.ok


def _text(value: TextArg, name: str) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise VerificationError([f"{name} is not UTF-8 text"]) from None
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")


def _call(native_call: Any, call: Mapping[str, Any]) -> Dict[str, Any]:
    answer = json.loads(native_call(json.dumps(call, ensure_ascii=False, separators=(",", ":"))))
    if answer.get("type") != "success":
        raise VerificationError.from_failure(answer)
    return answer


class ReplayStore:
    """Accepted webhook deliveries in this process's memory (thread-safe), each accepted
    once while the store lives. When ``capacity`` unexpired deliveries are held, verification
    fails closed (outcome ``"store_failed"``). Pass it to ``verify_webhook(replay_store=...)``.
    The native server's SQLite store shares deliveries between processes."""

    __slots__ = ("_native",)

    def __init__(self, capacity: int = 100000) -> None:
        if not isinstance(capacity, int) or capacity < 1:
            raise ValueError("capacity must be a positive integer")
        self._native = _native.MemoryReplayStore(capacity)

    def __len__(self) -> int:
        return len(self._native)


def _webhook_call(payload: TextArg, signature: Optional[str], secrets: Iterable[TextArg],
                  scheme: str, timestamp: Optional[str], now: Optional[int],
                  tolerance_seconds: Optional[int], replay_scope: Optional[str]) -> Dict[str, Any]:
    if isinstance(secrets, (str, bytes)):
        raise TypeError("secrets must be a list of secrets, not one string")
    call: Dict[str, Any] = {"scheme": scheme, "payload": _text(payload, "payload")}
    if signature is not None:
        call["signature"] = signature
    if timestamp is not None:
        call["timestamp"] = timestamp
    call["secrets"] = [_text(secret, "a secret") for secret in secrets]
    if now is not None:
        call["now"] = now
    if tolerance_seconds is not None:
        call["toleranceSeconds"] = tolerance_seconds
    if replay_scope is not None:
        call["replayScope"] = replay_scope
    return call


def verify_webhook(payload: TextArg, signature: Optional[str], secrets: Iterable[TextArg], *,
                   scheme: str = "stripe", timestamp: Optional[str] = None,
                   now: Optional[int] = None, tolerance_seconds: Optional[int] = None,
                   replay_scope: Optional[str] = None,
                   replay_store: Optional[ReplayStore] = None) -> WebhookVerdict:
    """Checks an HMAC-SHA-256 webhook signature over ``"<timestamp>.<payload>"``.

    ``signature`` is the Stripe-Signature header (``scheme="stripe"``, ``t=...,v1=...``) or
    the generic signature header (``sha256=<hex>``, with the timestamp header given as
    ``timestamp``); None when the request had none. ``secrets`` are the configured secrets
    (current first, the previous one during a rotation); an empty list refuses everything.
    ``now`` defaults to the clock, ``tolerance_seconds`` to 300."""
    call = _webhook_call(payload, signature, secrets, scheme, timestamp, now, tolerance_seconds,
                         replay_scope)
    native_call = (replay_store._native.verify_webhook if replay_store is not None else
                   _native.verify_webhook_json)
    result = _call(native_call, call)["result"]
    return WebhookVerdict(result["verified"], result["outcome"], result["message"],
                          result["timestamp"], result["replayKey"], result["replayExpiresAt"],
                          result["secretIndex"])


def sign_webhook(payload: TextArg, secret: TextArg, timestamp: int, *,
                 scheme: str = "stripe") -> str:
    """The header a sender attaches: ``t=<timestamp>,v1=<hex>`` (stripe) or ``sha256=<hex>``
    (generic, sent with the timestamp in its own header)."""
    return _call(_native.sign_webhook_json, {
        "scheme": scheme, "secret": _text(secret, "secret"), "timestamp": timestamp,
        "payload": _text(payload, "payload")})["signature"]


def check_outbound_url(url: str, allowed_ports: Optional[Iterable[int]] = None) -> UrlCheck:
    """May the server send requests to ``url``? https only, no userinfo, no loopback,
    private, link-local, multicast or reserved address in any IPv4 or IPv6 form, no local
    names (localhost, *.local, *.internal, single labels); ``allowed_ports`` limits the port
    (default: any). Domain names are judged by their text: resolve them and check the
    addresses with the native CLI (``cordon url check --resolve``) where DNS matters."""
    call: Dict[str, Any] = {"url": url}
    if allowed_ports is not None:
        call["allowedPorts"] = list(allowed_ports)
    result = _call(_native.check_outbound_url_json, call)["result"]
    return UrlCheck(result["allowed"], result["verdict"], result["message"], result["host"],
                    result["port"], result["address"], result["addressClass"])


def check_credential(digest: Optional[str], *, authorization: Optional[str] = None,
                     presented: Optional[TextArg] = None) -> CredentialCheck:
    """Compares a presented credential with its stored digest (``"sha256:<hex>"``; None or
    ``""`` when not configured, which refuses everything). Give ``authorization``, an
    Authorization header's value (``"Bearer <token>"``), or ``presented``, the secret itself."""
    if (authorization is None) == (presented is None):
        raise TypeError("give one of authorization= or presented=")
    call: Dict[str, Any] = {"digest": digest}
    if authorization is not None:
        call["authorization"] = authorization
    else:
        call["presented"] = _text(presented, "presented")  # type: ignore[arg-type]
    result = _call(_native.check_credential_json, call)["result"]
    return CredentialCheck(result["state"], result["message"])


def credential_digest(token: TextArg) -> str:
    """The digest to store for a bearer token or operation secret: ``"sha256:<hex>"``. Raises
    ``VerificationError`` for a token shorter than 32 characters or with characters a bearer
    token cannot hold."""
    return _call(_native.credential_digest_json, {"token": _text(token, "token")})["digest"]


def verify_webhook_json(call_json: str) -> str:
    """The engine's verify_webhook on JSON text, answering JSON text (never raises)."""
    return _native.verify_webhook_json(call_json)


def sign_webhook_json(call_json: str) -> str:
    """The engine's sign_webhook on JSON text."""
    return _native.sign_webhook_json(call_json)


def check_outbound_url_json(call_json: str) -> str:
    """The engine's check_outbound_url on JSON text."""
    return _native.check_outbound_url_json(call_json)


def check_credential_json(call_json: str) -> str:
    """The engine's check_credential on JSON text."""
    return _native.check_credential_json(call_json)


def credential_digest_json(call_json: str) -> str:
    """The engine's credential_digest on JSON text."""
    return _native.credential_digest_json(call_json)


__all__: List[str] = [
    "CredentialCheck", "ReplayStore", "UrlCheck", "VerificationError", "WebhookVerdict",
    "check_credential", "check_credential_json", "check_outbound_url", "check_outbound_url_json",
    "credential_digest", "credential_digest_json", "sign_webhook", "sign_webhook_json",
    "verify_webhook", "verify_webhook_json",
]
