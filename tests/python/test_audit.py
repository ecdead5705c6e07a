"""Tests of cordon.AuditLog, the auditors' side of the audit log: reading, filtering,
exporting and verifying a log written by the C++ library, and tampering made with Python's
own sqlite3 module (as anyone with the file could) being named by verify().

The C++ tests (tests/native/server_audit_test.cpp) cover the rules in depth; these check the
Python side: argument forms, times, typed errors, and that the documented hash layout can
be recomputed independently.
"""

import csv
import datetime
import hashlib
import io
import json
import sqlite3
import struct
from pathlib import Path

import pytest

import cordon

REPO = Path(__file__).resolve().parent.parent.parent
ELAYGENT = REPO / "policies" / "elaygent"
T0 = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def bundle():
    return cordon.Bundle.load(ELAYGENT)


@pytest.fixture
def log(tmp_path, bundle):
    log = cordon.AuditLog(tmp_path / "logs" / "audit.db")
    records = []
    for i in range(12):
        records.append({"action": ["tenant.export", "audit.export", "tenant.deprovision"][i % 3],
                        "actor": f"user{i % 2}", "tenant": ["acme", "bright"][i % 2],
                        "target": f"obj/{i}", "details": {"n": i},
                        "time": T0 + datetime.timedelta(days=i)})
    entries = log.append(bundle, records)
    assert [e["seq"] for e in entries] == list(range(1, 13))
    return log


def tamper(log, sql, *params):
    db = sqlite3.connect(log.path)
    db.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    db.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    db.execute(sql, params)
    db.commit()
    db.close()


def test_query_filters_and_orders(log):
    assert [e["seq"] for e in log.query(tenant="acme")] == [11, 9, 7, 5, 3, 1]
    assert [e["seq"] for e in log.query(action="audit.export", order="oldest_first")] == [2, 5, 8, 11]
    assert [e["seq"] for e in log.query(actor="user1", limit=2)] == [12, 10]
    since = T0 + datetime.timedelta(days=3)
    until = "2026-11-06T00:00:00Z"
    assert [e["seq"] for e in log.query(since=since, until=until)] == [5, 4]
    ms = int((T0 + datetime.timedelta(days=10)).timestamp() * 1000)
    assert [e["seq"] for e in log.query(since=ms, limit=0)] == [12, 11]
    entry = log.query(limit=1)[0]
    assert entry["time"] == "2026-11-12T00:00:00.000Z"
    assert entry["details"] == {"n": 11}
    assert set(entry) == {"seq", "kind", "time", "action", "actor", "tenant", "target",
                          "details", "prevHash", "hash"}


def test_export_csv_and_json(log):
    text = log.export("csv", tenant="bright", order="chain")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["seq", "time", "kind", "action", "actor", "tenant", "target", "details",
                       "prev_hash", "hash"]
    assert [row[0] for row in rows[1:]] == ["2", "4", "6", "8", "10", "12"]
    assert json.loads(rows[1][7]) == {"n": 1}
    document = json.loads(log.export("json", action="tenant.export"))
    assert document["count"] == 4 and len(document["entries"]) == 4
    assert document["head"] == log.head()


def test_verify_an_intact_log_and_its_anchor(log, bundle):
    head = log.head()
    assert head["seq"] == 12 and len(head["hash"]) == 64
    report = log.verify()
    assert report.ok and report.entries == 12 and report.problems == []
    log.append(bundle, [{"action": "tenant.export", "actor": "ops", "tenant": "acme"}])
    assert log.verify(expect_head=head).ok


def test_verify_names_tampered_entries(log):
    tamper(log, "UPDATE audit_entries SET actor = 'mallory' WHERE seq = 4")
    tamper(log, "DELETE FROM audit_entries WHERE seq = 9")
    report = log.verify()
    assert not report.ok
    named = {(p.seq, p.kind) for p in report.problems}
    assert (4, "altered") in named
    assert (9, "missing") in named
    assert report.problem_count == 2


def test_the_hash_layout_can_be_recomputed_independently(log):
    """audit_log.h documents the bytes each hash covers; an auditor can check them alone."""
    def field(data):
        return struct.pack(">I", len(data)) + data

    db = sqlite3.connect(log.path)
    prev = "0" * 64
    rows = db.execute("SELECT seq, kind, time_ms, action, actor, tenant, target, details, "
                      "prev_hash, hash FROM audit_entries ORDER BY seq").fetchall()
    for seq, kind, time_ms, action, actor, tenant, target, details, prev_hash, digest in rows:
        assert prev_hash == prev
        message = (b"cordon.audit.v1\0" + field(bytes.fromhex(prev_hash)) +
                   struct.pack(">qq", seq, time_ms) +
                   b"".join(field(t.encode()) for t in (kind, action, actor, tenant, target,
                                                       details)))
        assert hashlib.sha256(message).hexdigest() == digest
        prev = digest
    assert len(rows) == 12


def test_errors_are_typed(tmp_path, log, bundle):
    with pytest.raises(cordon.AuditError) as missing:
        cordon.AuditLog(tmp_path / "absent.db").verify()
    assert missing.value.kind == "io"
    assert not (tmp_path / "absent.db").exists()
    with pytest.raises(cordon.AuditError) as typo:
        log.query(order="sideways")
    assert typo.value.kind == "domain"
    with pytest.raises(cordon.AuditError) as unknown:
        log.append(bundle, [{"action": "tenant.exprot", "actor": "ops", "tenant": "acme"}])
    assert "unknown audit action `tenant.exprot`" in str(unknown.value)
    assert log.head()["seq"] == 12
    with pytest.raises(ValueError):
        log.query(since=datetime.datetime(2026, 1, 1))  # naive: which zone?
    assert isinstance(cordon.AuditError([]), cordon.CordonError)
