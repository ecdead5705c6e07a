#!/usr/bin/env python3
"""Writes the benchmark workloads that every runner (native, WASM, Python; ours and the
anchors) reads, so all of them decide exactly the same requests.

    python3 bench/workloads/generate.py --out build/bench/workloads

One folder per workload, holding workload.json:
    {"name", "description", "sets": [{"policies": "<file>.cedar",
                                      "entities": "<file>.json",
                                      "requests": "<file>.json"}, ...]}
Paths are relative to the folder. Policies are Cedar text (ids positional: policy0..N),
entities a Cedar JSON entity array, requests a JSON array of
{"principal": {"type", "id"}, "action": {...}, "resource": {...}, "context": {...}}.

Workloads:
  rbac-10, rbac-100, rbac-1000, rbac-10000
      RBAC with tenants: ten policies per tenant (role grants on the tenant, an action
      group, owner and context conditions, forbids), so the number of tenants grows with
      the number of policies while the entities (40 users, 80 documents over at most ten
      tenants) and the requests stay the same size: only the policies grow.
  corpus
      every tenth test of Cedar's integration corpus (build/conformance/corpus-tests, by
      sorted name), each test one set with its own policies and entities.
  elaygent-routes
      the Cedar calls that route decisions on the default bundle (policies/elaygent) make:
      every route of routes.json for sessions of each role, tenant and status (and credential
      states for the routes that take one) on each surface, through
      `cordon route --cedar-calls` (so it needs a built `cordon` CLI: --cordon). The policies
      are the bundle's route policies (`cordon route --route-policies`: all but the @gate
      ones, as written in the bundle's files); one set per distinct entity list (the bundle's
      entities plus the session's user), each set also giving "routeRequests": the route
      requests behind its Cedar calls, in the same order, for timing the whole route
      decision; the workload's "bundle" is the bundle folder, relative to the workload's.
The output is deterministic: the same files on every run.
"""

import argparse
import json
import random
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = ["read", "write", "delete", "share"]
# Role name and how often a user holds it.
ROLES = [("admin", 1), ("editor", 3), ("viewer", 4), ("auditor", 1), ("suspended", 1)]
USERS = 40
DOCUMENTS = 80
REQUESTS = 500
ACTIVE_TENANTS = 10


def uid(kind, name):
    return {"type": kind, "id": name}


def tenant_policies(tenant, owner):
    """Ten policies for one tenant: what an RBAC deployment with tenants writes."""
    t = f'Tenant::"{tenant}"'

    def role(name):
        return f'Role::"{tenant}-{name}"'

    return [
        f"permit(principal in {role('admin')}, action, resource in {t});",
        f"permit(principal in {role('editor')}, "
        f'action in [Action::"read", Action::"edit"], resource in {t});',
        f'permit(principal in {role("viewer")}, action == Action::"read", resource in {t});',
        f'permit(principal, action == Action::"share", resource in {t})\n'
        f"  when {{ resource.owner == principal }};",
        f'forbid(principal, action == Action::"delete", resource in {t})\n'
        f"  unless {{ context.mfa }};",
        f"forbid(principal, action, resource in {t})\n"
        f'  when {{ resource.archived && action != Action::"read" }};',
        f'permit(principal in {role("auditor")}, action == Action::"read", resource in {t})\n'
        f"  when {{ context.hour >= 8 && context.hour < 18 }};",
        f"forbid(principal in {role('suspended')}, action, resource in {t});",
        f'permit(principal in {role("editor")}, action == Action::"delete", resource in {t})\n'
        f"  when {{ resource.owner == principal && context.mfa }};",
        f"permit(principal == {owner}, action, resource in {t})\n"
        f'  when {{ resource.classification != "restricted" || principal.clearance >= 3 }};',
    ]


def rbac(policy_count):
    rng = random.Random(policy_count)
    tenants = [f"t{i}" for i in range(policy_count // 10)]
    active_count = min(len(tenants), ACTIVE_TENANTS)
    active = [tenants[(k * len(tenants)) // active_count] for k in range(active_count)]
    role_names = [name for name, weight in ROLES for _ in range(weight)]

    users = []
    for j in range(USERS):
        tenant = active[j % active_count]
        users.append(
            {
                "uid": uid("User", f"u{j}"),
                "attrs": {
                    "tenant": {"__entity": uid("Tenant", tenant)},
                    "clearance": rng.randint(0, 4),
                    "department": rng.choice(["care", "billing", "support", "research"]),
                },
                "parents": [uid("Role", f"{tenant}-{rng.choice(role_names)}")],
            }
        )
    users_of = {t: [u for u in users if u["attrs"]["tenant"]["__entity"]["id"] == t] for t in active}
    documents = []
    for k in range(DOCUMENTS):
        tenant = active[k % active_count]
        owner = rng.choice(users_of[tenant])["uid"]
        documents.append(
            {
                "uid": uid("Document", f"d{k}"),
                "attrs": {
                    "owner": {"__entity": owner},
                    "archived": rng.random() < 0.1,
                    "classification": rng.choice(["public", "internal", "restricted"]),
                },
                "parents": [uid("Tenant", tenant)],
            }
        )
    # The action group used by the editors' grant.
    actions = [
        {"uid": uid("Action", a), "attrs": {}, "parents": [uid("Action", "edit")] if a in ("write", "delete") else []}
        for a in ACTIONS
    ] + [{"uid": uid("Action", "edit"), "attrs": {}, "parents": []}]

    policies = []
    for tenant in tenants:
        members = users_of.get(tenant)
        owner = f'User::"{members[0]["uid"]["id"]}"' if members else f'User::"{tenant}-owner"'
        policies.extend(tenant_policies(tenant, owner))
    assert len(policies) == policy_count

    requests = []
    for _ in range(REQUESTS):
        user = rng.choice(users)
        own_tenant = user["attrs"]["tenant"]["__entity"]["id"]
        same = [d for d in documents if d["parents"][0]["id"] == own_tenant]
        document = rng.choice(same if rng.random() < 0.7 else documents)
        requests.append(
            {
                "principal": user["uid"],
                "action": uid("Action", rng.choice(ACTIONS)),
                "resource": document["uid"],
                "context": {"mfa": rng.random() < 0.5, "hour": rng.randint(0, 23)},
            }
        )
    return "\n\n".join(policies) + "\n", users + documents + actions, requests


def write_json(path, value):
    path.write_text(json.dumps(value, indent=1) + "\n")


def write_rbac(out):
    for count in (10, 100, 1000, 10000):
        folder = out / f"rbac-{count}"
        folder.mkdir(parents=True)
        policies, entities, requests = rbac(count)
        (folder / "policies.cedar").write_text(policies)
        write_json(folder / "entities.json", entities)
        write_json(folder / "requests.json", requests)
        write_json(
            folder / "workload.json",
            {
                "name": f"rbac-{count}",
                "description": f"RBAC with tenants: {count} policies ({count // 10} tenants), "
                f"{USERS} users and {DOCUMENTS} documents, {REQUESTS} requests",
                "sets": [
                    {"policies": "policies.cedar", "entities": "entities.json", "requests": "requests.json"}
                ],
            },
        )


def unpack_corpus(corpus_root):
    """Unpacks Cedar's corpus from ../shared (or $CORDON_SHARED) when no run has yet."""
    if (corpus_root / "corpus-tests").is_dir():
        return
    shared = Path(os.environ.get("CORDON_SHARED", ROOT.parent / "shared"))
    tarball = shared / "cedar-conformance" / "corpus-tests.tar.gz"
    if not tarball.is_file():
        sys.exit(f"generate.py: no corpus under {corpus_root} and no {tarball} (set CORDON_SHARED)")
    corpus_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(corpus_root, filter="data")


def write_corpus(out, corpus_root):
    unpack_corpus(corpus_root)
    tests = sorted(p for p in (corpus_root / "corpus-tests").glob("*.json") if not p.name.endswith(".entities.json"))
    if not tests:
        sys.exit(f"generate.py: no corpus tests under {corpus_root}/corpus-tests")
    folder = out / "corpus"
    folder.mkdir(parents=True)
    sets, request_count = [], 0
    for test_path in tests[::10]:
        test = json.loads(test_path.read_text())
        name = test_path.stem
        shutil.copyfile(corpus_root / test["policies"], folder / f"{name}.cedar")
        shutil.copyfile(corpus_root / test["entities"], folder / f"{name}.entities.json")
        requests = [{k: r[k] for k in ("principal", "action", "resource", "context")} for r in test["requests"]]
        write_json(folder / f"{name}.requests.json", requests)
        request_count += len(requests)
        sets.append({"policies": f"{name}.cedar", "entities": f"{name}.entities.json",
                     "requests": f"{name}.requests.json"})
    write_json(
        folder / "workload.json",
        {
            "name": "corpus",
            "description": f"every tenth test of Cedar's integration corpus: {len(sets)} tests, "
            f"{request_count} requests, each test with its own policies and entities",
            "sets": sets,
        },
    )


# Sessions of the route workload: each role of the bundle, its own tenant or another one,
# active or disabled (revocation), and one platform administrator.
ROUTE_SESSIONS = [
    {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"},
    {"user": "dana", "roles": ["practice_admin"], "tenant": "acme", "status": "active"},
    {"user": "lee", "roles": ["practice_admin"], "tenant": "bright", "status": "active"},
    {"user": "casey", "roles": ["compliance_officer"], "tenant": "acme", "status": "active"},
    {"user": "sam", "roles": ["staff"], "tenant": "acme", "status": "disabled"},
    {"user": "opal", "roles": ["platform_admin"], "tenant": "elaygent", "status": "active"},
]
ROUTE_SURFACES = ["desktop", "mobile", "server"]


def route_requests(bundle):
    """Every route of the bundle for each session on each surface, parameters filled in."""
    routes = json.loads((bundle / "routes.json").read_text())["routes"]
    requests = []
    for number, route in enumerate(routes):
        method, pattern = route["route"].split(" ", 1)
        for k, session in enumerate(ROUTE_SESSIONS):
            segments = []
            for segment in pattern.strip("/").split("/"):
                if segment == ":tenantId":
                    segment = "acme"
                elif segment.startswith(":") or segment in ("*", "**"):
                    segment = f"x{number}"
                segments.append(segment)
            path = "/" + "/".join(s for s in segments if s)
            if route.get("tenant", "").startswith("query:"):
                path += f"?{route['tenant'].split(':', 1)[1]}=acme"
            for surface in ROUTE_SURFACES:
                request = {"method": "POST" if method == "*" else method, "path": path,
                           "surface": surface, "session": session}
                if route.get("credential"):
                    request["credentials"] = {route["credential"]: "valid" if k % 3 else "invalid"}
                requests.append(request)
    return requests


def default_cordon():
    for candidate in ("build/bench/native/native/cordon", "build/native/native/cordon"):
        if (ROOT / candidate).is_file():
            return ROOT / candidate
    return None


def write_elaygent_routes(out, cordon):
    bundle = ROOT / "policies" / "elaygent"
    if cordon is None or not Path(cordon).is_file():
        print("generate.py: no cordon CLI (build it, or pass --cordon): elaygent-routes not written",
              file=sys.stderr)
        return
    folder = out / "elaygent-routes"
    folder.mkdir(parents=True)
    run = lambda *args, **kw: subprocess.run([str(cordon), "route", "--bundle", str(bundle), *args],
                                             check=True, capture_output=True, text=True, **kw).stdout
    (folder / "route-policies.cedar").write_text(run("--route-policies"))
    requests = route_requests(bundle)
    answers = run("--cedar-calls", input="".join(json.dumps(r) + "\n" for r in requests)).splitlines()
    assert len(answers) == len(requests)
    # One set per entity list: the session-less routes share the bundle's entities.
    sets, reached = {}, 0
    for request, line in zip(requests, answers):
        answer = json.loads(line)
        if answer["type"] != "success":
            sys.exit(f"generate.py: cordon route --cedar-calls refused {json.dumps(request)}: {line}")
        call = answer["call"]
        if call is None:  # decided before Cedar was asked (no session, ...)
            continue
        reached += 1
        entities = json.dumps(call.pop("entities"), sort_keys=True)
        calls, routes = sets.setdefault(entities, ([], []))
        calls.append(call)
        routes.append(request)
    entries = []
    for k, (entities, (calls, routes)) in enumerate(sets.items()):
        write_json(folder / f"set{k}.entities.json", json.loads(entities))
        write_json(folder / f"set{k}.requests.json", calls)
        write_json(folder / f"set{k}.routes.json", routes)
        entries.append({"policies": "route-policies.cedar", "entities": f"set{k}.entities.json",
                        "requests": f"set{k}.requests.json", "routeRequests": f"set{k}.routes.json"})
    # Every policy of a bundle carries an @id.
    policy_count = sum(1 for line in (folder / "route-policies.cedar").read_text().splitlines()
                       if line.startswith("@id("))
    write_json(
        folder / "workload.json",
        {
            "name": "elaygent-routes",
            "description": f"the Cedar calls of route decisions on policies/elaygent: {reached} of "
            f"{len(requests)} route requests reach Cedar ({len(ROUTE_SESSIONS)} sessions x "
            f"{len(ROUTE_SURFACES)} surfaces x every route), {len(entries)} entity sets, "
            f"the bundle's {policy_count} route policies",
            "bundle": os.path.relpath(bundle, folder),
            "sets": entries,
        },
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build/bench/workloads")
    parser.add_argument("--corpus", type=Path, default=ROOT / "build/conformance",
                        help="the folder holding corpus-tests/ (unpacked there from "
                        "../shared/cedar-conformance if missing, as scripts/test-all.sh does)")
    parser.add_argument("--cordon", type=Path, default=default_cordon(),
                        help="the cordon CLI that writes elaygent-routes' Cedar calls (default: "
                        "build/bench/native/native/cordon, else build/native/native/cordon)")
    args = parser.parse_args()
    # Written whole into a fresh folder, so a runner never reads half of an old workload.
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    write_rbac(args.out)
    write_corpus(args.out, args.corpus)
    write_elaygent_routes(args.out, args.cordon)
    for workload in sorted(args.out.glob("*/workload.json")):
        print(f"{workload.parent.name}: {json.loads(workload.read_text())['description']}")


if __name__ == "__main__":
    main()
