// The default bundle policies/elaygent is signed (Ed25519, .signatures.json) with the
// development key policies/keys/elaygent.dev-only.key: it verifies with the committed public
// key policies/keys/elaygent.pub, and changing any one byte of any of its files breaks the
// signature. When the bundle was edited on purpose, re-sign it (policies/keys/README.md).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cordon/bundle.h"

#ifndef CORDON_SOURCE_DIR
#error "CORDON_SOURCE_DIR must name the repository (tests/CMakeLists.txt defines it)"
#endif

namespace {

namespace fs = std::filesystem;
using cordon::Bundle;
using cordon::BundleFiles;
using cordon::BundleLoadOptions;
using cordon::SignatureAlgorithm;

const fs::path kSource = CORDON_SOURCE_DIR;
const fs::path kBundle = kSource / "policies" / "elaygent";
const fs::path kKeys = kSource / "policies" / "keys";

constexpr char kResign[] =
    "\nIf you changed policies/elaygent on purpose, re-sign it with the development key "
    "(policies/keys/README.md):\n"
    "  cmake --build --preset native --target cordon\n"
    "  build/native/native/cordon sign --bundle policies/elaygent "
    "--key-file policies/keys/elaygent.dev-only.key --key-id elaygent-dev\n";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A key file: its text without one trailing newline, as the CLI reads it.
std::string read_key(const fs::path& path) {
  std::string text = read_file(path);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

BundleFiles read_bundle() {
  BundleFiles files;
  for (const auto& entry : fs::recursive_directory_iterator(kBundle))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), kBundle).generic_string()] = read_file(entry.path());
  return files;
}

BundleLoadOptions ed25519_options() {
  BundleLoadOptions options;
  options.require_signature = SignatureAlgorithm::ed25519;
  options.verification_key = read_key(kKeys / "elaygent.pub");
  return options;
}

TEST(DefaultBundleSignature, VerifiesWithTheCommittedPublicKey) {
  const BundleFiles files = read_bundle();
  ASSERT_TRUE(files.count(".signatures.json"))
      << "policies/elaygent has no .signatures.json" << kResign;
  auto bundle = Bundle::load(files, ed25519_options());
  ASSERT_TRUE(bundle) << "policies/elaygent does not verify with policies/keys/elaygent.pub: "
                      << bundle.error().to_string() << kResign;
  EXPECT_EQ(bundle->name(), "elaygent");
}

TEST(DefaultBundleSignature, TheDevelopmentKeyIsThePublicKeysPair) {
  auto derived = cordon::ed25519_public_key_hex(read_key(kKeys / "elaygent.dev-only.key"));
  ASSERT_TRUE(derived) << derived.error().to_string();
  EXPECT_EQ(*derived, read_key(kKeys / "elaygent.pub"))
      << "policies/keys/elaygent.pub is not the public key of elaygent.dev-only.key; "
         "regenerate it with `cordon sign --public-key --key-file "
         "policies/keys/elaygent.dev-only.key > policies/keys/elaygent.pub`";
}

TEST(DefaultBundleSignature, OneChangedByteInAnyFileFailsVerification) {
  const BundleFiles files = read_bundle();
  ASSERT_TRUE(Bundle::load(files, ed25519_options())) << kResign;
  for (const auto& [name, contents] : files) {
    if (name == ".signatures.json" || contents.empty()) continue;
    BundleFiles altered = files;
    std::string& bytes = altered[name];
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
    auto bundle = Bundle::load(altered, ed25519_options());
    ASSERT_FALSE(bundle) << name << ": a changed byte was not noticed";
    EXPECT_EQ(bundle.error().kind, cordon::ErrorKind::signature) << name;
    EXPECT_NE(bundle.error().message.find("`" + name + "` does not match its signed hash"),
              std::string::npos)
        << bundle.error().to_string();
  }
  // One byte of the signature itself.
  BundleFiles altered = files;
  std::string& jws = altered[".signatures.json"];
  const size_t last = jws.rfind('"') - 2;  // inside the signature part of the JWS
  jws[last] = jws[last] == 'A' ? 'B' : 'A';
  auto bundle = Bundle::load(altered, ed25519_options());
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().kind, cordon::ErrorKind::signature);
}

TEST(DefaultBundleSignature, AnotherKeyDoesNotVerify) {
  BundleLoadOptions options = ed25519_options();
  // The public key of a different seed.
  auto other = cordon::ed25519_public_key_hex(std::string(64, '7'));
  ASSERT_TRUE(other);
  options.verification_key = *other;
  auto bundle = Bundle::load(read_bundle(), options);
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().kind, cordon::ErrorKind::signature);
}

}  // namespace
