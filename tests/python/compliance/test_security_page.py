"""Compliance suite: ELAYGENT's security page, claim by claim, against policies/elaygent.

One test per claim of the security page (../shared/seed/security-overview.txt: every control
and every "Limits" item that a policy can decide), named after the claim's id. Each test's
docstring quotes the page, then says how cordon decides it; where the page admits a weakness,
the bundle encodes the stronger rule and the test asserts that rule.

Every claim also has shared vectors, tests/vectors/domain/claims-*.json (each case tagged
with its claim in `claim`), which the native, Python and WASM runners all run and whose raw
answers scripts/test-all.sh compares byte for byte. A test here runs its claim's vectors
through the public Python API (cordon.Bundle: route, mask, scrub, gate, matrix), then adds
readable assertions of its own, often over every route of the bundle. The last tests check
that the claims of the vectors and of this file are the same set, and (when the page is at
hand) that every quote is the page's own words.

Runs against the installed package (tests/python/conftest.py); the bundle is the one the
claims vectors name (policies/elaygent), loaded with cordon.Bundle.load.
"""

import inspect
import json
import os
import re
import sys
from pathlib import Path

import pytest

import cordon

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
VECTORS_DIR = Path(os.environ.get("CORDON_VECTORS_DIR") or REPO / "tests" / "vectors").resolve()
CLAIMS_DIR = VECTORS_DIR / "domain"
CLAIM_FILES = sorted(CLAIMS_DIR.glob("claims-*.json"), key=lambda p: p.name)

# The security page, when it is at hand (outside the repository): env CORDON_SECURITY_PAGE, or
# ../shared/seed/security-overview.txt next to the repository.
PAGE = Path(os.environ.get("CORDON_SECURITY_PAGE")
            or REPO.parent / "shared" / "seed" / "security-overview.txt")

PAT = {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}
DANA = {"user": "dana", "roles": ["practice_admin"], "tenant": "acme", "status": "active"}
OPAL = {"user": "opal", "roles": ["platform_admin"], "tenant": "elaygent", "status": "active"}
CORA = {"user": "cora", "roles": ["compliance_officer"], "tenant": "acme", "status": "active"}
TENANT_USERS = {"staff": PAT, "practice_admin": DANA, "compliance_officer": CORA}
EVERYONE = {**TENANT_USERS, "platform_admin": OPAL}
BROWSER_SURFACES = ("desktop", "mobile")


def as_user(session, **changes):
    return {**session, **changes}


# --- the claims vectors ------------------------------------------------------------------

def _read_claim_files():
    documents = {}
    for path in CLAIM_FILES:
        documents[path] = json.loads(path.read_text(encoding="utf-8"))
    return documents


DOCUMENTS = _read_claim_files()
CASES = [(path, case) for path, document in DOCUMENTS.items() for case in document["cases"]]


def _bundle_dir():
    """The bundle every claims file names (relative to the vectors folder)."""
    named = {(CLAIMS_DIR / document["bundle"]).resolve() for document in DOCUMENTS.values()}
    assert len(named) == 1, f"the claims files name different bundles: {sorted(map(str, named))}"
    return named.pop()


BUNDLE_DIR = _bundle_dir() if DOCUMENTS else REPO / "policies" / "elaygent"


@pytest.fixture(scope="module")
def bundle():
    return cordon.Bundle.load(BUNDLE_DIR)


def bundle_file(name):
    """One of the bundle's own JSON files (its declarations), as an auditor reads them."""
    return json.loads((BUNDLE_DIR / name).read_text(encoding="utf-8"))


def mismatch(pattern, answer, at=""):
    """None when `answer` matches the vector's `expected` pattern (an object matches when each
    of its members matches, an array when it has as many items and each matches, anything
    else when equal), else where and how it differs."""
    if isinstance(pattern, dict):
        if not isinstance(answer, dict):
            return f"{at}: expected an object, got {answer!r}"
        for key, value in pattern.items():
            if key not in answer:
                return f"{at}/{key}: missing"
            why = mismatch(value, answer[key], f"{at}/{key}")
            if why:
                return why
        return None
    if isinstance(pattern, list):
        if not isinstance(answer, list) or len(answer) != len(pattern):
            return f"{at}: expected {len(pattern)} items, got {answer!r}"
        for index, (item, got) in enumerate(zip(pattern, answer)):
            why = mismatch(item, got, f"{at}/{index}")
            if why:
                return why
        return None
    if type(pattern) is not type(answer) and not (
            isinstance(pattern, int) and isinstance(answer, int)
            and not isinstance(pattern, bool) and not isinstance(answer, bool)):
        return f"{at}: expected {pattern!r}, got {answer!r}"
    return None if pattern == answer else f"{at}: expected {pattern!r}, got {answer!r}"


def _failure(error):
    return {"type": "failure",
            "errors": [{"message": e.get("message"), "code": e.get("code")} for e in error.errors]}


def _read_files(directory):
    return {p.relative_to(directory).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(directory.rglob("*")) if p.is_file()}


def public_answer(bundle, case):
    """The case's answer through the public API, in the shape of the engine's JSON answer."""
    call = case["call"]
    if call == "load":
        directory = (CLAIMS_DIR / case["input"]["bundle"]).resolve()
        try:
            loaded = cordon.Bundle.from_files(_read_files(directory))
        except cordon.BundleError as error:
            return _failure(error)
        return {"type": "success", "bundle": {"name": loaded.name, "revision": loaded.revision,
                                              "digest": loaded.digest}}
    key = {"route": "decision", "matrix": "matrix"}.get(call, "result")
    try:
        return {"type": "success", key: getattr(bundle, call)(case["input"])}
    except cordon.DomainError as error:
        return _failure(error)


def check_claim(bundle, claim):
    """Runs every vector case of `claim` through the public API and asserts its expected
    pattern; returns the answers (the decision, result or matrix, or the failure) by case name."""
    cases = [case for _, case in CASES if case.get("claim") == claim]
    assert cases, f"no vector case is tagged with claim {claim!r}"
    answers = {}
    for case in cases:
        answer = public_answer(bundle, case)
        why = mismatch(case["expected"], answer)
        assert why is None, f"{case['name']}: {why}\n{json.dumps(answer)[:2000]}"
        payload = [answer[key] for key in ("decision", "result", "matrix") if key in answer]
        answers[case["name"]] = payload[0] if payload else answer
    return answers


# --- the route table, as requests --------------------------------------------------------

def routes():
    return bundle_file("routes.json")["routes"]


def actions_in(group):
    """The actions entities.json puts in the action group `group` (directly)."""
    return {e["uid"]["id"] for e in bundle_file("entities.json")
            if e["uid"]["type"] == "Action"
            and {"type": "Action", "id": group} in e.get("parents", [])}


def protected(route):
    return route.get("session", "required") == "required"


def request_for(route, *, tenant="acme", session=None, surface="desktop", credentials=None):
    """A concrete request for a route pattern: `tenant` wherever the route takes its tenant
    from the path or the query, sample values for the other parameters and wildcards."""
    method, pattern = route["route"].split(" ", 1)
    source = route.get("tenant", "session")
    segments = []
    for segment in pattern.strip("/").split("/"):
        if segment.startswith(":"):
            segments.append(tenant if source == f"path:{segment[1:]}" else f"{segment[1:]}-1")
        elif segment in ("*", "**"):
            segments.append("sample")
        else:
            segments.append(segment)
    path = "/" + "/".join(segments)
    if source.startswith("query:"):
        path += f"?{source[len('query:'):]}={tenant}"
    request = {"method": "GET" if method == "*" else method, "path": path, "surface": surface}
    if session is not None:
        request["session"] = session
    if credentials is not None:
        request["credentials"] = credentials
    return request


def every_credential(state):
    return {name: state for name in bundle_file("bundle.json").get("credentials", {})}


def decisions_by_route(bundle, **request):
    return {route["route"]: bundle.route(request_for(route, **request)) for route in routes()}


# --- claims ------------------------------------------------------------------------------

def test_page_controls_are_verifiable(bundle):
    """Page (introduction): "Each control names the product area that enforces it so
    procurement and security reviewers can verify the claim."

    cordon: every decision names the policies that made it, each with its @message, and
    explains itself in sentences; a gate check names every unmet precondition."""
    answers = check_claim(bundle, "page.controls-are-verifiable")
    denial = answers["denial-names-its-policy-and-message"]
    assert [p["id"] for p in denial["determining"]] == ["tenant-scope-reasserted"]
    assert any("tenant-scope-reasserted" in sentence for sentence in denial["explanation"])
    for decision in decisions_by_route(bundle, session=PAT).values():
        assert decision["explanation"], decision["route"]
        assert all(p["message"] for p in decision["determining"]), decision["route"]
    gate = answers["gate-names-every-unmet-precondition"]
    assert all(any(u["message"] in s for s in gate["explanation"]) for u in gate["unmet"])


def test_roles_three_roles_at_every_protected_route(bundle):
    """Page (Access control, Role-separated access): "Three distinct roles enforced at every
    protected route."

    cordon: platform_admin, practice_admin and staff are Role entities; every route that
    needs a session answers 401 without one and denies a user who holds none of the
    bundle's roles (signing out is the one thing any signed-in user may do)."""
    answers = check_claim(bundle, "roles.three-roles-at-every-protected-route")
    roles = answers["the-three-roles-and-a-custom-one"]["roles"]
    assert {"platform_admin", "practice_admin", "staff"} <= set(roles)
    role_less = as_user(PAT, roles=[])
    allowed_without_role = []
    for route in filter(protected, routes()):
        assert bundle.route(request_for(route))["status"] == 401, route["route"]
        if bundle.route(request_for(route, session=role_less,
                                    credentials=every_credential("valid")))["allow"]:
            allowed_without_role.append(route["route"])
    assert allowed_without_role == ["POST /api/auth/logout"]


def test_roles_staff_never_reach_admin_surfaces(bundle):
    """Page (Access control, Role-separated access): "Staff cannot reach administrator
    surfaces"

    cordon: forbid `staff-never-admin-surface`; on every surface, no route whose action is in
    Action::"admin_surface" lets staff in, not even with a custom role on top."""
    check_claim(bundle, "roles.staff-never-reach-admin-surfaces")
    admin_actions = actions_in("admin_surface")
    assert admin_actions
    for surface in bundle_file("bundle.json")["surfaces"]:
        matrix = bundle.matrix({"surface": surface, "format": "json"})
        staff = matrix["roles"].index("staff")
        for row, action in enumerate(matrix["actions"]):
            if action in admin_actions:
                assert matrix["cells"][row][staff] == "deny", (surface, matrix["routes"][row])


def test_roles_practice_admins_never_reach_platform_surfaces(bundle):
    """Page (Access control, Role-separated access): "practice administrators cannot reach
    cross-tenant platform surfaces."

    cordon: forbid `platform-surface-platform-admins-only`; every route whose action is in
    Action::"platform_surface" (all tenants, tenant export, suspension, hard delete) is denied
    to every role but platform_admin, even for the user's own tenant and with the
    destructive-operations secret."""
    check_claim(bundle, "roles.practice-admins-never-reach-platform-surfaces")
    platform_actions = actions_in("platform_surface")
    assert platform_actions
    for route in routes():
        if route["action"] in platform_actions:
            for role, user in TENANT_USERS.items():
                decision = bundle.route(request_for(route, session=user,
                                                    credentials=every_credential("valid")))
                assert not decision["allow"], (role, route["route"])


def test_roles_recovery_actions_role_split(bundle):
    """Page (Access control, Role-separated access): "Recovery actions on the operator
    dashboard are also role-split (staff can mark contacted; administrators can mark
    converted or lost)."

    cordon: forbid `recovery-outcomes-administrators-only`."""
    answers = check_claim(bundle, "roles.recovery-actions-role-split")
    assert answers["staff-mark-contacted"]["allow"]
    assert not answers["staff-mark-converted-denied"]["allow"]
    assert not answers["staff-mark-lost-denied"]["allow"]
    assert answers["practice-admin-mark-converted"]["allow"]
    assert answers["practice-admin-mark-lost"]["allow"]


def test_roles_custom_roles_supported(bundle):
    """Page (Access control, Role-separated access, Limits): "Custom roles beyond these three
    are not supported today."

    cordon goes further: a custom role is one more Role entity with its own policies. The
    bundle's compliance_officer reads its own tenant's dashboard, calls, leads and audit
    views and changes nothing; a custom role added to staff lifts no staff restriction."""
    check_claim(bundle, "roles.custom-roles-supported")
    allowed = {route["route"] for route in routes() if protected(route)
               and bundle.route(request_for(route, session=CORA))["allow"]}
    assert allowed == {
        "GET /dashboard", "GET /api/tenants/:tenantId/dashboard",
        "GET /api/tenants/:tenantId/calls", "GET /api/tenants/:tenantId/calls/:callId",
        "GET /api/tenants/:tenantId/leads", "GET /api/tenants/:tenantId/audit",
        "GET /api/tenants/:tenantId/audit/export", "GET /api/tenants/:tenantId/audit/recent",
        "POST /api/auth/logout"}
    assert all(route.startswith("GET ") for route in allowed - {"POST /api/auth/logout"})


def test_session_status_rechecked_every_request(bundle):
    """Page (Access control, Per-request session and disabled-user revocation): "Every
    protected request re-fetches the user's `users.status`."

    cordon: every route decision reads the session's status; only `active` users get in
    (`inactive-user-denied` refuses invited, pending, suspended, ... users)."""
    check_claim(bundle, "session.status-rechecked-every-request")
    for status in ("invited", "pending", "suspended", "deleted"):
        for route in filter(protected, routes()):
            decision = bundle.route(request_for(route, session=as_user(OPAL, status=status),
                                                credentials=every_credential("valid")))
            assert not decision["allow"], (status, route["route"])


def test_session_disabled_user_signed_out(bundle):
    """Page (Access control, Per-request session and disabled-user revocation): "A user marked
    `disabled` is signed out on the next request and redirected to `/login?reason=disabled`."

    cordon: forbid `disabled-user-signed-out` (@status 302, @redirect)."""
    answers = check_claim(bundle, "session.disabled-user-signed-out")
    for decision in answers.values():
        assert (decision["status"], decision["redirect"]) == (302, "/login?reason=disabled")


def test_session_disable_revokes_sessions(bundle):
    """Page (Access control, Per-request session and disabled-user revocation): "Disable also
    bans the Supabase auth user via admin API so refresh tokens stop working."

    cordon: the disabled-user decision carries the obligation `revokeSession`, so the caller
    revokes the sessions (and refresh tokens) along with the redirect; a platform admin too."""
    answers = check_claim(bundle, "session.disable-revokes-sessions")
    assert all(d["obligations"]["revokeSession"] for d in answers.values())


def test_session_revocation_on_every_route(bundle):
    """Page (Access control, Per-request session and disabled-user revocation, Limits):
    "Window between disable and revocation is bounded by the next request from the affected
    user — not instantaneous on already-rendered pages."

    cordon: the next request is any request: every protected route (API, proxy and sign-out
    included), on every surface and for every role, signs a disabled user out with the
    revocation obligation; a disabled viewer reads no protected field class, and a disabled
    actor runs no gated workflow."""
    check_claim(bundle, "session.revocation-on-every-route")
    for role, user in EVERYONE.items():
        for surface in bundle_file("bundle.json")["surfaces"]:
            for route in filter(protected, routes()):
                decision = bundle.route(request_for(
                    route, session=as_user(user, status="disabled"), surface=surface,
                    credentials=every_credential("valid")))
                assert (decision["status"], decision["redirect"],
                        decision["obligations"]["revokeSession"]) == (
                            302, "/login?reason=disabled", True), (role, surface, route["route"])


def test_tenancy_tenant_scope_reasserted(bundle):
    """Page (Access control, Tenant isolation): "Tenant-scoped tables have RLS policies
    enabled in Supabase migrations. The portal additionally re-asserts tenant scope in every
    server-side query (defense-in-depth)."

    cordon re-asserts it in policy (forbid `tenant-scope-reasserted`): on every route that
    takes its tenant from the path or the query, a user of tenant acme asking for tenant
    bright is denied, whatever their role (platform admins aside, see the limit). (The
    database's RLS itself is not something a policy engine can show.)"""
    check_claim(bundle, "tenancy.tenant-scope-reasserted")
    for route in routes():
        if protected(route) and route.get("tenant", "session") != "session" \
                and route.get("tenant") != "none":
            for role, user in TENANT_USERS.items():
                decision = bundle.route(request_for(route, tenant="bright", session=user,
                                                    credentials=every_credential("valid")))
                assert not decision["allow"], (role, route["route"])


def test_tenancy_audit_views_filtered_by_tenant(bundle):
    """Page (Access control, Tenant isolation): "The audit log query in the platform admin
    console Audit and the operator dashboard audit view filters by tenant identifier
    explicitly."

    cordon: the audit routes take the tenant from the path and the decision names it; an
    administrator of acme asking for bright's audit (view, recent view or export) is denied."""
    answers = check_claim(bundle, "tenancy.audit-views-filtered-by-tenant")
    assert answers["console-audit-own-tenant"]["tenant"] == "acme"
    audit_actions = {"view_audit_log", "view_recent_audit", "export_audit_log"}
    for route in routes():
        if route["action"] in audit_actions:
            assert route["tenant"].startswith("path:"), route["route"]


def test_tenancy_platform_admin_bypass_audited(bundle):
    """Page (Access control, Tenant isolation, Limits): "Platform admin role intentionally
    bypasses tenant scoping for support workflows. Platform admin actions are audited."

    cordon: permit `platform-admin-cross-tenant-support` carries
    @audit("platform.cross_tenant_access"). Every allowed platform-admin decision that crosses
    tenants or reaches a platform surface (listing all tenants included) carries an audit
    obligation; on the admin's own tenant there is no bypass and nothing extra to audit."""
    check_claim(bundle, "tenancy.platform-admin-bypass-audited")
    platform_actions = actions_in("platform_surface")
    checked = 0
    for route in filter(protected, routes()):
        decision = bundle.route(request_for(route, tenant="bright", session=OPAL,
                                            credentials=every_credential("valid")))
        if decision["allow"] and (decision["tenant"] not in (None, "elaygent")
                                  or route["action"] in platform_actions):
            assert decision["obligations"]["audit"], route["route"]
            checked += 1
    assert checked >= 15


def test_proxy_provider_secrets_never_reach_browser(bundle):
    """Page (Data protection, Server-side proxy): "Tenant API keys, AI provider keys, Vapi
    credentials, Twilio credentials, and Supabase service-role keys never reach the browser."

    cordon: field class `secret`; forbid `provider-secrets-never-reach-a-browser` on every
    browser surface, for every role, platform admins included."""
    answers = check_claim(bundle, "proxy.provider-secrets-never-reach-browser")
    secrets_payload = next(case["input"]["payload"] for _, case in CASES
                           if case["name"] == "secrets-platform-admin-desktop")
    for role, user in EVERYONE.items():
        for surface in BROWSER_SURFACES:
            for profile in bundle_file("fields.json")["profiles"]:
                if "secret" not in bundle_file("fields.json")["profiles"][profile]:
                    continue
                result = bundle.mask(payload=secrets_payload, viewer=user, surface=surface,
                                     profile=profile)
                assert "secret" in result["deniedClasses"], (role, surface, profile)
                text = json.dumps(result["payload"])
                for leaked in ("tk_live_77", "sk-byok-0001", "vapi_live_1", "vs_1", "tw_1",
                               "tws_1", "srk_1"):
                    assert leaked not in text, (role, surface, profile, leaked)
    assert answers["agent-config-route-is-masked"]["obligations"]["scrubProfile"] == "tenant"


def test_proxy_tenant_key_injected_server_side(bundle):
    """Page (Data protection, Server-side proxy): "The portal proxies backend reads through a
    server-side proxy which injects the tenant key server-side."

    cordon: the proxy route takes its tenant from the session, never from the browser's
    request, so the key injected is the session tenant's; the response is masked with the
    `dashboard` profile (provider secrets removed) and rate-limited."""
    answers = check_claim(bundle, "proxy.tenant-key-injected-server-side")
    proxy = [r for r in routes() if r["action"] == "proxy_backend_read"]
    assert proxy and all(r.get("tenant", "session") == "session" for r in proxy)
    chosen = answers["browser-cannot-choose-the-tenant"]
    assert chosen["tenant"] == "acme" and chosen["obligations"]["scrubProfile"] == "dashboard"


def test_proxy_operational_payloads_tenant_scoped(bundle):
    """Page (Data protection, Server-side proxy, Limits): "Browser does receive operational
    payloads (call summaries, lead text, dashboard metrics) — those are tenant-scoped, not
    secret."

    cordon: call summaries, lead text and dashboard counts pass the mask untouched, and
    another tenant's calls are refused."""
    answers = check_claim(bundle, "proxy.operational-payloads-tenant-scoped")
    payload = answers["operational-fields-reach-staff"]["payload"]
    assert payload["calls"][0]["summary"] and payload["leads"][0]["text"]
    assert payload["summary"] == {"calls_today": 42, "leads_open": 7}


def test_byok_decrypted_server_side_only(bundle):
    """Page (Data protection, AI provider keys encrypted at rest): "When a tenant configures
    their own AI provider key (BYOK), it is encrypted with a server-managed encryption secret
    before being stored. Decryption happens server-side at request time only"

    cordon: BYOK keys and the encryption secret are field class `secret`: readable on the
    `server` surface (where the key is decrypted and used), removed on every browser surface
    and from the export, whoever the viewer. (Binding ciphertexts to tenant and provider is
    the native library's secret sealing, not a policy decision.)"""
    answers = check_claim(bundle, "byok.decrypted-server-side-only")
    assert answers["server-reads-the-key"]["removed"] == []
    for name in ("browser-never-gets-it", "export-never-gets-it"):
        assert set(answers[name]["payload"]) == {"tenant", "provider"}


def test_financials_stripped_for_staff_on_mobile(bundle):
    """Page (Data protection, Mobile-surface financial-field scrubbing for staff role):
    "Revenue estimates (at-risk, won, leakage, per-call/per-lead dollar figures) are stripped
    from server-rendered HTML for tenant-staff users on the mobile surface, in addition to
    UI-level masking."

    cordon: field class `financial` (every figure named on the page, wherever it sits in the
    payload); the dashboard page's route obliges the `dashboard` mask on what it renders."""
    answers = check_claim(bundle, "financials.stripped-for-staff-on-mobile")
    stripped = answers["every-revenue-figure"]
    assert "financial" in stripped["deniedClasses"]
    assert len(stripped["removed"]) == 18
    assert answers["dashboard-page-is-masked"]["obligations"]["scrubProfile"] == "dashboard"


def test_financials_admins_see_full(bundle):
    """Page (Data protection, Mobile-surface financial-field scrubbing for staff role):
    "Admins see full financials."

    cordon: practice and platform administrators read class `financial` on every surface."""
    check_claim(bundle, "financials.admins-see-full")
    for user in (DANA, OPAL):
        for surface in bundle_file("bundle.json")["surfaces"]:
            result = bundle.mask(payload={"revenue_at_risk": 1250}, viewer=user,
                                 surface=surface, profile="dashboard")
            assert result["payload"] == {"revenue_at_risk": 1250}, (user["user"], surface)


def test_financials_access_control_on_every_surface(bundle):
    """Page (Data protection, Mobile-surface financial-field scrubbing for staff role,
    Limits): "Mobile-surface only. Desktop routes return full payloads to admins as before —
    this is mobile minimization, not a tenant-wide access control."

    cordon goes further: it is an access control (forbid `financials-administrators-only`).
    On every surface, only administrators read revenue estimates; staff and any other role,
    custom roles included, get them stripped."""
    check_claim(bundle, "financials.access-control-on-every-surface")
    for role in ("staff", "compliance_officer"):
        for surface in bundle_file("bundle.json")["surfaces"]:
            result = bundle.mask(payload={"won_revenue": 8800, "calls_today": 3},
                                 viewer=TENANT_USERS[role], surface=surface, profile="dashboard")
            assert result["payload"] == {"calls_today": 3}, (role, surface)


def test_transit_outbound_https_only(bundle):
    """Page (Data protection, Encryption in transit): "All hosted endpoints (portal, backend,
    Supabase, Vapi, Twilio, Stripe, OpenAI, Anthropic) are HTTPS-only. PMS bridge URLs are
    validated to be HTTPS before any request is signed and dispatched."

    cordon: workflow `outbound_request`, checked before a request is signed and sent, with
    gate `https_only`: the URL must start with https://."""
    answers = check_claim(bundle, "transit.outbound-https-only")
    assert answers["hosted-provider-https"]["allowed"]
    for destination in ("portal", "backend", "supabase", "vapi", "twilio", "stripe", "openai",
                        "anthropic", "pms_bridge"):
        verdicts = [bundle.gate(workflow="outbound_request", actor=PAT, facts={
            "tenant": "acme", "destination": destination,
            "url": f"{scheme}://{destination}.example/x"})["allowed"]
            for scheme in ("https", "http")]
        assert verdicts == [True, False], destination


def test_transit_http_bridge_rejected_not_downgraded(bundle):
    """Page (Data protection, Encryption in transit, Limits): "Customer-hosted PMS bridges
    that are HTTP-only are rejected at request time, not silently downgraded."

    cordon: an http:// bridge URL (even on port 443, even in capitals) or no URL at all is an
    unmet `https_only` gate: refused as given, nothing is rewritten; cordon.verify's
    check_outbound_url refuses the same URLs."""
    answers = check_claim(bundle, "transit.http-bridge-rejected-not-downgraded")
    for result in answers.values():
        assert not result["allowed"]
        assert [u["gate"] for u in result["unmet"]] == ["https_only"]
    # The native library's URL validation, which the server runs before it connects, agrees
    # with the policy on every URL of both transit claims.
    from cordon.verify import check_outbound_url
    for _, case in CASES:
        if case["claim"].startswith("transit.") and "url" in case["input"]["facts"]:
            url = case["input"]["facts"]["url"]
            assert check_outbound_url(url).allowed == case["expected"]["result"]["allowed"], url


def test_audit_typed_enumerated_actions(bundle):
    """Page (Audit visibility, Typed audit log with enumerated actions): "Privileged actions
    write to a shared audit log table with a typed enumerated action set enum."

    cordon: bundle.json's `audit_actions` is the enumeration; a route or policy naming an
    audit action outside it (or not of the enum's form) is a bundle that does not load. Every
    privileged action the bundle allows obliges an entry from the enumeration."""
    check_claim(bundle, "audit.typed-enumerated-actions")
    enumeration = set(bundle_file("bundle.json")["audit_actions"])
    seen = set()
    for decision in decisions_by_route(bundle, tenant="bright", session=OPAL,
                                       credentials=every_credential("valid")).values():
        seen.update(decision["obligations"]["audit"])
    assert seen and seen <= enumeration
    privileged = {"update_agent_config", "export_audit_log", "list_all_tenants", "export_tenant",
                  "suspend_tenant", "hard_delete_tenant", "prune_audit_log"}
    for route in routes():
        if route["action"] in privileged:
            assert route.get("audit") in enumeration, route["route"]


def test_audit_filtered_views_for_administrators(bundle):
    """Page (Audit visibility, Typed audit log with enumerated actions): "Practice
    administrators and platform admins can read filtered audit views from the platform admin
    console Audit (desktop, full) and the operator dashboard audit view (last 100 mobile +
    agent-config rows)."

    cordon: the console's full view is desktop only (forbid `full-audit-view-on-desktop`); the
    operator dashboard's recent view is on every surface; both for administrators of the
    tenant (platform admins audited when crossing tenants), never for staff. (The 100-row
    limit is the query's, not a policy's.)"""
    check_claim(bundle, "audit.filtered-views-for-administrators")
    for surface in BROWSER_SURFACES:
        for user in (DANA, OPAL):
            recent = bundle.route(method="GET", path="/api/tenants/acme/audit/recent",
                                  surface=surface, session=user)
            full = bundle.route(method="GET", path="/api/tenants/acme/audit", surface=surface,
                                session=user)
            assert recent["allow"], (surface, user["user"])
            assert full["allow"] == (surface == "desktop"), (surface, user["user"])


def test_audit_export_from_desktop_view(bundle):
    """Page (Audit visibility, Typed audit log with enumerated actions, Limits): "CSV and JSON
    export are available from the desktop Audit view for the filtered result set."

    cordon: the export is the desktop view's (same roles, same tenant filter, desktop only),
    writes `audit.export` and is masked like the view."""
    answers = check_claim(bundle, "audit.export-from-desktop-view")
    exported = answers["desktop-export"]
    assert exported["obligations"]["audit"] == ["audit.export"]
    assert exported["obligations"]["scrubProfile"] == "tenant"


def test_audit_retention_flag_gated_per_tenant_windows(bundle):
    """Page (Audit visibility, Typed audit log with enumerated actions, Limits): "Automated
    retention enforcement is config-gated by an admin-managed retention flag and uses one
    platform-wide retention window, not per-tenant retention settings."

    cordon: gate `retention_enabled` (the flag) and, beyond the page, per-tenant windows: an
    entry is deletable once older than its tenant's window, and never before the platform
    window (a tenant window extends retention, never shortens it)."""
    answers = check_claim(bundle, "audit.retention-flag-gated-per-tenant-windows")
    assert answers["flag-off"]["retention"] == []
    verdicts = {v["entryId"]: v["deletable"] for v in answers["per-tenant-windows"]["retention"]}
    assert verdicts == {"acme-400d": False, "acme-800d": True, "bright-400d": True,
                        "bright-100d": False, "cove-100d": False, "cove-400d": True}


def test_export_platform_admin_exports_one_tenant(bundle):
    """Page (Audit visibility, Platform admin tenant portal-data export): "Platform admins can
    export portal-owned Supabase data for a tenant as JSON from
    `/api/admin/tenant-export?tenant identifier=<uuid>` or the the platform admin console All
    Tenants export link. The export is scoped to one tenant"

    cordon: the export route takes exactly one tenant from the query (none: 400; two: a
    refused request), is for platform admins only and writes `tenant.export`."""
    answers = check_claim(bundle, "export.platform-admin-exports-one-tenant")
    assert answers["export-one-tenant"]["obligations"]["audit"] == ["tenant.export"]
    assert answers["no-tenant-is-400"]["status"] == 400
    assert answers["two-tenants-refused"]["type"] == "failure"


def test_export_omits_provider_secrets(bundle):
    """Page (Audit visibility, Platform admin tenant portal-data export): "The export is
    scoped to one tenant and omits provider secrets."

    cordon: the export route obliges field-mask profile `export`, and forbid
    `tenant-export-omits-provider-secrets` removes class `secret` on the `export` surface."""
    answers = check_claim(bundle, "export.omits-provider-secrets")
    assert answers["export-payload"]["deniedClasses"] == ["secret"]
    export_route = next(r for r in routes() if r["action"] == "export_tenant")
    assert export_route["scrub_profile"] == "export"
    assert "secret" in bundle_file("fields.json")["profiles"]["export"]


def test_export_hard_delete_is_separate(bundle):
    """Page (Audit visibility, Platform admin tenant portal-data export, Limits): "Tenant hard
    deletion is separate from export. The shipped hard-delete route is platform admin-only,
    portal-owned data only, legal-hold blocked, and subprocessor-erasure-status gated."

    cordon: hard delete is its own route and action (with the destructive-operations
    credential and its own audit entry), and its workflow requires the export to be confirmed."""
    answers = check_claim(bundle, "export.hard-delete-is-separate")
    assert answers["hard-delete-route"]["action"] == "hard_delete_tenant"
    assert [u["gate"] for u in answers["hard-delete-needs-export-confirmed"]["unmet"]] == [
        "export_confirmed"]


def test_suspension_requires_export_and_destructive_secret(bundle):
    """Page (Audit visibility, Platform admin tenant deletion-preparation suspension):
    "Platform admins can suspend a tenant before deletion after confirming the tenant export
    was taken and presenting the destructive-operations secret."

    cordon: workflow `suspend_tenant`, gates `platform_admin`, `export_confirmed`,
    `destructive_secret` (invalid, missing or unset: unmet); the route needs the
    `destructive_ops` credential."""
    answers = check_claim(bundle, "suspension.requires-export-and-destructive-secret")
    assert [u["gate"] for u in answers["nothing-confirmed"]["unmet"]] == [
        "destructive_secret", "export_confirmed"]
    assert answers["all-confirmed"]["allowed"]


def test_suspension_writes_deprovision_audit_entry(bundle):
    """Page (Audit visibility, Platform admin tenant deletion-preparation suspension): "The
    workflow disables the tenant, revokes affected Supabase auth sessions, and writes a
    deprovision audit entry."

    cordon: the suspension route obliges `tenant.deprovision`, and the allowed workflow says
    it must write it (permit `suspend-tenant-permit-platform-admins`, @audit)."""
    answers = check_claim(bundle, "suspension.writes-deprovision-audit-entry")
    assert answers["route-writes-deprovision"]["obligations"]["audit"] == ["tenant.deprovision"]
    assert any("tenant.deprovision" in s for s in answers["workflow-allowed"]["explanation"])


def test_suspension_does_not_delete(bundle):
    """Page (Audit visibility, Platform admin tenant deletion-preparation suspension, Limits):
    "This suspends access before deletion; it does not hard-delete portal rows."

    cordon: an allowed suspension has no deletion plan, and hard delete requires the
    suspension first (gate `suspended_first`)."""
    answers = check_claim(bundle, "suspension.does-not-delete")
    assert answers["suspension-has-no-deletion-plan"]["deletionPlan"] == []


def test_hard_delete_gated_preconditions(bundle):
    """Page (Audit visibility, Gated portal-owned tenant hard delete): "A platform admin-only
    hard-delete route deletes portal-owned Supabase rows and safe KB Storage objects in
    dependency order after destructive-secret verification, deletion preparation, export
    confirmation, legal-hold check, and provider erasure-status evidence."

    cordon: workflow `hard_delete_tenant` lists every unmet gate at once; with no evidence,
    all of them."""
    answers = check_claim(bundle, "hard-delete.gated-preconditions")
    unmet = [u["gate"] for u in answers["no-evidence-every-gate-unmet"]["unmet"]]
    for gate in ("destructive_secret", "suspended_first", "export_confirmed", "no_legal_hold"):
        assert gate in unmet
    assert sum(g.startswith("erasure.") for g in unmet) == 7
    assert answers["every-precondition-met"]["allowed"]


def test_hard_delete_dependency_order(bundle):
    """Page (Audit visibility, Gated portal-owned tenant hard delete): "deletes portal-owned
    Supabase rows and safe KB Storage objects in dependency order" and (Limits) "It deletes
    portal-owned Supabase rows and KB Storage objects only."

    cordon: the deletion plan comes from tables.json (portal-owned tables only), children
    before the tables they reference: KB Storage objects before their documents, the tenant
    row last."""
    answers = check_claim(bundle, "hard-delete.dependency-order")
    plan = answers["deletion-plan"]["deletionPlan"]
    tables = bundle_file("tables.json")["tables"]
    assert sorted(plan) == sorted(tables)
    for table, spec in tables.items():
        for referenced in spec.get("references", []):
            if referenced != table:
                assert plan.index(table) < plan.index(referenced), (table, referenced)
    assert plan[-1] == "tenants"


def test_hard_delete_not_self_serve(bundle):
    """Page (Audit visibility, Gated portal-owned tenant hard delete, Limits): "This is not
    one-click deletion and is not self-serve in the customer UI."

    cordon: no tenant role reaches the hard-delete route or passes gate `platform_admin`,
    even with every other precondition met."""
    answers = check_claim(bundle, "hard-delete.not-self-serve")
    ready = next(case["input"]["facts"] for _, case in CASES
                 if case["name"] == "practice-admin-gate")
    for role, user in TENANT_USERS.items():
        result = bundle.gate(workflow="hard_delete_tenant", actor=user, facts=ready)
        assert not result["allowed"], role
        assert "platform_admin" in [u["gate"] for u in result["unmet"]], role
    assert not answers["practice-admin-route"]["allow"]


def test_rate_limit_auth_and_proxy_routes(bundle):
    """Page (Abuse resistance, Rate limiting on auth-adjacent and proxy endpoints):
    "Sliding-window rate limiter with configurable window and max-per-identifier. Used on
    auth endpoints and tenant-scoped proxy routes."

    cordon: the bundle's rate-limit classes (window and max each); every auth endpoint obliges
    class `auth`, every tenant-scoped proxy route class `proxy`, counted even when refused."""
    check_claim(bundle, "rate-limit.auth-and-proxy-routes")
    classes = bundle_file("bundle.json")["rate_limits"]
    assert all(c["window_seconds"] > 0 and c["max"] > 0 for c in classes.values())
    for route in routes():
        path = route["route"].split(" ", 1)[1]
        expected = ("auth" if path.startswith("/api/auth/")
                    else "proxy" if route["action"] == "proxy_backend_read"
                    or (path.startswith("/api/tenants/") and route["route"].startswith("GET ")
                        and route["action"] in actions_in("tenant_surface"))
                    else None)
        if expected:
            for user in (PAT, as_user(PAT, tenant="bright")):
                decision = bundle.route(request_for(route, session=user))
                assert decision["obligations"]["rateLimit"] == expected, route["route"]


def test_rate_limit_every_authenticated_read(bundle):
    """Page (Abuse resistance, Rate limiting on auth-adjacent and proxy endpoints, Limits):
    "Not every authenticated read route has a custom limiter yet."

    cordon goes further: every authenticated read route (GET with a session) has one."""
    check_claim(bundle, "rate-limit.every-authenticated-read")
    for route in filter(protected, routes()):
        if route["route"].startswith("GET "):
            assert route.get("rate_limit"), route["route"]
            decision = bundle.route(request_for(route, session=OPAL))
            assert decision["obligations"]["rateLimit"], route["route"]


def test_webhooks_signatures_verified_before_processing(bundle):
    """Page (Abuse resistance, Webhook signature verification on inbound provider events):
    "Billing, PMS bridge, and voice-provider webhooks verify provider-specific secrets or
    HMAC signatures before processing."

    cordon: every webhook route names its provider's credential; only a verified signature of
    that provider gets in (invalid or missing: 401; no secret configured: 503); a session or
    another provider's signature is no substitute."""
    check_claim(bundle, "webhooks.signatures-verified-before-processing")
    credentials = bundle_file("bundle.json")["credentials"]
    webhooks = [r for r in routes() if r["action"] in actions_in("webhooks")]
    assert len(webhooks) == 4
    for route in webhooks:
        name = route["credential"]
        assert credentials[name]["kind"] == "webhook"
        others = {n: "valid" for n in credentials if n != name}
        expected = {"valid": (True, 200), "invalid": (False, 401), "missing": (False, 401),
                    "unset": (False, 503)}
        for state, outcome in expected.items():
            decision = bundle.route(request_for(route, session=OPAL,
                                                credentials={**others, name: state}))
            assert (decision["allow"], decision["status"]) == outcome, (route["route"], state)


def test_legal_hold_hard_delete_refuses_held_or_pending(bundle):
    """Page (Operational, Legal hold and subprocessor erasure runbooks): "The database has a
    legal-hold flag per tenant and a per-tenant erasure-status record, and the hard-delete
    route refuses held tenants or pending provider statuses."

    cordon: gates `no_legal_hold` (held, or hold state unknown) and one `erasure.<provider>`
    gate per subprocessor (pending or missing evidence)."""
    answers = check_claim(bundle, "legal-hold.hard-delete-refuses-held-or-pending")
    assert all(not result["allowed"] for result in answers.values())
    assert [u["gate"] for u in answers["provider-erasure-pending"]["unmet"]] == [
        "erasure.twilio", "erasure.pms"]


def test_legal_hold_audit_retention_excludes_held_tenants(bundle):
    """Page (Operational, Legal hold and subprocessor erasure runbooks, Limits): "Audit
    retention does not yet have tenant-scoped legal-hold exclusion logic."

    cordon goes further: forbid `audit-entry-legal-hold`: no audit entry of a tenant under
    legal hold is ever deletable, however old."""
    answers = check_claim(bundle, "legal-hold.audit-retention-excludes-held-tenants")
    verdicts = {v["entryId"]: v for v in answers["held-tenant-entries-kept"]["retention"]}
    assert not verdicts["bright-old"]["deletable"] and verdicts["acme-old"]["deletable"]
    assert "legal hold" in verdicts["bright-old"]["reason"]


def test_cron_dedicated_scheduler_token(bundle):
    """Page (Operational, Cron endpoint authentication): "Cron routes under scheduled job
    require a dedicated scheduler Bearer token. Backend cron routes no longer accept admin
    API secrets as scheduler credentials."

    cordon: every cron route names credential `scheduler` (a bearer token) and is permitted
    only to it; an admin session or another secret is refused."""
    check_claim(bundle, "cron.dedicated-scheduler-token")
    credentials = bundle_file("bundle.json")["credentials"]
    assert credentials["scheduler"]["kind"] == "bearer"
    cron = [r for r in routes() if r["action"] in actions_in("scheduled_jobs")]
    assert cron
    for route in cron:
        assert route["credential"] == "scheduler" and route["session"] == "none"
        others = {n: "valid" for n in credentials if n != "scheduler"}
        decision = bundle.route(request_for(route, session=OPAL, credentials=others))
        assert (decision["allow"], decision["status"]) == (False, 401), route["route"]


def test_cron_unset_secret_fails_closed(bundle):
    """Page (Operational, Cron endpoint authentication, Limits): "If the scheduler secret is
    unset, cron routes fail closed."

    cordon: forbid `credential-unset-fails-closed` (503), for every route's credential."""
    answers = check_claim(bundle, "cron.unset-secret-fails-closed")
    assert all(d["status"] == 503 for d in answers.values())
    for route in routes():
        if route.get("credential"):
            decision = bundle.route(request_for(
                route, session=OPAL,
                credentials={**every_credential("valid"), route["credential"]: "unset"}))
            assert (decision["allow"], decision["status"]) == (False, 503), route["route"]


def test_cron_retention_deletes_need_retention_secret(bundle):
    """Page (Operational, Cron endpoint authentication, Limits): "Audit-log retention deletes
    also require a separate retention secret when retention enforcement is enabled."

    cordon: the retention route needs the scheduler token and the retention secret (forbid
    `retention-needs-retention-secret`), and the retention workflow gate `retention_secret`."""
    answers = check_claim(bundle, "cron.retention-deletes-need-retention-secret")
    assert answers["both-secrets"]["allow"]
    assert not answers["scheduler-only"]["allow"]


def test_alerting_alert_payloads_scrubbed(bundle):
    """Page (Operational, Operational alerting on cron failure): "Cron job failures can emit a
    notification to a configured Slack/Discord-compatible alert webhook."

    cordon's part: a failure alert leaves for a third party like a monitoring event, so it is
    scrubbed with the same profile first (the scheduler's token, emails). Sending it, and
    its best effort, are the caller's."""
    answers = check_claim(bundle, "alerting.alert-payloads-scrubbed")
    text = json.dumps(answers["cron-failure-alert"]["event"])
    assert "sched_live_4f9a8b7c6d5e" not in text and "jane.doe@example.com" not in text


def test_sentry_shared_scrubbers_before_send(bundle):
    """Page (Operational, Optional Sentry monitoring with PII scrubbing): "route events through
    shared scrubbers that redact obvious secrets, auth headers, cookies, emails, phone numbers,
    patient/caller/transcript fields, and raw request bodies before events are sent."

    cordon: scrub profile `error-monitoring` (key rules and value detectors)."""
    answers = check_claim(bundle, "sentry.shared-scrubbers-before-send")
    text = json.dumps({name: result["event"] for name, result in answers.items()})
    for leaked in ("abc.def.ghi", "sb-access-token=xyz", "hunter2", "whsec_1", "srk_1",
                   "jane.doe@example.com", "415", "Jane Doe", "1980-02-03", "Hi, this is Jane",
                   "a=b"):
        assert leaked not in text, leaked
    assert answers["auth-headers-and-cookies"]["event"]["request"]["headers"]["Accept"] == (
        "application/json")


def test_sentry_default_pii_disabled(bundle):
    """Page (Operational, Optional Sentry monitoring with PII scrubbing): "Portal and backend
    Sentry configs set default PII collection disabled"

    cordon: what default PII collection would add (the user's email and IP address) is
    scrubbed from the event's user context; the pseudonymous user id stays."""
    answers = check_claim(bundle, "sentry.default-pii-disabled")
    user = answers["user-context"]["event"]["user"]
    assert user["id"] == "u-1"
    assert "jane.doe@example.com" not in json.dumps(user) and "203.0.113.9" not in json.dumps(user)


def test_sentry_beyond_obvious_leakage(bundle):
    """Page (Operational, Optional Sentry monitoring with PII scrubbing, Limits): "Scrubbing
    reduces obvious leakage risk but is not a guarantee that no PHI can ever reach Sentry."

    cordon goes further than key names: values are detected inside free text and URLs (bearer
    tokens and JWTs, Luhn-valid card numbers, phone numbers, emails, secrets in query strings),
    and a number that fails the Luhn check is left alone. (Measured on a labelled set:
    docs/telemetry-scrubbing.md.)"""
    answers = check_claim(bundle, "sentry.beyond-obvious-leakage")
    text = json.dumps({name: result["event"] for name, result in answers.items()})
    for leaked in ("eyJhbGciOiJIUzI1NiJ9", "4111 1111 1111 1111", "555-0100", "abc123",
                   "sk_live_123", "jane.doe%40example.com"):
        assert leaked not in text, leaked
    assert answers["secrets-in-free-text"]["event"]["extra"]["order"] == "4111 1111 1111 1112"


# --- the suite itself --------------------------------------------------------------------

def claim_tests():
    """{claim id: test function} for the tests above: the id is the test's name without
    `test_`, with `.` after the section and `-` between words."""
    tests = {}
    module = sys.modules[__name__]
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if name.startswith("test_") and function.__module__ == __name__ \
                and "bundle" in inspect.signature(function).parameters:
            tests[name] = function
    return tests


def claim_id_of_test(name):
    return name[len("test_"):]


def test_every_claim_has_one_test_and_vectors():
    """Every claim id tagged in tests/vectors/domain/claims-*.json has exactly one test here,
    named after it, and every claim test here has vectors."""
    assert CLAIM_FILES, f"no claims vectors in {CLAIMS_DIR}"
    tagged = {case.get("claim") for _, case in CASES}
    assert None not in tagged, "every case of a claims file names its claim"
    for claim in tagged:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*\.[a-z0-9]+(-[a-z0-9]+)*", claim), claim
    as_test_names = {"test_" + claim.replace(".", "_").replace("-", "_"): claim
                     for claim in tagged}
    assert len(as_test_names) == len(tagged), "two claim ids map to one test name"
    tests = set(claim_tests())
    assert set(as_test_names) - tests == set(), "claims without a test"
    assert tests - set(as_test_names) == set(), "tests without vectors"
    for name, claim in as_test_names.items():
        source = inspect.getsource(claim_tests()[name])
        assert f'check_claim(bundle, "{claim}")' in source, f"{name} does not run {claim}'s vectors"
    names = [(path.name, case["name"]) for path, case in CASES]
    assert len(set(names)) == len(names), "a case name is used twice in one file"


def quotes(function):
    """The page's words quoted in a test's docstring: the "..." spans of its first paragraph."""
    first = inspect.getdoc(function).split("\n\n", 1)[0]
    return [" ".join(q.split()) for q in re.findall(r'"([^"]+)"', first)]


def test_every_claim_test_quotes_the_page():
    """Every claim test's docstring starts with `Page (section ...): "..."`; when the page is
    at hand, each quote is the page's own words."""
    page = " ".join(PAGE.read_text(encoding="utf-8").split()) if PAGE.is_file() else None
    for name, function in claim_tests().items():
        doc = inspect.getdoc(function)
        assert doc and doc.startswith("Page ("), name
        found = quotes(function)
        assert found, f"{name} quotes nothing"
        if page is not None:
            for quote in found:
                assert quote in page, f"{name}: not the page's words: {quote!r}"
    if page is None:
        pytest.skip(f"the security page is not at hand ({PAGE}); quotes not compared")
