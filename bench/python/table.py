#!/usr/bin/env python3
"""Markdown table of the WASM or Python benchmark lines (bench/README.md), ours against
the anchor on each workload, with the speed-up (anchor's time / ours) and a loud line for
any workload whose decisions differ between the two engines:

    python3 bench/python/table.py [--extras-only] build/bench/wasm.jsonl [MORE.jsonl]

After the table: the calls measured, the module sizes, the load average during the runs,
and the lines with "breakdown": true as where cordon's time goes. --extras-only prints only
those (bench/report.py, when present, prints the table). Exits 1 if any workload's
decisions differ or an engine is missing for a workload.
"""

import json
import sys
from pathlib import Path

# Durations and ratios printed as bench/report.py prints them in the native table.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from report import duration, ratio  # noqa: E402

ANCHORS = {"wasm": "cedar-wasm", "python": "cedarpy", "native": "cedar"}


def mib(kb):
    return "-" if kb is None else f"{kb / 1024:.0f} MiB"


def read(paths):
    lines = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for text in handle:
                text = text.strip()
                if text.startswith("{"):
                    lines.append(json.loads(text))
    return lines


def table(build, anchor, rows, problems):
    print(f"{build}: cordon against {anchor} (speed-up = {anchor}'s time / cordon's)\n")
    print("| workload | requests | samples (ours / anchor) | p50 cordon | p50 anchor | "
          "p50 speed-up | p99 cordon | p99 anchor | p99 speed-up | peak RSS cordon | "
          "peak RSS anchor | decisions |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for workload, engines in rows.items():
        ours, theirs = engines.get("cordon"), engines.get(anchor)
        if not ours or not theirs:
            problems.append(f"{build} {workload}: no line for {'cordon' if not ours else anchor}")
            continue
        same = ours["decisions_sha256"] == theirs["decisions_sha256"]
        if not same:
            problems.append(f"{build} {workload}: DECISIONS DIFFER (cordon {ours['allow']} allow, "
                            f"{ours.get('not_built', 0)} undecided; {anchor} {theirs['allow']} "
                            f"allow, {theirs.get('not_built', 0)} undecided)")
        agree = f"same ({ours['allow']} allow)" if same else "**DIFFER**"
        print(f"| {workload} | {ours['requests']:,} | {ours['samples']:,} / "
              f"{theirs['samples']:,} | {duration(ours['p50_ns'])} | "
              f"{duration(theirs['p50_ns'])} | {ratio(theirs['p50_ns'], ours['p50_ns'])} | "
              f"{duration(ours['p99_ns'])} | {duration(theirs['p99_ns'])} | "
              f"{ratio(theirs['p99_ns'], ours['p99_ns'])} | {mib(ours['peak_rss_kb'])} | "
              f"{mib(theirs['peak_rss_kb'])} | {agree} |")
    print()


def extras(build, results):
    mine = [line for line in results if line["build"] == build]
    calls = {}
    for line in mine:
        calls.setdefault((line["engine"], line.get("call")), []).append(line["workload"])
    for (engine, call), workloads in sorted(calls.items(), key=lambda item: str(item[0])):
        print(f"- {engine} measured as {call} on {', '.join(workloads)}")
    ours = {line["workload"]: line for line in mine if line["engine"] == "cordon"}
    anchor = ANCHORS[build]
    theirs = {line["workload"]: line for line in mine if line["engine"] == anchor}
    for workload, line in ours.items():
        other = theirs.get(workload)
        if other and line.get("cpu_ns_per_call") and other.get("cpu_ns_per_call"):
            print(f"- {workload}: CPU time per call (the process's, over the timed calls): "
                  f"cordon {duration(line['cpu_ns_per_call'])}, {anchor} "
                  f"{duration(other['cpu_ns_per_call'])}, speed-up "
                  f"{ratio(other['cpu_ns_per_call'], line['cpu_ns_per_call'])}")
    for line in mine:
        for form, figures in (line.get("forms") or {}).items():
            if form.startswith("reference") and line["workload"] in ours:
                mine_p50 = ours[line["workload"]]["p50_ns"]
                print(f"- {line['workload']}: {line['engine']} {form[len('reference: '):]}: "
                      f"p50 {duration(figures['p50_ns'])}, p99 {duration(figures['p99_ns'])}; "
                      f"speed-up of cordon against it {ratio(figures['p50_ns'], mine_p50)} (p50)")
    sizes = {line["engine"]: line["module_bytes"] for line in mine if "module_bytes" in line}
    for engine, size in sizes.items():
        print(f"- module size, {engine}: {size:,} bytes ({size / 1e6:.2f} MB)")
    if "cordon" in sizes and anchor in sizes:
        print(f"- cordon's module is {sizes['cordon'] / sizes[anchor]:.2f} of {anchor}'s")
    loads = [line["loadavg_1m"] for line in mine if "loadavg_1m" in line]
    if loads:
        print(f"- 1-minute load average at the end of each run: {min(loads):.2f} to "
              f"{max(loads):.2f}")


def main(arguments):
    extras_only = "--extras-only" in arguments
    lines = read([a for a in arguments if a != "--extras-only"])
    results = [line for line in lines if not line.get("breakdown")]
    breakdowns = [line for line in lines if line.get("breakdown")]
    problems = []
    for build in dict.fromkeys(line["build"] for line in results):
        rows = {}
        for line in results:
            if line["build"] == build:
                rows.setdefault(line["workload"], {})[line["engine"]] = line
        if not extras_only:
            table(build, ANCHORS[build], rows, problems)
        extras(build, results)
        print()
    for line in breakdowns:
        parts = {k: v for k, v in line.items() if isinstance(v, dict)}
        text = "; ".join(f"{k} {duration(v['p50_ns'])}" for k, v in parts.items())
        size = (f", call JSON {line['call_json_bytes_mean']:,} bytes"
                if "call_json_bytes_mean" in line else "")
        print(f"- where cordon's time goes ({line['build']}, {line['workload']}, p50 per call"
              f"{size}): {text}")
    for problem in problems:
        print(f"!!! {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
