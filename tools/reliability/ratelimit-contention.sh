#!/usr/bin/env bash
# 4 processes x 10,000 requests against one limit, sharing one SQLite file: the number of
# requests admitted must never exceed the limit.
#
# 1. class `shared` of tools/reliability/bundle (1000 per day: the whole run is in one
#    window): exactly 1000 admitted of 40,000, no store errors.
# 2. class `auth` of policies/elaygent (10 per 60 s): at most 10 admitted in any fixed window
#    (exactly 10 when the run fits in one).
# 3. class `short` of tools/reliability/bundle (20 per second: the run crosses windows, so
#    the weighted previous window matters): at most 20 admitted in any fixed window.
#
#   bash tools/reliability/ratelimit-contention.sh   (PROCESSES=4, REQUESTS=10000, CORDON, WORK)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
processes="${PROCESSES:-4}"
requests="${REQUESTS:-10000}"

run_scenario() {  # name bundle class identifier
  local name="$1" bundle="$2" class="$3" identifier="$4"
  local db="$WORK/ratelimit-$name.db"
  rm -f "$db" "$db-wal" "$db-shm"
  local line="{\"class\":\"$class\",\"identifier\":\"$identifier\"}"
  local started=$SECONDS
  local pids=()
  for p in $(seq 1 "$processes"); do
    yes "$line" | head -n "$requests" |
      "$CORDON" ratelimit check --db "$db" --bundle "$bundle" --input - --json \
        >"$WORK/ratelimit-$name-$p.out" 2>"$WORK/ratelimit-$name-$p.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  echo "  ($((SECONDS - started)) s)"
  python3 "$HERE/check_ratelimit.py" "$name" "$WORK/ratelimit-$name" "$processes" "$requests"
}

echo "ratelimit-contention: $processes processes x $requests requests, one SQLite store"
run_scenario shared "$HERE/bundle" shared one-identifier
run_scenario auth "$ELAYGENT" auth 203.0.113.9
run_scenario short "$HERE/bundle" short one-identifier
echo "ratelimit-contention: PASSED"
