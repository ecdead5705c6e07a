#!/usr/bin/env bash
# The main job: builds the native CLI and shows the domain on the default bundle
# (policies/elaygent): its signature, route decisions, a field mask, a telemetry scrub (and
# the scrub profile's measured recall on the labelled set), and a gate check with unmet gates
# and then with the deletion plan.
#
#   bash scripts/run-main.sh [ROUTE OPTIONS]   # e.g. --json: options go to `cordon route`
#   bash scripts/run-main.sh --preview         # build the npm package's WASM and serve the
#                                              # browser preview on http://127.0.0.1:8000/wasm/preview/
#
# Environment: CORDON_BUNDLE (default policies/elaygent), CORDON_BUILD_DIR (default
# build/native). Results go to stdout under short headings; set-up and build output go to
# stderr. A bundle without the domain files (no bundle.json) gets `cordon authorize` on its
# policies.cedar, entities.json and requests.jsonl instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUNDLE="${CORDON_BUNDLE:-policies/elaygent}"
BUILD="${CORDON_BUILD_DIR:-build/native}"
PREVIEW_URL="http://127.0.0.1:8000/wasm/preview/"

if [[ "${1:-}" == "--preview" ]]; then
  echo "==== setup ====" >&2
  bash scripts/setup.sh >&2
  echo "==== WASM build (wasm/dist) ====" >&2
  bash scripts/build-botan-wasm.sh >&2
  cmake --preset wasm >&2
  cmake --build --preset wasm >&2
  # A static server over the repository: the page, wasm/dist and policies/elaygent. Once
  # loaded, the page works offline.
  echo "Preview: open $PREVIEW_URL (Ctrl-C stops the server)"
  exec python3 -m http.server --bind 127.0.0.1 8000 --directory "$ROOT"
fi

echo "==== setup (native) ====" >&2
bash scripts/setup.sh --native >&2

echo "==== native build ($BUILD) ====" >&2
cmake --preset native -B "$BUILD" >&2
cmake --build "$BUILD" --target cordon >&2

cli="$BUILD/native/cordon"
if [[ ! -f "$BUNDLE/bundle.json" ]]; then
  echo "== cordon authorize: $BUNDLE/requests.jsonl =="
  "$cli" authorize --policies "$BUNDLE/policies.cedar" --entities "$BUNDLE/entities.json" \
    --input "$BUNDLE/requests.jsonl" "$@"
  exit 0
fi

# Prints a domain_json answer readably: the locations first, then the JSON on one line.
summarize() {
  if command -v python3 >/dev/null; then
    python3 -c '
import json, sys
answer = json.load(sys.stdin)
if answer.get("type") != "success":
    print(json.dumps(answer)); sys.exit(0)
result = answer["result"]
for key in ("deniedClasses", "removed", "masked", "replaced"):
    if key in result:
        print((key + ":").ljust(16) + (" ".join(result[key]) or "-"))
body = result.get("payload", result.get("event"))
print("result:".ljust(16) + json.dumps(body, separators=(",", ":")))
'
  else
    cat
  fi
}

examples="$BUNDLE/examples"
if [[ "$BUNDLE" == "policies/elaygent" && -f "$BUNDLE/.signatures.json" ]]; then
  echo "== Signature (Ed25519, policies/keys/elaygent.pub) =="
  # An edited, not yet re-signed bundle is reported, and the rest still runs unsigned.
  "$cli" sign --verify --bundle "$BUNDLE" --key-file policies/keys/elaygent.pub 2>&1 ||
    echo "NOT VERIFIED: the bundle changed since it was signed; re-sign it (policies/keys/README.md)"
  echo
fi

if [[ -f "$examples/routes.jsonl" ]]; then
  echo "== Route decisions ($examples/routes.jsonl) =="
  if [[ $# -eq 0 ]]; then set -- --pretty; fi
  "$cli" route --bundle "$BUNDLE" --input "$examples/routes.jsonl" "$@"
  echo
fi

if [[ -f "$examples/dashboard.json" ]]; then
  echo "== Field mask: the dashboard payload for staff on the mobile surface =="
  "$cli" scrub --bundle "$BUNDLE" --profile dashboard --surface mobile \
    --viewer '{"user":"pat","roles":["staff"],"tenant":"acme","status":"active"}' \
    --input "$examples/dashboard.json" | summarize
  echo
fi

if [[ -f "$examples/telemetry-event.json" ]]; then
  echo "== Telemetry scrub: an error-monitoring event =="
  "$cli" scrub --bundle "$BUNDLE" --telemetry --profile error-monitoring \
    --input "$examples/telemetry-event.json" | summarize
  if [[ -f tests/telemetry/events.jsonl ]]; then
    echo "-- the profile measured on tests/telemetry/events.jsonl (cordon scrub --evaluate) --"
    "$cli" scrub --bundle "$BUNDLE" --profile error-monitoring \
      --evaluate tests/telemetry/events.jsonl | sed -n '2,6p'
  fi
  echo
fi

if [[ -f "$examples/hard-delete-unmet.json" && -f "$examples/hard-delete-ready.json" ]]; then
  admin='{"user":"root","roles":["platform_admin"],"status":"active"}'
  echo "== Gate: tenant hard delete, not ready (every unmet gate) =="
  "$cli" gate --bundle "$BUNDLE" --workflow hard_delete_tenant --actor "$admin" \
    --facts "$examples/hard-delete-unmet.json" | sed '/^explanation:/,$d' || true
  echo
  echo "== Gate: tenant hard delete, every gate met (the deletion plan) =="
  "$cli" gate --bundle "$BUNDLE" --workflow hard_delete_tenant --actor "$admin" \
    --facts "$examples/hard-delete-ready.json" | sed '/^explanation:/,$d'
fi

echo
echo "== Browser preview =="
echo "bash scripts/run-main.sh --preview, then open $PREVIEW_URL (edit policies, entities, a"
echo "request or the bundle and see decisions, routes, scrubbed payloads and the access matrix)"
