#!/usr/bin/env bash
# Filtered reads at 1,000,000 entries: appends N generated entries (1000 tenants, 500
# actors, 6 actions, one every 30 s from 2023-11-14) in batches, then times the CLI's
# queries, exports and a full verification. Each time is one `cordon` process, start to
# end (opening the database and loading nothing else).
#
#   bash tools/reliability/audit-scale.sh        (ENTRIES=1000000, CORDON=..., WORK=...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
entries="${ENTRIES:-1000000}"
db="$WORK/scale.db"

if [[ ! -f "$db" ]]; then
  started=$(date +%s%N)
  python3 "$HERE/gen_records.py" "$entries" |
    "$CORDON" audit append --db "$db" --bundle "$ELAYGENT" --input - --batch 10000 >/dev/null
  echo "appended $entries entries in $((($(date +%s%N) - started) / 1000000)) ms" \
    "(batches of 10,000; $(du -m "$db" | cut -f1) MB)"
fi

timed() {  # label, then the cordon arguments
  local label="$1"
  shift
  local started
  started=$(date +%s%N)
  "$CORDON" "$@" >"$WORK/scale.out"
  local ms=$((($(date +%s%N) - started) / 1000000))
  local size
  size=$(wc -l <"$WORK/scale.out")
  printf '  %6d ms  %-58s (%s lines)\n' "$ms" "$label" "$size"
}

echo "audit-scale: $("$CORDON" audit query --db "$db" --limit 1 --json | python3 -c \
  'import json,sys; print(json.load(sys.stdin)["entries"][0]["seq"])') entries in $db"
timed "newest 100" audit query --db "$db"
timed "tenant, newest 100" audit query --db "$db" --tenant tenant42
timed "action, newest 100" audit query --db "$db" --action tenant.hard_delete
timed "actor, newest 100" audit query --db "$db" --actor user7
timed "tenant + action, newest 100" audit query --db "$db" --tenant tenant42 \
  --action tenant.export
timed "action + actor, newest 100" audit query --db "$db" --action audit.export --actor user7
timed "tenant + one month, all" audit query --db "$db" --tenant tenant42 \
  --since 2023-12-01T00:00:00Z --until 2024-01-01T00:00:00Z --limit 0
timed "one day, all" audit query --db "$db" --since 2024-01-10T00:00:00Z \
  --until 2024-01-11T00:00:00Z --limit 0
timed "tenant + action + actor + year, newest 100" audit query --db "$db" --tenant tenant42 \
  --action tenant.export --actor user7 --since 2024-01-01T00:00:00Z --until 2025-01-01T00:00:00Z
timed "no match (unknown tenant)" audit query --db "$db" --tenant nobody
timed "export CSV, one tenant (all its entries)" audit export --db "$db" --tenant tenant42
timed "export JSON, one tenant (all its entries)" audit export --db "$db" --tenant tenant42 \
  --format json
timed "verify the whole chain" audit verify --db "$db"
