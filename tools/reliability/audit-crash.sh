#!/usr/bin/env bash
# kill -9 a writer in the middle of 10,000 appends: every entry it acknowledged (printed
# after its transaction committed) must be in the log with the same hash, and the chain
# must verify. Repeated RUNS times, killing at a random point between 10% and 90%.
#
#   bash tools/reliability/audit-crash.sh [RUNS=5]        (APPENDS=10000, CORDON=..., WORK=...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
runs="${1:-5}"
appends="${APPENDS:-10000}"
failed=0
echo "audit-crash: $runs runs, kill -9 during $appends appends (one transaction each, synchronous=FULL)"
for run in $(seq 1 "$runs"); do
  db="$WORK/crash-$run.db"
  acks="$WORK/crash-$run.acks"
  rm -f "$db" "$db-wal" "$db-shm" "$acks"
  target=$((appends / 10 + RANDOM % (appends * 8 / 10)))
  python3 "$HERE/gen_records.py" "$appends" --seed "$run" |
    "$CORDON" audit append --db "$db" --bundle "$ELAYGENT" --input - --json >"$acks" &
  writer=$!
  while [[ "$(wc -l <"$acks")" -lt "$target" ]]; do
    if ! kill -0 "$writer" 2>/dev/null; then break; fi
    sleep 0.005
  done
  kill -9 "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  if ! python3 "$HERE/check_crash.py" "$CORDON" "$db" "$acks" "$appends" "$run"; then
    failed=$((failed + 1))
  fi
done
if ((failed)); then
  echo "audit-crash: FAILED in $failed of $runs runs"
  exit 1
fi
echo "audit-crash: PASSED $runs of $runs runs"
