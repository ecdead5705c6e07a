# Shared by the reliability scripts: finds the cordon binary and a work folder.
#   CORDON=/path/to/cordon   the CLI to measure (default: build/native/native/cordon of this
#                            repository, else `cordon` on PATH)
#   WORK=/some/folder        where databases and outputs go (default: a new temporary folder)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [[ -z "${CORDON:-}" ]]; then
  if [[ -x "$ROOT/build/native/native/cordon" ]]; then
    CORDON="$ROOT/build/native/native/cordon"
  else
    CORDON="$(command -v cordon || true)"
  fi
fi
if [[ -z "$CORDON" || ! -x "$CORDON" ]]; then
  echo "reliability: no cordon binary; build it or set CORDON=/path/to/cordon" >&2
  exit 1
fi
CORDON="$(cd "$(dirname "$CORDON")" && pwd)/$(basename "$CORDON")"
WORK="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/cordon-reliability.XXXXXX")}"
mkdir -p "$WORK"
ELAYGENT="$ROOT/policies/elaygent"
