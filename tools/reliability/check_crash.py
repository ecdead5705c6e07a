"""After a writer was killed: every acknowledged entry is in the log with its hash, nothing
beyond what was sent, and `cordon audit verify` finds no problem. Prints one line per run.

    python3 check_crash.py CORDON DB ACKS APPENDS RUN
"""
import json
import subprocess
import sys

cordon, db, acks_path, appends, run = sys.argv[1:6]
acked = {}
with open(acks_path, encoding="utf-8", errors="replace") as acks:
    for line in acks:
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the line being written when the writer died
        acked[entry["seq"]] = entry["hash"]

export = subprocess.run([cordon, "audit", "export", "--db", db, "--format", "json",
                         "--order", "chain"], capture_output=True, text=True)
if export.returncode != 0:
    print(f"run {run}: export failed: {export.stderr.strip()}")
    sys.exit(1)
stored = {e["seq"]: e["hash"] for e in json.loads(export.stdout)["entries"]}
lost = [seq for seq, digest in acked.items() if stored.get(seq) != digest]
verify = subprocess.run([cordon, "audit", "verify", "--db", db, "--json"], capture_output=True,
                        text=True)
report = json.loads(verify.stdout) if verify.stdout.strip() else {"ok": False}
ok = not lost and report.get("ok") and len(stored) <= int(appends) and verify.returncode == 0
print(f"run {run}: acknowledged {len(acked)}, committed {len(stored)} "
      f"(killed in the middle: {len(stored) < int(appends)}), acknowledged but lost {len(lost)}, "
      f"chain verifies: {bool(report.get('ok'))} ({report.get('entries')} entries) "
      f"-> {'ok' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
