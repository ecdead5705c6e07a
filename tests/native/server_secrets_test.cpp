// Sealed secrets and the SQLite replay store of the native server library
// (cordon/server/sealed_secrets.h, cordon/server/replay_store.h).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "cordon/server/replay_store.h"
#include "cordon/server/sealed_secrets.h"
#include "cordon/webhook.h"
#include "crypto/crypto.h"

namespace {

using cordon::SecretBytes;
using cordon::server::Keyring;
using cordon::server::SecretContext;
using cordon::server::SecretSealer;

const std::string kKey1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const std::string kKey2 = "f0e0d0c0b0a090807060504030201000ffeeddccbbaa99887766554433221100";
const std::string kProviderKey = "sk-live-0123456789abcdefghijklmnop";
const SecretContext kAcmeOpenai{"acme", "openai"};

Keyring keyring(int current, bool with_second = true) {
  std::string json = R"({"current": )" + std::to_string(current) + R"(, "keys": {"1": ")" + kKey1 +
                     "\"" + (with_second ? R"(, "2": ")" + kKey2 + "\"" : "") + "}}";
  auto ring = Keyring::from_json(json);
  EXPECT_TRUE(ring.ok()) << (ring.ok() ? "" : ring.error().message);
  return std::move(ring).value();
}

TEST(SealedSecrets, SealAndOpen) {
  SecretSealer sealer(keyring(2));
  auto sealed = sealer.seal(kAcmeOpenai, kProviderKey);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  EXPECT_EQ(sealed->rfind("cordon:seal:1:2:", 0), 0u);
  EXPECT_EQ(sealed->find(kProviderKey), std::string::npos);
  EXPECT_EQ(*SecretSealer::key_version(*sealed), 2u);
  auto opened = sealer.open(kAcmeOpenai, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->view(), kProviderKey);
}

TEST(SealedSecrets, FreshNonceEachTime) {
  SecretSealer sealer(keyring(1));
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(seen.insert(*sealer.seal(kAcmeOpenai, "x")).second);
}

TEST(SealedSecrets, MovedCiphertextFailsToOpen) {
  SecretSealer sealer(keyring(2));
  const std::string sealed = *sealer.seal(kAcmeOpenai, kProviderKey);
  for (const SecretContext& other :
       {SecretContext{"bright", "openai"}, SecretContext{"acme", "anthropic"},
        SecretContext{"Acme", "openai"}, SecretContext{"acmeo", "penai"},
        SecretContext{"acm", "eopenai"}, SecretContext{"bright", "anthropic"}}) {
    auto opened = sealer.open(other, sealed);
    ASSERT_FALSE(opened.ok()) << other.tenant << "/" << other.provider;
    EXPECT_EQ(opened.error().kind, cordon::ErrorKind::secret);
    EXPECT_EQ(opened.error().message.find(kProviderKey), std::string::npos);
  }
}

TEST(SealedSecrets, TamperedFailsToOpen) {
  SecretSealer sealer(keyring(2));
  const std::string sealed = *sealer.seal(kAcmeOpenai, kProviderKey);
  const std::string prefix = "cordon:seal:1:2:";
  const std::string data = *cordon::crypto::base64url_decode(sealed.substr(prefix.size()));
  // Every bit of nonce, ciphertext and tag matters.
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string altered = data;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      EXPECT_FALSE(
          sealer.open(kAcmeOpenai, prefix + cordon::crypto::base64url_encode(altered)).ok())
          << "byte " << i << " bit " << bit;
    }
  }
  // The tag cut short, or bytes appended.
  EXPECT_FALSE(sealer
                   .open(kAcmeOpenai,
                         prefix + cordon::crypto::base64url_encode(data.substr(0, data.size() - 1)))
                   .ok());
  EXPECT_FALSE(
      sealer.open(kAcmeOpenai, prefix + cordon::crypto::base64url_encode(data + "x")).ok());
}

TEST(SealedSecrets, WrongVersionFails) {
  SecretSealer sealer(keyring(2));
  const std::string sealed = *sealer.seal(kAcmeOpenai, kProviderKey);
  // Relabelled as version 1 (a key the ring holds): the key and the associated data differ.
  std::string relabelled = sealed;
  relabelled.replace(std::string("cordon:seal:1:").size(), 1, "1");
  auto opened = sealer.open(kAcmeOpenai, relabelled);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("does not open"), std::string::npos);
  // A version the keyring does not hold.
  std::string unknown = sealed;
  unknown.replace(std::string("cordon:seal:1:").size(), 1, "7");
  auto missing = sealer.open(kAcmeOpenai, unknown);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("key version 7"), std::string::npos);
  // A keyring that lost version 2.
  SecretSealer old_ring(keyring(1, false));
  EXPECT_FALSE(old_ring.open(kAcmeOpenai, sealed).ok());
  // The same key under the same version number in another ring still opens it.
  SecretSealer same(keyring(1));
  EXPECT_TRUE(same.open(kAcmeOpenai, sealed).ok());
}

TEST(SealedSecrets, KeyUnderAnotherVersionNumberFails) {
  // Key 2's bytes filed as version 3: the version is bound, so the blob labelled 2 does not
  // open under a ring that calls the key 3 and labels are not interchangeable.
  SecretSealer sealer(keyring(2));
  const std::string sealed = *sealer.seal(kAcmeOpenai, kProviderKey);
  auto ring = Keyring::from_json(R"({"current": 3, "keys": {"3": ")" + kKey2 + R"("}})");
  ASSERT_TRUE(ring.ok());
  std::string relabelled = sealed;
  relabelled.replace(std::string("cordon:seal:1:").size(), 1, "3");
  EXPECT_FALSE(SecretSealer(std::move(ring).value()).open(kAcmeOpenai, relabelled).ok());
}

TEST(SealedSecrets, RotationReseals) {
  SecretSealer old_sealer(keyring(1));
  const std::string sealed_v1 = *old_sealer.seal(kAcmeOpenai, kProviderKey);
  SecretSealer sealer(keyring(2));
  auto rotated = sealer.reseal(kAcmeOpenai, sealed_v1);
  ASSERT_TRUE(rotated.ok()) << rotated.error().message;
  EXPECT_TRUE(rotated->changed);
  EXPECT_EQ(rotated->from_version, 1u);
  EXPECT_EQ(rotated->to_version, 2u);
  EXPECT_EQ(rotated->sealed.rfind("cordon:seal:1:2:", 0), 0u);
  EXPECT_EQ(sealer.open(kAcmeOpenai, rotated->sealed)->view(), kProviderKey);
  // After rotation the old key can be dropped: the new blob opens without it.
  auto only_v2 = Keyring::from_json(R"({"current": 2, "keys": {"2": ")" + kKey2 + R"("}})");
  EXPECT_EQ(SecretSealer(std::move(only_v2).value()).open(kAcmeOpenai, rotated->sealed)->view(),
            kProviderKey);
  // Already current: returned as it is.
  auto again = sealer.reseal(kAcmeOpenai, rotated->sealed);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(again->sealed, rotated->sealed);
  // Rotation keeps the binding: it does not re-seal for another tenant.
  EXPECT_FALSE(sealer.reseal({"bright", "openai"}, sealed_v1).ok());
}

TEST(SealedSecrets, GeneratedKeysAndRoundTrip) {
  Keyring ring;
  EXPECT_EQ(ring.current_version(), 0u);
  EXPECT_FALSE(SecretSealer(Keyring()).seal(kAcmeOpenai, "x").ok());
  EXPECT_EQ(ring.add_generated_key(), 1u);
  EXPECT_EQ(ring.add_generated_key(), 2u);
  EXPECT_EQ(ring.current_version(), 2u);
  SecretBytes json = ring.to_json();
  auto reread = Keyring::from_json(json.view());
  ASSERT_TRUE(reread.ok()) << reread.error().message;
  EXPECT_EQ(reread->versions(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(reread->current_version(), 2u);
  const std::string sealed = *SecretSealer(std::move(ring)).seal(kAcmeOpenai, kProviderKey);
  EXPECT_EQ(SecretSealer(std::move(reread).value()).open(kAcmeOpenai, sealed)->view(),
            kProviderKey);
}

TEST(SealedSecrets, KeyringErrorsNeverQuoteKeys) {
  const std::vector<std::string> bad = {
      "",
      "[]",
      R"({"keys": {"1": ")" + kKey1 + R"("}})",                          // no current
      R"({"current": 2, "keys": {"1": ")" + kKey1 + R"("}})",            // current missing
      R"({"current": 1, "keys": {"1": ")" + kKey1.substr(2) + R"("}})",  // 31 bytes
      R"({"current": 1, "keys": {"1": ")" + kKey1 + R"(zz"}})",          // not hex
      R"({"current": 1, "keys": {"0": ")" + kKey1 + R"("}})",            // version 0
      R"({"current": 1, "keys": {"01": ")" + kKey1 + R"("}})",           // leading zero
      R"({"current": 1, "keys": {"1": ")" + kKey1 + R"(", "2": ")" + kKey1 + R"("}})",  // reused
      R"({"current": 1, "keys": {"1": ")" + kKey1 + R"("}, "extra": 1})",  // unknown key
      R"({"current": 1, "keys": {}})",
  };
  for (const std::string& json : bad) {
    auto ring = Keyring::from_json(json);
    ASSERT_FALSE(ring.ok()) << json;
    EXPECT_EQ(ring.error().kind, cordon::ErrorKind::secret);
    EXPECT_EQ(ring.error().message.find(kKey1.substr(4, 20)), std::string::npos)
        << ring.error().message;
  }
}

TEST(SealedSecrets, ContextAndSizeLimits) {
  SecretSealer sealer(keyring(1));
  EXPECT_FALSE(sealer.seal({"", "openai"}, "x").ok());
  EXPECT_FALSE(sealer.seal({"acme", ""}, "x").ok());
  EXPECT_FALSE(sealer.seal(kAcmeOpenai, "").ok());
  EXPECT_FALSE(sealer.seal({std::string(257, 't'), "openai"}, "x").ok());
  EXPECT_FALSE(sealer.seal(kAcmeOpenai, std::string(64 * 1024 + 1, 'k')).ok());
  EXPECT_TRUE(sealer.seal(kAcmeOpenai, std::string(64 * 1024, 'k')).ok());
  for (const char* garbage : {"", "cordon:seal:1", "cordon:seal:1:", "cordon:seal:1:1",
                              "cordon:seal:1:1:", "cordon:seal:1:x:AAAA", "cordon:seal:2:1:AAAA",
                              "cordon:seal:1:1:!!!!", "cordon:seal:1:-1:AAAA"}) {
    auto opened = sealer.open(kAcmeOpenai, garbage);
    ASSERT_FALSE(opened.ok()) << garbage;
    EXPECT_EQ(opened.error().kind, cordon::ErrorKind::secret);
  }
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

std::string temp_db(const char* name) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("cordon-secrets-test-" + std::to_string(::getpid()) + "-" + name + ".db");
  remove_db(path.string());
  return path.string();
}

TEST(SqliteReplayStore, AcceptsOnceAndExpires) {
  cordon::server::SqliteOptions options;
  options.path = temp_db("replay");
  auto store = cordon::server::open_sqlite_replay_store(options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE(*(*store)->remember("k1", 100, 10));
  EXPECT_FALSE(*(*store)->remember("k1", 100, 50));
  EXPECT_TRUE(*(*store)->remember("k2", 100, 50));
  EXPECT_TRUE(*(*store)->remember("k1", 300, 100));  // expired at 100: a new delivery
  // A second connection (another process would do the same) sees the same keys.
  auto other = cordon::server::open_sqlite_replay_store(options);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(*(*other)->remember("k1", 300, 150));
  remove_db(options.path);
}

TEST(SqliteReplayStore, ProcessesAcceptEachDeliveryOnce) {
  cordon::server::SqliteOptions options;
  options.path = temp_db("replay-procs");
  options.durable = false;
  ASSERT_TRUE(cordon::server::open_sqlite_replay_store(options).ok());
  const std::string secret = "whsec_procs";
  const std::string payload = R"({"id":"evt"})";
  constexpr int kProcesses = 4, kDeliveries = 50;
  int pipes[kProcesses][2];
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    ASSERT_EQ(::pipe(pipes[p]), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int accepted = 0;
      auto store = cordon::server::open_sqlite_replay_store(options);
      if (!store.ok()) ::_exit(2);
      std::vector<SecretBytes> secrets;
      secrets.push_back(SecretBytes::from(secret));
      for (int d = 0; d < kDeliveries; ++d) {
        const int64_t t = 1700000000 + d;
        const std::string header =
            cordon::webhook::sign(cordon::webhook::Scheme::stripe, secret, t, payload);
        cordon::webhook::VerifyOptions verify_options;
        verify_options.now = t;
        verify_options.replay_store = store->get();
        auto verdict = cordon::webhook::verify(
            {cordon::webhook::Scheme::stripe, payload, header, {}}, secrets, verify_options);
        if (verdict.verified) ++accepted;
      }
      const ssize_t written = ::write(pipes[p][1], &accepted, sizeof accepted);
      ::_exit(written == sizeof accepted ? 0 : 3);
    }
    children.push_back(pid);
  }
  int total = 0;
  for (int p = 0; p < kProcesses; ++p) {
    int status = 0;
    ::waitpid(children[p], &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    int accepted = 0;
    ASSERT_EQ(::read(pipes[p][0], &accepted, sizeof accepted), ssize_t(sizeof accepted));
    total += accepted;
    ::close(pipes[p][0]);
    ::close(pipes[p][1]);
  }
  // Every delivery was offered to every process; each was accepted exactly once.
  EXPECT_EQ(total, kDeliveries);
  remove_db(options.path);
}

}  // namespace
