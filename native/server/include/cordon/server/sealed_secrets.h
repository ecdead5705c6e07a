// Sealed secrets: the provider keys tenants bring (AI provider, voice, telephony keys) kept
// encrypted at rest with AES-256-GCM, bound to their tenant and provider, under versioned
// server keys that can be rotated.
//
//   auto keyring = cordon::server::Keyring::from_json(keyring_text);   // from a file or env
//   cordon::server::SecretSealer sealer(std::move(keyring).value());
//   auto sealed = sealer.seal({"acme", "openai"}, provider_key);
//   // "cordon:seal:1:2:<base64url nonce||ciphertext||tag>": format 1, key version 2
//   auto key = sealer.open({"acme", "openai"}, *sealed);   // SecretBytes, wiped when dropped
//   sealer.open({"bright", "openai"}, *sealed);            // error: bound to acme/openai
//   auto rotated = sealer.reseal({"acme", "openai"}, old); // under the current key version
//
// The associated data binds the format, the key version, the tenant and the provider
// (length-prefixed, so no two contexts encode alike): a ciphertext copied to another tenant
// or provider, relabelled with another key version or altered by one bit does not open.
// Each seal draws a fresh 96-bit nonce from the system's generator. Plaintexts and keys
// never appear in an error message; keys live in SecretBytes and are wiped when dropped.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/error.h"
#include "cordon/secret_bytes.h"

namespace cordon::server {

// The server's sealing keys by version (1, 2, ...), one of them current (used to seal).
class Keyring {
 public:
  static constexpr size_t kKeySize = 32;

  // {"current": 2, "keys": {"1": "<64 hex digits>", "2": "<64 hex digits>"}}: every key
  // 32 bytes, versions from 1 to 2^31-1, no key under two versions. Errors never quote a key.
  static Result<Keyring> from_json(std::string_view json);
  // The same JSON (for writing a keyring file); wipe it after use.
  SecretBytes to_json() const;

  Result<bool> add(uint32_t version, SecretBytes key);
  Result<bool> set_current(uint32_t version);
  // A new random key under the next version, made current; answers its version.
  uint32_t add_generated_key();

  uint32_t current_version() const { return current_; }  // 0 when there is no key
  bool has(uint32_t version) const { return keys_.count(version) > 0; }
  std::vector<uint32_t> versions() const;
  const SecretBytes* key(uint32_t version) const;

 private:
  std::map<uint32_t, SecretBytes> keys_;
  uint32_t current_ = 0;
};

// What a secret belongs to; both parts are bound into the ciphertext.
struct SecretContext {
  std::string tenant;
  std::string provider;
};

struct Resealed {
  std::string sealed;
  uint32_t from_version = 0;
  uint32_t to_version = 0;
  bool changed = false;  // false when it was already under the current key (returned as is)
};

class SecretSealer {
 public:
  static constexpr size_t kMaxPlaintextSize = 64 * 1024;
  static constexpr size_t kMaxContextPartSize = 256;

  explicit SecretSealer(Keyring keyring) : keyring_(std::move(keyring)) {}

  // Errors (kind `secret`): an empty or oversized tenant, provider or plaintext, no current key.
  Result<std::string> seal(const SecretContext& context, std::string_view plaintext) const;
  // Errors: not a sealed secret, a key version the keyring does not hold, or a ciphertext
  // that does not open in this context (another tenant or provider, another key, altered).
  Result<SecretBytes> open(const SecretContext& context, std::string_view sealed) const;
  // Opens under the blob's key version and seals again under the current one.
  Result<Resealed> reseal(const SecretContext& context, std::string_view sealed) const;

  // The key version a sealed secret names, without opening it.
  static Result<uint32_t> key_version(std::string_view sealed);

  const Keyring& keyring() const { return keyring_; }

 private:
  Keyring keyring_;
};

}  // namespace cordon::server
