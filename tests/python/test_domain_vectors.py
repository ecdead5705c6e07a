"""Runs the shared domain vectors (tests/vectors/domain/*.json) through the Python build.

Each vector file names a bundle directory (relative to the file); its files are read and
loaded with ``_native.load_bundle``, and each case is one domain call (route, mask, scrub,
gate, matrix) on the raw JSON entry points, or a load of another bundle. The answer must
match the case's ``expected`` pattern (an object matches when each of its members matches,
an array when it has as many items and each matches, anything else when equal). Every raw
answer is written, in file-name then case order, to $CORDON_VECTOR_OUT/domain-python.txt,
which scripts/test-all.sh compares byte for byte with the native and WASM runners' files.
The same cases also go through the public ``cordon.Bundle`` API, which must agree.
"""

import json
import os
from pathlib import Path

import pytest

import cordon
from cordon import _native

VECTORS_DIR = Path(os.environ.get("CORDON_VECTORS_DIR")
                   or Path(__file__).resolve().parent.parent / "vectors").resolve()
DOMAIN_DIR = VECTORS_DIR / "domain"
CALLS = ("route", "mask", "scrub", "gate", "matrix")
# A load call's options, as keyword arguments of cordon.Bundle.from_files.
OPTION_ARGUMENTS = {"requireSignature": "require_signature",
                    "verificationKey": "verification_key", "scrubHashKey": "scrub_hash_key"}


def _text(value):
    """A call's JSON text: a string input is the text itself (malformed calls)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def read_bundle_files(directory):
    """Every file under directory, keyed by its /-separated relative path; the contents as
    they are on disk (bytes decoded as UTF-8, newlines untouched)."""
    return {path.relative_to(directory).as_posix(): path.read_bytes().decode("utf-8")
            for path in sorted(directory.rglob("*")) if path.is_file()}


def load_call(vector_file, load_input):
    directory = (vector_file.parent / load_input["bundle"]).resolve()
    call = {"files": dict(sorted(read_bundle_files(directory).items()))}
    if "options" in load_input:
        call["options"] = load_input["options"]
    return call


def option_arguments(call):
    return {OPTION_ARGUMENTS[key]: value for key, value in call.get("options", {}).items()}


def load_cases():
    """(case id, vector file, file's load input or None, case) in file-name then case order."""
    cases = []
    for path in sorted(DOMAIN_DIR.glob("*.json"), key=lambda p: p.name):
        document = json.loads(path.read_text(encoding="utf-8"))
        bundle_input = None
        if "bundle" in document:
            bundle_input = {"bundle": document["bundle"]}
            if "options" in document:
                bundle_input["options"] = document["options"]
        for case in document["cases"]:
            cases.append((f"{path.name}#{case['name']}", path, bundle_input, case))
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
def run():
    """Every case's raw answer (and the file bundles, native and public), computed once in
    vector order and written out."""
    answers, native_bundles, public_bundles = {}, {}, {}
    for case_id, path, bundle_input, case in CASES:
        if bundle_input is not None and path not in native_bundles:
            call = load_call(path, bundle_input)
            native, answer = _native.load_bundle(_text(call))
            assert native is not None, f"{path.name}: the file's bundle did not load: {answer}"
            native_bundles[path] = native
            public_bundles[path] = cordon.Bundle.from_files(call["files"],
                                                            **option_arguments(call))
        if case["call"] == "load":
            answers[case_id] = _native.load_bundle(_text(load_call(path, case["input"])))[1]
        else:
            evaluate = getattr(native_bundles[path], case["call"])
            answers[case_id] = evaluate(_text(case["input"]))
    out_dir = os.environ.get("CORDON_VECTOR_OUT")
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        with open(Path(out_dir) / "domain-python.txt", "w", encoding="utf-8",
                  newline="\n") as out:
            out.writelines(f"{case_id}\t{answer}\n" for case_id, answer in answers.items())
    return answers, public_bundles


def test_domain_vectors_are_present():
    assert CASES, f"no domain vector cases found in {DOMAIN_DIR}"
    ids = [case_id for case_id, *_ in CASES]
    assert len(set(ids)) == len(ids), "a case name is used twice in one file"
    calls = {case["call"] for *_, case in CASES}
    assert calls == {"load", *CALLS}, f"every call is covered: {sorted(calls)}"


@pytest.mark.parametrize("case_id, path, bundle_input, case", CASES, ids=[c[0] for c in CASES])
def test_domain_vector(case_id, path, bundle_input, case, run):
    answers, public_bundles = run
    raw = answers[case_id]
    answer = json.loads(raw)
    why = mismatch(case["expected"], answer)
    assert why is None, f"{why}\n{raw}"

    # The public API answers the same: the success payload, or a typed error carrying the
    # engine's messages.
    if case["call"] == "load":
        call = load_call(path, case["input"])
        options = option_arguments(call)
        if answer["type"] == "success":
            bundle = cordon.Bundle.from_files(call["files"], **options)
            assert {"name": bundle.name, "revision": bundle.revision,
                    "digest": bundle.digest} == answer["bundle"]
        else:
            with pytest.raises(cordon.BundleError) as raised:
                cordon.Bundle.from_files(call["files"], **options)
            assert raised.value.messages == [e["message"] for e in answer["errors"]]
            assert raised.value.kind == answer["errors"][0]["code"]
            assert isinstance(raised.value, cordon.SignatureError) == (raised.value.kind
                                                                         == "signature")
        return
    bundle = public_bundles[path]
    method = getattr(bundle, case["call"])
    if answer["type"] == "success":
        payload = {"route": "decision", "matrix": "matrix"}.get(case["call"], "result")
        assert method(case["input"]) == answer[payload]
        assert getattr(bundle, case["call"] + "_json")(_text(case["input"])) == raw
    else:
        with pytest.raises(cordon.DomainError) as raised:
            method(case["input"])
        assert raised.value.messages == [e["message"] for e in answer["errors"]]
        assert raised.value.kind == answer["errors"][0]["code"]
