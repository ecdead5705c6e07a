"""Runs the shared vectors (tests/vectors/*.json) through cordon._native.is_authorized_json.

Each case's call goes to the raw JSON entry point; the answer must match the
case's expectation, and every raw answer is written, in file-name then case
order, to $CORDON_VECTOR_OUT/python.txt so scripts/test-all.sh can check that the
native, Python and WASM builds answer byte for byte the same.
"""

import json
import os
from pathlib import Path

import pytest

from cordon import _native


@pytest.fixture(scope="module")
def answers(vector_cases):
    """Every case's raw answer, computed once in vector order and written out."""
    by_id = {}
    for case_id, call, _ in vector_cases:
        call_text = json.dumps(call, ensure_ascii=False, separators=(",", ":"))
        by_id[case_id] = _native.is_authorized_json(call_text)
    out_dir = os.environ.get("CORDON_VECTOR_OUT")
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        with open(Path(out_dir) / "python.txt", "w", encoding="utf-8", newline="\n") as out:
            out.writelines(f"{case_id}\t{answer}\n" for case_id, answer in by_id.items())
    return by_id


def test_vectors_are_present(vectors_dir, vector_cases, answers):
    assert vector_cases, f"no vector cases found in {vectors_dir}"
    assert len(answers) == len(vector_cases), "a case name is used twice in one file"


def test_vector(vector_case, answers):
    case_id, _, expected = vector_case
    raw = answers[case_id]
    answer = json.loads(raw)
    if "failure" in expected:
        assert answer["type"] == "failure", raw
        assert answer["errors"], raw
        assert expected["failure"] in answer["errors"][0]["message"], raw
        return
    assert answer["type"] == "success", raw
    response = answer["response"]
    assert response["decision"] == expected["decision"], raw
    # A list a vector omits means "none".
    assert set(response["diagnostics"]["reason"]) == set(expected.get("reason", [])), raw
    errored = {error["policyId"] for error in response["diagnostics"]["errors"]}
    assert errored == set(expected.get("errors", [])), raw
