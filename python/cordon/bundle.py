"""Policy bundles and the domain calls: route decisions, field masks, telemetry scrubbing,
gates and the access matrix, answered by cordon's C++ engine.

    bundle = cordon.Bundle.load("policies/elaygent")       # raises BundleError if it does not load
    decision = bundle.route({"method": "GET", "path": "/api/tenants/acme/dashboard",
                             "surface": "mobile",
                             "session": {"user": "pat", "roles": ["staff"], "tenant": "acme",
                                         "status": "active"}})
    decision["allow"], decision["status"]                  # True, 200
    bundle.mask(payload={...}, viewer={...}, surface="mobile", profile="dashboard")["removed"]
    bundle.gate(workflow="hard_delete_tenant", actor={...}, facts={...})["unmet"]

Every call takes the JSON shapes of ``cordon/domain_json.h`` (docs/bundle-format.md) as a
dict, as keyword arguments or as JSON text, and returns the engine's answer as parsed JSON
(the ``decision``, ``result`` or ``matrix`` of its success answer). A call the engine refuses
raises ``DomainError`` with the engine's message, located in the call's JSON text. The
``*_json`` methods are the same calls on JSON text, answering the engine's JSON text as the
native and WASM builds do, byte for byte; they never raise for malformed input.

Which files belong to a bundle, and every rule about them, is the engine's: ``load`` reads
the directory with the native reader (the CLI's) and ``from_files`` takes the files as read.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from cordon import _native
from cordon.results import BundleError, CordonError, DomainError, SignatureError

#: A domain call: a dict of its members, or its JSON text.
CallArg = Union[str, Mapping[str, Any]]
#: A bundle's files: path relative to the bundle root ("bundle.json", "access.cedar") -> text.
FilesArg = Mapping[str, str]
#: A key option: text, or bytes holding UTF-8 text (an Ed25519 key may be given as 64 hex digits).
KeyArg = Union[str, bytes]


def _dump(value: Any, what: str) -> str:
    try:
        # allow_nan=False: NaN and Infinity are not JSON, and the engine must see only JSON.
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                          default=_jsonable)
    except (TypeError, ValueError) as error:
        raise DomainError([f"{what}: json error: {error}"]) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _call_text(call: Optional[CallArg], members: Mapping[str, Any], what: str) -> str:
    """The call's JSON text: given as text (handed to the engine as it is, which checks it),
    as a mapping, or as keyword arguments."""
    if call is None:
        return _dump(dict(members), what)
    if members:
        raise TypeError(f"{what}: give the call as one dict or as keyword arguments, not both")
    if isinstance(call, str):
        return call
    if isinstance(call, Mapping):
        return _dump(call, what)
    raise TypeError(f"{what} must be a dict or JSON text, not {type(call).__name__}")


def _key_text(value: Optional[KeyArg], name: str) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            # Never show the key itself.
            raise ValueError(f"{name} must be UTF-8 text (give an Ed25519 key as 64 hex "
                             "digits)") from None
    raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")


def _options(require_signature: Optional[str], verification_key: Optional[KeyArg],
             scrub_hash_key: Optional[KeyArg]) -> Dict[str, str]:
    """The "options" of a load_bundle call; the engine checks the values."""
    options = {}
    if require_signature is not None:
        if not isinstance(require_signature, str):
            raise TypeError("require_signature must be \"none\", \"hmac-sha256\" or \"ed25519\"")
        options["requireSignature"] = require_signature
    for name, key, value in (("verification_key", "verificationKey", verification_key),
                             ("scrub_hash_key", "scrubHashKey", scrub_hash_key)):
        text = _key_text(value, name)
        if text is not None:
            options[key] = text
    return options


def _load_error(answer: Mapping[str, Any]) -> BundleError:
    error = BundleError.from_failure(answer)
    if error.kind == "signature":
        return SignatureError(error.messages, error.errors)
    return error


def _decoded(answer_text: str) -> Dict[str, Any]:
    try:
        answer = json.loads(answer_text)
    except ValueError:
        raise CordonError(["engine answered text that is not JSON"]) from None
    if not isinstance(answer, dict) or answer.get("type") not in ("success", "failure"):
        raise CordonError(["engine answered an unknown type"])
    return answer


class Bundle:
    """A loaded, immutable policy bundle. Load it with ``Bundle.load(path)`` or
    ``Bundle.from_files(files)``; one instance may serve many threads (the engine runs
    without holding the GIL)."""

    __slots__ = ("_native",)

    def __init__(self) -> None:
        raise TypeError("load a bundle with Bundle.load(path) or Bundle.from_files(files)")

    @classmethod
    def _loaded(cls, loaded: Tuple[Optional[_native.Bundle], str]) -> "Bundle":
        native, answer_text = loaded
        if native is None:
            raise _load_error(_decoded(answer_text))
        bundle = object.__new__(cls)
        bundle._native = native
        return bundle

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]", bytes], *,
             require_signature: Optional[str] = None, verification_key: Optional[KeyArg] = None,
             scrub_hash_key: Optional[KeyArg] = None) -> "Bundle":
        """Reads and loads the bundle directory ``path``: every file under it, at any depth
        (symbolic links are followed only while they stay inside it).

        :param require_signature: ``"hmac-sha256"`` or ``"ed25519"``: the bundle must carry
            a ``.signatures.json`` that verifies with ``verification_key`` (the HMAC secret,
            or the Ed25519 public key as 64 hex digits). ``None`` or ``"none"``: not checked.
        :param scrub_hash_key: the key of ``hash`` scrubbing (HMAC-SHA-256).
        :raises BundleError: when the directory cannot be read or the bundle does not load;
            the message names ``path/file:line:col``. ``SignatureError`` for a signature.
        """
        options = _dump(_options(require_signature, verification_key, scrub_hash_key), "options")
        return cls._loaded(_native.load_bundle_directory(os.fsencode(os.fspath(path)), options))

    @classmethod
    def from_files(cls, files: FilesArg, *, require_signature: Optional[str] = None,
                   verification_key: Optional[KeyArg] = None,
                   scrub_hash_key: Optional[KeyArg] = None) -> "Bundle":
        """Loads a bundle from its files, ``{relative path: text}``, as the WASM build's
        ``loadBundle({files})`` does. Options as for ``load``.

        :raises BundleError: when the bundle does not load (``SignatureError`` for a
            signature); the message names ``file:line:col`` relative to the bundle.
        """
        if not isinstance(files, Mapping):
            raise TypeError(f"files must be a dict of path -> text, not {type(files).__name__}")
        for name, text in files.items():
            if not isinstance(name, str) or not isinstance(text, str):
                raise TypeError("files must map str paths to str contents")
        call: Dict[str, Any] = {"files": dict(sorted(files.items()))}
        options = _options(require_signature, verification_key, scrub_hash_key)
        if options:
            call["options"] = options
        return cls._loaded(_native.load_bundle(_dump(call, "files")))

    @property
    def name(self) -> str:
        """The manifest's name (bundle.json)."""
        return self._native.name

    @property
    def revision(self) -> str:
        """The manifest's revision."""
        return self._native.revision

    @property
    def digest(self) -> str:
        """Hex SHA-256 over the bundle's files (``sha256sum`` listing; docs/bundle-format.md)."""
        return self._native.digest

    def __repr__(self) -> str:
        return f"Bundle(name={self.name!r}, revision={self.revision!r}, digest={self.digest!r})"

    def _answer(self, evaluate: Callable[[str], str], call: Optional[CallArg],
                members: Mapping[str, Any], what: str, key: str) -> Any:
        answer = _decoded(evaluate(_call_text(call, members, what)))
        if answer["type"] == "failure":
            raise DomainError.from_failure(answer)
        return answer[key]

    def route(self, request: Optional[CallArg] = None, /, **members: Any) -> Dict[str, Any]:
        """Decides a route request ``{method, path, query?, session?, surface, credentials?}``:
        returns the decision (``allow``, ``status``, ``redirect``, ``route``, ``action``,
        ``tenant``, ``params``, ``determining``, ``errors``, ``obligations``, ``explanation``).

        :raises DomainError: for a malformed request (a denied request is a decision).
        """
        return self._answer(self._native.route, request, members, "request", "decision")

    def mask(self, call: Optional[CallArg] = None, /, **members: Any) -> Dict[str, Any]:
        """Applies a field-mask profile: ``{payload, viewer: session, surface, profile}`` ->
        ``{payload, removed, masked, deniedClasses}``: the masked payload, the RFC 6901
        pointers removed and masked, and the field classes the viewer may not read."""
        return self._answer(self._native.mask, call, members, "call", "result")

    def scrub(self, call: Optional[CallArg] = None, /, **members: Any) -> Dict[str, Any]:
        """Scrubs a telemetry event with a scrub profile: ``{event, profile}`` ->
        ``{event, removed, replaced}``: the scrubbed event and the RFC 6901 pointers of the
        keys removed and of the values replaced, masked or hashed."""
        return self._answer(self._native.scrub, call, members, "call", "result")

    def gate(self, call: Optional[CallArg] = None, /, **members: Any) -> Dict[str, Any]:
        """Checks a gated workflow: ``{workflow, actor: session, facts?}`` -> ``{allowed,
        workflow, unmet: [{gate, message, ...}], errors, deletionPlan, retention,
        explanation}``, listing every unmet gate."""
        return self._answer(self._native.gate, call, members, "call", "result")

    def matrix(self, call: Optional[CallArg] = None, /, **members: Any) -> Union[Dict[str, Any],
                                                                                str]:
        """The access matrix (roles x routes) on a surface: ``{surface?: "desktop", format?:
        "json"}``; a dict for ``json``, the text for ``markdown``, ``csv`` and ``html``."""
        if call is None and not members:
            call = "{}"
        return self._answer(self._native.matrix, call, members, "call", "matrix")

    def route_json(self, request_json: str) -> str:
        """``route`` on JSON text, answering the engine's JSON text."""
        return self._native.route(_text(request_json, "request_json"))

    def mask_json(self, call_json: str) -> str:
        """``mask`` on JSON text, answering the engine's JSON text."""
        return self._native.mask(_text(call_json, "call_json"))

    def scrub_json(self, call_json: str) -> str:
        """``scrub`` on JSON text, answering the engine's JSON text."""
        return self._native.scrub(_text(call_json, "call_json"))

    def gate_json(self, call_json: str) -> str:
        """``gate`` on JSON text, answering the engine's JSON text."""
        return self._native.gate(_text(call_json, "call_json"))

    def matrix_json(self, call_json: str) -> str:
        """``matrix`` on JSON text, answering the engine's JSON text."""
        return self._native.matrix(_text(call_json, "call_json"))


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    return value
