#!/usr/bin/env python3
"""Markdown table of the WASM or Python benchmark lines (bench/README.md), ours against
the anchor on each workload, with the speed-up (anchor's time / ours) and a loud line for
any workload whose decisions differ between the two engines:

    python3 bench/python/table.py build/bench/wasm.jsonl

Lines with "breakdown": true are shown after the table as where cordon's time goes.
Exits 1 if any workload's decisions differ or an engine is missing for a workload.
"""

import json
import sys

ANCHORS = {"wasm": "cedar-wasm", "python": "cedarpy", "native": "cedar"}


def micro(ns):
    return "-" if ns is None else f"{ns / 1000:.2f} µs" if ns < 1e6 else f"{ns / 1e6:.2f} ms"


def ratio(anchor, ours):
    if not anchor or not ours:
        return "-"
    return f"{anchor / ours:.1f}×"


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


def main(paths):
    lines = read(paths)
    results = [l for l in lines if not l.get("breakdown")]
    breakdowns = [l for l in lines if l.get("breakdown")]
    problems = []
    for build in dict.fromkeys(l["build"] for l in results):
        anchor = ANCHORS[build]
        rows = {}
        for line in results:
            if line["build"] == build:
                rows.setdefault(line["workload"], {})[line["engine"]] = line
        print(f"### {build}: cordon against {anchor}\n")
        print("| workload | requests | samples (ours / anchor) | p50 ours | p50 anchor | "
              "p50 speed-up | p99 ours | p99 anchor | p99 speed-up | peak RSS ours | "
              "peak RSS anchor | decisions |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for workload, engines in rows.items():
            ours, theirs = engines.get("cordon"), engines.get(anchor)
            if not ours or not theirs:
                problems.append(f"{build} {workload}: no line for "
                                f"{'cordon' if not ours else anchor}")
                continue
            same = ours["decisions_sha256"] == theirs["decisions_sha256"]
            if not same:
                problems.append(f"{build} {workload}: DECISIONS DIFFER (cordon "
                                f"{ours['allow']} allow / {ours.get('failures', 0)} failures, "
                                f"{anchor} {theirs['allow']} allow / "
                                f"{theirs.get('failures', 0)} failures)")
            agree = (f"agree ({ours['allow']} allow of {ours['requests']})" if same
                     else "**DIFFER**")
            print(f"| {workload} | {ours['requests']:,} | {ours['samples']:,} / "
                  f"{theirs['samples']:,} | {micro(ours['p50_ns'])} | {micro(theirs['p50_ns'])} | "
                  f"{ratio(theirs['p50_ns'], ours['p50_ns'])} | {micro(ours['p99_ns'])} | "
                  f"{micro(theirs['p99_ns'])} | {ratio(theirs['p99_ns'], ours['p99_ns'])} | "
                  f"{mib(ours['peak_rss_kb'])} | {mib(theirs['peak_rss_kb'])} | {agree} |")
        print()
        forms = {(l["engine"], l.get("form")) for l in results if l["build"] == build
                 and l.get("form")}
        for engine, form in sorted(forms):
            print(f"- {engine}: fastest form {form}")
        sizes = {}
        for line in results:
            if line["build"] == build and "module_bytes" in line:
                sizes[line["engine"]] = line["module_bytes"]
        for engine, size in sizes.items():
            print(f"- module size, {engine}: {size:,} bytes ({size / 1e6:.2f} MB)")
        if "cordon" in sizes and anchor in sizes:
            print(f"- module size ratio: cordon's is {sizes['cordon'] / sizes[anchor]:.2f} of "
                  f"{anchor}'s")
        loads = [l["loadavg_1m"] for l in results if l["build"] == build and "loadavg_1m" in l]
        if loads:
            print(f"- 1-minute load average during the runs: {min(loads):.2f} to {max(loads):.2f}")
        print()
    for line in breakdowns:
        parts = {k: v for k, v in line.items() if isinstance(v, dict)}
        text = ", ".join(f"{k} {micro(v['p50_ns'])}" for k, v in parts.items())
        print(f"- where cordon's time goes ({line['build']}, {line['workload']}, p50 per call, "
              f"call JSON {line['call_json_bytes_mean']:,} bytes): {text}")
    if breakdowns:
        print()
    for problem in problems:
        print(f"!!! {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
