#!/usr/bin/env bash
# The native benchmark: cordon's native library against Cedar's Rust crate, on the same
# workloads in the same run (bench/README.md describes the method).
#
#   bash bench/run-native.sh [--min-seconds S] [--max-samples N] [--only NAME,...]
#                            [--workloads DIR] [--regenerate]
#
# Builds both runners, generates the workloads when one is missing, runs each (engine,
# workload) in its own process, writes the JSON lines to build/bench/results/native.jsonl and
# prints the table (bench/report.py). Exits 1 when the engines decide any request differently.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MIN_SECONDS=1
MAX_SAMPLES=200000
ONLY=""
REGENERATE=0
WORKLOADS=build/bench/workloads
while [[ $# -gt 0 ]]; do
  case "$1" in
    --min-seconds) MIN_SECONDS="$2"; shift 2 ;;
    --max-samples) MAX_SAMPLES="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --workloads) WORKLOADS="$2"; shift 2 ;;
    --regenerate) REGENERATE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run-native.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

BUILD=build/bench/native
RESULTS=build/bench/results
WORKLOAD_NAMES=(rbac-10 rbac-100 rbac-1000 rbac-10000 corpus elaygent-routes)
if [[ -n "$ONLY" ]]; then IFS=, read -r -a WORKLOAD_NAMES <<< "$ONLY"; fi

echo "== building cordon (cmake preset native, CORDON_BUILD_BENCH=ON, $BUILD)" >&2
cmake --preset native -B "$BUILD" -DCORDON_BUILD_BENCH=ON > "$BUILD.configure.log" 2>&1 ||
  { cat "$BUILD.configure.log" >&2; exit 1; }
cmake --build "$BUILD" -j2 --target cordon_bench cordon >&2

echo "== building the Cedar anchor (cargo --release, build/bench/cargo)" >&2
CARGO_TARGET_DIR=build/bench/cargo cargo build --release --locked -j2 \
  --manifest-path bench/native/cedar-rust/Cargo.toml >&2
CEDAR_BENCH=build/bench/cargo/release/cedar-rust-bench
CORDON_BENCH="$BUILD/bench/native/cordon_bench"

missing=0
for name in rbac-10 rbac-100 rbac-1000 rbac-10000 corpus elaygent-routes; do
  [[ -f "$WORKLOADS/$name/workload.json" ]] || missing=1
done
if [[ $missing == 1 || $REGENERATE == 1 ]]; then
  echo "== generating the workloads ($WORKLOADS)" >&2
  python3 bench/workloads/generate.py --out "$WORKLOADS" --cordon "$BUILD/native/cordon" >&2
fi

mkdir -p "$RESULTS"
OUT="$RESULTS/native.jsonl"
: > "$OUT"
TIMING=(--min-seconds "$MIN_SECONDS" --max-samples "$MAX_SAMPLES")
for name in "${WORKLOAD_NAMES[@]}"; do
  folder="$WORKLOADS/$name"
  echo "== $name: cordon" >&2
  "$CORDON_BENCH" "$folder" "${TIMING[@]}" >> "$OUT"
  echo "== $name: cedar-rust" >&2
  "$CEDAR_BENCH" "$folder" "${TIMING[@]}" >> "$OUT"
  if [[ "$name" == elaygent-routes ]]; then
    echo "== $name: cordon decide_route" >&2
    "$CORDON_BENCH" "$folder" --call decide_route "${TIMING[@]}" >> "$OUT"
  fi
done

echo >&2
python3 bench/report.py "$OUT" --workloads "$WORKLOADS" --corpus build/conformance/corpus-tests
