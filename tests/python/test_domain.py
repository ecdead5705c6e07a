"""Tests of cordon.Bundle, the Python API of the domain calls, on policies/elaygent.

The answers themselves are the shared domain vectors' business (test_domain_vectors.py);
these tests check the Python side: loading from a directory and from files, the argument
forms, typed exceptions carrying the engine's located messages, and thread use.
"""

import os
import threading
from pathlib import Path

import pytest

import cordon

REPO = Path(__file__).resolve().parent.parent.parent
ELAYGENT = REPO / "policies" / "elaygent"
BUNDLES = REPO / "tests" / "bundles"
PAT = {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}
DASHBOARD = {"method": "GET", "path": "/api/tenants/acme/dashboard", "surface": "mobile",
             "session": PAT}


@pytest.fixture(scope="module")
def bundle():
    return cordon.Bundle.load(ELAYGENT)


def read_files(directory):
    return {p.relative_to(directory).as_posix(): p.read_bytes().decode("utf-8")
            for p in directory.rglob("*") if p.is_file()}


def test_load_reads_the_directory_like_from_files(bundle):
    assert (bundle.name, bundle.revision) == ("elaygent", "2026-12-04.1")
    assert len(bundle.digest) == 64
    same = cordon.Bundle.from_files(read_files(ELAYGENT))
    assert same.digest == bundle.digest
    assert same.route(DASHBOARD) == bundle.route(DASHBOARD)
    assert repr(bundle).startswith("Bundle(name='elaygent', revision='2026-12-04.1', digest='")
    assert cordon.Bundle.load(str(ELAYGENT)).digest == bundle.digest


def test_bundles_are_only_loaded():
    with pytest.raises(TypeError):
        cordon.Bundle()


def test_route_takes_a_dict_keywords_or_json_text(bundle):
    decision = bundle.route(DASHBOARD)
    assert decision["allow"] is True and decision["status"] == 200
    assert decision["obligations"]["scrubProfile"] == "dashboard"
    assert bundle.route(**DASHBOARD) == decision
    text = ('{"method": "GET", "path": "/api/tenants/acme/dashboard", "surface": "mobile", '
            '"session": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}}')
    assert bundle.route(text) == decision
    with pytest.raises(TypeError):
        bundle.route(DASHBOARD, surface="desktop")
    with pytest.raises(TypeError):
        bundle.route(["GET", "/"])


def test_json_methods_answer_the_engines_text(bundle):
    raw = bundle.route_json('{"method": "GET", "path": "/nowhere", "surface": "desktop"}')
    assert raw.startswith('{"type":"success","decision":{"allow":false,"status":404,')
    # Never raise for malformed input: the failure is the answer.
    assert bundle.mask_json("{").startswith('{"type":"failure","errors":[{"message":"call:1:2: ')
    with pytest.raises(TypeError):
        bundle.gate_json({"workflow": "suspend_tenant"})


def test_domain_errors_are_typed_and_located(bundle):
    with pytest.raises(cordon.DomainError) as raised:
        bundle.scrub(event={"message": "x"}, profile="sentry")
    error = raised.value
    assert isinstance(error, cordon.CordonError) and isinstance(error, ValueError)
    assert error.kind == "domain"
    assert str(error).startswith("call:1:36: domain error: unknown scrub profile `sentry`")
    assert error.errors[0]["code"] == "domain"

    with pytest.raises(cordon.DomainError) as raised:
        bundle.route('{"method": "GET", "path": ')
    assert raised.value.kind == "json"
    assert str(raised.value).startswith("route request:1:27: json error: ")

    with pytest.raises(cordon.DomainError) as raised:
        bundle.gate(workflow="suspend_tenant",
                    actor={"user": "x", "roles": ["staff", "root"], "status": "active"})
    assert str(raised.value) == ("call:1:67: domain error: role `root` is not declared in "
                                 "bundle `elaygent`")

    with pytest.raises(cordon.DomainError) as raised:
        bundle.mask(payload=float("nan"), viewer=PAT, surface="mobile", profile="dashboard")
    assert "json error" in str(raised.value)


def test_bundle_errors_name_the_file_line_and_column():
    broken = BUNDLES / "broken" / "typo_key"
    with pytest.raises(cordon.BundleError) as raised:
        cordon.Bundle.load(broken)
    assert raised.value.kind == "bundle"
    assert str(raised.value) == (
        f"{broken}/bundle.json:8:3: bundle error: unknown key `workflow` in bundle.json "
        "(expected name, revision, description, policies, entities, routes, fields, scrub, "
        "tables, examples, surfaces, browser_surfaces, audit_actions, rate_limits, "
        "credentials, workflows)")
    # From files, the location is relative to the bundle.
    with pytest.raises(cordon.BundleError) as raised:
        cordon.Bundle.from_files(read_files(broken))
    assert str(raised.value).startswith("bundle.json:8:3: bundle error: unknown key `workflow`")


def test_a_relative_path_is_named_as_given(monkeypatch):
    monkeypatch.chdir(BUNDLES)
    with pytest.raises(cordon.BundleError) as raised:
        cordon.Bundle.load(os.path.join("broken", "table_cycle"))
    assert str(raised.value).startswith("broken/table_cycle/tables.json:")


def test_missing_directory_is_an_io_error(tmp_path):
    with pytest.raises(cordon.BundleError) as raised:
        cordon.Bundle.load(tmp_path / "absent")
    assert raised.value.kind == "io"
    assert "no such bundle directory" in str(raised.value)


def test_signatures():
    key = "cordon-test-hmac-key"
    signed = cordon.Bundle.load(BUNDLES / "signed", require_signature="hmac-sha256",
                                verification_key=key.encode())
    assert signed.name == "tiny"
    with pytest.raises(cordon.SignatureError) as raised:
        cordon.Bundle.load(BUNDLES / "tampered", require_signature="hmac-sha256",
                           verification_key=key)
    assert raised.value.kind == "signature"
    assert isinstance(raised.value, cordon.BundleError)
    assert key not in str(raised.value)
    with pytest.raises(cordon.SignatureError):
        cordon.Bundle.load(ELAYGENT, require_signature="ed25519", verification_key="00" * 32)
    with pytest.raises(cordon.BundleError) as raised:
        cordon.Bundle.load(BUNDLES / "signed", require_signature="rsa")
    assert raised.value.kind == "domain"
    assert str(raised.value).startswith("options:1:21: domain error: `requireSignature` must be")
    with pytest.raises(ValueError):
        cordon.Bundle.load(BUNDLES / "signed", verification_key=b"\xff\xfe")


def test_keyed_hashing_needs_the_key():
    event = {"user_id": "u-123", "message": "ok"}
    with pytest.raises(cordon.DomainError, match="no scrub hash key was given"):
        cordon.Bundle.load(ELAYGENT).scrub(event=event, profile="error-monitoring-pseudonymous")
    one = cordon.Bundle.load(ELAYGENT, scrub_hash_key="k1")
    two = cordon.Bundle.load(ELAYGENT, scrub_hash_key="k2")
    hashed = one.scrub(event=event, profile="error-monitoring-pseudonymous")
    assert hashed["replaced"] == ["/user_id"]
    assert hashed["event"]["user_id"].startswith("hmac-sha256:")
    assert hashed == one.scrub(event=event, profile="error-monitoring-pseudonymous")
    assert two.scrub(event=event, profile="error-monitoring-pseudonymous") != hashed


def test_mask_keeps_64_bit_integers(bundle):
    payload = {"calls_total": 2**63 - 1, "small": -2**63, "revenue_at_risk": 5}
    result = bundle.mask(payload=payload, viewer=PAT, surface="mobile", profile="dashboard")
    assert result["payload"] == {"calls_total": 2**63 - 1, "small": -2**63}
    assert result["removed"] == ["/revenue_at_risk"]


def test_matrix_formats(bundle):
    matrix = bundle.matrix()
    assert matrix["surface"] == "desktop" and "staff" in matrix["roles"]
    assert len(matrix["cells"]) == len(matrix["routes"])
    assert bundle.matrix(surface="mobile", format="csv").startswith("route,action,")
    assert bundle.matrix({"format": "markdown"}).startswith("# Access matrix")
    with pytest.raises(cordon.DomainError, match="unknown surface `tv`"):
        bundle.matrix(surface="tv")


def test_gate_lists_every_unmet_gate(bundle):
    result = bundle.gate(workflow="suspend_tenant",
                         actor={"user": "dana", "roles": ["practice_admin"], "tenant": "acme",
                                "status": "active"},
                         facts={"tenant": "acme"})
    assert result["allowed"] is False
    assert [gate["gate"] for gate in result["unmet"]] == [
        "platform_admin", "destructive_secret", "export_confirmed"]


def test_one_bundle_serves_many_threads(bundle):
    expected = bundle.route(DASHBOARD)
    answers, errors = [], []

    def work():
        try:
            for _ in range(50):
                answers.append(bundle.route(DASHBOARD) == expected)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(answers) == 200 and all(answers)
