"""The audit log, for auditors: read, export and verify a cordon audit log.

A cordon service writes its audit log to a SQLite database (``cordon audit append`` or the
C++ library); each entry is chained to the previous one by a SHA-256 hash. From Python::

    log = cordon.AuditLog("/var/lib/cordon/audit.db")      # opened read-only for each call
    report = log.verify()
    report.ok, report.problems        # [{"seq": 7, "kind": "altered", "message": "..."}]
    rows = log.query(tenant="acme", action="tenant.export",
                     since="2026-01-01T00:00:00Z", limit=100)          # newest first
    csv_text = log.export("csv", tenant="acme")                        # RFC 4180
    log.verify(expect_head=saved_head)   # also checks a head recorded elsewhere

Times are RFC 3339 text with an offset, integers of milliseconds since the epoch, or aware
``datetime`` values. Every rule (filters, hashes, what counts as tampering) is the C++
library's; a call it refuses raises ``AuditError`` with its message (``kind == "io"`` when
the database cannot be opened).
"""

from __future__ import annotations

import datetime as _datetime
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from cordon import _native
from cordon.results import CordonError

#: A time: RFC 3339 text with an offset, epoch milliseconds, or an aware datetime.
TimeArg = Union[str, int, _datetime.datetime]
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


class AuditError(CordonError):
    """The audit log refused a call: the database cannot be opened (``kind == "io"``), a
    filter is malformed, or an appended record has an unknown action (``"domain"``)."""


@dataclass(frozen=True)
class VerifyProblem:
    seq: int        #: the entry (or first entry of a range) concerned
    last_seq: int   #: the last entry of the range (== seq for one entry)
    kind: str       #: altered, reordered, missing, inserted, broken_link, checkpoint, head, anchor
    message: str


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    entries: int
    checkpoints: int
    pruned: int
    head: Dict[str, Any]  #: {"seq": int, "hash": str}: anchor it elsewhere to catch a rewrite
    problem_count: int
    problems: List[VerifyProblem] = field(default_factory=list)

    @classmethod
    def from_json(cls, report: Mapping[str, Any]) -> "VerifyReport":
        return cls(ok=bool(report["ok"]), entries=int(report["entries"]),
                   checkpoints=int(report["checkpoints"]), pruned=int(report["pruned"]),
                   head=dict(report["head"]), problem_count=int(report["problemCount"]),
                   problems=[VerifyProblem(p["seq"], p["lastSeq"], p["kind"], p["message"])
                             for p in report["problems"]])


def _time(value: Optional[TimeArg], name: str) -> Optional[Union[str, int]]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{name} must be RFC 3339 text, epoch milliseconds or a datetime")
    if isinstance(value, int):
        return value
    if isinstance(value, _datetime.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{name}: give an aware datetime (with a time zone)")
        return value.isoformat()
    raise TypeError(f"{name} must be RFC 3339 text, epoch milliseconds or a datetime, "
                    f"not {type(value).__name__}")


def _filter(tenant: Optional[str], action: Optional[str], actor: Optional[str],
            kind: Optional[str], since: Optional[TimeArg], until: Optional[TimeArg],
            limit: Optional[int], order: Optional[str]) -> Dict[str, Any]:
    members = {"tenant": tenant, "action": action, "actor": actor, "kind": kind,
               "since": _time(since, "since"), "until": _time(until, "until"),
               "limit": limit, "order": order}
    return {name: value for name, value in members.items() if value is not None}


def _answer(text: str) -> Dict[str, Any]:
    answer = json.loads(text)
    if answer.get("type") != "success":
        raise AuditError.from_failure(answer)
    return answer


class AuditLog:
    """A cordon audit log (SQLite). Nothing is opened until a call; each call opens the
    database read-only (``append`` excepted), so a log being written can be audited."""

    def __init__(self, path: PathArg) -> None:
        self.path = os.fspath(path)
        self._path = os.fsencode(self.path)

    def __repr__(self) -> str:
        return f"AuditLog({self.path!r})"

    def query(self, *, tenant: Optional[str] = None, action: Optional[str] = None,
              actor: Optional[str] = None, kind: Optional[str] = None,
              since: Optional[TimeArg] = None, until: Optional[TimeArg] = None,
              limit: int = 100, order: str = "newest_first") -> List[Dict[str, Any]]:
        """The entries the filter selects (times ``[since, until)``; ``limit=0``: all), each
        ``{"seq", "kind", "time", "action", "actor", "tenant", "target", "details",
        "prevHash", "hash"}``; ``order`` is ``newest_first``, ``oldest_first`` or ``chain``."""
        call = {"filter": _filter(tenant, action, actor, kind, since, until, limit, order)}
        return _answer(_native.audit_query(self._path, json.dumps(call)))["entries"]

    def head(self) -> Dict[str, Any]:
        """The newest entry's ``{"seq", "hash"}``: record it elsewhere, and a later
        ``verify(expect_head=...)`` shows the chain was not rewritten since."""
        return _answer(_native.audit_query(self._path, '{"filter":{"limit":1}}'))["head"]

    def export(self, format: str = "csv", *, tenant: Optional[str] = None,
               action: Optional[str] = None, actor: Optional[str] = None,
               kind: Optional[str] = None, since: Optional[TimeArg] = None,
               until: Optional[TimeArg] = None, limit: Optional[int] = None,
               order: Optional[str] = None, safe_csv: bool = False) -> str:
        """The filtered entries (all unless ``limit``) as CSV text (RFC 4180: CRLF, header
        row; ``safe_csv`` prefixes cells starting with = + - @ with ') or as a JSON
        document ``{"head", "filter", "entries", "count"}``."""
        call: Dict[str, Any] = {
            "filter": _filter(tenant, action, actor, kind, since, until, limit, order),
            "format": format}
        if safe_csv:
            call["safeCsv"] = True
        return _answer(_native.audit_export(self._path, json.dumps(call)))["text"]

    def verify(self, *, max_problems: int = 100,
               expect_head: Optional[Mapping[str, Any]] = None) -> VerifyReport:
        """Checks the whole hash chain: every entry altered, missing (deleted), inserted or
        reordered is named in ``problems``; pruned entries are accounted for by their
        checkpoints. ``expect_head`` (``{"seq", "hash"}`` from ``head()``) must still be in
        the chain."""
        call: Dict[str, Any] = {"maxProblems": max_problems}
        if expect_head is not None:
            call["expectHead"] = {"seq": expect_head["seq"], "hash": expect_head["hash"]}
        return VerifyReport.from_json(
            _answer(_native.audit_verify(self._path, json.dumps(call)))["report"])

    def append(self, bundle: Any, records: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
        """Appends records ``{"action", "actor", "tenant", "target"?, "details"?, "time"?}``,
        all or nothing; each action must be one of ``bundle``'s audit_actions. For tools and
        test fixtures: services write through the C++ library or ``cordon audit append``."""
        native_bundle = getattr(bundle, "_native", None)
        if native_bundle is None:
            raise TypeError("bundle must be a cordon.Bundle")
        prepared = []
        for record in records:
            item = dict(record)
            if "time" in item:
                item["time"] = _time(item["time"], "time")
            prepared.append(item)
        call = json.dumps({"records": prepared}, ensure_ascii=False, allow_nan=False)
        return _answer(_native.audit_append(self._path, native_bundle, call))["entries"]
