"""cordon: Cedar authorization from a C++ engine, with cedarpy's API.

    import cordon

    result = cordon.is_authorized(
        {"principal": 'User::"alice"', "action": 'Action::"view"',
         "resource": 'Photo::"a.jpg"', "context": {}},
        'permit(principal == User::"alice", action, resource);',
        [])
    result.decision                  # Decision.Allow
    result.diagnostics.reasons       # ["policy0"]

Malformed policies, entities or requests raise ``CordonError`` (a ``ValueError``)
instead of producing a decision. ``Engine`` parses a policy set once for many
requests; ``is_authorized_json`` is cedar-wasm's JSON-in, JSON-out call. The same
engine, and so the same answers byte for byte, ships as an npm package and a
native library.

The domain calls work on a policy bundle::

    bundle = cordon.Bundle.load("policies/elaygent")     # BundleError if it does not load
    bundle.route({"method": "GET", "path": "/api/tenants/acme/dashboard", "surface": "mobile",
                  "session": {"user": "pat", "roles": ["staff"], "tenant": "acme",
                              "status": "active"}})["allow"]                     # True
    bundle.mask(...), bundle.scrub(...), bundle.gate(...), bundle.matrix(...)  # DomainError

Auditors read and verify a service's audit log (SQLite, SHA-256 hash chain)::

    log = cordon.AuditLog("audit.db")
    log.verify().ok                                  # every altered/missing/moved entry named
    log.query(tenant="acme", limit=100); log.export("csv", tenant="acme")

Webhook signatures, outbound URLs and credentials are checked as the native server checks
them::

    cordon.verify_webhook(body, stripe_signature_header, secrets=[secret]).outcome  # "verified"
    cordon.check_outbound_url("https://[::ffff:10.0.0.1]/").verdict                 # "private"
    cordon.check_credential(digest, authorization="Bearer " + token).state         # "valid"
"""

try:
    from cordon import _native
except ImportError as error:  # pragma: no cover - only without a built module
    raise ImportError(
        "cordon._native is missing: this is probably cordon's source tree rather than the "
        "installed package; install it with `pip install .` and import it from elsewhere"
    ) from error

from cordon.authorize import (Engine, EntitiesArg, EntityRef, PoliciesArg, Request, SchemaArg,
                              is_authorized, is_authorized_batch, is_authorized_json)
from cordon.audit import AuditError, AuditLog, VerifyProblem, VerifyReport
from cordon.bundle import Bundle
from cordon.results import (AuthzResult, BundleError, CordonError, Decision, Diagnostics,
                            DomainError, PolicyError, SignatureError)
from cordon.verify import (CredentialCheck, ReplayStore, UrlCheck, VerificationError,
                           WebhookVerdict, check_credential, check_outbound_url,
                           credential_digest, sign_webhook, verify_webhook)


def version() -> str:
    """The cordon engine's semantic version, the same in every build."""
    return _native.version()


def cedar_language_version() -> str:
    """The Cedar language version whose semantics the engine follows."""
    return _native.cedar_language_version()


__version__ = version()

__all__ = [
    "AuditError", "AuditLog", "VerifyProblem", "VerifyReport",
    "AuthzResult", "Bundle", "BundleError", "CordonError", "Decision", "Diagnostics",
    "DomainError", "Engine", "EntitiesArg", "EntityRef", "PoliciesArg", "PolicyError", "Request",
    "SchemaArg", "SignatureError", "cedar_language_version", "is_authorized",
    "is_authorized_batch", "is_authorized_json", "version",
]
__all__ += [
    "CredentialCheck", "ReplayStore", "UrlCheck", "VerificationError", "WebhookVerdict",
    "check_credential", "check_outbound_url", "credential_digest", "sign_webhook",
    "verify_webhook",
]
