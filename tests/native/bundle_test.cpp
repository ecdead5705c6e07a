// Tests of bundle loading (cordon/bundle.h): the manifest, the file list, policies and
// entities with their cross-checks, the digest, BundleHolder's reload, signatures
// (HMAC-SHA-256 and Ed25519, OPA-style .signatures.json) and the crypto primitives
// under them (engine/src/crypto/crypto.h, checked against RFC test vectors).
//
// Broken bundles live in tests/bundles/broken/<case>/, each with the exact error it must
// produce in tests/bundles/broken/<case>.expected.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cordon/bundle.h"
#include "cordon/error.h"
#include "crypto/crypto.h"

#ifndef CORDON_SOURCE_DIR
#error "CORDON_SOURCE_DIR must name the repository (tests/CMakeLists.txt defines it)"
#endif

namespace {

namespace fs = std::filesystem;
using cordon::Bundle;
using cordon::BundleFiles;
using cordon::BundleLoadOptions;
using cordon::ErrorKind;
using cordon::SignatureAlgorithm;

const fs::path kBundles = fs::path(CORDON_SOURCE_DIR) / "tests" / "bundles";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The caller's side of Bundle::load: every regular file under `root`, by relative path.
BundleFiles read_bundle(const fs::path& root) {
  BundleFiles files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
  return files;
}

std::string unhex(std::string_view hex) {
  return cordon::crypto::hex_decode(hex).value();
}

// --- crypto primitives --------------------------------------------------------------

TEST(Crypto, Sha256MatchesFips180Vectors) {
  using cordon::crypto::sha256_hex;
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(cordon::crypto::sha256("abc").size(), 32u);
}

TEST(Crypto, HmacSha256MatchesRfc4231) {
  using cordon::crypto::hex_encode;
  using cordon::crypto::hmac_sha256;
  // Test case 1.
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the output.
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                                   "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // Keys beyond Botan's own limit (4096 bytes) still work, by the same rule.
  std::string huge(10000, 'k');
  EXPECT_EQ(hmac_sha256(huge, "m"), hmac_sha256(cordon::crypto::sha256(huge), "m"));
}

TEST(Crypto, Base64UrlIsUnpaddedAndStrict) {
  using cordon::crypto::base64url_decode;
  using cordon::crypto::base64url_encode;
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64url_decode(base64url_encode(s)).value(), s);
  EXPECT_FALSE(base64url_decode("Zg=="));  // padding
  EXPECT_FALSE(base64url_decode("Zm+v"));  // the base64 (not url) alphabet
  EXPECT_FALSE(base64url_decode("Z"));     // no byte string encodes to one character
  EXPECT_FALSE(base64url_decode("Zh"));    // non-zero trailing bits: not the canonical "Zg"
}

TEST(Crypto, HexAndConstantTimeEquality) {
  using cordon::crypto::constant_time_equal;
  EXPECT_EQ(cordon::crypto::hex_encode("\x01\xab"), "01ab");
  EXPECT_EQ(cordon::crypto::hex_decode("01AB").value(), "\x01\xab");
  EXPECT_FALSE(cordon::crypto::hex_decode("abc"));
  EXPECT_FALSE(cordon::crypto::hex_decode("zz"));
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("same", "sane"));
  EXPECT_FALSE(constant_time_equal("same", "same!"));
}

TEST(Crypto, Ed25519MatchesRfc8032) {
  using namespace cordon::crypto;
  // RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
  std::string seed1 = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  EXPECT_EQ(hex_encode(ed25519_public_key(seed1).value()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(hex_encode(ed25519_sign(seed1, "").value()),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc"
            "61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  std::string seed2 = unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  std::string public2 = ed25519_public_key(seed2).value();
  std::string signature2 = ed25519_sign(seed2, "\x72").value();
  EXPECT_EQ(hex_encode(signature2),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e45"
            "8f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
  EXPECT_TRUE(ed25519_verify(public2, "\x72", signature2));
  EXPECT_FALSE(ed25519_verify(public2, "\x73", signature2));
  EXPECT_FALSE(ed25519_verify(ed25519_public_key(seed1).value(), "\x72", signature2));
  EXPECT_FALSE(ed25519_verify(public2, "\x72", signature2.substr(1)));
  EXPECT_FALSE(ed25519_sign("short", "m"));
}

// --- loading --------------------------------------------------------------------------

TEST(BundleLoad, ValidBundleLoadsWhole) {
  auto bundle = Bundle::load(read_bundle(kBundles / "valid"));
  ASSERT_TRUE(bundle) << bundle.error().to_string();
  EXPECT_EQ(bundle->name(), "clinic");
  EXPECT_EQ(bundle->revision(), "2026-12-04.1");
  std::vector<std::string> ids = bundle->policies().ids();
  EXPECT_EQ(ids.size(), 13u);
  EXPECT_EQ(ids.front(), "staff-own-dashboard");  // files in manifest order
  EXPECT_EQ(bundle->entities().size(), 12u);
}

TEST(BundleLoad, DigestIsSha256OfTheSha256sumListing) {
  BundleFiles files = read_bundle(kBundles / "valid");
  auto bundle = Bundle::load(files);
  ASSERT_TRUE(bundle) << bundle.error().to_string();
  // What `sha256sum` prints for the files in byte order of their names, hashed.
  std::string listing;
  for (const auto& [name, contents] : files)
    listing += cordon::crypto::sha256_hex(contents) + "  " + name + "\n";
  EXPECT_EQ(bundle->digest(), cordon::crypto::sha256_hex(listing));

  // Any change to any file changes the digest; a .signatures.json does not.
  BundleFiles changed = files;
  changed["README.md"] += "\n";
  EXPECT_NE(Bundle::load(changed)->digest(), bundle->digest());
  BundleFiles signed_files = files;
  signed_files[".signatures.json"] =
      cordon::sign_bundle(files, SignatureAlgorithm::hmac_sha256, "k").value();
  EXPECT_EQ(Bundle::load(signed_files)->digest(), bundle->digest());
}

// Every broken bundle fails with exactly the error beside it (file:line:col included).
TEST(BundleLoad, BrokenBundlesFailWithLocatedErrors) {
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(kBundles / "broken")) {
    if (!entry.is_directory()) continue;
    std::string name = entry.path().filename().string();
    fs::path expected_file = kBundles / "broken" / (name + ".expected");
    ASSERT_TRUE(fs::exists(expected_file)) << name << " has no .expected file";
    std::string expected = read_file(expected_file);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    auto bundle = Bundle::load(read_bundle(entry.path()));
    ASSERT_FALSE(bundle) << name << " loaded";
    EXPECT_EQ(bundle.error().to_string(), expected) << name;
    ++checked;
  }
  EXPECT_GE(checked, 20u);
}

TEST(BundleLoad, UnknownNestedKeyNamesItsLocation) {
  BundleFiles files = read_bundle(kBundles / "valid");
  std::string& manifest = files["bundle.json"];
  auto at = manifest.find("\"deletion_plan\"");
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, 15, "\"deletion_plans\"");
  auto bundle = Bundle::load(files);
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().kind, ErrorKind::bundle);
  EXPECT_EQ(bundle.error().location.file, "bundle.json");
  EXPECT_EQ(bundle.error().location.line, 20u);
  EXPECT_EQ(bundle.error().location.column, 60u);
  EXPECT_NE(bundle.error().message.find("unknown key `deletion_plans` in workflow "
                                        "`hard_delete_tenant`"),
            std::string::npos);
}

TEST(BundleLoad, RefusesPathsOutsideTheBundle) {
  BundleFiles files = read_bundle(kBundles / "valid");
  files["../escape.cedar"] = "";
  auto bundle = Bundle::load(files);
  ASSERT_FALSE(bundle);
  EXPECT_NE(bundle.error().message.find("not a relative path"), std::string::npos);
}

TEST(BundleLoad, MarkdownMayStayUnlistedOtherFilesMayNot) {
  BundleFiles files = read_bundle(kBundles / "valid");
  files["docs/notes.md"] = "notes";
  EXPECT_TRUE(Bundle::load(files));
  files["docs/notes.txt"] = "notes";
  auto bundle = Bundle::load(files);
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().location.file, "docs/notes.txt");
}

TEST(BundleLoad, ActionHierarchyCountsForWorkflowGates) {
  // valid/gates.cedar gates Action::"destructive", the parent of suspend_tenant; removing
  // that parent leaves the suspension workflow without any gate, which is an error.
  BundleFiles files = read_bundle(kBundles / "valid");
  std::string& entities = files["entities.json"];
  std::string parent = R"("parents": [{"type": "Action", "id": "destructive"}]},
  {"uid": {"type": "Action", "id": "hard_delete_tenant"})";
  auto at = entities.find(parent);
  ASSERT_NE(at, std::string::npos);
  entities.replace(at, parent.size(), R"("parents": []},
  {"uid": {"type": "Action", "id": "hard_delete_tenant"})");
  auto bundle = Bundle::load(files);
  ASSERT_FALSE(bundle);
  EXPECT_NE(bundle.error().message.find("workflow `suspend_tenant`: no @gate policy"),
            std::string::npos)
      << bundle.error().to_string();
}

TEST(BundleHolder, FailedReloadKeepsTheOldBundle) {
  BundleFiles files = read_bundle(kBundles / "valid");
  cordon::BundleHolder holder(Bundle::load(files).value());
  std::string first_digest = holder.current()->digest();

  BundleFiles broken = files;
  broken["access.cedar"] += "\npermit (principal, action, resource);\n";  // no @id
  auto failed = holder.reload(broken);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().location.file, "access.cedar");
  EXPECT_EQ(holder.current()->digest(), first_digest);

  BundleFiles next = files;
  next["access.cedar"] += "\n@id(\"extra\")\npermit (principal, action, resource);\n";
  std::shared_ptr<const Bundle> before = holder.current();
  auto reloaded = holder.reload(next);
  ASSERT_TRUE(reloaded) << reloaded.error().to_string();
  EXPECT_NE(holder.current()->digest(), first_digest);
  EXPECT_EQ(holder.current(), *reloaded);
  EXPECT_EQ(before->digest(), first_digest);  // readers holding the old bundle keep it intact
}

// --- signatures -----------------------------------------------------------------------

constexpr char kTestHmacKey[] = "cordon-test-hmac-key";  // tests/bundles/signed/README.md

BundleLoadOptions hmac_options(std::string key = kTestHmacKey) {
  BundleLoadOptions options;
  options.require_signature = SignatureAlgorithm::hmac_sha256;
  options.verification_key = std::move(key);
  return options;
}

TEST(BundleSignature, SignedFixtureVerifies) {
  auto bundle = Bundle::load(read_bundle(kBundles / "signed"), hmac_options());
  ASSERT_TRUE(bundle) << bundle.error().to_string();
  EXPECT_EQ(bundle->name(), "tiny");
  // Without a requirement the signature is not consulted.
  EXPECT_TRUE(Bundle::load(read_bundle(kBundles / "signed")));
}

TEST(BundleSignature, TamperedFixtureIsRefused) {
  auto bundle = Bundle::load(read_bundle(kBundles / "tampered"), hmac_options());
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().kind, ErrorKind::signature);
  EXPECT_EQ(bundle.error().to_string(),
            "policies.cedar: signature error: file `policies.cedar` does not match its signed "
            "hash (altered)");
}

TEST(BundleSignature, AddedRemovedAndAlteredFilesAreRefused) {
  BundleFiles files = read_bundle(kBundles / "signed");
  BundleFiles added = files;
  added["CHANGES.md"] = "a file the signer never saw";  // unlisted is fine, unsigned is not
  auto a = Bundle::load(added, hmac_options());
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("`CHANGES.md` is not covered by the signature (added)"),
            std::string::npos);

  BundleFiles removed = files;
  removed.erase("README.md");
  auto r = Bundle::load(removed, hmac_options());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("`README.md` is missing from the bundle (removed)"),
            std::string::npos);

  BundleFiles altered = files;
  altered["entities.json"] += " ";
  auto c = Bundle::load(altered, hmac_options());
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("`entities.json` does not match its signed hash"),
            std::string::npos);
}

TEST(BundleSignature, WrongKeyIsRefusedWithoutNamingAnyKey) {
  auto bundle = Bundle::load(read_bundle(kBundles / "signed"), hmac_options("another-key-xyz"));
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().kind, ErrorKind::signature);
  EXPECT_NE(bundle.error().message.find("does not verify"), std::string::npos);
  EXPECT_EQ(bundle.error().to_string().find("another-key-xyz"), std::string::npos);
  EXPECT_EQ(bundle.error().to_string().find(kTestHmacKey), std::string::npos);
}

TEST(BundleSignature, UnsignedBundleIsRefusedWhenRequired) {
  auto bundle = Bundle::load(read_bundle(kBundles / "valid"), hmac_options());
  ASSERT_FALSE(bundle);
  EXPECT_EQ(bundle.error().kind, ErrorKind::signature);
  EXPECT_NE(bundle.error().message.find("not signed"), std::string::npos);
  BundleLoadOptions no_key = hmac_options("");
  EXPECT_FALSE(Bundle::load(read_bundle(kBundles / "signed"), no_key));
}

TEST(BundleSignature, Ed25519SignAndVerify) {
  BundleFiles files = read_bundle(kBundles / "valid");
  const std::string seed_hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  const std::string public_hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  auto signatures = cordon::sign_bundle(files, SignatureAlgorithm::ed25519, seed_hex, "release");
  ASSERT_TRUE(signatures) << signatures.error().to_string();
  files[".signatures.json"] = *signatures;

  BundleLoadOptions options;
  options.require_signature = SignatureAlgorithm::ed25519;
  options.verification_key = public_hex;
  EXPECT_TRUE(Bundle::load(files, options));
  options.verification_key = unhex(public_hex);  // raw bytes work too
  EXPECT_TRUE(Bundle::load(files, options));

  // Another key pair's public key.
  std::string other_seed(32, '\x07');
  options.verification_key = cordon::crypto::ed25519_public_key(other_seed).value();
  auto wrong = Bundle::load(files, options);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("does not verify"), std::string::npos);

  options.verification_key = "not a key";
  auto malformed = Bundle::load(files, options);
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().message.find("32 bytes"), std::string::npos);
  EXPECT_EQ(malformed.error().message.find("not a key"), std::string::npos);
}

TEST(BundleSignature, TheConfiguredAlgorithmWinsOverTheHeader) {
  // An HS256 signature is refused when Ed25519 is required, even if the HMAC key were
  // the public key (the classic JWS algorithm-confusion attack).
  BundleFiles files = read_bundle(kBundles / "valid");
  const std::string public_hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  files[".signatures.json"] =
      cordon::sign_bundle(files, SignatureAlgorithm::hmac_sha256, unhex(public_hex)).value();
  BundleLoadOptions options;
  options.require_signature = SignatureAlgorithm::ed25519;
  options.verification_key = public_hex;
  auto bundle = Bundle::load(files, options);
  ASSERT_FALSE(bundle);
  EXPECT_NE(bundle.error().message.find("signed with `HS256` but EdDSA is required"),
            std::string::npos);
}

TEST(BundleSignature, MalformedSignatureFilesAreRefused) {
  BundleFiles files = read_bundle(kBundles / "signed");
  const std::string jws = [&] {
    const std::string& text = files[".signatures.json"];
    size_t start = text.find("\"ey");
    return text.substr(start + 1, text.find('"', start + 1) - start - 1);
  }();
  auto refused = [&](const std::string& signatures_json, const std::string& fragment) {
    BundleFiles copy = files;
    copy[".signatures.json"] = signatures_json;
    auto bundle = Bundle::load(copy, hmac_options());
    if (bundle) return ::testing::AssertionFailure() << "loaded";
    if (bundle.error().kind != ErrorKind::signature ||
        bundle.error().message.find(fragment) == std::string::npos)
      return ::testing::AssertionFailure() << bundle.error().to_string();
    return ::testing::AssertionSuccess();
  };
  EXPECT_TRUE(refused("{\"signatures\": []}", "exactly one JWS"));
  EXPECT_TRUE(refused("{\"signatures\": [\"" + jws + "\", \"" + jws + "\"]}", "exactly one JWS"));
  EXPECT_TRUE(refused("{\"signature\": [\"" + jws + "\"]}", "unknown key `signature`"));
  EXPECT_TRUE(refused("{\"signatures\": [\"abc.def\"]}", "compact form"));
  EXPECT_TRUE(refused("{\"signatures\": [\"" + jws + "=\"]}", "base64url"));
  EXPECT_TRUE(refused("[", "expected a JSON value"));
  // A header with a key the verifier does not understand ("crit") is refused.
  std::string crit_header = cordon::crypto::base64url_encode(R"({"alg":"HS256","crit":["exp"]})");
  EXPECT_TRUE(refused("{\"signatures\": [\"" + crit_header + jws.substr(jws.find('.')) + "\"]}",
                      "unsupported key `crit`"));
  // A valid signature over a payload that is not the file list.
  std::string header = jws.substr(0, jws.find('.'));
  std::string payload = cordon::crypto::base64url_encode(R"({"files": [], "extra": 1})");
  std::string input = header + "." + payload;
  std::string forged =
      input + "." +
      cordon::crypto::base64url_encode(cordon::crypto::hmac_sha256(kTestHmacKey, input));
  EXPECT_TRUE(refused("{\"signatures\": [\"" + forged + "\"]}", "unknown key `extra`"));
}

TEST(BundleSignature, SigningNeedsAnAlgorithmAndAKey) {
  BundleFiles files = read_bundle(kBundles / "valid");
  EXPECT_FALSE(cordon::sign_bundle(files, SignatureAlgorithm::none, "k"));
  EXPECT_FALSE(cordon::sign_bundle(files, SignatureAlgorithm::hmac_sha256, ""));
  auto bad_seed = cordon::sign_bundle(files, SignatureAlgorithm::ed25519, "tooshort");
  ASSERT_FALSE(bad_seed);
  EXPECT_EQ(bad_seed.error().to_string().find("tooshort"), std::string::npos);
}

}  // namespace
