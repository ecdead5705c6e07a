// Crypto primitives on Botan 2 (see crypto.h). Botan reports misuse by throwing;
// every input is checked before it reaches Botan, so the calls below cannot throw
// for a reason a caller controls, and a missing algorithm (a Botan built without
// the module) stops the program rather than sealing nothing.
#include "crypto/crypto.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "crypto/botan.h"

namespace cordon::crypto {

namespace {

const uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

template <class T>
std::unique_ptr<T> require(std::unique_ptr<T> algorithm) {
  if (!algorithm) std::abort();  // Botan was built without AES or GCM
  return algorithm;
}

template <class Container>
std::string to_string(const Container& c) {
  return std::string(reinterpret_cast<const char*>(c.data()), c.size());
}

constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string sha256(std::string_view data) {
  // Botan's classes directly rather than HashFunction::create and
  // MessageAuthenticationCode::create: the lookup by name links every SHA-2 variant into
  // the WebAssembly module.
  Botan::SHA_256 hash;
  hash.update(bytes(data), data.size());
  return to_string(hash.final());
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  // RFC 2104: a key longer than the block (64 bytes) is replaced by its hash. Doing it
  // here gives the same tag and keeps Botan's key-length limit out of the picture.
  std::string hashed_key;
  if (key.size() > 64) {
    hashed_key = sha256(key);
    key = hashed_key;
  }
  Botan::HMAC mac(new Botan::SHA_256);  // HMAC owns the hash it is given
  mac.set_key(bytes(key), key.size());
  mac.update(bytes(message), message.size());
  return to_string(mac.final());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return Botan::constant_time_compare(bytes(a), bytes(b), a.size());
}

std::string hex_encode(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::string base64url_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(data[i])) << 16) | (uint32_t(uint8_t(data[i + 1])) << 8) |
                 uint32_t(uint8_t(data[i + 2]));
    out.push_back(kBase64UrlAlphabet[(n >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 12) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 6) & 63]);
    out.push_back(kBase64UrlAlphabet[n & 63]);
  }
  size_t rest = data.size() - i;
  if (rest == 1) {
    uint32_t n = uint32_t(uint8_t(data[i])) << 16;
    out.push_back(kBase64UrlAlphabet[(n >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 12) & 63]);
  } else if (rest == 2) {
    uint32_t n = (uint32_t(uint8_t(data[i])) << 16) | (uint32_t(uint8_t(data[i + 1])) << 8);
    out.push_back(kBase64UrlAlphabet[(n >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 12) & 63]);
    out.push_back(kBase64UrlAlphabet[(n >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;  // no length encodes to 4k+1 characters
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = base64url_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // The unused low bits of the last character must be zero: one encoding per byte string.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

#ifdef CORDON_BOTAN_AMALGAMATION

// Under Emscripten, Botan's own Ed25519 functions (RFC 8032 pure Ed25519: no domain
// separation, which is what the key objects' "Pure" mode passes them). Going through
// Ed25519_PublicKey, PK_Signer and PK_Verifier instead links the OID tables, ASN.1 and
// the generic public-key layer into the module, ~144 KB. Debian's libbotan-2.so does not
// export these functions (they are not part of Botan's public API), so the native build
// keeps the key objects below; both give the same keys and signatures.

std::optional<std::string> ed25519_public_key(std::string_view seed) {
  if (seed.size() != kEd25519KeySize) return std::nullopt;
  std::array<uint8_t, 32> public_key;
  Botan::secure_vector<uint8_t> secret(64);  // the seed, then the public key
  Botan::ed25519_gen_keypair(public_key.data(), secret.data(), bytes(seed));
  return to_string(public_key);
}

std::optional<std::string> ed25519_sign(std::string_view seed, std::string_view message) {
  if (seed.size() != kEd25519KeySize) return std::nullopt;
  std::array<uint8_t, 32> public_key;
  Botan::secure_vector<uint8_t> secret(64);
  Botan::ed25519_gen_keypair(public_key.data(), secret.data(), bytes(seed));
  std::array<uint8_t, kEd25519SignatureSize> signature;
  Botan::ed25519_sign(signature.data(), bytes(message), message.size(), secret.data(), nullptr, 0);
  return to_string(signature);
}

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
  if (public_key.size() != kEd25519KeySize || signature.size() != kEd25519SignatureSize)
    return false;
  return Botan::ed25519_verify(bytes(message), message.size(), bytes(signature), bytes(public_key),
                               nullptr, 0);
}

#else

std::optional<std::string> ed25519_public_key(std::string_view seed) {
  if (seed.size() != kEd25519KeySize) return std::nullopt;
  Botan::secure_vector<uint8_t> secret(bytes(seed), bytes(seed) + seed.size());
  Botan::Ed25519_PrivateKey key(secret);
  return to_string(key.get_public_key());
}

std::optional<std::string> ed25519_sign(std::string_view seed, std::string_view message) {
  if (seed.size() != kEd25519KeySize) return std::nullopt;
  Botan::secure_vector<uint8_t> secret(bytes(seed), bytes(seed) + seed.size());
  Botan::Ed25519_PrivateKey key(secret);
  // Pure Ed25519 is deterministic: the signer never draws from the RNG it is given.
  Botan::Null_RNG no_randomness;
  Botan::PK_Signer signer(key, no_randomness, "Pure");
  return to_string(signer.sign_message(bytes(message), message.size(), no_randomness));
}

bool ed25519_verify(std::string_view public_key, std::string_view message,
                    std::string_view signature) {
  if (public_key.size() != kEd25519KeySize || signature.size() != kEd25519SignatureSize)
    return false;
  Botan::Ed25519_PublicKey key(bytes(public_key), public_key.size());
  Botan::PK_Verifier verifier(key, "Pure");
  return verifier.verify_message(bytes(message), message.size(), bytes(signature),
                                 signature.size());
}

#endif  // CORDON_BOTAN_AMALGAMATION

namespace {

void fill_random(char* out, size_t size) {
  if (size == 0) return;
  try {
    Botan::system_rng().randomize(reinterpret_cast<uint8_t*>(out), size);
  } catch (const std::exception&) {
    std::abort();  // no system generator: never fall back to predictable bytes
  }
}

}  // namespace

std::string random_bytes(size_t size) {
  std::string out(size, '\0');
  fill_random(out.data(), size);
  return out;
}

SecretBytes random_secret(size_t size) {
  SecretBytes out(size);
  fill_random(out.data(), size);
  return out;
}

namespace {

std::unique_ptr<Botan::AEAD_Mode> gcm(std::string_view key, std::string_view nonce,
                                      std::string_view associated_data,
                                      Botan::Cipher_Dir direction) {
  auto mode = require(Botan::AEAD_Mode::create("AES-256/GCM", direction));
  mode->set_key(bytes(key), key.size());
  mode->set_associated_data(bytes(associated_data), associated_data.size());
  mode->start(bytes(nonce), nonce.size());
  return mode;
}

}  // namespace

std::optional<std::string> aes256gcm_seal(std::string_view key, std::string_view nonce,
                                          std::string_view associated_data,
                                          std::string_view plaintext) {
  if (key.size() != kAeadKeySize || nonce.size() != kAeadNonceSize) return std::nullopt;
  auto mode = gcm(key, nonce, associated_data, Botan::ENCRYPTION);
  // secure_vector: the copy of the plaintext is zeroed when it is freed.
  Botan::secure_vector<uint8_t> buffer(bytes(plaintext), bytes(plaintext) + plaintext.size());
  mode->finish(buffer);
  return to_string(buffer);
}

std::optional<SecretBytes> aes256gcm_open(std::string_view key, std::string_view nonce,
                                          std::string_view associated_data,
                                          std::string_view sealed) {
  if (key.size() != kAeadKeySize || nonce.size() != kAeadNonceSize || sealed.size() < kAeadTagSize)
    return std::nullopt;
  auto mode = gcm(key, nonce, associated_data, Botan::DECRYPTION);
  Botan::secure_vector<uint8_t> buffer(bytes(sealed), bytes(sealed) + sealed.size());
  try {
    mode->finish(buffer);
  } catch (const Botan::Invalid_Authentication_Tag&) {
    return std::nullopt;  // the one failure a caller controls, checked before it is used
  }
  return SecretBytes::from(
      std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

}  // namespace cordon::crypto
