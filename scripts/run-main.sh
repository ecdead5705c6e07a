#!/usr/bin/env bash
# The main job: builds the native CLI and decides the default bundle's requests.
#
#   bash scripts/run-main.sh [--pretty]     # extra options go to the cordon command
#
# With a bundle (policies/elaygent/bundle.json): `cordon route --bundle` on the bundle's
# route examples (examples/routes.jsonl). Without one: `cordon authorize` on
# policies.cedar and entities.json with the requests of requests.jsonl.
# Decisions go to stdout, one per line; set-up and build output go to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUNDLE="${CORDON_BUNDLE:-policies/elaygent}"

echo "==== setup (native) ====" >&2
bash scripts/setup.sh --native >&2

echo "==== native build (build/native) ====" >&2
cmake --preset native >&2
cmake --build --preset native --target cordon >&2

cli=build/native/native/cordon
if [[ -f "$BUNDLE/bundle.json" && -f "$BUNDLE/examples/routes.jsonl" ]]; then
  echo "==== cordon route --bundle $BUNDLE < $BUNDLE/examples/routes.jsonl ====" >&2
  "$cli" route --bundle "$BUNDLE" --input "$BUNDLE/examples/routes.jsonl" "$@"
else
  echo "==== cordon authorize: $BUNDLE/requests.jsonl ====" >&2
  "$cli" authorize --policies "$BUNDLE/policies.cedar" --entities "$BUNDLE/entities.json" \
    --input "$BUNDLE/requests.jsonl" "$@"
fi
