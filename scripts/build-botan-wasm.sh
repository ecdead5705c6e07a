#!/usr/bin/env bash
# Builds Botan 2 for Emscripten, once, for the WebAssembly build of cordon.
#
#   bash scripts/build-botan-wasm.sh     # -> build/botan-wasm/{include/botan_all.h,libbotan-wasm.a}
#
# The source is Debian's botan source package, fetched with apt-get under a private
# state folder (its own sources file and lists), so the system's apt configuration
# is never touched. Botan's configure.py makes a minimized amalgamation holding only
# the modules cordon's core uses; em++ compiles it and emar archives it.
# A stamp records what was built; a second run with the same inputs does nothing.
# Output folder: $CORDON_BOTAN_WASM_DIR if set (as in CMake), else build/botan-wasm.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${CORDON_BOTAN_WASM_DIR:-$ROOT/build/botan-wasm}"
WORK="$ROOT/build/botan-wasm-src"

BOTAN_VERSION="2.19.3"
SUITE="bookworm"
# What engine/src/crypto calls: HMAC and SHA-2 (bundle digests, webhook and
# telemetry HMACs, credentials), Ed25519 (signed bundles; it needs SHA-512), the
# system RNG (/dev/urandom, which Emscripten maps to the host's crypto), and
# AES-256/GCM, which crypto.cpp names (sealed secrets) though nothing the WASM
# bindings reach calls it, so the linker drops it (0 bytes in the module).
# No chacha20poly1305, hkdf or auto_rng: the engine uses none of them, and
# ChaCha20Poly1305 brought Poly1305 into MessageAuthenticationCode::create.
MODULES="hmac,sha2_32,sha2_64,ed25519,aead,gcm,aes,system_rng,hex,base64"
# Every object of the module and its link must agree on the exception model
# (wasm/CMakeLists.txt: -fwasm-exceptions, WebAssembly's own try/catch), or
# Botan's exceptions cannot be caught.
CXXFLAGS=(-std=c++11 -D_REENTRANT -O2 -fwasm-exceptions -DBOTAN_IS_BEING_BUILT)

emscripten_version="$(dpkg-query -W -f='${Version}' emscripten 2>/dev/null || em++ --version | head -n1)"
stamp="botan=$BOTAN_VERSION modules=$MODULES flags=${CXXFLAGS[*]} patches=2 emscripten=$emscripten_version"

up_to_date() {
  [[ -f "$OUT/libbotan-wasm.a" && -f "$OUT/include/botan_all.h" && -f "$OUT/stamp" ]] &&
    [[ "$(cat "$OUT/stamp")" == "$stamp" ]]
}

if up_to_date; then
  echo "botan-wasm: up to date in ${OUT#"$ROOT"/}"
  exit 0
fi

mkdir -p "$WORK"
# One build at a time: setup.sh may be started twice (two terminals, CI and a developer).
exec 9>"$WORK/.lock"
flock 9
if up_to_date; then
  echo "botan-wasm: built by another run in ${OUT#"$ROOT"/}"
  exit 0
fi

for tool in em++ emar python3 tar apt-get; do
  command -v "$tool" >/dev/null || { echo "botan-wasm: $tool not found; run scripts/setup.sh" >&2; exit 1; }
done

# The Debian mirror this machine already uses (first non-security URI), so the
# source comes from the same place as the installed packages.
debian_mirror() {
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' |
    grep -E '/debian/?$' | head -n1 || true)"
  if [[ -z "$uri" ]]; then
    uri="$(grep -hsE '^deb(-src)?[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      sed -E 's/\[[^]]*\]//' | awk '{ print $2 }' | grep -E '/debian/?$' | head -n1 || true)"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

fetch_source() {
  local apt_dir="$WORK/apt"
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  local keyring=""
  if [[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
    keyring="Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  fi
  # deb822 format: apt reads a file ending in .sources as such.
  cat >"$apt_dir/botan-src.sources" <<EOF
Types: deb-src
URIs: $(debian_mirror)
Suites: $SUITE
Components: main
$keyring
EOF
  # Private lists and cache; root downloads directly, since _apt cannot write here.
  local apt_options=(
    -o "Dir::Etc::SourceList=$apt_dir/botan-src.sources"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=root"
  )
  echo "botan-wasm: fetching Debian's botan source package ($SUITE)"
  apt-get -qq "${apt_options[@]}" update
  (cd "$WORK" && apt-get -qq "${apt_options[@]}" source --download-only botan >/dev/null)
  rm -rf "$apt_dir"
}

tarball="$WORK/botan_${BOTAN_VERSION}+dfsg.orig.tar.xz"
if [[ ! -f "$tarball" ]]; then
  fetch_source
fi
if [[ ! -f "$tarball" ]]; then
  echo "botan-wasm: expected $tarball; apt-get fetched instead:" >&2
  ls "$WORK" >&2
  exit 1
fi

source_dir="$WORK/botan-${BOTAN_VERSION}+dfsg"
rm -rf "$source_dir"
tar -xJf "$tarball" -C "$WORK"

echo "botan-wasm: configuring a minimized amalgamation ($MODULES)"
# configure.py writes botan_all.{h,cpp} into the current folder.
(cd "$source_dir" && python3 configure.py \
  --os=emscripten --cc=clang --cc-bin=em++ --cpu=llvm \
  --minimized-build --amalgamation --disable-shared \
  --enable-modules="$MODULES" \
  --without-documentation \
  --with-build-dir="$WORK/configure" >"$WORK/configure.log") || {
  cat "$WORK/configure.log" >&2
  exit 1
}

# Two edits to the amalgamation, for the module's size (wasm/README.md: together
# 1,656,218 -> 1,426,461 bytes); each keeps Botan's behaviour for every input cordon
# can give it:
#  - FE_25519's initializer-list constructor, used only by the Ed25519 tables with ten
#    values each, no longer checks the count by throwing: with the check, the tables'
#    static constructor kept an unwinding path per element (195 KB -> 89 KB of code).
#  - assertion failures, invalid arguments/state and ASN.1 tag mismatches build their
#    messages by string concatenation instead of std::ostringstream, which alone
#    brought libc++'s locales and iostreams (71 KB).
patch_amalgamation() {
  python3 - "$1" <<'PATCH'
import sys

path = sys.argv[1]
text = open(path).read()

def replace(old, new, count=1):
    global text
    if text.count(old) != count:
        sys.exit(f"botan-wasm: patch target found {text.count(old)} times, expected {count}: {old[:60]!r}")
    text = text.replace(old, new)

replace("""      FE_25519(std::initializer_list<int32_t> x)
         {
         if(x.size() != 10)
            throw Invalid_Argument("Invalid FE_25519 initializer list");
         copy_mem(m_fe, x.begin(), 10);
         }""", """      FE_25519(std::initializer_list<int32_t> x) noexcept
         {
         for(size_t i = 0; i != 10; ++i)
            m_fe[i] = i < x.size() ? x.begin()[i] : 0;
         }""")

# A std::string with the operator<< that these messages use.
MESSAGE = """class Message_Text
   {
   public:
      Message_Text& operator<<(const char* s) { m_text += s; return *this; }
      Message_Text& operator<<(const std::string& s) { m_text += s; return *this; }
      Message_Text& operator<<(int v) { m_text += std::to_string(v); return *this; }
      const std::string& str() const { return m_text; }
   private:
      std::string m_text;
   };

"""
# Defined once, in namespace Botan, before the first of its two users.
first = min(text.index(anchor) for anchor in
            ("void throw_invalid_argument(const char* message,", "void BER_Object::assert_is_a("))
text = text[:first] + MESSAGE + text[first:]
start = text.index("void throw_invalid_argument(const char* message,")
end = text.index("throw Internal_Error(format.str());", start)
region = text[start:end]
if region.count("std::ostringstream format;") != 3:
    sys.exit("botan-wasm: patch target: the three formatters of assert.cpp")
text = text[:start] + region.replace("std::ostringstream format;", "Message_Text format;") + text[end:]
replace("""      std::stringstream msg;

      msg << "Tag mismatch when decoding " << descr << " got ";""",
        """      Message_Text msg;

      msg << "Tag mismatch when decoding " << descr << " got ";""")
open(path, "w").write(text)
PATCH
}
patch_amalgamation "$source_dir/botan_all.cpp"

echo "botan-wasm: compiling botan_all.cpp with em++ (about a minute)"
staging="$WORK/out"
rm -rf "$staging"
mkdir -p "$staging/include"
# Only Botan's own folder on the include path: never /usr/include under em++.
em++ "${CXXFLAGS[@]}" -I"$source_dir" -c "$source_dir/botan_all.cpp" -o "$WORK/botan_all.o"
emar cr "$staging/libbotan-wasm.a" "$WORK/botan_all.o"
cp "$source_dir/botan_all.h" "$staging/include/"
cp "$source_dir/license.txt" "$staging/LICENSE.botan.txt"

# Replace only our own files (OUT may be a folder the caller chose), and write the
# stamp last, so a cancelled run is never taken for a finished one.
mkdir -p "$OUT"
rm -rf "$OUT/stamp" "$OUT/include" "$OUT/libbotan-wasm.a" "$OUT/LICENSE.botan.txt"
mv "$staging/include" "$staging/libbotan-wasm.a" "$staging/LICENSE.botan.txt" "$OUT/"
echo "$stamp" >"$OUT/stamp"
rm -rf "$staging" "$source_dir" "$WORK/botan_all.o" "$WORK/configure"
echo "botan-wasm: built ${OUT#"$ROOT"/}/libbotan-wasm.a"
