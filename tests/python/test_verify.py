"""The verification API of the Python package: webhook signatures (with the in-memory replay
store), outbound URLs and credentials. The shared vectors (test_verify_vectors.py) check the
answers case by case; these tests check the Python surface."""

import hashlib
import hmac
import threading

import pytest

import cordon

SECRET = "whsec_python_test"
PAYLOAD = b'{"id":"evt_py","type":"invoice.paid"}'
T = 1700000000


def stripe_header(secret, t, payload):
    tag = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={tag}"


def test_stripe_signature_from_hmac_module_verifies():
    verdict = cordon.verify_webhook(PAYLOAD, stripe_header(SECRET, T, PAYLOAD), [SECRET], now=T)
    assert verdict.verified and verdict
    assert verdict.outcome == "verified"
    assert verdict.timestamp == T
    assert verdict.replay_expires_at == T + 301
    assert verdict.secret_index == 0


def test_sign_webhook_matches_hmac_module():
    assert cordon.sign_webhook(PAYLOAD, SECRET, T) == stripe_header(SECRET, T, PAYLOAD)
    assert cordon.sign_webhook(PAYLOAD, SECRET, T, scheme="generic").startswith("sha256=")


@pytest.mark.parametrize("now, outcome", [(T + 300, "verified"), (T + 301, "too_old"),
                                          (T - 301, "too_new")])
def test_tolerance(now, outcome):
    header = stripe_header(SECRET, T, PAYLOAD)
    assert cordon.verify_webhook(PAYLOAD, header, [SECRET], now=now).outcome == outcome


def test_refusals_are_results_not_exceptions():
    header = stripe_header(SECRET, T, PAYLOAD)
    assert cordon.verify_webhook(PAYLOAD + b" ", header, [SECRET], now=T).outcome == "mismatch"
    assert cordon.verify_webhook(PAYLOAD, header, [], now=T).outcome == "unset"
    assert cordon.verify_webhook(PAYLOAD, None, [SECRET], now=T).outcome == "malformed"
    assert not cordon.verify_webhook(PAYLOAD, "t=1", [SECRET], now=T)


def test_malformed_calls_raise():
    with pytest.raises(cordon.VerificationError) as raised:
        cordon.verify_webhook(PAYLOAD, "t=1", [SECRET], tolerance_seconds=10**6)
    assert raised.value.kind == "verification"
    with pytest.raises(TypeError):
        cordon.verify_webhook(PAYLOAD, "t=1", SECRET)  # one string, not a list
    with pytest.raises(cordon.VerificationError):
        cordon.verify_webhook(b"\xff", "t=1", [SECRET])
    with pytest.raises(cordon.VerificationError) as short:
        cordon.credential_digest("hunter2")
    assert "hunter2" not in str(short.value)


def test_replay_store_accepts_each_delivery_once_across_threads():
    store = cordon.ReplayStore()
    header = stripe_header(SECRET, T, PAYLOAD)
    outcomes = []

    def deliver():
        for _ in range(25):
            outcomes.append(cordon.verify_webhook(PAYLOAD, header, [SECRET], now=T,
                                                  replay_store=store).outcome)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("verified") == 1
    assert outcomes.count("replayed") == 99
    assert len(store) == 1


def test_full_replay_store_fails_closed():
    store = cordon.ReplayStore(capacity=1)
    first = cordon.verify_webhook(PAYLOAD, stripe_header(SECRET, T, PAYLOAD), [SECRET], now=T,
                                  replay_store=store)
    second = cordon.verify_webhook(PAYLOAD, stripe_header(SECRET, T + 1, PAYLOAD), [SECRET],
                                   now=T, replay_store=store)
    assert (first.outcome, second.outcome) == ("verified", "store_failed")
    with pytest.raises(ValueError):
        cordon.ReplayStore(capacity=0)


@pytest.mark.parametrize("url, verdict", [
    ("https://bridge.example.com/hook", "allowed"),
    ("https://2130706433/", "loopback"),
    ("https://[::ffff:10.1.2.3]/", "private"),
    ("https://0251.0376.0251.0376/", "link_local"),
    ("http://bridge.example.com/", "not_https"),
    ("https://user:pw@bridge.example.com/", "userinfo"),
    ("https://printer.local/", "local_name"),
])
def test_outbound_urls(url, verdict):
    check = cordon.check_outbound_url(url)
    assert check.verdict == verdict
    assert bool(check) == (verdict == "allowed")


def test_credentials():
    token = "sched-7f3a9c1e5b2d4a6f8e0c1b3d5f7a9e2c"
    digest = cordon.credential_digest(token)
    assert digest == "sha256:" + hashlib.sha256(token.encode()).hexdigest()
    assert cordon.check_credential(digest, authorization=f"Bearer {token}").ok
    assert cordon.check_credential(digest, presented=token).state == "valid"
    assert cordon.check_credential(digest, presented="x" * 40).state == "invalid"
    assert cordon.check_credential(None, authorization=f"Bearer {token}").state == "unset"
    assert cordon.check_credential("", presented=token).state == "unset"
    with pytest.raises(TypeError):
        cordon.check_credential(digest)
