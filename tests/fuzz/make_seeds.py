#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into build/fuzz-seeds/ (never into the repository).

    python3 tests/fuzz/make_seeds.py [--corpus /tmp/corpus/corpus-tests] [--out build/fuzz-seeds]

Seeds come from the shared vectors (tests/vectors/*.json), the default policy bundle
(policies/) and, when present, Cedar's integration-test corpus (read only):
  policy/  Cedar policy text            -> fuzz_policy_parser
  json/    entities, requests and calls -> fuzz_entities_json
  schema/  Cedar schema text and JSON   -> fuzz_schema_parser
  verify/  URLs, signature headers and verification calls -> fuzz_verify
  scrub/   telemetry events (the labelled set, the scrub vectors) -> fuzz_scrub
Files are named by content hash, so reruns do not duplicate them. Each kind is capped,
and large files are skipped: small seeds keep libFuzzer fast.
"""
import argparse
import glob
import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_SEED_BYTES = 4096
MAX_CORPUS_SEEDS = 1500  # per kind and source

# A few JSON schemas written for the fuzzer, since the corpus only has the text format.
JSON_SCHEMAS = [
    {"": {"entityTypes": {"User": {}}, "actions": {"view": {}}}},
    {"App": {
        "commonTypes": {"Place": {"type": "Record", "attributes": {
            "city": {"type": "String"}, "zip": {"type": "String", "required": False}}}},
        "entityTypes": {
            "User": {"memberOfTypes": ["Team"], "shape": {"type": "Record", "attributes": {
                "home": {"type": "Place"}, "age": {"type": "Long"},
                "tags": {"type": "Set", "element": {"type": "String"}},
                "ip": {"type": "Extension", "name": "ipaddr"}}},
                "tags": {"type": "String"}},
            "Team": {},
            "Doc": {"enum": ["a", "b"]}},
        "actions": {
            "read": {"memberOf": [{"id": "all"}], "appliesTo": {
                "principalTypes": ["User"], "resourceTypes": ["Doc"],
                "context": {"type": "Record", "attributes": {"mfa": {"type": "Boolean"}}}}},
            "all": {}}}},
    {"A::B": {"entityTypes": {"E": {"shape": {"type": "Record", "attributes": {
        "r": {"type": "Entity", "name": "A::B::E"},
        "d": {"type": "EntityOrCommon", "name": "decimal"}}}}},
        "actions": {"act": {"appliesTo": {"principalTypes": ["E"], "resourceTypes": ["E"]}}}}},
]


def write_seed(folder, data):
    """Writes one seed; True when it is new (not too large, not already there)."""
    if isinstance(data, str):
        data = data.encode()
    if not data or len(data) > MAX_SEED_BYTES:
        return False
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, hashlib.sha1(data).hexdigest())
    if os.path.exists(path):
        return False
    with open(path, "wb") as f:
        f.write(data)
    return True


def compact(value):
    return json.dumps(value, separators=(",", ":"))


def request_of(call):
    return {k: call[k] for k in ("principal", "action", "resource", "context") if k in call}


def from_vectors(out):
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "*.json"))):
        with open(path) as f:
            cases = json.load(f)["cases"]
        for case in cases:
            call = case["call"]
            write_seed(out["json"], compact(call))
            write_seed(out["json"], compact(request_of(call)))
            if isinstance(call.get("entities"), list):
                write_seed(out["json"], compact(call["entities"]))
            policies = call.get("policies", {})
            static = policies.get("staticPolicies") if isinstance(policies, dict) else None
            if isinstance(static, str):
                write_seed(out["policy"], static)


def from_verify_vectors(out):
    """URLs, "<signature header>\\n<payload>" pairs and whole calls of tests/vectors/verify."""
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "verify", "*.json"))):
        with open(path, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        for case in cases:
            call = case["input"]
            write_seed(out["verify"], call if isinstance(call, str) else compact(call))
            if not isinstance(call, dict):
                continue
            if isinstance(call.get("url"), str):
                write_seed(out["verify"], call["url"])
            if isinstance(call.get("signature"), str) and isinstance(call.get("payload"), str):
                write_seed(out["verify"], call["signature"] + "\n" + call["payload"])


def from_telemetry(out):
    """Events of tests/telemetry/events.jsonl and of the domain scrub vectors, as sent."""
    with open(os.path.join(ROOT, "tests", "telemetry", "events.jsonl"), encoding="utf-8") as f:
        for line in f:
            write_seed(out["scrub"], compact(json.loads(line)["event"]))
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "domain", "scrub*.json"))):
        with open(path, encoding="utf-8") as f:
            cases = json.load(f)["cases"]
        for case in cases:
            call = case["input"]
            if isinstance(call, dict) and "event" in call:
                write_seed(out["scrub"], compact(call["event"]))


def from_bundle(out):
    for path in sorted(glob.glob(os.path.join(ROOT, "policies", "**", "*.cedar"), recursive=True)):
        with open(path, "rb") as f:
            write_seed(out["policy"], f.read())


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def from_corpus(corpus, out):
    tests = sorted(p for p in glob.glob(os.path.join(corpus, "*.json"))
                   if not p.endswith(".entities.json"))
    counts = {"policy": 0, "entities": 0, "schema": 0, "request": 0, "call": 0}

    def add(kind, folder, data):
        if counts[kind] < MAX_CORPUS_SEEDS and write_seed(folder, data):
            counts[kind] += 1

    for test_path in tests:
        stem = test_path[: -len(".json")]
        policies = read_text(stem + ".cedar")
        entities = read_text(stem + ".entities.json")
        schema = read_text(stem + ".cedarschema")
        if policies is not None:
            add("policy", out["policy"], policies)
        if entities is not None:
            add("entities", out["json"], entities)
        if schema is not None:
            add("schema", out["schema"], schema)
        with open(test_path) as f:
            requests = json.load(f).get("requests", [])
        if not requests:
            continue
        request = request_of(requests[0])
        add("request", out["json"], compact(request))
        # A whole AuthorizationCall, as cedar-wasm takes it.
        if policies is not None and entities is not None:
            call = dict(request, policies={"staticPolicies": policies},
                        entities=json.loads(entities))
            if schema is not None and counts["call"] % 2 == 0:
                call["schema"] = schema
                call["validateRequest"] = bool(requests[0].get("validateRequest", False))
            add("call", out["json"], compact(call))
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="/tmp/corpus/corpus-tests")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz-seeds"))
    args = parser.parse_args()
    out = {kind: os.path.join(args.out, kind) for kind in ("policy", "json", "schema", "verify", "scrub")}

    from_vectors(out)
    from_verify_vectors(out)
    from_telemetry(out)
    from_bundle(out)
    for schema in JSON_SCHEMAS:
        write_seed(out["schema"], json.dumps(schema, indent=1))
    if os.path.isdir(args.corpus):
        print("from the corpus:", from_corpus(args.corpus, out))
    else:
        print("no corpus at", args.corpus, "- seeds from the vectors and bundle only")
    for kind, folder in sorted(out.items()):
        print(f"{folder}: {len(os.listdir(folder)) if os.path.isdir(folder) else 0} seeds")


if __name__ == "__main__":
    main()
