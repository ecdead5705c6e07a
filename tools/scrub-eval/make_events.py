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

    def plant(value, kind, typ):
        planted.append({"value": value, "kind": kind, "type": typ})
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
        headers.append(["Authorization", "Bearer " + plant(value, "secret", kind)])
    elif placement == 1:
        event["request"]["cookies"] = {"sb-access-token": plant(value, "secret", kind), "theme": keep("dark")}
    elif placement == 2:
        event["request"]["query_string"] = f"tenant={tenant}&api_key={plant(value, 'secret', kind)}"
    elif placement == 3:
        event["message"] = f"Upstream rejected request with key {plant(value, 'secret', kind)} for {call_id}"
    elif placement == 4:
        event["extra"]["provider_config"] = {"vapi_private_key": plant(value, "secret", kind), "model": keep("gpt-4o-mini")}
    elif placement == 5:
        event["request"]["data"] = {"password": plant(value, "secret", kind), "remember": True}
    elif placement == 6:
        event["exception"] = {"values": [{"type": "HttpError", "value": f"401 from https://api.partner.dev/v1/sync?token={plant(value, 'secret', kind)}&page=2"}]}
    else:
        event["breadcrumbs"] = [{"category": "http", "message": f"POST /v1/charges Authorization: Bearer {plant(value, 'secret', kind)}"}]
    # A second secret in a fifth of the events.
    if i % 5 == 0:
        k2, v2 = secret(rng)
        event["extra"]["twilio_auth_token"] = plant(v2, "secret", k2)
    # PII: emails, phones, patient/caller/transcript fields, IPs.
    pii_place = i % 10
    e, p = email(rng), phone(rng)
    name = rng.choice(FIRST) + " " + rng.choice(LAST)
    if pii_place == 0:
        event["user"] = {"email": plant(e, "pii", "email"), "id": keep("usr_" + rand_token(rng, 10))}
    elif pii_place == 1:
        event["message"] = event.get("message", "") + f" Callback requested by {plant(e, 'pii', 'email')} at {plant(p, 'pii', 'phone')}"
    elif pii_place == 2:
        event["extra"]["patient_name"] = plant(name, "pii", "patient")
        event["extra"]["patient_dob"] = plant(f"19{rng.randrange(40, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}", "pii", "patient")
    elif pii_place == 3:
        event["extra"]["caller_number"] = plant(p, "pii", "phone")
        event["extra"]["caller_name"] = plant(name, "pii", "caller")
    elif pii_place == 4:
        event["extra"]["transcript"] = plant(f"Hi, this is {name}, I need to move my cleaning to Friday.", "pii", "transcript")
    elif pii_place == 5:
        event["user"] = {"ip_address": plant(f"{rng.randrange(11, 223)}.{rng.randrange(0, 255)}.{rng.randrange(0, 255)}.{rng.randrange(1, 254)}", "pii", "ip")}
    elif pii_place == 6:
        event["breadcrumbs"] = event.get("breadcrumbs", []) + [{"category": "console", "message": f"sms sent to {plant(p, 'pii', 'phone')} ok"}]
    elif pii_place == 7:
        event["request"]["data"] = {"lead": {"name": plant(name, "pii", "body"), "phone": plant(p, "pii", "phone")}}
    elif pii_place == 8:
        event["exception"] = {"values": [{"type": "ValidationError", "value": f"invalid recipient {plant(e, 'pii', 'email')}"}]}
    else:
        headers.append(["X-Forwarded-For", plant(f"2001:db8:{rng.randrange(1, 9999):x}::{rng.randrange(1, 9999):x}", "pii", "ip")])
    event["request"]["headers"] = headers
    return {"id": f"event-{i:03d}", "event": event, "planted": planted, "benign": benign}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count", type=int, default=240)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.count):
        print(json.dumps(make_event(rng, i), sort_keys=True))


if __name__ == "__main__":
    main()
