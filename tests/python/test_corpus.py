"""Runs the first 600 test files of Cedar's conformance corpus through the installed
package's raw JSON entry point, cordon._native.is_authorized_json.

The corpus is never part of the repository: env CORDON_CORPUS_DIR names the folder
that holds the unpacked corpus-tests/ (scripts/test-all.sh unpacks it into
build/conformance and sets the variable); without it the module is skipped.

Each request becomes a cedar-wasm AuthorizationCall (the test's policies, entities
and schema, the request's principal, action, resource, context and validateRequest)
and the answer must have Cedar's decision, and its reason and errored policy ids as
sets. Every raw answer is written, in file-name then request order, to
$CORDON_VECTOR_OUT/corpus-python.txt, which scripts/test-all.sh compares byte for
byte with the native and WASM runners' corpus files.
"""

import json
import os
from pathlib import Path

import pytest

from cordon import _native

# The same files in every runner: the first ones in file-name order.
CORPUS_FILE_COUNT = 600


def corpus_dir():
    """The folder holding corpus-tests/, or a skip with the reason."""
    named = os.environ.get("CORDON_CORPUS_DIR")
    if not named:
        pytest.skip("CORDON_CORPUS_DIR is not set (the folder holding Cedar's unpacked "
                    "corpus-tests/; scripts/test-all.sh sets it to build/conformance)",
                    allow_module_level=True)
    folder = Path(named).resolve()
    if not (folder / "corpus-tests").is_dir():
        pytest.skip(f"CORDON_CORPUS_DIR={named} has no corpus-tests/ folder (unpack "
                    "corpus-tests.tar.gz there)", allow_module_level=True)
    return folder


CORPUS_DIR = corpus_dir()


def first_test_files():
    """The test files' names (not the *.entities.json ones), sorted, the first N."""
    names = sorted(path.name for path in (CORPUS_DIR / "corpus-tests").glob("*.json")
                   if not path.name.endswith(".entities.json"))
    return names[:CORPUS_FILE_COUNT]


TEST_FILES = first_test_files()


def compact(value):
    """JSON text as the native (nlohmann dump) and WASM runners write it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def corpus_requests(file_name):
    """(description, call text, request) for each request of one test file, in order.

    Paths inside a test are relative to the folder holding corpus-tests/.
    """
    test = json.loads((CORPUS_DIR / "corpus-tests" / file_name).read_text(encoding="utf-8"))
    policies = (CORPUS_DIR / test["policies"]).read_text(encoding="utf-8")
    entities = json.loads((CORPUS_DIR / test["entities"]).read_text(encoding="utf-8"))
    schema = (CORPUS_DIR / test["schema"]).read_text(encoding="utf-8")
    requests = []
    for request in test["requests"]:
        # Member order is the same in every runner, so the call texts are identical too.
        call = {member: request[member] for member in ("principal", "action", "resource",
                                                       "context")}
        call["policies"] = {"staticPolicies": policies}
        call["entities"] = entities
        call["schema"] = schema
        call["validateRequest"] = request["validateRequest"]
        requests.append((request["description"], compact(call), request))
    return requests


@pytest.fixture(scope="module")
def answers():
    """{file name: [(description, raw answer, request), ...]}, computed once and written out."""
    by_file = {}
    for file_name in TEST_FILES:
        by_file[file_name] = [(description, _native.is_authorized_json(call_text), request)
                              for description, call_text, request in corpus_requests(file_name)]
    out_dir = os.environ.get("CORDON_VECTOR_OUT")
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        with open(Path(out_dir) / "corpus-python.txt", "w", encoding="utf-8",
                  newline="\n") as out:
            for file_name, answered in by_file.items():
                out.writelines(f"{file_name}#{description}\t{answer}\n"
                               for description, answer, _ in answered)
    return by_file


def test_corpus_has_enough_test_files():
    assert len(TEST_FILES) == CORPUS_FILE_COUNT, (
        f"{CORPUS_DIR}/corpus-tests holds {len(TEST_FILES)} test files, fewer than "
        f"{CORPUS_FILE_COUNT}")


def mismatch(raw, request):
    """What differs between the raw answer and Cedar's expectation, or None."""
    answer = json.loads(raw)
    if answer["type"] != "success":
        return f"not a success: {raw}"
    response = answer["response"]
    got = (response["decision"], set(response["diagnostics"]["reason"]),
           {error["policyId"] for error in response["diagnostics"]["errors"]})
    expected = (request["decision"], set(request["reason"]), set(request["errors"]))
    if got != expected:
        return f"expected {expected}, got {got}: {raw}"
    return None


@pytest.mark.parametrize("file_name", TEST_FILES)
def test_corpus_file(file_name, answers):
    answered = answers[file_name]
    assert answered, f"{file_name} has no requests"
    mismatches = [f"{description}: {problem}" for description, raw, request in answered
                  if (problem := mismatch(raw, request)) is not None]
    assert not mismatches, "\n".join(mismatches)
