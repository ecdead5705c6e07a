#!/usr/bin/env bash
# Installs everything cordon's three builds and their tests need, and nothing twice.
#
#   bash scripts/setup.sh            # Debian packages, Python tools, npm ci, Botan for WASM
#   bash scripts/setup.sh --native   # only what the native build and CLI need (Debian packages)
#
# Every step checks before it acts, so a second run takes a second or two and
# changes nothing. Runs as root (as CI does) or through sudo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

native_only=false
for arg in "$@"; do
  case "$arg" in
    --native) native_only=true ;;
    -h | --help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup.sh: unknown option $arg" >&2
      exit 1
      ;;
  esac
done

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

# --- Debian packages ---------------------------------------------------------
# The C++ toolchain and libraries of the native build and its tests; clang-14 and
# its runtime for the sanitizer and fuzzer builds.
packages=(
  g++ cmake ninja-build pkg-config git xz-utils
  libbotan-2-dev nlohmann-json3-dev libsqlite3-dev
  googletest libgtest-dev libbenchmark-dev
  clang-14 libclang-rt-14-dev
)
if ! $native_only; then
  # Debian's Emscripten; its JS optimizer needs acorn (node-acorn), wasm-opt comes from binaryen.
  packages+=(emscripten node-acorn binaryen)
  # Chromium for the browser tests of the npm package and the preview page (driven by playwright-core).
  packages+=(chromium)
  # The headers of the Python that `python3` runs (pyenv's bring their own; Debian's need python3-dev).
  if ! python3 -c 'import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
    packages+=(python3-dev)
  fi
fi

# One dpkg-query for all: it prints a line for each installed package.
installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)"
missing=()
for package in "${packages[@]}"; do
  grep -qx "$package installed" <<<"$installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present (${#packages[@]})"
fi

if $native_only; then
  echo "setup: done (native only)"
  exit 0
fi

# --- Python tools --------------------------------------------------------------
# Installed into the interpreter that `python3` runs, the one `pip install .` builds for.
# One interpreter start; find_spec looks the packages up without importing them.
python_check="$(python3 - <<'EOF'
import importlib.util, sys
if sys.version_info < (3, 9):
    print("too-old")
for module, requirement in [("pybind11", "pybind11>=2.11"),
                            ("scikit_build_core", "scikit-build-core>=0.10"),
                            ("pytest", "pytest>=7")]:
    if importlib.util.find_spec(module) is None:
        print(requirement)
EOF
)"
if grep -qx too-old <<<"$python_check"; then
  echo "setup: python3 is $(python3 --version 2>&1); cordon needs 3.9 or newer" >&2
  exit 1
fi
python_missing=()
[[ -z "$python_check" ]] || mapfile -t python_missing <<<"$python_check"
if ((${#python_missing[@]})); then
  echo "setup: installing Python packages: ${python_missing[*]}"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${python_missing[@]}"
else
  echo "setup: Python packages present (pybind11, scikit-build-core, pytest) for $(python3 --version)"
fi

# --- npm ------------------------------------------------------------------------
command -v npm >/dev/null || {
  echo "setup: npm not found; install Node.js 20 and npm" >&2
  exit 1
}
# npm ci empties node_modules before installing, which also removes this stamp:
# the stamp is present exactly when node_modules came from this package-lock.json.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
npm_stamp="node_modules/.cordon-npm-ci"
if [[ -f "$npm_stamp" && "$(cat "$npm_stamp")" == "$lock_hash" ]]; then
  echo "setup: node_modules matches package-lock.json"
else
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  mkdir -p node_modules
  echo "$lock_hash" >"$npm_stamp"
fi

# --- Botan for WebAssembly --------------------------------------------------------
bash "$ROOT/scripts/build-botan-wasm.sh"

echo "setup: done"
