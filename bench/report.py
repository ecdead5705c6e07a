#!/usr/bin/env python3
"""Formats the benchmark runners' JSON lines as a table, with the ratios, the scaling line and
a check that both engines decided every request alike.

    python3 bench/report.py build/bench/results/native.jsonl [--markdown]
        [--workloads build/bench/workloads] [--corpus build/conformance/corpus-tests]

Input: one JSON object per line, as every runner prints (bench/README.md): "build"
(native | wasm | python), "engine" ("cordon" for ours, anything else is the anchor),
"workload", "call", "requests", "samples", "p50_ns", "p99_ns", "peak_rss_kib", "decisions"
(one letter per request: A allow, D deny, E not built) and "decisions_fnv1a64".
A row whose "call" is cordon::decide_route (the full route decision) is shown as its own row
against the anchor's Cedar decisions on the same Cedar calls.

Prints, per build, one row per workload and the scaling line (p50 at 10,000 policies over p50
at 10). A decision mismatch is printed loudly (and the exit status is 1); with --workloads,
a corpus mismatch is traced to its test and compared with the corpus' expected decision.
"""

import argparse
import json
import sys
from pathlib import Path

ORDER = ["rbac-10", "rbac-100", "rbac-1000", "rbac-10000", "corpus", "elaygent-routes"]


def read_lines(paths):
    rows = []
    for path in paths:
        for number, line in enumerate(Path(path).read_text().splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    sys.exit(f"report.py: {path}:{number}: not JSON: {error}")
    return rows


def duration(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def memory(kib):
    return "-" if kib is None else f"{kib / 1024:.1f} MiB"


def ratio(anchor, ours):
    if anchor is None or ours is None or ours <= 0:
        return "-"
    return f"{anchor / ours:.1f}×"


def workload_key(name):
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)


def request_origin(workloads, workload, index):
    """(set number, set entry) of the index-th request of a workload, from its files."""
    folder = Path(workloads) / workload
    try:
        sets = json.loads((folder / "workload.json").read_text())["sets"]
    except (OSError, ValueError, KeyError):
        return None
    seen = 0
    for number, entry in enumerate(sets):
        count = len(json.loads((folder / entry["requests"]).read_text()))
        if index < seen + count:
            return number, entry, index - seen
        seen += count
    return None


def corpus_expectation(corpus, entry, position):
    """The corpus test's expected decision for a request of the corpus workload."""
    name = Path(entry["policies"]).stem
    try:
        test = json.loads((Path(corpus) / f"{name}.json").read_text())
        expected = test["requests"][position]
    except (OSError, ValueError, KeyError, IndexError):
        return name, None
    return name, expected.get("decision")


def check_decisions(build, workload, ours, anchor, options, out):
    """Prints every request the two engines decided differently; returns the count."""
    a, b = ours.get("decisions", ""), anchor.get("decisions", "")
    if a == b:
        return 0
    where = [i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]]
    out.append(f"!!! DECISION MISMATCH ({build}, {workload}, {ours['call']} vs {anchor['engine']}): "
               f"{len(where)} of {max(len(a), len(b))} requests differ")
    letter = {"A": "allow", "D": "deny", "E": "not built"}
    for i in where[:20]:
        ours_d = letter.get(a[i:i + 1], "missing")
        anchor_d = letter.get(b[i:i + 1], "missing")
        note = ""
        if options.workloads:
            origin = request_origin(options.workloads, workload, i)
            if origin:
                number, entry, position = origin
                note = f" (set {number}: {entry['requests']} #{position}"
                if workload == "corpus" and options.corpus:
                    test, expected = corpus_expectation(options.corpus, entry, position)
                    note += f"; corpus test {test} expects {expected}"
                note += ")"
        out.append(f"!!!   request {i}: {ours['engine']} {ours_d}, {anchor['engine']} {anchor_d}{note}")
    if len(where) > 20:
        out.append(f"!!!   ... and {len(where) - 20} more")
    return len(where)


def report(rows, options):
    lines, mismatches = [], 0
    for build in sorted({r.get("build", "?") for r in rows}):
        mine = [r for r in rows if r.get("build", "?") == build]
        anchors = sorted({r["engine"] for r in mine if r["engine"] != "cordon"})
        anchor_name = anchors[0] if anchors else "anchor"
        by = {}
        for r in mine:
            role = "ours" if r["engine"] == "cordon" else "anchor"
            by[(r["workload"], role, r.get("call", ""))] = r
        workloads = sorted({r["workload"] for r in mine}, key=workload_key)

        header = ["workload", "requests", "samples (ours / anchor)", "cordon p50", "cordon p99",
                  f"{anchor_name} p50", f"{anchor_name} p99", "ratio p50", "ratio p99",
                  "peak RSS cordon", f"peak RSS {anchor_name}", "decisions"]
        table = []
        notes = []
        for workload in workloads:
            anchor = next((r for (w, role, _), r in by.items() if w == workload and role == "anchor"), None)
            # The Cedar call first; the whole route decision (decide_route) as an extra row.
            ours_rows = sorted(((c, r) for (w, role, c), r in by.items() if w == workload and role == "ours"),
                               key=lambda cr: "decide_route" in cr[0])
            if not ours_rows:
                ours_rows = [("", None)]
            for call, ours in ours_rows:
                label = f"{workload} (decide_route)" if "decide_route" in call else workload
                same = "-"
                if ours and anchor:
                    count = check_decisions(build, label, ours, anchor, options, notes)
                    mismatches += count
                    same = "same" if count == 0 else f"{count} differ"
                requests = (ours or anchor or {}).get("requests", "-")
                table.append([
                    label, str(requests),
                    f"{(ours or {}).get('samples', '-')} / {(anchor or {}).get('samples', '-')}",
                    duration((ours or {}).get("p50_ns")), duration((ours or {}).get("p99_ns")),
                    duration((anchor or {}).get("p50_ns")), duration((anchor or {}).get("p99_ns")),
                    ratio((anchor or {}).get("p50_ns"), (ours or {}).get("p50_ns")),
                    ratio((anchor or {}).get("p99_ns"), (ours or {}).get("p99_ns")),
                    memory((ours or {}).get("peak_rss_kib")), memory((anchor or {}).get("peak_rss_kib")),
                    same,
                ])

        lines.append(f"{build}: cordon against {anchor_name} (ratio = {anchor_name} / cordon; "
                     f"above 1× cordon is faster)")
        lines.append("")
        if options.markdown:
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "|".join(" --- " for _ in header) + "|")
            for row in table:
                lines.append("| " + " | ".join(row) + " |")
        else:
            widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(header)]
            lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths)))
            for row in table:
                lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)))
        lines.append("")

        def p50(workload, role):
            for (w, ro, call), r in by.items():
                if w == workload and ro == role and "decide_route" not in call:
                    return r["p50_ns"]
            return None

        scaling = []
        for role, name in (("ours", "cordon"), ("anchor", anchor_name)):
            small, large = p50("rbac-10", role), p50("rbac-10000", role)
            if small and large:
                scaling.append(f"{name} {large / small:.2f}× ({duration(large)} / {duration(small)})")
        loads = [r["loadavg_1m"] for r in mine if isinstance(r.get("loadavg_1m"), (int, float)) and r["loadavg_1m"] >= 0]
        if loads:
            lines.append(f"Machine load (1-minute load average at the end of each run): "
                         f"{min(loads):.1f} to {max(loads):.1f}")
        if scaling:
            lines.append("Scaling, p50 at 10,000 policies / p50 at 10: " + "; ".join(scaling))
            lines.append("")
        lines.extend(notes)
        if notes:
            lines.append("")
    if mismatches == 0:
        lines.append("Decisions: both engines decided every request of every workload alike.")
    return "\n".join(lines), mismatches


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", help="files of JSON lines")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    parser.add_argument("--workloads", help="the workloads folder, to trace a mismatch to its set")
    parser.add_argument("--corpus", help="corpus-tests/ folder, for the corpus' expected decisions")
    options = parser.parse_args()
    text, mismatches = report(read_lines(options.results), options)
    print(text)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
