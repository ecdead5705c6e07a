#!/usr/bin/env bash
# Builds cordon three ways and runs every test against what each build ships.
#
#   bash scripts/test-all.sh
#
#   1. setup          scripts/setup.sh (packages, Python tools, npm ci, Botan for WASM)
#   2. native build   cmake --preset native; cmake --build --preset native
#   3. conformance    Cedar's corpus through the CLI: the count is reported, not gated
#   4. native tests   ctest --preset native
#   5. Python         pip install . ; pytest tests/python from outside the repo
#   6. WASM           npm pack (its prepack builds the module), install the tarball in an
#                     empty project, node --test tests/js there
#   7. vectors        the raw answers of the three runners must be byte-identical
#                     (shared vectors, domain vectors, and the first 600 corpus tests
#                     when unpacked)
#
# A failing build stops the run; failing tests are collected and the run goes on,
# so one run shows every failure. Exit status 0 only when everything passed.
# Environment: CORDON_SHARED (default ../shared next to the repo) holds cedar-conformance/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SHARED="${CORDON_SHARED:-$ROOT/../shared}"

started=$SECONDS
section() {
  local elapsed=$((SECONDS - started))
  printf '\n==== %s  [%dm%02ds] ====\n' "$*" $((elapsed / 60)) $((elapsed % 60))
}

scratch="$(mktemp -d "${TMPDIR:-/tmp}/cordon-test-all.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

failures=()
total_passed=0
total_failed=0

# Prints "passed failed" from the closing lines of a runner's output, or nothing.
suite_counts() {
  local kind="$1" log="$2"
  case "$kind" in
    ctest)
      sed -nE 's/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+)$/\1 \2/p' "$log" |
        tail -n1 | awk '{ print $2 - $1, $1 }'
      ;;
    pytest)
      grep -E '^=+ .* in [0-9.]+s.* =+$' "$log" | tail -n1 | awk '{
        for (i = 2; i <= NF; i++) {
          word = $i; sub(/,$/, "", word)
          if (word == "passed") passed = $(i - 1)
          if (word == "failed" || word == "error" || word == "errors") failed += $(i - 1)
        }
        print passed + 0, failed + 0 }'
      ;;
    node)
      awk '/^(# |ℹ )pass [0-9]+$/ { passed = $3 } /^(# |ℹ )fail [0-9]+$/ { failed = $3; seen = 1 }
        END { if (seen) print passed + 0, failed + 0 }' "$log"
      ;;
  esac
}

# Runs one test suite (kind: ctest, pytest or node) and adds its counts to the totals.
# A failure is recorded and the run goes on.
run_suite() {
  local kind="$1"
  shift
  local log="$scratch/$kind.log" status=0 passed=0 failed=0
  "$@" 2>&1 | tee "$log" || status=$?
  read -r passed failed <<<"$(suite_counts "$kind" "$log")" || true
  passed="${passed:-0}"
  failed="${failed:-0}"
  if ((status != 0)); then
    failures+=("$kind (exit $status)")
    # A runner that failed without counting a failed test (crash, no tests) counts as one.
    ((failed > 0)) || failed=1
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
}

# Every runner writes its raw answers to the shared vectors here.
export CORDON_VECTORS_DIR="$ROOT/tests/vectors"
export CORDON_VECTOR_OUT="$ROOT/build/vector-out"
# The corpus runners (first 600 test files, in each build) read the corpus unpacked below
# and write corpus-<build>.txt beside the vector answers; without it they skip.
export CORDON_CORPUS_DIR="$ROOT/build/conformance"
rm -rf "$CORDON_VECTOR_OUT"
mkdir -p "$CORDON_VECTOR_OUT"

section "setup"
bash scripts/setup.sh

section "native build (build/native)"
corpus_tarball="$SHARED/cedar-conformance/corpus-tests.tar.gz"
cmake --preset native -DCORDON_CONFORMANCE_CORPUS="$corpus_tarball"
cmake --build --preset native

section "Cedar conformance corpus (reported, not gated)"
corpus_root="$ROOT/build/conformance"
cli="$ROOT/build/native/native/cordon"
if [[ ! -x "$cli" ]]; then
  cli="$(find "$ROOT/build/native" -type f -name cordon -perm -u+x | head -n1)"
fi
if [[ ! -f "$corpus_tarball" ]]; then
  echo "corpus not found at $corpus_tarball (set CORDON_SHARED); skipped"
elif [[ -z "$cli" ]]; then
  echo "the cordon CLI was not built; skipped"
else
  # Unpacked once; the stamp holds the tarball's hash, so a new corpus is unpacked again.
  corpus_hash="$(sha256sum "$corpus_tarball" | cut -d' ' -f1)"
  if [[ "$(cat "$corpus_root/.unpacked" 2>/dev/null)" != "$corpus_hash" ]]; then
    rm -rf "$corpus_root"
    mkdir -p "$corpus_root"
    tar -xzf "$corpus_tarball" -C "$corpus_root"
    echo "$corpus_hash" >"$corpus_root/.unpacked"
  fi
  status=0
  "$cli" conformance --root "$corpus_root" "$corpus_root/corpus-tests" \
    >"$scratch/conformance.out" 2>"$scratch/conformance.err" || status=$?
  # The first mismatches, to see what is missing; the whole list is in the file.
  cp "$scratch/conformance.err" "$corpus_root/mismatches.txt"
  head -n 30 "$scratch/conformance.err"
  ((status == 0)) || echo "cordon conformance exited with status $status"
  # Reworded, so that no test-result reader takes the corpus count for this run's result.
  tail -n 1 "$scratch/conformance.out" |
    sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 requests match Cedar, \2 differ/' |
    sed 's/^/cedar conformance corpus (reported, not gated): /'
fi

section "native tests (ctest --preset native)"
run_suite ctest ctest --preset native

section "installed CMake package (find_package(cordon) in a consumer project)"
install_consumer() (
  cmake --install build/native --prefix "$scratch/install" >/dev/null &&
    cmake -S tests/install -B "$scratch/install-consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$scratch/install" >/dev/null &&
    cmake --build "$scratch/install-consumer" >/dev/null &&
    "$scratch/install-consumer/cordon_install_consumer"
)
run_suite "installed CMake package" install_consumer

section "Python build (pip install .)"
# Build requirements come from setup.sh; without isolation the build folder
# build/pip/ is reused, so a second run recompiles only what changed.
python3 -m pip install --no-build-isolation --force-reinstall --no-deps \
  --disable-pip-version-check --root-user-action=ignore .

section "Python tests (pytest, installed package, from outside the repo)"
# shellcheck disable=SC2317  # run through run_suite
# A subshell, so the cd stays inside; -p no:cacheprovider writes nothing into the repo.
python_tests() (
  mkdir -p "$scratch/pytest" && cd "$scratch/pytest" &&
    python3 -c 'import cordon; print("testing", cordon.__file__)' &&
    python3 -m pytest -p no:cacheprovider "$ROOT/tests/python"
)
run_suite pytest python_tests

section "WASM build and npm pack (prepack: cmake --preset wasm, cmake --build --preset wasm)"
mkdir -p "$scratch/pack"
npm pack --pack-destination "$scratch/pack" --loglevel=warn
tarball="$(find "$scratch/pack" -name 'cordon-policy-*.tgz' | head -n1)"
echo "packed $(basename "$tarball"):"
tar -tzf "$tarball" | sed 's/^/  /'

section "JS tests (node --test, the tarball installed in an empty project)"
consumer="$scratch/consumer"
mkdir -p "$consumer"
(cd "$consumer" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --loglevel=warn "$tarball")
# Inside the consumer, 'cordon-policy' resolves to the installed tarball; from the
# repository it would resolve to the source tree itself (package self-reference).
cp -r "$ROOT/tests/js" "$consumer/tests-js"
shopt -s nullglob
js_tests=("$consumer"/tests-js/*.test.mjs "$consumer"/tests-js/*.test.cjs)
shopt -u nullglob
if ((${#js_tests[@]} == 0)); then
  failures+=("node (no tests/js/*.test.mjs or *.test.cjs)")
  total_failed=$((total_failed + 1))
else
  # shellcheck disable=SC2317  # run through run_suite
  # CORDON_REPO_ROOT: where the edge and browser tests find the repository's dev tools
  # (workerd, edge-runtime, playwright-core), the bundle and the examples.
  # CORDON_TEST_OUTPUT: where the browser preview test saves its screenshots.
  js_tests_in_consumer() (cd "$consumer" && CORDON_REPO_ROOT="$ROOT" \
    CORDON_TEST_OUTPUT="$ROOT/build/test-output" node --test "${js_tests[@]}")
  run_suite node js_tests_in_consumer
fi

section "shared, domain and verification vectors: native, Python and WASM answers byte for byte"
# Checks that the three builds wrote the same answers to <prefix>native.txt, <prefix>python.txt
# and <prefix>wasm.txt; a missing, empty or different file is one failure named by `what`.
compare_builds() {
  local prefix="$1" what="$2" same=true build
  for build in native python wasm; do
    if [[ ! -s "$CORDON_VECTOR_OUT/${prefix}$build.txt" ]]; then
      echo "missing or empty: $CORDON_VECTOR_OUT/${prefix}$build.txt"
      same=false
    fi
  done
  if $same; then
    for build in python wasm; do
      if ! cmp -s "$CORDON_VECTOR_OUT/${prefix}native.txt" "$CORDON_VECTOR_OUT/${prefix}$build.txt"; then
        echo "${prefix}native.txt and ${prefix}$build.txt differ:"
        diff "$CORDON_VECTOR_OUT/${prefix}native.txt" "$CORDON_VECTOR_OUT/${prefix}$build.txt" |
          head -n 40 || true
        same=false
      fi
    done
  fi
  if $same; then
    echo "identical: $(wc -l <"$CORDON_VECTOR_OUT/${prefix}native.txt") answers in" \
      "${prefix}{native,python,wasm}.txt"
  else
    failures+=("$what answers differ between builds")
    total_failed=$((total_failed + 1))
  fi
}
compare_builds "" "vector"
# The domain vectors (tests/vectors/domain: routes, masks, scrubbing, gates, matrix, bundle loading).
compare_builds "domain-" "domain vector"
# The verification vectors (tests/vectors/verify: webhook signatures, outbound URLs, credentials).
compare_builds "verify-" "verification vector"
# The same for Cedar's corpus, when all three runners had it (they skip without it).
corpus_files=("$CORDON_VECTOR_OUT"/corpus-{native,python,wasm}.txt)
corpus_found=0
for file in "${corpus_files[@]}"; do
  if [[ -f "$file" ]]; then corpus_found=$((corpus_found + 1)); fi
done
if ((corpus_found < 3)); then
  echo "corpus answers not compared: $corpus_found of corpus-{native,python,wasm}.txt written"
elif cmp -s "${corpus_files[0]}" "${corpus_files[1]}" &&
  cmp -s "${corpus_files[0]}" "${corpus_files[2]}"; then
  echo "identical: $(wc -l <"${corpus_files[0]}") answers in corpus-{native,python,wasm}.txt"
else
  for file in "${corpus_files[@]:1}"; do
    if ! cmp -s "${corpus_files[0]}" "$file"; then
      echo "corpus-native.txt and $(basename "$file") differ:"
      diff "${corpus_files[0]}" "$file" | head -n 40 || true
    fi
  done
  failures+=("corpus answers differ between builds")
  total_failed=$((total_failed + 1))
fi

section "summary (ctest, pytest and node --test, added up)"
status=0
if ((${#failures[@]})); then
  printf 'FAILED: %s\n' "${failures[@]}"
  status=1
fi
echo "took $((SECONDS - started))s"
echo "test-all: $total_passed passed, $total_failed failed"
exit "$status"
