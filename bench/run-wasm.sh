#!/usr/bin/env bash
# The WASM benchmark: cordon-policy (wasm/dist) against @cedar-policy/cedar-wasm on every
# workload, each (engine, workload) in its own Node process, then the table with ratios.
#
#   bash bench/run-wasm.sh [--no-build] [--seconds S] [--breakdown] [WORKLOAD...]
#
# The WASM package: wasm/dist is rebuilt (scripts/build-botan-wasm.sh, cmake --preset wasm,
# cmake --build --preset wasm) when it is missing or older than any source of the module
# (engine/, wasm/src, wasm/js, wasm/CMakeLists.txt); --no-build uses wasm/dist as it is.
# Workloads: generated into build/bench/workloads when missing; default every folder there.
# Output: the JSON lines in build/bench/wasm.jsonl (one per engine and workload), then the
# table. Measures only: nothing here asserts a timing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/build/bench"
WORKLOADS="$OUT/workloads"
build=1
seconds=1
breakdown=()
selected=()
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --seconds) seconds="$2"; shift ;;
    --breakdown) breakdown=(--breakdown) ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "run-wasm.sh: unknown option $1" >&2; exit 2 ;;
    *) selected+=("$1") ;;
  esac
  shift
done

cd "$ROOT"

# 1. The WASM package.
dist_wasm=wasm/dist/cordon-core.wasm
if ((build)); then
  stale=""
  if [[ ! -f $dist_wasm || ! -f wasm/dist/cordon.mjs ]]; then
    stale="wasm/dist is missing"
  else
    newer=$(find engine wasm/src wasm/js wasm/CMakeLists.txt -type f -newer "$dist_wasm" \
              -print -quit 2>/dev/null || true)
    [[ -n $newer ]] && stale="$newer is newer than $dist_wasm"
  fi
  if [[ -n $stale ]]; then
    echo "== building the WASM package ($stale)" >&2
    bash scripts/build-botan-wasm.sh >&2
    cmake --preset wasm >&2
    cmake --build --preset wasm >&2
  fi
fi
[[ -f $dist_wasm ]] || { echo "run-wasm.sh: no $dist_wasm (run without --no-build)" >&2; exit 1; }

# 2. cedar-wasm, from bench/wasm/package-lock.json.
if [[ ! -d bench/wasm/node_modules/@cedar-policy/cedar-wasm ||
      bench/wasm/package-lock.json -nt bench/wasm/node_modules/.package-lock.json ]]; then
  echo "== npm ci in bench/wasm" >&2
  (cd bench/wasm && npm ci --no-audit --no-fund >&2)
fi

# 3. Workloads.
# The generator writes them all (deterministic); elaygent-routes needs the native cordon CLI
# (build/native/native/cordon by default) and is skipped with a note without one.
for name in rbac-10 rbac-100 rbac-1000 rbac-10000 corpus elaygent-routes; do
  if [[ ! -f $WORKLOADS/$name/workload.json ]]; then
    echo "== generating workloads into $WORKLOADS ($name is missing)" >&2
    python3 bench/workloads/generate.py --out "$WORKLOADS" >&2
    break
  fi
done
if ((${#selected[@]} == 0)); then
  for folder in "$WORKLOADS"/*/; do
    [[ -f $folder/workload.json ]] && selected+=("$(basename "$folder")")
  done
fi

# 4. Each (engine, workload) in its own process; the anchor first, then ours.
mkdir -p "$OUT"
results="$OUT/wasm.jsonl"          # one line per (engine, workload)
breakdowns="$OUT/wasm-breakdown.jsonl"  # --breakdown: where cordon's time goes
: >"$results"
: >"$breakdowns"
echo "== node $(node --version); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
line_file=$(mktemp)
trap 'rm -f "$line_file"' EXIT
for workload in "${selected[@]}"; do
  for engine in cedar-wasm cordon; do
    echo "== $engine on $workload" >&2
    extra=()
    [[ $engine == cordon ]] && extra=("${breakdown[@]}")
    node bench/wasm/run.mjs --engine "$engine" --workload "$WORKLOADS/$workload" \
      --seconds "$seconds" "${extra[@]}" >"$line_file"
    grep -v '"breakdown": *true' "$line_file" | tee -a "$results" | cut -c1-400
    grep '"breakdown": *true' "$line_file" >>"$breakdowns" || true
  done
done

# 5. The table: bench/report.py (every build's table) when it is there, else
# bench/python/table.py; then the calls, module sizes, load and breakdown.
echo
status=0
if [[ -f bench/report.py ]]; then
  python3 bench/report.py --markdown --workloads "$WORKLOADS" "$results" || status=$?
  echo
  python3 bench/python/table.py --extras-only "$results" "$breakdowns" || status=$?
else
  python3 bench/python/table.py "$results" "$breakdowns" || status=$?
fi
exit "$status"
