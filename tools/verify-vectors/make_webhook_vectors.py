#!/usr/bin/env python3
"""Writes tests/vectors/verify/webhook.json, the shared vectors of the webhook calls.

The HMACs are computed here with Python's hmac module, independently of cordon, so the
vectors check cordon's answers against a second implementation. Run from the repository
root after changing a case: python3 tools/verify-vectors/make_webhook_vectors.py
"""
import hashlib
import hmac
import json
import os
from collections import OrderedDict as O


def tag(secret, t, payload):
    return hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()


def key(prefix, t, payload):
    return prefix + hashlib.sha256(f"{t}.{payload}".encode()).hexdigest()


T = 1700000000
S = "whsec_vector_secret"
P = '{"id":"evt_1","type":"invoice.paid","amount":4200}'
NA = '{"name":"Zo\u00eb \u2713"}'
good = f"t={T},v1={tag(S, T, P)}"
g = tag(S, T, P)
cases = []


def case(name, inp, exp, call="webhook"):
    cases.append(O([("name", name), ("call", call), ("input", inp), ("expected", exp)]))


def res(verified, outcome, **kw):
    r = O([("verified", verified), ("outcome", outcome)])
    r.update(kw)
    return O([("type", "success"), ("result", r)])


def fail(code):
    return O([("type", "failure"), ("errors", [O([("code", code)])])])



case("stripe: valid", O([("scheme", "stripe"), ("payload", P), ("signature", good), ("secrets", [S]), ("now", T + 10)]),
     res(True, "verified", timestamp=T, replayExpiresAt=T + 301, secretIndex=0))
case("stripe: scheme defaults to stripe", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("stripe: at the edge of the tolerance", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T + 300)]),
     res(True, "verified"))
case("stripe: one second too old", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T + 301)]),
     res(False, "too_old", timestamp=T))
case("stripe: too far in the future", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T - 301)]),
     res(False, "too_new"))
case("stripe: custom tolerance", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T + 600), ("toleranceSeconds", 600)]),
     res(True, "verified", replayExpiresAt=T + 601))
case("stripe: zero tolerance", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T + 1), ("toleranceSeconds", 0)]),
     res(False, "too_old"))
case("stripe: tampered payload", O([("payload", P.replace("4200", "1")), ("signature", good), ("secrets", [S]), ("now", T)]),
     res(False, "mismatch", timestamp=T, replayKey=None))
flipped = good[:-1] + ("0" if good[-1] != "0" else "1")
case("stripe: tampered signature", O([("payload", P), ("signature", flipped), ("secrets", [S]), ("now", T)]),
     res(False, "mismatch"))
case("stripe: moved timestamp", O([("payload", P), ("signature", f"t={T + 1},v1={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "mismatch"))
case("stripe: wrong secret", O([("payload", P), ("signature", good), ("secrets", ["whsec_other"]), ("now", T)]),
     res(False, "mismatch"))
case("stripe: rotation, old secret second", O([("payload", P), ("signature", good), ("secrets", ["whsec_new", S]), ("now", T)]),
     res(True, "verified", secretIndex=1))
case("stripe: two v1 signatures", O([("payload", P), ("signature", f"t={T},v1={tag('whsec_new', T, P)},v1={g}"), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("stripe: spaces and unknown schemes", O([("payload", P), ("signature", f" t={T} , v0=abc, v2=zzz ,v1={g} "), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("stripe: upper-case hex", O([("payload", P), ("signature", f"t={T},v1={g.upper()}"), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("stripe: no secret configured", O([("payload", P), ("signature", good), ("secrets", []), ("now", T)]),
     res(False, "unset", timestamp=None, replayKey=None))
case("stripe: empty secret only", O([("payload", P), ("signature", good), ("secrets", [""]), ("now", T)]),
     res(False, "unset"))
case("stripe: no header", O([("payload", P), ("secrets", [S]), ("now", T)]),
     res(False, "malformed", message="the delivery has no signature header", timestamp=None))
case("stripe: empty header", O([("payload", P), ("signature", ""), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: no timestamp", O([("payload", P), ("signature", f"v1={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: two timestamps", O([("payload", P), ("signature", f"t={T},t={T},v1={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: negative timestamp", O([("payload", P), ("signature", f"t=-{T},v1={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: fractional timestamp", O([("payload", P), ("signature", f"t={T}.5,v1={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: short signature", O([("payload", P), ("signature", f"t={T},v1={g[:-2]}"), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: empty item", O([("payload", P), ("signature", f"t={T},,v1={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("stripe: only v0", O([("payload", P), ("signature", f"t={T},v0={g}"), ("secrets", [S]), ("now", T)]),
     res(False, "no_signature", timestamp=T))
case("stripe: replay key", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T)]),
     res(True, "verified", replayKey=key("stripe:", T, P)))
case("stripe: replay scope in the key", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T), ("replayScope", "billing")]),
     res(True, "verified", replayKey=key("billing:stripe:", T, P)))
case("stripe: non-ASCII payload", O([("payload", NA), ("signature", f"t={T},v1={tag(S, T, NA)}"), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("generic: sha256= form", O([("scheme", "generic"), ("payload", P), ("signature", "sha256=" + g), ("timestamp", str(T)), ("secrets", [S]), ("now", T)]),
     res(True, "verified", replayKey=key("generic:", T, P)))
case("generic: bare hex", O([("scheme", "generic"), ("payload", P), ("signature", g), ("timestamp", str(T)), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("generic: several, comma-separated", O([("scheme", "generic"), ("payload", P), ("signature", "sha1=abc, sha256=" + "0" * 64 + ",v1=" + g), ("timestamp", str(T)), ("secrets", [S]), ("now", T)]),
     res(True, "verified"))
case("generic: no timestamp header", O([("scheme", "generic"), ("payload", P), ("signature", "sha256=" + g), ("secrets", [S]), ("now", T)]),
     res(False, "malformed"))
case("generic: stale", O([("scheme", "generic"), ("payload", P), ("signature", "sha256=" + g), ("timestamp", str(T)), ("secrets", [S]), ("now", T + 1000)]),
     res(False, "too_old"))
case("generic: only unknown algorithms", O([("scheme", "generic"), ("payload", P), ("signature", "sha1=abcdef"), ("timestamp", str(T)), ("secrets", [S]), ("now", T)]),
     res(False, "no_signature"))
case("call: not JSON", "{not json", fail("json"))
case("call: unknown key", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T), ("secret", S)]), fail("verification"))
case("call: secrets not an array", O([("payload", P), ("signature", good), ("secrets", S), ("now", T)]), fail("verification"))
case("call: secret not a string", O([("payload", P), ("signature", good), ("secrets", [5]), ("now", T)]), fail("verification"))
case("call: no payload", O([("signature", good), ("secrets", [S]), ("now", T)]), fail("verification"))
case("call: bad scheme", O([("scheme", "github"), ("payload", P), ("signature", good), ("secrets", [S]), ("now", T)]), fail("verification"))
case("call: timestamp with stripe", O([("payload", P), ("signature", good), ("timestamp", str(T)), ("secrets", [S]), ("now", T)]), fail("verification"))
case("call: tolerance out of range", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", T), ("toleranceSeconds", 86401)]), fail("verification"))
case("call: negative now", O([("payload", P), ("signature", good), ("secrets", [S]), ("now", -1)]), fail("verification"))
case("sign: stripe", O([("secret", S), ("timestamp", T), ("payload", P)]), O([("type", "success"), ("signature", good)]), call="sign")
case("sign: generic", O([("scheme", "generic"), ("secret", S), ("timestamp", T), ("payload", P)]), O([("type", "success"), ("signature", "sha256=" + g)]), call="sign")
case("sign: empty secret", O([("secret", ""), ("timestamp", T), ("payload", P)]), fail("verification"), call="sign")

DESCRIPTION = ("Webhook signature checks (cordon/verify_json.h: verify_webhook, sign_webhook): Stripe and "
               "generic headers, tolerance, rotation, replay keys, malformed headers and calls. Written by "
               "tools/verify-vectors/make_webhook_vectors.py; HMACs from Python's hmac module.")
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out = os.path.join(root, "tests", "vectors", "verify", "webhook.json")
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(O([("description", DESCRIPTION), ("cases", cases)]), indent=1, ensure_ascii=False) + "\n")
print(f"{len(cases)} cases -> {os.path.relpath(out)}")
