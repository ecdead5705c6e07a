"""pytest setup for cordon's Python tests, which run against the INSTALLED package.

scripts/test-all.sh runs `pip install .` and then pytest from a temporary folder;
this file refuses to test the source tree's python/cordon by mistake (it has no
compiled module, or a stale one), and loads the shared vectors from env
CORDON_VECTORS_DIR (default: tests/vectors next to this folder) for the tests
that take a `vector_case` argument.
"""

import json
import os
from pathlib import Path

import pytest

import cordon

TESTS_DIR = Path(__file__).resolve().parent
SOURCE_PACKAGE = TESTS_DIR.parent.parent / "python" / "cordon"
VECTORS_DIR = Path(os.environ.get("CORDON_VECTORS_DIR") or TESTS_DIR.parent / "vectors").resolve()

if Path(cordon.__file__).resolve().parent == SOURCE_PACKAGE.resolve():
    pytest.exit(f"imported cordon from the source tree ({cordon.__file__}); run pytest from "
                "outside the repository against the installed package", returncode=4)


def load_vector_cases():
    """(case id, call, expected) for every case, in file-name order then case order."""
    cases = []
    for path in sorted(VECTORS_DIR.glob("*.json"), key=lambda p: p.name):
        document = json.loads(path.read_text(encoding="utf-8"))
        for case in document["cases"]:
            cases.append((f"{path.name}#{case['name']}", case["call"], case["expected"]))
    return cases


VECTOR_CASES = load_vector_cases()


@pytest.fixture(scope="session")
def vectors_dir():
    return VECTORS_DIR


@pytest.fixture(scope="session")
def vector_cases():
    return VECTOR_CASES


def pytest_generate_tests(metafunc):
    if "vector_case" in metafunc.fixturenames:
        metafunc.parametrize("vector_case", VECTOR_CASES, ids=[c[0] for c in VECTOR_CASES])
