// AES-256-GCM, random bytes and SecretBytes (engine/src/crypto): the primitives sealed
// secrets are built on.
#include <gtest/gtest.h>

#include <string>

#include "cordon/secret_bytes.h"
#include "crypto/crypto.h"

namespace {

using namespace cordon::crypto;

std::string unhex(const char* hex) {
  return *hex_decode(hex);
}

// Test Case 16 of McGrew and Viega's GCM specification (AES-256, 60-byte plaintext, AAD).
const std::string kKey = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
const std::string kNonce = unhex("cafebabefacedbaddecaf888");
const std::string kAad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
const std::string kPlain = unhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
    "49a6b525b16aedf5aa0de657ba637b39");
const std::string kSealed = unhex(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
    "56828838c5f61e6393ba7a0abcc9f662"
    "76fc6ece0f4e1768cddf8853bb2d551b");

TEST(Aead, KnownAnswer) {
  auto sealed = aes256gcm_seal(kKey, kNonce, kAad, kPlain);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(hex_encode(*sealed), hex_encode(kSealed));
  auto opened = aes256gcm_open(kKey, kNonce, kAad, kSealed);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->view(), kPlain);
}

TEST(Aead, AnyChangeFailsToOpen) {
  for (size_t i = 0; i < kSealed.size(); ++i) {
    std::string altered = kSealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(aes256gcm_open(kKey, kNonce, kAad, altered)) << "byte " << i;
  }
  std::string other_aad = kAad;
  other_aad.back() ^= 0x80;
  EXPECT_FALSE(aes256gcm_open(kKey, kNonce, other_aad, kSealed));
  std::string other_nonce = kNonce;
  other_nonce[0] ^= 1;
  EXPECT_FALSE(aes256gcm_open(kKey, other_nonce, kAad, kSealed));
  std::string other_key = kKey;
  other_key[31] ^= 1;
  EXPECT_FALSE(aes256gcm_open(other_key, kNonce, kAad, kSealed));
  EXPECT_FALSE(aes256gcm_open(kKey, kNonce, kAad, kSealed.substr(0, kSealed.size() - 1)));
  EXPECT_FALSE(aes256gcm_open(kKey, kNonce, kAad, kSealed.substr(0, 15)));
  EXPECT_FALSE(aes256gcm_open(kKey, kNonce, kAad, kSealed + "x"));
}

TEST(Aead, WrongSizesRefused) {
  EXPECT_FALSE(aes256gcm_seal(kKey.substr(0, 16), kNonce, kAad, kPlain));
  EXPECT_FALSE(aes256gcm_seal(kKey, kNonce + "x", kAad, kPlain));
  EXPECT_FALSE(aes256gcm_open(kKey + "x", kNonce, kAad, kSealed));
}

TEST(Aead, EmptyPlaintext) {
  auto sealed = aes256gcm_seal(kKey, kNonce, "", "");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), kAeadTagSize);
  auto opened = aes256gcm_open(kKey, kNonce, "", *sealed);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->empty());
}

TEST(RandomBytes, SizesAndDistinctness) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(12).size(), 12u);
  EXPECT_NE(random_bytes(32), random_bytes(32));
  EXPECT_EQ(random_secret(32).size(), 32u);
}

TEST(SecretBytes, OwnsWipesAndMoves) {
  cordon::SecretBytes a = cordon::SecretBytes::from("provider-key");
  EXPECT_EQ(a.view(), "provider-key");
  cordon::SecretBytes b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(b.view(), "provider-key");
  cordon::SecretBytes c = b.clone();
  b.wipe();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(c.view(), "provider-key");

  std::string text = "a secret that outgrew its buffer";
  text = "short";
  cordon::SecretBytes::scrub(text);
  EXPECT_TRUE(text.empty());
  // Every byte the string held, the longer value's included, is zero now.
  const char* data = text.data();
  for (size_t i = 0; i < text.capacity(); ++i) EXPECT_EQ(data[i], '\0');
}

}  // namespace
