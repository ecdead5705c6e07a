"""Writes N audit records as JSON lines for `cordon audit append --input -`.

    python3 gen_records.py 10000 [--seed 7] [--start-ms 1700000000000] [--step-ms 30000]
"""
import argparse
import json
import random
import sys

ACTIONS = ["tenant.export", "tenant.deprovision", "tenant.hard_delete", "agent_config.update",
           "audit.export", "platform.cross_tenant_access"]

parser = argparse.ArgumentParser()
parser.add_argument("count", type=int)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--start-ms", type=int, default=1_700_000_000_000)
parser.add_argument("--step-ms", type=int, default=30_000)
parser.add_argument("--tenants", type=int, default=1000)
parser.add_argument("--actors", type=int, default=500)
args = parser.parse_args()
rng = random.Random(args.seed)
out = sys.stdout
try:
    for i in range(args.count):
        out.write(json.dumps({
            "action": rng.choice(ACTIONS), "actor": f"user{rng.randrange(args.actors)}",
            "tenant": f"tenant{rng.randrange(args.tenants)}", "target": f"obj/{i}",
            "time": args.start_ms + i * args.step_ms, "details": {"n": i}}) + "\n")
    out.flush()
except BrokenPipeError:  # the writer was killed: expected in audit-crash.sh
    sys.stderr.close()
