"""Runs the shared verification vectors (tests/vectors/verify/*.json) through the Python build.

Each case is one call of cordon/verify_json.h (webhook, sign, url, credential, digest) on the
raw JSON entry points; its answer must match the case's ``expected`` pattern (an object
matches when each of its members matches, an array when it has as many items and each
matches, anything else when equal). Every raw answer is written, in file-name then case
order, to $CORDON_VECTOR_OUT/verify-python.txt, to compare byte for byte with the native and
WASM runners' files. The public API (cordon.verify_webhook, ...) must agree.
"""

import json
import os
from pathlib import Path

import pytest

import cordon
from cordon import verify

VECTORS_DIR = Path(os.environ.get("CORDON_VECTORS_DIR")
                   or Path(__file__).resolve().parent.parent / "vectors").resolve()
VERIFY_DIR = VECTORS_DIR / "verify"
CALLS = {
    "webhook": verify.verify_webhook_json,
    "sign": verify.sign_webhook_json,
    "url": verify.check_outbound_url_json,
    "credential": verify.check_credential_json,
    "digest": verify.credential_digest_json,
}


def _text(value):
    """A call's JSON text: a string input is the text itself (malformed calls)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load_cases():
    cases = []
    for path in sorted(VERIFY_DIR.glob("*.json"), key=lambda p: p.name):
        document = json.loads(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            cases.append((f"{path.name}#{case['name']}", case))
    return cases


CASES = load_cases()


def mismatch(pattern, answer, at=""):
    """None when answer matches pattern, else where and how it differs."""
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
    # bool is an int in Python: True must not match 1.
    if type(pattern) is not type(answer) and not (
            isinstance(pattern, (int, float)) and isinstance(answer, (int, float))
            and not isinstance(pattern, bool) and not isinstance(answer, bool)):
        return f"{at}: expected {pattern!r}, got {answer!r}"
    if pattern != answer:
        return f"{at}: expected {pattern!r}, got {answer!r}"
    return None


@pytest.fixture(scope="module")
def answers():
    result = {case_id: CALLS[case["call"]](_text(case["input"])) for case_id, case in CASES}
    out_dir = os.environ.get("CORDON_VECTOR_OUT")
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        with open(Path(out_dir) / "verify-python.txt", "w", encoding="utf-8",
                  newline="\n") as out:
            out.writelines(f"{case_id}\t{answer}\n" for case_id, answer in result.items())
    return result


def test_verify_vectors_are_present():
    assert len(CASES) > 150, f"too few verification vector cases in {VERIFY_DIR}"
    ids = [case_id for case_id, _ in CASES]
    assert len(set(ids)) == len(ids), "a case name is used twice in one file"
    assert {case["call"] for _, case in CASES} == set(CALLS)


def public_answer(case):
    """The case through the public API, as (result fields, raised error)."""
    call = case["input"]
    kind = case["call"]
    try:
        if kind == "webhook":
            verdict = cordon.verify_webhook(
                call["payload"], call.get("signature"), call["secrets"],
                scheme=call.get("scheme", "stripe"), timestamp=call.get("timestamp"),
                now=call.get("now"), tolerance_seconds=call.get("toleranceSeconds"),
                replay_scope=call.get("replayScope"))
            return {"verified": verdict.verified, "outcome": verdict.outcome,
                    "message": verdict.message, "timestamp": verdict.timestamp,
                    "replayKey": verdict.replay_key, "replayExpiresAt": verdict.replay_expires_at,
                    "secretIndex": verdict.secret_index}, None
        if kind == "url":
            check = cordon.check_outbound_url(call["url"], call.get("allowedPorts"))
            return {"allowed": check.allowed, "verdict": check.verdict, "message": check.message,
                    "host": check.host, "port": check.port, "address": check.address,
                    "addressClass": check.address_class}, None
        if kind == "credential":
            check = cordon.check_credential(call["digest"], authorization=call.get("authorization"),
                                            presented=call.get("presented"))
            return {"state": check.state, "message": check.message}, None
        if kind == "digest":
            return cordon.credential_digest(call["token"]), None
        return cordon.sign_webhook(call["payload"], call["secret"], call["timestamp"],
                                   scheme=call.get("scheme", "stripe")), None
    except cordon.VerificationError as error:
        return None, error


# Calls the public API cannot express (it refuses them itself, or they are not objects).
def _public_api_applies(case):
    call = case["input"]
    if not isinstance(call, dict):
        return False
    known = {"webhook": {"scheme", "payload", "signature", "timestamp", "secrets", "now",
                         "toleranceSeconds", "replayScope"},
             "url": {"url", "allowedPorts"}, "credential": {"digest", "authorization", "presented"},
             "digest": {"token"}, "sign": {"scheme", "secret", "timestamp", "payload"}}
    required = {"webhook": {"payload", "secrets"}, "url": {"url"}, "credential": {"digest"},
                "digest": {"token"}, "sign": {"secret", "timestamp", "payload"}}
    kind = case["call"]
    if not set(call) <= known[kind] or not required[kind] <= set(call):
        return False
    if kind == "webhook" and not isinstance(call["secrets"], list):
        return False
    if kind == "credential" and ("authorization" in call) == ("presented" in call):
        return False
    return all(isinstance(s, str) for s in call.get("secrets", []))


@pytest.mark.parametrize("case_id, case", CASES, ids=[c[0] for c in CASES])
def test_verify_vector(case_id, case, answers):
    raw = answers[case_id]
    answer = json.loads(raw)
    why = mismatch(case["expected"], answer)
    assert why is None, f"{why}\n{raw}"
    if not _public_api_applies(case):
        return
    result, error = public_answer(case)
    if answer["type"] == "success":
        assert error is None, str(error)
        expected = {"digest": answer.get("digest"), "sign": answer.get("signature")}.get(
            case["call"], answer.get("result"))
        assert result == expected
    else:
        # The same kind; the locations differ, the public API writing its own call text.
        assert error is not None
        assert error.kind == answer["errors"][0]["code"]
