"""Counts the decisions of the processes of one ratelimit-contention scenario.

    python3 check_ratelimit.py NAME PREFIX PROCESSES REQUESTS
"""
import collections
import json
import sys

name, prefix, processes, requests = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
admitted = denied = errors = 0
per_process = []
per_window = collections.Counter()
limit = None
for p in range(1, processes + 1):
    mine = 0
    with open(f"{prefix}-{p}.out", encoding="utf-8") as out:
        for line in out:
            decision = json.loads(line)
            limit = decision["max"]
            if "error" in decision:
                errors += 1
            elif decision["allowed"]:
                admitted += 1
                mine += 1
                per_window[decision["resetMs"]] += 1
            else:
                denied += 1
    per_process.append(mine)
total = admitted + denied + errors
worst_window = max(per_window.values(), default=0)
print(f"  {name}: {total} decisions ({processes} x {requests}): admitted {admitted} "
      f"(per process {per_process}), denied {denied}, store errors {errors}; limit {limit} "
      f"per window, {len(per_window)} window(s), most admitted in one window {worst_window}")
ok = total == processes * requests and errors == 0 and worst_window <= limit
if len(per_window) == 1:
    ok = ok and admitted == limit  # one window: the limit is shared exactly
if not ok:
    print(f"  {name}: FAILED")
    sys.exit(1)
