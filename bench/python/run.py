#!/usr/bin/env python3
"""One (engine, workload) measurement of the Python build, in its own process:

    python bench/python/run.py --engine cordon|cedarpy --workload build/bench/workloads/rbac-100

Each engine answers in its fastest pre-parsed form, prepared once per set and untimed:

  cedarpy  policies parsed once (cedarpy.PolicySet.from_str) and entities parsed once
           (cedarpy.Entities.from_json_str); then cedarpy.is_authorized(request, policy_set,
           entities) per call, and cedarpy.is_authorized_batch(16 requests, ...) per batch.
  cordon   cordon.Engine(policies, entities) parses the policies once; then
           engine.is_authorized(request) per call, and engine.is_authorized_batch(16 requests).

Both forms are measured for each engine (per call: a sample is the mean of 16 consecutive
calls with one request; batch: a sample is one batch call of those 16 requests, divided by
16), and the line reports the faster form by p50 (its function in "call", "per-call" or
"batch" in "form"); both forms' figures are in "forms". Prints one JSON line on stdout
(bench/README.md, "Python").
Measures only: nothing here asserts a timing.

--breakdown (cordon only) adds a line splitting one engine.is_authorized call into its parts.
"""

import argparse
import hashlib
import json
import math
import os
import random
import resource
import sys
import time
from pathlib import Path


def load_workload(folder: Path):
    workload = json.loads((folder / "workload.json").read_text())
    sets = []
    for entry in workload["sets"]:
        sets.append({
            "policies": (folder / entry["policies"]).read_text(),
            "entities_text": (folder / entry["entities"]).read_text(),
            "requests": json.loads((folder / entry["requests"]).read_text()),
        })
    return workload["name"], sets


def request_dict(request):
    return {"principal": request["principal"], "action": request["action"],
            "resource": request["resource"], "context": request.get("context") or {}}


class Cedarpy:
    name = "cedarpy"
    form_names = {"per-call": "cedarpy.is_authorized", "batch": "cedarpy.is_authorized_batch"}

    def __init__(self):
        import cedarpy
        self.cedarpy = cedarpy
        self.version = getattr(cedarpy, "__version__", None) or _dist_version("cedarpy")

    def prepare(self, policies, entities_text):
        """The pre-parsed handles of one set: (policy set, entities), and the entities'
        text for the like-for-like reference form."""
        return (self.cedarpy.PolicySet.from_str(policies),
                self.cedarpy.Entities.from_json_str(entities_text), entities_text)

    def call(self, prepared):
        policy_set, entities, _ = prepared
        is_authorized = self.cedarpy.is_authorized
        return lambda request: is_authorized(request, policy_set, entities)

    def reference(self, prepared):
        """Not a fastest form: entities passed as JSON text, parsed on every call, as
        cordon.Engine does (and cedar-wasm must), for a like-for-like figure."""
        policy_set, _, entities_text = prepared
        is_authorized = self.cedarpy.is_authorized
        return lambda request: is_authorized(request, policy_set, entities_text)

    def batch(self, prepared):
        policy_set, entities, _ = prepared
        is_authorized_batch = self.cedarpy.is_authorized_batch
        return lambda requests: is_authorized_batch(requests, policy_set, entities)

    @staticmethod
    def decision(result):
        value = result.decision.value  # "Allow" / "Deny" / "NoDecision"
        return "A" if value == "Allow" else "D" if value == "Deny" else "E"


class Cordon:
    name = "cordon"
    form_names = {"per-call": "cordon.Engine.is_authorized",
                  "batch": "cordon.Engine.is_authorized_batch"}

    def __init__(self):
        import cordon
        self.cordon = cordon
        self.version = cordon.version()

    def prepare(self, policies, entities_text):
        # Entities as JSON text: cordon.Engine takes them so (a list is dumped to this text).
        return self.cordon.Engine(policies, entities_text)

    def call(self, engine):
        return engine.is_authorized

    def batch(self, engine):
        return engine.is_authorized_batch

    @staticmethod
    def decision(result):
        return "A" if result.allowed else "D"


def _dist_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:  # pragma: no cover - only for an odd install
        return None


def fnv1a64(text):
    """64-bit FNV-1a of the decision letters, as the native runners compute it."""
    h = 0xcbf29ce484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def percentile(ordered, p):
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(p * len(ordered)))
    return ordered[rank - 1]


def statistics(measured):
    samples, rounds, cpu_per_call = measured
    ordered = sorted(samples)
    if not ordered:
        return {"samples": 0, "rounds": rounds, "p50_ns": None, "p99_ns": None, "mean_ns": None}
    return {"samples": len(ordered), "rounds": rounds, "p50_ns": round(percentile(ordered, 0.5)),
            "p99_ns": round(percentile(ordered, 0.99)),
            "mean_ns": round(sum(ordered) / len(ordered)), "cpu_ns_per_call": round(cpu_per_call)}


def measure(sample, items, order, seconds, max_samples, whole_rounds=True,
            decisions_per_sample=1):
    """sample(item) -> nanoseconds per decision, going round `order` again and again. With
    whole_rounds (the method of every runner, bench/README.md) it stops at the end of the
    first round after which the time budget is spent or max_samples are taken, so every
    request has as many samples; without, as soon as either is reached.
    Returns (samples, rounds, CPU nanoseconds per decision): the process's CPU time over the
    timed calls, which a busy machine inflates less than wall time."""
    budget = int(seconds * 1e9)
    samples = []
    rounds = 0
    counter = time.perf_counter_ns
    cpu_started = time.process_time_ns()
    started = counter()

    def result(round_count):
        cpu = time.process_time_ns() - cpu_started
        return samples, round_count, cpu / (len(samples) * decisions_per_sample)

    while order:
        for index in order:
            samples.append(sample(items[index]))
            if not whole_rounds and (len(samples) >= max_samples or
                                     counter() - started >= budget):
                return result(rounds + 1)
        rounds += 1
        if len(samples) >= max_samples or counter() - started >= budget:
            break
    return result(rounds)


def per_call_sampler(batch_size):
    def sample(item):
        fn, request = item
        counter = time.perf_counter_ns
        t0 = counter()
        for _ in range(batch_size):
            fn(request)
        return (counter() - t0) / batch_size
    return sample


def batch_sampler(batch_size):
    def sample(item):
        fn, requests = item
        counter = time.perf_counter_ns
        t0 = counter()
        results = fn(requests)
        elapsed = counter() - t0
        if len(results) != batch_size:
            raise RuntimeError(f"a batch of {batch_size} answered {len(results)} results")
        return elapsed / batch_size
    return sample


def shuffled(indices):
    """A fixed pseudo-random order of calls, for the reference form and the --breakdown
    parts, which may end in the middle of a round: so they sample an unbiased part."""
    order = list(indices)
    random.Random(1).shuffle(order)
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", required=True, choices=["cordon", "cedarpy"])
    parser.add_argument("--workload", required=True, type=Path)
    parser.add_argument("--seconds", type=float, default=1.0,
                        help="timed budget of each form (default 1)")
    parser.add_argument("--max-samples", type=int, default=200000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args()

    engine = Cedarpy() if args.engine == "cedarpy" else Cordon()
    name, sets = load_workload(args.workload)

    # Prepare, untimed: pre-parsed policies (and entities where the engine can), and every
    # request dict with its set's per-call and per-batch functions.
    prepare_started = time.perf_counter()
    per_call, per_batch, reference, requests, prepare_failures = [], [], [], [], []
    for index, entry in enumerate(sets):
        try:
            prepared = engine.prepare(entry["policies"], entry["entities_text"])
        except Exception as error:  # a set an engine refuses: its requests count as failures
            prepare_failures.append({"set": index, "error": str(error)[:300]})
            prepared = None
        for request in entry["requests"]:
            call = request_dict(request)
            requests.append(call)
            per_call.append((engine.call(prepared) if prepared else None, call))
            per_batch.append((engine.batch(prepared) if prepared else None,
                              [call] * args.batch))
            if hasattr(engine, "reference"):
                reference.append((engine.reference(prepared) if prepared else None, call))
    prepare_ms = (time.perf_counter() - prepare_started) * 1000

    # Warm-up round in request order; it also gives the decisions.
    # One letter per request (bench/README.md): A allow, D deny, E no decision (the engine
    # raised, or answered cedarpy's NoDecision).
    letters = []
    for fn, call in per_call:
        try:
            letters.append(engine.decision(fn(call)) if fn else "E")
        except Exception:
            letters.append("E")
    decisions = "".join(letters)

    # Only calls that decide are timed (an exception is not a decision).
    # Timed: every decided request (an undecided one, E, is not timed), in order.
    order = [i for i, letter in enumerate(decisions) if letter != "E"]
    forms = {}
    if order:
        forms["per-call"] = statistics(
            measure(per_call_sampler(args.batch), per_call, order, args.seconds,
                    args.max_samples, decisions_per_sample=args.batch))
        forms["batch"] = statistics(
            measure(batch_sampler(args.batch), per_batch, order, args.seconds,
                    args.max_samples, decisions_per_sample=args.batch))
    if order and reference:
        # Informational and slow (entities parsed on every call): may stop mid-round.
        forms["reference: per-call, entities as JSON text"] = statistics(
            measure(per_call_sampler(args.batch), reference, shuffled(order), args.seconds,
                    args.max_samples, whole_rounds=False, decisions_per_sample=args.batch))
    fastest = {form: figures for form, figures in forms.items() if form in ("per-call", "batch")}
    best = min(fastest, key=lambda form: forms[form]["p50_ns"]) if fastest else None

    peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = {
        "build": "python",
        "engine": engine.name,
        "call": engine.form_names[best] if best else None,
        "workload": name,
        "sets": len(sets),
        "requests": len(requests),
        "timed_requests": len(order),
        "batch": args.batch,
        "seconds": args.seconds,
        **({key: value for key, value in forms[best].items()} if best else
           {"samples": 0, "p50_ns": None, "p99_ns": None, "mean_ns": None}),
        "peak_rss_kb": peak_rss_kb,
        "peak_rss_kib": peak_rss_kb,
        "allow": decisions.count("A"),
        "deny": decisions.count("D"),
        "not_built": decisions.count("E"),
        "decisions_sha256": hashlib.sha256(decisions.encode()).hexdigest(),
        "decisions_fnv1a64": fnv1a64(decisions),
        "decisions": decisions,
        "prepare_ms": round(prepare_ms, 1),
        "form": best,
        "forms": forms,
        "engine_version": engine.version,
        "python": sys.version.split()[0],
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    if prepare_failures:
        line["prepare_failures"] = prepare_failures[:5]
    print(json.dumps(line), flush=True)

    if args.breakdown and args.engine == "cordon":
        print(json.dumps(breakdown(engine, name, sets, shuffled(order), per_call, args)),
              flush=True)


def breakdown(engine, name, sets, order, per_call, args):
    """Where one cordon Engine.is_authorized call's time goes, on its native path: the whole
    call; the native call alone (`Engine._authorizer.decide`: the request dict into the
    engine's request, deciding, the response handed back in an AuthzResult); the same call on
    an Authorizer with no policies and no entities (converting, calling and wrapping alone);
    and, for comparison, the whole call on the JSON path (the request as JSON text, parsed in
    C++, the answer parsed by json.loads), as an Engine takes it for a request it does not
    convert. Private names: a diagnostic only, to be updated here if they change."""
    from cordon import _native
    from cordon.results import AuthzResult
    empty = _native.Authorizer('{"staticPolicies":""}', "[]", AuthzResult)
    whole, decide, bare, json_path = [], [], [], []
    for fn, call in per_call:
        if fn is None:  # a set the engine refused: never in `order`
            whole.append(None), decide.append(None), bare.append(None), json_path.append(None)
            continue
        engine_obj = fn.__self__
        whole.append((fn, call))
        decide.append((engine_obj._authorizer.decide, call))
        bare.append((empty.decide, call))
        json_path.append((lambda request, e=engine_obj: engine.cordon.authorize._authorize(
            request, e._members_for(None), e._evaluate, False), call))

    def part(items):
        return statistics(measure(per_call_sampler(args.batch), items, order, args.seconds,
                                  args.max_samples, whole_rounds=False,
                                  decisions_per_sample=args.batch))

    return {
        "build": "python", "engine": "cordon", "workload": name, "breakdown": True,
        "engine_is_authorized": part(whole),
        "native_decide": part(decide),
        "native_decide_without_policies": part(bare),
        "json_path": part(json_path),
    }


if __name__ == "__main__":
    main()
