#!/usr/bin/env bash
# Runs every reliability measure of the audit log and the rate limiter, in order, and stops
# at the first failure. audit-scale.sh is left out (it takes minutes); run it on its own.
#
#   bash tools/reliability/run-all.sh            (CORDON=/path/to/cordon, WORK=...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export CORDON WORK
bash "$HERE/audit-crash.sh" "${CRASH_RUNS:-5}"
bash "$HERE/ratelimit-contention.sh"
python3 "$HERE/audit-tamper.py" --cordon "$CORDON" --work "$WORK/tamper" \
  --attempts "${TAMPER_ATTEMPTS:-1000}"
