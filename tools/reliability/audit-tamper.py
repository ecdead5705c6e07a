"""1,000 tampering attempts on an audit log, each on a fresh copy, each checked with
`cordon audit verify`: flip a byte (one bit of one byte of one column of one row), delete a
row, swap two rows (every column but the position), insert a row (a copy or a forged row,
sealed with a correct hash, after the head, in the middle with the rest shifted, or inside
a gap left by retention). Every attempt must be detected, and the report must name the
entry that was changed.

    python3 tools/reliability/audit-tamper.py [--attempts 1000] [--entries 300] [--seed 1]
                                              [--cordon PATH] [--work DIR]

The base log has entries, a retention prune (a checkpoint and gaps) and entries after it,
so tampering around pruned ranges is covered too.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
COLUMNS = ["kind", "time_ms", "action", "actor", "tenant", "target", "details", "prev_hash",
           "hash"]
DAY = 86_400_000
NOW = 1_796_083_200_000  # 2026-12-01T00:00:00Z


def find_cordon(given):
    if given:
        return given
    if os.environ.get("CORDON"):
        return os.environ["CORDON"]
    built = ROOT / "build" / "native" / "native" / "cordon"
    return str(built) if built.exists() else shutil.which("cordon")


def entry_hash(prev_hash, seq, time_ms, kind, action, actor, tenant, target, details):
    """The hash layout documented in native/server/include/cordon/server/audit_log.h."""
    def field(data):
        return struct.pack(">I", len(data)) + data
    message = (b"cordon.audit.v1\0" + field(bytes.fromhex(prev_hash)) +
               struct.pack(">qq", seq, time_ms) +
               b"".join(field(t.encode()) for t in (kind, action, actor, tenant, target, details)))
    return hashlib.sha256(message).hexdigest()


def run(cordon, *args, env=None, stdin=None):
    return subprocess.run([cordon, *args], capture_output=True, text=True, input=stdin, env=env)


def build_base(cordon, work, entries):
    db = str(work / "base.db")
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    elaygent = str(ROOT / "policies" / "elaygent")
    rng = random.Random(99)
    lines = []
    for i in range(entries):
        tenant = rng.choice(["acme", "bright", "held"])
        lines.append(json.dumps({"action": "tenant.export", "actor": f"user{rng.randrange(9)}",
                                 "tenant": tenant, "target": f"obj/{i}",
                                 "time": NOW - rng.randrange(1, 800) * DAY, "details": {"i": i}}))
    result = run(cordon, "audit", "append", "--db", db, "--bundle", elaygent, "--input", "-",
                 "--batch", "100", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    secret = "reliability-retention-secret-0123456789"
    credentials = work / "credentials.json"
    credentials.write_text(json.dumps(
        {"retention": "sha256:" + hashlib.sha256(secret.encode()).hexdigest()}))
    env = dict(os.environ, CORDON_RETENTION_SECRET=secret)
    result = run(cordon, "audit", "prune", "--db", db, "--bundle", elaygent, "--actor",
                 '{"user":"scheduler","roles":["platform_admin"],"status":"active"}',
                 "--window-days", "365", "--legal-hold", "held", "--retention-enabled",
                 "--credentials", str(credentials), "--now", str(NOW), "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    pruned = json.loads(result.stdout)["deleted"]
    tail = "\n".join(json.dumps({"action": "audit.export", "actor": "auditor", "tenant": "acme",
                                 "time": NOW + i}) for i in range(entries // 6))
    result = run(cordon, "audit", "append", "--db", db, "--bundle", elaygent, "--input", "-",
                 stdin=tail + "\n")
    assert result.returncode == 0, result.stderr
    # One file, no WAL beside it, so each attempt copies one file.
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    result = run(cordon, "audit", "verify", "--db", db, "--json")
    report = json.loads(result.stdout)
    assert report["ok"], result.stdout
    return db, pruned, report


def rows(connection):
    return connection.execute(
        "SELECT seq, " + ", ".join(COLUMNS) + " FROM audit_entries ORDER BY seq").fetchall()


def pruned_seqs(connection):
    seqs = []
    for first, last in connection.execute("SELECT first_seq, last_seq FROM audit_pruned"):
        seqs.extend(range(first, last + 1))
    return seqs


def flip(connection, rng):
    seq = rng.choice([r[0] for r in rows(connection)])
    column = rng.choice(COLUMNS)
    value = connection.execute(f"SELECT {column} FROM audit_entries WHERE seq = ?",
                               (seq,)).fetchone()[0]
    if column == "time_ms":
        new = value ^ (1 << rng.randrange(41))
    else:
        data = bytearray(value.encode())
        while True:
            at = rng.randrange(len(data)) if data else None
            if at is None:  # an empty text: flipping means adding a byte
                data = bytearray(b"x")
                break
            bit = 1 << rng.randrange(7)
            if data[at] ^ bit:
                data[at] ^= bit
                break
        new = data.decode()
    connection.execute(f"UPDATE audit_entries SET {column} = ? WHERE seq = ?", (new, seq))
    return "flip", {seq}, f"{column} of entry {seq}"


def delete(connection, rng):
    seq = rng.choice([r[0] for r in rows(connection)])
    connection.execute("DELETE FROM audit_entries WHERE seq = ?", (seq,))
    return "delete", {seq}, f"entry {seq}"


def swap(connection, rng):
    a, b = rng.sample([r[0] for r in rows(connection)], 2)
    ra = connection.execute("SELECT " + ", ".join(COLUMNS) + " FROM audit_entries WHERE seq = ?",
                            (a,)).fetchone()
    rb = connection.execute("SELECT " + ", ".join(COLUMNS) + " FROM audit_entries WHERE seq = ?",
                            (b,)).fetchone()
    sets = ", ".join(f"{c} = ?" for c in COLUMNS)
    connection.execute(f"UPDATE audit_entries SET {sets} WHERE seq = ?", (*rb, a))
    connection.execute(f"UPDATE audit_entries SET {sets} WHERE seq = ?", (*ra, b))
    return "swap", {a, b}, f"entries {a} and {b}"


def insert(connection, rng):
    all_rows = rows(connection)
    by_seq = {r[0]: r for r in all_rows}
    head = all_rows[-1][0]
    variant = rng.choice(["copy-after-head", "sealed-after-head", "sealed-shifting", "into-gap"])
    placeholders = ", ".join("?" for _ in range(len(COLUMNS) + 1))
    insert_sql = f"INSERT INTO audit_entries (seq, {', '.join(COLUMNS)}) VALUES ({placeholders})"

    def forged(seq, prev_hash):
        time_ms = NOW + rng.randrange(DAY)
        fields = ("entry", "tenant.export", "mallory", rng.choice(["acme", "bright"]), "obj/x",
                  '{"forged":true}')
        digest = entry_hash(prev_hash, seq, time_ms, *fields)
        return (seq, fields[0], time_ms, *fields[1:], prev_hash, digest)

    if variant == "copy-after-head":
        source = rng.choice(all_rows)
        connection.execute(insert_sql, (head + 1, *source[1:]))
        return "insert", {head + 1}, f"a copy of entry {source[0]} as entry {head + 1}"
    if variant == "sealed-after-head":
        connection.execute(insert_sql, forged(head + 1, by_seq[head][-1]))
        return "insert", {head + 1}, f"a sealed entry {head + 1} after the head"
    if variant == "into-gap":
        gap = pruned_seqs(connection)
        if gap:
            seq = rng.choice(gap)
            before = max(s for s in by_seq if s < seq) if any(s < seq for s in by_seq) else None
            prev = by_seq[before][-1] if before else "0" * 64
            connection.execute(insert_sql, forged(seq, prev))
            return "insert", {seq}, f"a sealed entry {seq} inside a pruned gap"
    # sealed-shifting (and into-gap without gaps): at position k, the rest moved up by one.
    candidates = [s for s in by_seq if s > 1 and s - 1 in by_seq]
    k = rng.choice(candidates)
    connection.execute("UPDATE audit_entries SET seq = -seq WHERE seq >= ?", (k,))
    connection.execute("UPDATE audit_entries SET seq = 1 - seq WHERE seq < 0")
    connection.execute(insert_sql, forged(k, by_seq[k - 1][-1]))
    return "insert", {k}, f"a sealed entry {k}, the entries after it shifted"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cordon")
    parser.add_argument("--work")
    args = parser.parse_args()
    cordon = find_cordon(args.cordon)
    if not cordon:
        sys.exit("audit-tamper: no cordon binary; build it or pass --cordon / set CORDON")
    work = Path(args.work or tempfile.mkdtemp(prefix="cordon-tamper."))
    work.mkdir(parents=True, exist_ok=True)
    base, pruned, report = build_base(cordon, work, args.entries)
    print(f"audit-tamper: base log of {report['entries']} rows ({report['checkpoints']} "
          f"checkpoint, {pruned} entries pruned), {args.attempts} attempts")
    rng = random.Random(args.seed)
    kinds = [flip, delete, swap, insert]
    attempts, detected, named = Counter(), Counter(), Counter()
    misses = []
    copy = work / "attempt.db"
    for i in range(args.attempts):
        shutil.copyfile(base, copy)
        connection = sqlite3.connect(copy)
        connection.execute("DROP TRIGGER audit_entries_no_update")  # as an attacker would
        connection.execute("DROP TRIGGER audit_entries_no_delete")
        kind, expected, what = kinds[i % len(kinds)](connection, rng)
        connection.commit()
        connection.close()
        attempts[kind] += 1
        result = run(cordon, "audit", "verify", "--db", str(copy), "--json", "--max-problems",
                     "1000")
        report = json.loads(result.stdout) if result.stdout.strip() else None
        if report is None or report["ok"] or result.returncode != 3:
            misses.append(f"{kind}: {what}: not detected ({result.stdout.strip()[:200]} "
                          f"{result.stderr.strip()[:200]})")
            continue
        detected[kind] += 1
        ranges = [(p["seq"], p["lastSeq"]) for p in report["problems"]]
        if all(any(lo <= seq <= hi for lo, hi in ranges) for seq in expected):
            named[kind] += 1
        else:
            misses.append(f"{kind}: {what}: detected, but named {ranges[:5]}")
    total = sum(attempts.values())
    for kind in ["flip", "delete", "swap", "insert"]:
        print(f"  {kind:6}  {attempts[kind]:4} attempts, {detected[kind]:4} detected, "
              f"{named[kind]:4} naming the changed entry")
    print(f"  total   {total:4} attempts, {sum(detected.values()):4} detected, "
          f"{sum(named.values()):4} naming the changed entry")
    for miss in misses[:20]:
        print("  MISS " + miss)
    sys.exit(0 if sum(named.values()) == total else 1)


if __name__ == "__main__":
    main()
