// Webhook signature verification (cordon/webhook.h): Stripe and generic headers, timestamp
// tolerance, replays, secret rotation, and the header parser's edge cases.
#include "cordon/webhook.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

#include "cordon/replay_store.h"
#include "crypto/crypto.h"

namespace {

using cordon::MemoryReplayStore;
using cordon::SecretBytes;
using namespace cordon::webhook;

constexpr int64_t kT = 1700000000;
const std::string kSecret = "whsec_test_secret";
const std::string kPayload = R"({"id":"evt_1","type":"invoice.paid"})";

std::vector<SecretBytes> secrets(std::initializer_list<std::string> values) {
  std::vector<SecretBytes> out;
  for (const auto& v : values) out.push_back(SecretBytes::from(v));
  return out;
}

std::string hex_tag(const std::string& secret, int64_t t, const std::string& payload) {
  return cordon::crypto::hex_encode(
      cordon::crypto::hmac_sha256(secret, std::to_string(t) + "." + payload));
}

Verdict verify_stripe(const std::string& header, int64_t now, const std::string& payload = kPayload,
                      cordon::ReplayStore* store = nullptr, int64_t tolerance = 300) {
  VerifyOptions options;
  options.now = now;
  options.tolerance_seconds = tolerance;
  options.replay_store = store;
  return verify(Delivery{Scheme::stripe, payload, header, {}}, secrets({kSecret}), options);
}

TEST(Webhook, StripeSignatureVerifies) {
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  EXPECT_EQ(header, "t=1700000000,v1=" + hex_tag(kSecret, kT, kPayload));
  Verdict v = verify_stripe(header, kT + 10);
  EXPECT_TRUE(v.verified) << v.message;
  EXPECT_EQ(v.outcome, Outcome::verified);
  EXPECT_EQ(v.timestamp, kT);
  EXPECT_EQ(v.replay_expires_at, kT + 301);
  EXPECT_EQ(v.replay_key.rfind("stripe:", 0), 0u);
}

TEST(Webhook, KnownStripeVector) {
  // HMAC-SHA-256("whsec_test", "1700000000.{\"id\":\"evt_1\"}"), computed independently.
  VerifyOptions options;
  options.now = kT;
  Verdict v = verify(
      Delivery{Scheme::stripe,
               R"({"id":"evt_1"})",
               "t=1700000000,v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925",
               {}},
      secrets({"whsec_test"}), options);
  EXPECT_TRUE(v.verified) << v.message;
}

TEST(Webhook, TamperedPayloadOrSignatureFails) {
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  EXPECT_EQ(verify_stripe(header, kT, kPayload + " ").outcome, Outcome::mismatch);
  std::string flipped = header;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(verify_stripe(flipped, kT).outcome, Outcome::mismatch);
  // The timestamp is signed: moving it breaks the signature.
  std::string moved = header;
  moved.replace(2, 10, std::to_string(kT + 1));
  EXPECT_EQ(verify_stripe(moved, kT).outcome, Outcome::mismatch);
  // Another secret.
  VerifyOptions options;
  options.now = kT;
  EXPECT_EQ(
      verify(Delivery{Scheme::stripe, kPayload, header, {}}, secrets({"whsec_other"}), options)
          .outcome,
      Outcome::mismatch);
}

TEST(Webhook, TimestampTolerance) {
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  EXPECT_TRUE(verify_stripe(header, kT + 300).verified);
  EXPECT_TRUE(verify_stripe(header, kT - 300).verified);
  Verdict old = verify_stripe(header, kT + 301);
  EXPECT_EQ(old.outcome, Outcome::too_old);
  EXPECT_FALSE(old.verified);
  EXPECT_EQ(verify_stripe(header, kT - 301).outcome, Outcome::too_new);
  EXPECT_EQ(verify_stripe(header, kT + 86400 * 365).outcome, Outcome::too_old);
  EXPECT_EQ(verify_stripe(header, 0).outcome, Outcome::too_new);
  // Tolerance 0: only the very second.
  EXPECT_TRUE(verify_stripe(header, kT, kPayload, nullptr, 0).verified);
  EXPECT_EQ(verify_stripe(header, kT + 1, kPayload, nullptr, 0).outcome, Outcome::too_old);
  EXPECT_EQ(verify_stripe(header, kT, kPayload, nullptr, -1).outcome, Outcome::misconfigured);
  EXPECT_EQ(verify_stripe(header, kT, kPayload, nullptr, 86401).outcome, Outcome::misconfigured);
}

TEST(Webhook, SignatureCheckedBeforeTimestamp) {
  // A forged, stale delivery is a mismatch, and an unsigned one never reaches the store.
  MemoryReplayStore store;
  std::string header = "t=" + std::to_string(kT) + ",v1=" + std::string(64, '0');
  EXPECT_EQ(verify_stripe(header, kT + 10000, kPayload, &store).outcome, Outcome::mismatch);
  EXPECT_EQ(store.size(), 0u);
}

TEST(Webhook, ReplayRefused) {
  MemoryReplayStore store;
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  EXPECT_TRUE(verify_stripe(header, kT, kPayload, &store).verified);
  Verdict again = verify_stripe(header, kT + 5, kPayload, &store);
  EXPECT_EQ(again.outcome, Outcome::replayed);
  EXPECT_FALSE(again.verified);
  // Reordering or adding signatures does not make it a new delivery.
  const std::string padded = header + ",v1=" + std::string(64, 'a') + ",v0=abc";
  EXPECT_EQ(verify_stripe(padded, kT + 6, kPayload, &store).outcome, Outcome::replayed);
  const std::string reordered = "v1=" + std::string(64, 'b') +
                                ",v1=" + hex_tag(kSecret, kT, kPayload) +
                                ", t=" + std::to_string(kT);
  EXPECT_EQ(verify_stripe(reordered, kT + 7, kPayload, &store).outcome, Outcome::replayed);
  // A new delivery (another timestamp) is accepted.
  EXPECT_TRUE(
      verify_stripe(sign(Scheme::stripe, kSecret, kT + 1, kPayload), kT + 8, kPayload, &store)
          .verified);
  // After the window the old one is refused by the timestamp check, not the store.
  EXPECT_EQ(verify_stripe(header, kT + 400, kPayload, &store).outcome, Outcome::too_old);
}

TEST(Webhook, ReplayScopesSeparateEndpoints) {
  MemoryReplayStore store;
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  VerifyOptions options;
  options.now = kT;
  options.replay_store = &store;
  options.replay_scope = "billing";
  auto s = secrets({kSecret});
  EXPECT_TRUE(verify(Delivery{Scheme::stripe, kPayload, header, {}}, s, options).verified);
  options.replay_scope = "pms:acme";
  EXPECT_TRUE(verify(Delivery{Scheme::stripe, kPayload, header, {}}, s, options).verified);
  EXPECT_EQ(verify(Delivery{Scheme::stripe, kPayload, header, {}}, s, options).outcome,
            Outcome::replayed);
}

class FailingStore : public cordon::ReplayStore {
 public:
  cordon::Result<bool> remember(std::string_view, int64_t, int64_t) override {
    cordon::Error error;
    error.kind = cordon::ErrorKind::io;
    error.message = "database is locked";
    return error;
  }
};

TEST(Webhook, FailingStoreFailsClosed) {
  FailingStore store;
  Verdict v = verify_stripe(sign(Scheme::stripe, kSecret, kT, kPayload), kT, kPayload, &store);
  EXPECT_EQ(v.outcome, Outcome::store_failed);
  EXPECT_FALSE(v.verified);
}

TEST(Webhook, MemoryStoreCapacityFailsClosed) {
  MemoryReplayStore store(2);
  EXPECT_TRUE(*store.remember("a", 100, 0));
  EXPECT_TRUE(*store.remember("b", 100, 0));
  EXPECT_FALSE(store.remember("c", 100, 0).ok());
  // Once they expire there is room again.
  EXPECT_TRUE(*store.remember("c", 300, 100));
  EXPECT_EQ(store.size(), 1u);
}

TEST(Webhook, MemoryStoreAcceptsOnceAcrossThreads) {
  MemoryReplayStore store;
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        if (verify_stripe(header, kT, kPayload, &store).verified) ++accepted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1);
}

TEST(Webhook, NoSecretFailsClosed) {
  const std::string header = sign(Scheme::stripe, kSecret, kT, kPayload);
  VerifyOptions options;
  options.now = kT;
  EXPECT_EQ(verify(Delivery{Scheme::stripe, kPayload, header, {}}, {}, options).outcome,
            Outcome::unset);
  EXPECT_EQ(verify(Delivery{Scheme::stripe, kPayload, header, {}}, secrets({""}), options).outcome,
            Outcome::unset);
}

TEST(Webhook, RotationAcceptsEitherSecret) {
  const std::string old_secret = "whsec_old", new_secret = "whsec_new";
  VerifyOptions options;
  options.now = kT;
  auto both = secrets({new_secret, old_secret});
  Verdict by_old =
      verify(Delivery{Scheme::stripe, kPayload, sign(Scheme::stripe, old_secret, kT, kPayload), {}},
             both, options);
  EXPECT_TRUE(by_old.verified);
  EXPECT_EQ(by_old.secret_index, 1u);
  // The sender signing with both during its own rotation: two v1 entries.
  const std::string two = "t=" + std::to_string(kT) + ",v1=" + hex_tag(new_secret, kT, kPayload) +
                          ",v1=" + hex_tag(old_secret, kT, kPayload);
  EXPECT_TRUE(
      verify(Delivery{Scheme::stripe, kPayload, two, {}}, secrets({old_secret}), options).verified);
  EXPECT_TRUE(
      verify(Delivery{Scheme::stripe, kPayload, two, {}}, secrets({new_secret}), options).verified);
}

TEST(Webhook, GenericHeaders) {
  VerifyOptions options;
  options.now = kT + 1;
  auto s = secrets({kSecret});
  const std::string tag = hex_tag(kSecret, kT, kPayload);
  const std::string t = std::to_string(kT);
  EXPECT_EQ(sign(Scheme::generic, kSecret, kT, kPayload), "sha256=" + tag);
  for (const std::string& header :
       {"sha256=" + tag, "SHA256=" + tag, "v1=" + tag, tag, "sha1=abcd, sha256=" + tag,
        "sha256=" + std::string(64, '0') + " sha256=" + tag, "  sha256=" + tag + "  "}) {
    Verdict v = verify(Delivery{Scheme::generic, kPayload, header, t}, s, options);
    EXPECT_TRUE(v.verified) << header << ": " << v.message;
    EXPECT_EQ(v.replay_key.rfind("generic:", 0), 0u);
  }
  // Upper-case hex is the same signature.
  std::string upper = tag;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify(Delivery{Scheme::generic, kPayload, upper, t}, s, options).verified);

  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "", t}, s, options).outcome,
            Outcome::no_signature);
  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "sha1=abcd", t}, s, options).outcome,
            Outcome::no_signature);
  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "sha256=abcd", t}, s, options).outcome,
            Outcome::malformed);
  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "sha256=" + tag, ""}, s, options).outcome,
            Outcome::malformed);
  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "sha256=" + tag, "1700000000.5"}, s, options)
                .outcome,
            Outcome::malformed);
  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "sha256=" + tag, std::to_string(kT + 1)}, s,
                   options)
                .outcome,
            Outcome::mismatch);
  options.now = kT + 1000;
  EXPECT_EQ(verify(Delivery{Scheme::generic, kPayload, "sha256=" + tag, t}, s, options).outcome,
            Outcome::too_old);
}

struct HeaderCase {
  std::string header;
  bool parses;
  size_t signatures = 0;
};

TEST(Webhook, StripeHeaderParsing) {
  const std::string sig = std::string(64, 'a');
  const HeaderCase cases[] = {
      {"t=1700000000,v1=" + sig, true, 1},
      {"v1=" + sig + ",t=1700000000", true, 1},
      {"t=1700000000, v1=" + sig, true, 1},  // spaces around items
      {" t=1700000000 ,\tv1=" + sig + " ", true, 1},
      {"t=1700000000,v1=" + sig + ",v1=" + std::string(64, 'B'), true, 2},
      {"t=1700000000,v0=" + sig, true, 0},         // only test-mode signatures: none to check
      {"t=1700000000,v2=xyz,v1=" + sig, true, 1},  // unknown schemes ignored
      {"t=1700000000", true, 0},
      {"t=0,v1=" + sig, true, 1},
      {"", false},
      {"   ", false},
      {"v1=" + sig, false},                                // no timestamp
      {"t=,v1=" + sig, false},                             // empty timestamp
      {"t=-1,v1=" + sig, false},                           // negative
      {"t=+1700000000,v1=" + sig, false},                  // sign
      {"t=1700000000.0,v1=" + sig, false},                 // fraction
      {"t=0x65,v1=" + sig, false},                         // hex
      {"t=1 700000000,v1=" + sig, false},                  // inner space
      {"t=1700000000000000000000,v1=" + sig, false},       // too many digits
      {"t=1700000000,t=1700000001,v1=" + sig, false},      // two timestamps
      {"t=1700000000,,v1=" + sig, false},                  // empty item
      {"t=1700000000,v1=" + sig + ",", false},             // trailing comma
      {"t=1700000000,v1", false},                          // no '='
      {"t=1700000000,=abc", false},                        // empty key
      {"t=1700000000,v1=" + std::string(63, 'a'), false},  // short signature
      {"t=1700000000,v1=" + std::string(66, 'a'), false},  // long signature
      {"t=1700000000,v1=" + std::string(64, 'g'), false},  // not hex
      {"T=1700000000,v1=" + sig, false},                   // keys are case-sensitive
      {"t=1700000000;v1=" + sig, false},                   // wrong separator
  };
  for (const HeaderCase& c : cases) {
    auto parsed = parse_stripe_header(c.header);
    EXPECT_EQ(parsed.ok(), c.parses) << "`" << c.header << "`";
    if (parsed.ok() && c.parses) {
      EXPECT_EQ(parsed->signatures.size(), c.signatures) << c.header;
    }
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().kind, cordon::ErrorKind::verification);
    }
  }
  std::string many = "t=1";
  for (int i = 0; i < 17; ++i) many += ",v1=" + sig;
  EXPECT_FALSE(parse_stripe_header(many).ok());
  EXPECT_FALSE(parse_stripe_header("t=1,v1=" + sig + "," + std::string(5000, 'x')).ok());
}

TEST(Webhook, OutcomesOfMalformedStripeHeaders) {
  EXPECT_EQ(verify_stripe("", kT).outcome, Outcome::malformed);
  EXPECT_EQ(verify_stripe("t=1700000000", kT).outcome, Outcome::no_signature);
  EXPECT_EQ(verify_stripe("garbage", kT).outcome, Outcome::malformed);
}

TEST(Webhook, MessagesNeverHoldTheSecret) {
  const std::vector<std::string> headers = {"", "t=1700000000",
                                            sign(Scheme::stripe, kSecret, kT, kPayload),
                                            sign(Scheme::stripe, "whsec_wrong", kT, kPayload)};
  for (const std::string& header : headers) {
    for (int64_t now : {kT, kT + 1000}) {
      Verdict v = verify_stripe(header, now);
      EXPECT_EQ(v.message.find(kSecret), std::string::npos) << v.message;
    }
  }
}

TEST(Webhook, EmptyPayloadAndBinaryPayload) {
  const std::string binary("\x00\xff\x01 body", 8);
  EXPECT_TRUE(verify_stripe(sign(Scheme::stripe, kSecret, kT, ""), kT, "").verified);
  EXPECT_TRUE(verify_stripe(sign(Scheme::stripe, kSecret, kT, binary), kT, binary).verified);
  EXPECT_EQ(verify_stripe(sign(Scheme::stripe, kSecret, kT, binary), kT, binary.substr(1)).outcome,
            Outcome::mismatch);
}

}  // namespace
