#!/usr/bin/env python3
"""Size breakdown of a .wasm linked with names (em++ --profiling-funcs or -g2).

  python3 bench/wasm-quick/wasm-sizes.py build/x/cordon-core.wasm [--top 40] [--grep REGEX]

Prints the sections' sizes, then the code section's bytes by group (Botan, nlohmann,
libc++, cordon's own namespaces, ...) and the largest functions. Sizes are of the
function bodies in the named build; a build without names has the same bodies, so
the shares carry over (the name section itself is extra).
"""
import argparse
import collections
import re
import shutil
import subprocess
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
                 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
                 12: "datacount"}


def read(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\0asm"
    pos = 8
    sections, bodies, names, imported = [], [], {}, 0
    while pos < len(data):
        sid = data[pos]
        size, body = leb(data, pos + 1)
        end = body + size
        label = SECTION_NAMES.get(sid, str(sid))
        if sid == 0:
            nlen, p = leb(data, body)
            cname = data[p:p + nlen].decode()
            label = f"custom:{cname}"
            if cname == "name":
                p += nlen
                while p < end:
                    kind, p = leb(data, p)
                    ssize, p = leb(data, p)
                    send = p + ssize
                    if kind == 1:
                        count, q = leb(data, p)
                        for _ in range(count):
                            idx, q = leb(data, q)
                            ln, q = leb(data, q)
                            names[idx] = data[q:q + ln].decode(errors="replace")
                            q += ln
                    p = send
        elif sid == 2:
            count, p = leb(data, body)
            for _ in range(count):
                for _ in range(2):
                    ln, p = leb(data, p)
                    p += ln
                kind = data[p]
                p += 1
                if kind == 0:
                    _, p = leb(data, p)
                    imported += 1
                elif kind == 1:
                    p += 1
                    flags, p = leb(data, p)
                    _, p = leb(data, p)
                    if flags & 1:
                        _, p = leb(data, p)
                elif kind == 2:
                    flags, p = leb(data, p)
                    _, p = leb(data, p)
                    if flags & 1:
                        _, p = leb(data, p)
                elif kind == 3:
                    p += 2
        elif sid == 10:
            count, p = leb(data, body)
            for i in range(count):
                bsize, q = leb(data, p)
                bodies.append((imported + i, q + bsize - p))
                p = q + bsize
        sections.append((label, end - pos))
        pos = end
    return len(data), sections, bodies, names


def demangle(names):
    tool = shutil.which("llvm-cxxfilt") or shutil.which("llvm-cxxfilt-14") or shutil.which("c++filt")
    if not tool:
        return names
    keys = list(names)
    out = subprocess.run([tool], input="\n".join(names[k] for k in keys), capture_output=True,
                         text=True).stdout.split("\n")
    return {k: out[i] if i < len(out) else names[k] for i, k in enumerate(keys)}


GROUPS = [
    ("Botan", r"Botan::|botan"),
    ("nlohmann ordered_json", r"nlohmann::.*ordered_map|ordered_json"),
    ("nlohmann json", r"nlohmann::"),
    ("embind / emscripten", r"emscripten::|_embind|embind"),
    ("cordon::cedar (+json_api)", r"cordon::(cedar|json_api|detail)|cordon::(PolicySet|Entities|Request|Schema|Value|is_authorized)"),
    ("cordon::verify", r"cordon::(verify|verify_json|webhook|outbound|credential|MemoryReplayStore)"),
    ("cordon::telemetry / masks", r"cordon::(telemetry|masks|scrub|json_path|detectors)"),
    ("cordon::routes / gates / domain", r"cordon::(routes|gates|domain|domain_json|Bundle|bundle|signatures)"),
    ("cordon::crypto", r"cordon::crypto"),
    ("cordon (other)", r"cordon::"),
    ("libc++ locale/iostream", r"std::__2::(locale|ctype|num_put|num_get|basic_ios|basic_ostream|basic_istream|basic_streambuf|basic_stringbuf|ios_base|codecvt|moneypunct|money_|time_get|time_put|messages|numpunct|collate|__num_get|__num_put|__money|__time|basic_[io]?stringstream|__stdinbuf|__stdoutbuf)"),
    ("libc++ regex", r"std::__2::(basic_regex|__owns|__match|regex|__bracket|__state|sub_match|__node|__end_state|__empty_state|__has_one_state)"),
    ("libc++ other", r"std::"),
    ("libc / malloc / exceptions runtime", r"^(__cxa|__cxxabiv1|_Unwind|__gxx|dlmalloc|dlfree|emscripten_builtin|malloc|free|mem|str|__|printf|vfprintf|fmt_|pop_arg|sn?printf|wcs|mb|frexp|abort|std::terminate|operator new|operator delete)"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wasm")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--grep")
    a = ap.parse_args()
    total, sections, bodies, names = read(a.wasm)
    names = demangle(names)
    print(f"{a.wasm}: {total:,} bytes")
    for label, size in sections:
        print(f"  {label:28} {size:>10,}")
    code = sum(s for _, s in bodies)
    groups = collections.Counter()
    counts = collections.Counter()
    compiled = [(g, re.compile(p)) for g, p in GROUPS]
    for idx, size in bodies:
        name = names.get(idx, f"<func {idx}>")
        group = next((g for g, rx in compiled if rx.search(name)), "unnamed / other")
        groups[group] += size
        counts[group] += 1
    print(f"\ncode section by group ({code:,} bytes of function bodies, {len(bodies)} functions)")
    for g, size in groups.most_common():
        print(f"  {g:36} {size:>10,}  {100 * size / code:5.1f}%  ({counts[g]} functions)")
    rows = sorted(bodies, key=lambda b: -b[1])
    if a.grep:
        rx = re.compile(a.grep)
        rows = [b for b in rows if rx.search(names.get(b[0], ""))]
        print(f"\nmatching {a.grep!r}: {sum(s for _, s in rows):,} bytes in {len(rows)} functions")
    print(f"\nlargest {a.top} functions")
    for idx, size in rows[:a.top]:
        print(f"  {size:>8,}  {names.get(idx, idx)[:150]}")


if __name__ == "__main__":
    sys.exit(main())
