#!/usr/bin/env bash
# The Python benchmark: cordon (the installed package) against cedarpy on every workload,
# each (engine, workload) in its own process, then the table with ratios.
#
#   bash bench/run-python.sh [--no-build] [--seconds S] [--breakdown] [WORKLOAD...]
#
# A venv in build/bench/venv (--system-site-packages, so it sees the cordon that `pip
# install .` put into python3's site-packages) gets bench/python/requirements.txt (cedarpy,
# pinned). If cordon cannot be imported there, or its installed files are older than any
# source of the Python build (engine/, python/, CMakeLists.txt, pyproject.toml), the repo
# is installed into the venv with `pip install --no-build-isolation .` (a C++ build);
# --no-build uses the cordon it finds as it is. Env CORDON_BENCH_SITE: a site-packages folder
# holding the cordon to measure (e.g. another venv's, where it was installed with pip), put
# first on PYTHONPATH for cordon's runs only; cedarpy's runs are left as they are; implies
# --no-build. Workloads: generated into
# build/bench/workloads when missing; default every folder there. Output: the JSON lines in
# build/bench/python.jsonl, then the table. Measures only: nothing here asserts a timing.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/build/bench"
WORKLOADS="$OUT/workloads"
VENV="$OUT/venv"
build=1
seconds=1
breakdown=()
selected=()
while (($#)); do
  case "$1" in
    --no-build) build=0 ;;
    --seconds) seconds="$2"; shift ;;
    --breakdown) breakdown=(--breakdown) ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "run-python.sh: unknown option $1" >&2; exit 2 ;;
    *) selected+=("$1") ;;
  esac
  shift
done

cd "$ROOT"

# 1. The venv and cedarpy.
if [[ ! -x $VENV/bin/python ]]; then
  echo "== creating $VENV" >&2
  python3 -m venv --system-site-packages "$VENV"
fi
py="$VENV/bin/python"
if ! "$py" - bench/python/requirements.txt <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, _, wanted = line.partition("==")
    try:
        if version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
EOF
then
  echo "== pip install -r bench/python/requirements.txt" >&2
  "$py" -m pip install --quiet --disable-pip-version-check -r bench/python/requirements.txt >&2
fi

# 2. cordon: the installed package, rebuilt into the venv when missing or stale.
cordon_env=()
if [[ -n ${CORDON_BENCH_SITE:-} ]]; then
  cordon_env=(env "PYTHONPATH=$CORDON_BENCH_SITE${PYTHONPATH:+:$PYTHONPATH}")
  build=0
fi
installed=$(cd /tmp && "${cordon_env[@]}" "$py" -c \
              'import cordon, os; print(os.path.dirname(cordon.__file__))' 2>/dev/null || true)
if ((build)); then
  stale=""
  if [[ -z $installed ]]; then
    stale="cordon is not importable"
  else
    native=$(ls "$installed"/_native*.so | head -n1)
    newer=$(find engine python CMakeLists.txt pyproject.toml -type f -newer "$native" \
              -print -quit 2>/dev/null || true)
    [[ -n $newer ]] && stale="$newer is newer than $native"
  fi
  if [[ -n $stale ]]; then
    echo "== pip install . into $VENV ($stale)" >&2
    "$py" -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps \
      --force-reinstall . >&2
    installed=$(cd /tmp && "$py" -c 'import cordon, os; print(os.path.dirname(cordon.__file__))')
  fi
fi
[[ -n $installed ]] || { echo "run-python.sh: cordon is not importable" >&2; exit 1; }

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
results="$OUT/python.jsonl"          # one line per (engine, workload)
breakdowns="$OUT/python-breakdown.jsonl"  # --breakdown: where cordon's time goes
: >"$results"
: >"$breakdowns"
echo "== $("$py" --version); cordon from $installed; $(nproc) cores;" \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
line_file=$(mktemp)
trap 'rm -f "$line_file"' EXIT
for workload in "${selected[@]}"; do
  for engine in cedarpy cordon; do
    echo "== $engine on $workload" >&2
    extra=()
    run_env=()
    [[ $engine == cordon ]] && extra=("${breakdown[@]}") && run_env=("${cordon_env[@]}")
    "${run_env[@]}" "$py" bench/python/run.py --engine "$engine" --workload "$WORKLOADS/$workload" \
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
