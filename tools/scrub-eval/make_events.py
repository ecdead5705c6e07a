#!/usr/bin/env python3
"""Builds the labelled telemetry set used to measure scrubbing (tests/telemetry/events.jsonl).

Each line is {"id", "event", "planted": [{"value", "kind": "secret"|"pii", "type"}],
"benign": [values that must survive]}. Events look like error-monitoring (Sentry) events of
the product: requests with headers, cookies, query strings and bodies, breadcrumbs, log
messages, exception values and extra context. Secrets and PII are planted in every place the
scrubber must find them: under telling key names, inside free text, URLs and header pairs.

Deterministic: the same seed gives the same file.

    python3 tools/scrub-eval/make_events.py --seed 7 --count 240 > tests/telemetry/events.jsonl
"""

import argparse
import json
import random
import string

FIRST = ["Jane", "Omar", "Priya", "Luis", "Mei", "Tom", "Aisha", "Noah", "Sara", "Ivan"]
LAST = ["Doe", "Haddad", "Patel", "Garcia", "Chen", "Okafor", "Novak", "Kim", "Silva", "Berg"]
DOMAINS = ["example.com", "clinic-mail.org", "smiles.dental", "healthbox.io", "mail.co.uk"]
PATHS = ["/api/calls", "/api/leads", "/api/dashboard", "/api/recovery", "/api/agent-config"]


def rand_token(rng, n, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _ in range(n))


def luhn_complete(rng, prefix, length):
    digits = [int(c) for c in prefix] + [rng.randrange(10) for _ in range(length - len(prefix) - 1)]
    for check in range(10):
        candidate = digits + [check]
        total = 0
        for i, d in enumerate(reversed(candidate)):
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("unreachable")


def email(rng):
    user = rng.choice(FIRST).lower() + rng.choice([".", "_", ""]) + rng.choice(LAST).lower()
    if rng.random() < 0.3:
        user += "+" + rand_token(rng, 4, string.ascii_lowercase)
    return user + "@" + rng.choice(DOMAINS)


def phone(rng):
    a, b, c = rng.randrange(201, 989), rng.randrange(200, 999), rng.randrange(1000, 9999)
    return rng.choice([
        f"+1 ({a}) {b}-{c}", f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1{a}{b}{c}",
        f"+1-{a}-{b}-{c}", f"+44 20 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
    ])


def secret(rng):
    kind = rng.choice(["openai", "anthropic", "stripe", "jwt", "bearer", "aws", "github",
                       "password", "twilio", "vapi", "service_role", "card"])
    if kind == "openai":
        return kind, "sk-proj-" + rand_token(rng, 40)
    if kind == "anthropic":
        return kind, "sk-ant-api03-" + rand_token(rng, 48, string.ascii_letters + string.digits + "-_")
    if kind == "stripe":
        return kind, rng.choice(["sk_live_", "rk_live_", "whsec_"]) + rand_token(rng, 32)
    if kind in ("jwt", "service_role"):
        head = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        return kind, head + "." + "eyJ" + rand_token(rng, 60) + "." + rand_token(rng, 43, string.ascii_letters + string.digits + "-_")
    if kind == "bearer":
        return kind, rand_token(rng, 32)
    if kind == "aws":
        return kind, "AKIA" + rand_token(rng, 16, string.ascii_uppercase + string.digits)
    if kind == "github":
        return kind, "ghp_" + rand_token(rng, 36)
    if kind == "password":
        return kind, rand_token(rng, 14, string.ascii_letters + string.digits + "!#%")
    if kind == "twilio":
        return kind, rand_token(rng, 32, "0123456789abcdef")
    if kind == "vapi":
        return kind, "-".join(rand_token(rng, n, "0123456789abcdef") for n in (8, 4, 4, 4, 12))
    return kind, luhn_complete(rng, rng.choice(["4", "51", "37"]), rng.choice([16, 16, 15]))


def make_event(rng, i):
    planted = []
    benign = []
    redacted_whole = []

    def plant(value, kind, typ, where):
        planted.append({"value": value, "kind": kind, "type": typ, "where": where})
        return value

    def keep(value):
        benign.append(value)
        return value

    tenant = keep("tenant-" + rand_token(rng, 8, string.ascii_lowercase + string.digits))
    call_id = keep("call_" + rand_token(rng, 12, string.ascii_lowercase + string.digits))
    path = rng.choice(PATHS)
    event = {
        "event_id": rand_token(rng, 32, "0123456789abcdef"),
        "level": rng.choice(["error", "warning", "fatal"]),
        "platform": "node",
        "release": keep(f"portal@{rng.randrange(1, 9)}.{rng.randrange(0, 30)}.{rng.randrange(0, 9)}"),
        "environment": "production",
        "tags": {"tenant": tenant, "route": keep(path), "region": keep(rng.choice(["us-east-1", "eu-west-2"]))},
        "request": {"method": rng.choice(["GET", "POST", "PATCH"]), "url": "https://portal.elaygent.com" + path},
        "contexts": {"runtime": {"name": "node", "version": keep("20.11.1")}},
        "extra": {"call_id": call_id, "duration_ms": rng.randrange(10, 9000), "attempt": rng.randrange(1, 4)},
    }
    headers = [["Accept", keep("application/json")], ["User-Agent", keep("Mozilla/5.0 (Macintosh)")]]
    # Secrets: always at least one per event, in a rotating set of places.
    placement = i % 8
    kind, value = secret(rng)
    if placement == 0:
        headers.append(["Authorization", "Bearer " + plant(value, "secret", kind, "header")])
    elif placement == 1:
        # Cookies are replaced as a whole by design; "theme" goes with them.
        event["request"]["cookies"] = {"sb-access-token": plant(value, "secret", kind, "cookie"), "theme": "dark"}
        redacted_whole.append("/request/cookies")
    elif placement == 2:
        event["request"]["query_string"] = f"tenant={tenant}&api_key={plant(value, 'secret', kind, 'query_string')}"
    elif placement == 3:
        event["message"] = f"Upstream rejected request with key {plant(value, 'secret', kind, 'free_text')} for {call_id}"
    elif placement == 4:
        event["extra"]["provider_config"] = {"vapi_private_key": plant(value, "secret", kind, "key"), "model": keep("gpt-4o-mini")}
    elif placement == 5:
        # A raw request body is removed as a whole by design.
        event["request"]["data"] = {"password": plant(value, "secret", kind, "body"), "remember": True}
        redacted_whole.append("/request/data")
    elif placement == 6:
        event["exception"] = {"values": [{"type": "HttpError", "value": f"401 from https://api.partner.dev/v1/sync?token={plant(value, 'secret', kind, 'url')}&{keep('page=2')}"}]}
    else:
        event["breadcrumbs"] = [{"category": "http", "message": f"POST /v1/charges Authorization: Bearer {plant(value, 'secret', kind, 'free_text')}"}]
    # A second secret in a fifth of the events.
    if i % 5 == 0:
        k2, v2 = secret(rng)
        event["extra"]["twilio_auth_token"] = plant(v2, "secret", k2, "key")
    # PII: emails, phones, patient/caller/transcript fields, IPs.
    pii_place = i % 10
    e, p = email(rng), phone(rng)
    name = rng.choice(FIRST) + " " + rng.choice(LAST)
    if pii_place == 0:
        event["user"] = {"email": plant(e, "pii", "email", "key"), "id": keep("usr_" + rand_token(rng, 10))}
    elif pii_place == 1:
        event["message"] = event.get("message", "") + f" Callback requested by {plant(e, 'pii', 'email', 'free_text')} at {plant(p, 'pii', 'phone', 'free_text')}"
    elif pii_place == 2:
        event["extra"]["patient_name"] = plant(name, "pii", "patient", "key")
        event["extra"]["patient_dob"] = plant(f"19{rng.randrange(40, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}", "pii", "patient", "key")
    elif pii_place == 3:
        event["extra"]["caller_number"] = plant(p, "pii", "phone", "key")
        event["extra"]["caller_name"] = plant(name, "pii", "caller", "key")
    elif pii_place == 4:
        event["extra"]["transcript"] = plant(f"Hi, this is {name}, I need to move my cleaning to Friday.", "pii", "transcript", "key")
    elif pii_place == 5:
        event["user"] = {"ip_address": plant(f"{rng.randrange(11, 223)}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}", "pii", "ip", "key")}
    elif pii_place == 6:
        event["breadcrumbs"] = event.get("breadcrumbs", []) + [{"category": "console", "message": f"sms sent to {plant(p, 'pii', 'phone', 'free_text')} ok"}]
    elif pii_place == 7:
        # Merged into the body, never replacing a secret planted there.
        event["request"].setdefault("data", {})["lead"] = {"name": plant(name, "pii", "body", "body"), "phone": plant(p, "pii", "phone", "body")}
        if "/request/data" not in redacted_whole:
            redacted_whole.append("/request/data")
    elif pii_place == 8:
        event.setdefault("exception", {"values": []})["values"].append({"type": "ValidationError", "value": f"invalid recipient {plant(e, 'pii', 'email', 'free_text')}"})
    else:
        headers.append(["X-Forwarded-For", plant(f"2001:db8:{rng.randrange(1, 9999):x}::{rng.randrange(1, 9999):x}", "pii", "ip", "header")])
    event["request"]["headers"] = headers
    out = {"id": f"event-{i:03d}", "event": event, "planted": planted, "benign": benign}
    if redacted_whole:
        out["redacted_whole"] = redacted_whole
    return out


# ---- the harder part of the set (events 240 and on) ----
#
# The same kinds of secrets and PII, planted where a scrubber that only reads key names and
# whole values would miss them: URL user-info and percent-encoded query strings, JSON text
# inside a string, camelCase keys, environment dumps, argv pairs, Set-Cookie headers, IPv4
# addresses inside IPv6 and after a port, phones in URL paths. Next to them, values that look
# dangerous but must survive: UUIDs, trace ids, commit hashes, millisecond timestamps,
# ISO dates, LLM token counts, stack frames and modern User-Agent strings. A planted value
# is recorded exactly as it appears in the event (percent-encoded where it was encoded).

UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "Twilio.TmeWs/1.0",
]
FRAMES = [
    "at processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "at async handler (/app/.next/server/app/api/calls/route.js:1:2417)",
    "at Object.<anonymous> (/app/dist/server.js:1234:56)",
]


def uuid4(rng):
    h = rand_token(rng, 32, "0123456789abcdef")
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def pct(text):
    return "".join(c if c.isalnum() or c in "-._~" else "%%%02X" % ord(c) for c in text)


def make_hard_event(rng, i):
    planted = []
    benign = []

    def plant(value, kind, typ, where):
        planted.append({"value": value, "kind": kind, "type": typ, "where": where})
        return value

    def keep(value):
        benign.append(value)
        return value

    tenant = keep("tenant-" + rand_token(rng, 8, string.ascii_lowercase + string.digits))
    trace = keep(rand_token(rng, 32, "0123456789abcdef"))
    request_id = keep(uuid4(rng))
    commit = keep(rand_token(rng, 40, "0123456789abcdef"))
    path = rng.choice(PATHS)
    event = {
        "event_id": rand_token(rng, 32, "0123456789abcdef"),
        "timestamp": 1764849600000 + rng.randrange(0, 10**9),
        "level": "error",
        "platform": "node",
        "release": keep(f"portal@{rng.randrange(1, 9)}.{rng.randrange(0, 30)}.{rng.randrange(0, 9)}+{commit[:7]}"),
        "tags": {"tenant": tenant, "route": keep(path), "trace_id": trace, "request_id": request_id,
                 "date": keep(f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")},
        "request": {"method": "POST", "url": "https://portal.elaygent.com" + path,
                    "headers": [["Accept", keep("application/json")], ["User-Agent", keep(rng.choice(UAS))],
                                ["X-Request-Id", request_id]]},
        "contexts": {"trace": {"trace_id": trace, "span_id": keep(rand_token(rng, 16, "0123456789abcdef"))},
                     "runtime": {"name": "node", "version": keep("20.11.1")}},
        "extra": {"commit": commit,
                  "usage": {"prompt_tokens": rng.randrange(100, 4000), "completion_tokens": rng.randrange(10, 800),
                            "total_tokens": rng.randrange(200, 5000), "model": keep("gpt-4o-mini")},
                  "max_tokens": 1024, "token_type": "Bearer", "key_count": rng.randrange(1, 9),
                  "stack": keep(rng.choice(FRAMES))},
        "breadcrumbs": [{"category": "http", "message": keep(f"GET /api/calls?page=2&limit=50 200 in {rng.randrange(20, 3000)}ms"),
                         "data": {"method": "GET", "status_code": 200, "url": keep("https://portal.elaygent.com/api/calls?page=2&limit=50")}}],
    }
    headers = event["request"]["headers"]
    if i % 4 == 1:
        # A Supabase auth user attached to the event: its email is PII, the rest is not.
        event["user"] = {"id": keep(uuid4(rng)), "aud": "authenticated", "role": "authenticated",
                         "email": plant(email(rng), "pii", "email", "key"),
                         "email_confirmed_at": keep(f"2026-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}T08:1{rng.randrange(0, 9)}:00Z"),
                         "phone_confirmed_at": None,
                         "app_metadata": {"provider": "email", "providers": ["email"]}}

    placement = i % 10
    kind, value = secret(rng)
    if placement == 0:
        # A connection string's password, in an exception message and an environment dump.
        pw = plant(rand_token(rng, 16), "secret", "password", "url")
        event["exception"] = {"values": [{"type": "Error", "value": f"connect ECONNREFUSED: postgres://portal:{pw}@{keep('db.internal:5432/portal')}"}]}
    elif placement == 1:
        # A provider's response kept as JSON text.
        event["extra"]["response_text"] = json.dumps({"error": keep("invalid_client"), "client_secret": plant(value, "secret", kind, "json_text"), "hint": keep("rotate it")})
    elif placement == 2:
        # A redirect URL percent-encoded inside the query string.
        encoded = pct(value)
        event["request"]["query_string"] = "next=" + pct("https://portal.elaygent.com/cb?api_key=") + plant(encoded, "secret", kind, "url_encoded") + "&" + keep("lang=en")
    elif placement == 3:
        name = rng.choice(["X-Goog-Api-Key", "x-partner-token", "X-Stripe-Client-Secret", "X-Vapi-Secret"])
        headers.append([name, plant(value, "secret", kind, "header")])
    elif placement == 4:
        field = rng.choice(["privateKey", "clientSecret", "authToken", "apiKey", "encryptionKey", "webhookSigningSecret"])
        event["extra"]["integration"] = {"provider": keep("twilio"), "settings": {"region": keep("us1"), field: plant(value, "secret", kind, "nested_key")}}
    elif placement == 5:
        # Credentials next to a keyword in a log line, without a separator.
        word = rng.choice(["password", "token", "secret", "API key"])
        event["message"] = f"login to provider failed: {word} {plant(value, 'secret', kind, 'free_text')} {keep('was rejected (attempt 2)')}"
    elif placement == 6:
        event["request"]["headers"].append(["Set-Cookie", f"sb-refresh-token={plant(value, 'secret', kind, 'header')}; Path=/; HttpOnly; Secure"])
    elif placement == 7:
        event["breadcrumbs"].append({"category": "fetch", "data": {"url": f"https://api.partner.dev/v2/export?access_token={plant(value, 'secret', kind, 'url')}&{keep('format=csv')}", "method": "GET", "status_code": 401}})
    elif placement == 8:
        import base64
        basic = base64.b64encode(f"portal:{rand_token(rng, 14)}".encode()).decode()
        event["message"] = f"proxy refused: Authorization: Basic {plant(basic, 'secret', 'basic', 'free_text')} {keep('(407)')}"
    else:
        var = rng.choice(["OPENAI_API_KEY", "SUPABASE_SERVICE_ROLE_KEY", "TWILIO_AUTH_TOKEN", "STRIPE_SECRET_KEY"])
        event["extra"]["env"] = {"NODE_ENV": keep("production"), "PORT": "3000", var: plant(value, "secret", kind, "env")}
        k3, v3 = secret(rng)
        event["extra"]["argv"] = ["node", "worker.js", "--api-key", plant(v3, "secret", k3, "argv")]

    pii_place = i % 10
    e, p = email(rng), phone(rng)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if pii_place == 0:
        ip = f"{rng.randrange(11, 223)}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}"
        event["breadcrumbs"] = event.get("breadcrumbs", []) + [{"category": "http", "message": f"request from ::ffff:{plant(ip, 'pii', 'ip', 'free_text')} {keep('rate limited')}"}]
    elif pii_place == 1:
        event["exception"] = {"values": [{"type": "Error", "value": f"GET /api/leads/search?q={plant(pct(e), 'pii', 'email', 'url_encoded')} {keep('returned 500')}"}]}
    elif pii_place == 2:
        digits = "+1" + str(rng.randrange(2012000000, 9899999999))
        event["breadcrumbs"] = event.get("breadcrumbs", []) + [{"category": "http", "message": f"GET /api/callers/{plant(digits, 'pii', 'phone', 'url')}/{keep('history 404')}"}]
    elif pii_place == 3:
        event["extra"]["lead"] = {"firstName": plant(first, "pii", "name", "nested_key"), "lastName": plant(last, "pii", "name", "nested_key"),
                                  "phoneNumber": plant(p, "pii", "phone", "nested_key"), "source": keep("web-form")}
    elif pii_place == 4:
        dob = f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(10, 29)}"
        event["extra"]["upstream_response"] = json.dumps({"status": "not_found", "patient_name": plant(f"{first} {last}", "pii", "patient", "json_text"), "patient_dob": plant(dob, "pii", "patient", "json_text")})
    elif pii_place == 5:
        headers.append(["From", plant(e, "pii", "email", "header")])
    elif pii_place == 6:
        uk = f"+44 7700 {rng.randrange(900000, 900999)}"
        event["message"] = event.get("message", "") + f" sms to {plant(uk, 'pii', 'phone', 'free_text')} failed, retry via tel:{plant(p, 'pii', 'phone', 'free_text')}"
    elif pii_place == 7:
        event["breadcrumbs"] = event.get("breadcrumbs", []) + [{"category": "navigation", "message": f"/api/leads?email={plant(e, 'pii', 'email', 'url')}&{keep('page=2')}"}]
    elif pii_place == 8:
        ip = f"{rng.randrange(11, 223)}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}"
        headers.append(["X-Real-IP", plant(ip, "pii", "ip", "header")])
        ip2 = f"{rng.randrange(11, 223)}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}"
        event["message"] = event.get("message", "") + f" client {plant(ip2, 'pii', 'ip', 'free_text')}:{rng.randrange(1024, 65535)} {keep('disconnected')}"
    else:
        dob = f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(10, 29)}"
        event["extra"]["appointment"] = {"callerName": plant(f"{first} {last}", "pii", "caller", "nested_key"),
                                         "dateOfBirth": plant(dob, "pii", "dob", "nested_key"), "slot": keep("2026-12-08T09:30:00Z")}
    if i % 2 == 1:
        # Half of them carry their headers as an object, as Sentry's Node SDK sends them.
        event["request"]["headers"] = {name: value for name, value in headers}
    return {"id": f"event-{i:03d}", "event": event, "planted": planted, "benign": benign}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count", type=int, default=240)
    parser.add_argument("--hard-count", type=int, default=80)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.count):
        print(json.dumps(make_event(rng, i), sort_keys=True))
    for i in range(args.count, args.count + args.hard_count):
        print(json.dumps(make_hard_event(rng, i), sort_keys=True))


if __name__ == "__main__":
    main()
