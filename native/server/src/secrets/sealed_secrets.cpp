// Keyring and SecretSealer (cordon/server/sealed_secrets.h) on the engine's AES-256-GCM.
//
// A sealed secret is "cordon:seal:1:<key version>:<base64url(nonce || ciphertext || tag)>".
// Its associated data is "cordon:seal:1" NUL, then the key version, the tenant's length,
// the tenant, the provider's length and the provider (lengths and version as 4-byte
// big-endian numbers).
#include "cordon/server/sealed_secrets.h"

#include <nlohmann/json.hpp>

#include "crypto/crypto.h"

namespace cordon::server {

namespace {

constexpr std::string_view kFormat = "cordon:seal:1";
constexpr uint32_t kMaxVersion = 0x7fffffff;

Error secret_error(std::string message) {
  Error error;
  error.kind = ErrorKind::secret;
  error.message = std::move(message);
  return error;
}

void append_u32(std::string& out, uint32_t value) {
  out.push_back(static_cast<char>(value >> 24));
  out.push_back(static_cast<char>(value >> 16));
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

std::string associated_data(uint32_t version, const SecretContext& context) {
  std::string ad(kFormat);
  ad.push_back('\0');
  append_u32(ad, version);
  append_u32(ad, uint32_t(context.tenant.size()));
  ad += context.tenant;
  append_u32(ad, uint32_t(context.provider.size()));
  ad += context.provider;
  return ad;
}

std::optional<Error> check_context(const SecretContext& context) {
  for (const auto& [what, value] :
       {std::pair{"tenant", &context.tenant}, std::pair{"provider", &context.provider}}) {
    if (value->empty()) return secret_error(std::string("the ") + what + " is empty");
    if (value->size() > SecretSealer::kMaxContextPartSize)
      return secret_error(std::string("the ") + what + " is longer than " +
                          std::to_string(SecretSealer::kMaxContextPartSize) + " bytes");
  }
  return std::nullopt;
}

// "1" .. "2147483647", no sign, no leading zero.
std::optional<uint32_t> parse_version(std::string_view text) {
  if (text.empty() || text.size() > 10 || text[0] == '0') return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + uint64_t(c - '0');
  }
  if (value > kMaxVersion) return std::nullopt;
  return uint32_t(value);
}

struct ParsedSeal {
  uint32_t version = 0;
  std::string nonce;
  std::string ciphertext;  // with the tag at its end
};

Result<ParsedSeal> parse_sealed(std::string_view sealed) {
  const Error not_sealed =
      secret_error("the value is not a sealed secret (cordon:seal:1:<version>:<data>)");
  if (sealed.substr(0, kFormat.size()) != kFormat || sealed.size() <= kFormat.size() ||
      sealed[kFormat.size()] != ':')
    return not_sealed;
  std::string_view rest = sealed.substr(kFormat.size() + 1);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return not_sealed;
  std::optional<uint32_t> version = parse_version(rest.substr(0, colon));
  if (!version) return secret_error("the sealed secret's key version is not a number from 1");
  std::optional<std::string> data = crypto::base64url_decode(rest.substr(colon + 1));
  if (!data || data->size() < crypto::kAeadNonceSize + crypto::kAeadTagSize)
    return secret_error("the sealed secret's data is not base64url of nonce, ciphertext and tag");
  ParsedSeal parsed;
  parsed.version = *version;
  parsed.nonce = data->substr(0, crypto::kAeadNonceSize);
  parsed.ciphertext = data->substr(crypto::kAeadNonceSize);
  return parsed;
}

std::string version_list(const Keyring& keyring) {
  std::string list;
  for (uint32_t v : keyring.versions()) list += (list.empty() ? "" : ", ") + std::to_string(v);
  return list.empty() ? "none" : list;
}

}  // namespace

Result<Keyring> Keyring::from_json(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  // The parsed document holds the keys in hex: wipe them whatever happens below.
  struct Wipe {
    nlohmann::json& doc;
    ~Wipe() {
      if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_object()) return;
      for (auto& value : doc["keys"]) {
        if (value.is_string()) SecretBytes::scrub(value.get_ref<std::string&>());
      }
    }
  } wipe{doc};
  if (!doc.is_object())
    return secret_error("the keyring is not a JSON object {\"current\": N, \"keys\": {...}}");
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "current" && it.key() != "keys")
      return secret_error("the keyring has an unknown key `" + it.key() +
                          "` (expected current, keys)");
  }
  if (!doc.contains("keys") || !doc["keys"].is_object() || doc["keys"].empty())
    return secret_error("the keyring needs `keys`: {\"<version>\": \"<64 hex digits>\"}");
  Keyring keyring;
  for (auto it = doc["keys"].begin(); it != doc["keys"].end(); ++it) {
    std::optional<uint32_t> version = parse_version(it.key());
    if (!version)
      return secret_error("keyring version `" + it.key() + "` is not a number from 1 to " +
                          std::to_string(kMaxVersion));
    if (!it.value().is_string())
      return secret_error("keyring key " + it.key() + " must be a string of 64 hex digits");
    std::optional<std::string> raw = crypto::hex_decode(it.value().get_ref<const std::string&>());
    if (!raw || raw->size() != kKeySize) {
      if (raw) SecretBytes::scrub(*raw);
      return secret_error("keyring key " + it.key() + " is not 64 hex digits (32 bytes)");
    }
    SecretBytes key = SecretBytes::from(*raw);
    SecretBytes::scrub(*raw);
    Result<bool> added = keyring.add(*version, std::move(key));
    if (!added) return added.error();
  }
  if (!doc.contains("current") || !doc["current"].is_number_unsigned())
    return secret_error("the keyring needs `current`: the version that seals");
  const uint64_t current = doc["current"].get<uint64_t>();
  if (current == 0 || current > kMaxVersion || !keyring.has(uint32_t(current)))
    return secret_error("the keyring's current version " + std::to_string(current) +
                        " is not one of its keys (" + version_list(keyring) + ")");
  keyring.current_ = uint32_t(current);
  return keyring;
}

SecretBytes Keyring::to_json() const {
  std::string text = "{\"current\": " + std::to_string(current_) + ", \"keys\": {";
  bool first = true;
  for (const auto& [version, key] : keys_) {
    std::string hex = crypto::hex_encode(key.view());
    text += (first ? "\"" : ", \"") + std::to_string(version) + "\": \"" + hex + "\"";
    SecretBytes::scrub(hex);
    first = false;
  }
  text += "}}\n";
  SecretBytes out = SecretBytes::from(text);
  SecretBytes::scrub(text);
  return out;
}

Result<bool> Keyring::add(uint32_t version, SecretBytes key) {
  if (version == 0 || version > kMaxVersion)
    return secret_error("a key version is a number from 1 to " + std::to_string(kMaxVersion));
  if (key.size() != kKeySize) return secret_error("a sealing key is 32 bytes");
  if (has(version)) return secret_error("key version " + std::to_string(version) + " is taken");
  for (const auto& [other, other_key] : keys_) {
    if (crypto::constant_time_equal(other_key.view(), key.view()))
      return secret_error("key versions " + std::to_string(other) + " and " +
                          std::to_string(version) + " are the same key");
  }
  keys_.emplace(version, std::move(key));
  if (current_ == 0) current_ = version;
  return true;
}

Result<bool> Keyring::set_current(uint32_t version) {
  if (!has(version))
    return secret_error("key version " + std::to_string(version) + " is not in the keyring (" +
                        version_list(*this) + ")");
  current_ = version;
  return true;
}

uint32_t Keyring::add_generated_key() {
  const uint32_t version = keys_.empty() ? 1 : keys_.rbegin()->first + 1;
  keys_.emplace(version, crypto::random_secret(kKeySize));
  current_ = version;
  return version;
}

std::vector<uint32_t> Keyring::versions() const {
  std::vector<uint32_t> out;
  for (const auto& entry : keys_) out.push_back(entry.first);
  return out;
}

const SecretBytes* Keyring::key(uint32_t version) const {
  auto found = keys_.find(version);
  return found == keys_.end() ? nullptr : &found->second;
}

Result<std::string> SecretSealer::seal(const SecretContext& context,
                                       std::string_view plaintext) const {
  if (auto error = check_context(context)) return *error;
  if (plaintext.empty()) return secret_error("the secret to seal is empty");
  if (plaintext.size() > kMaxPlaintextSize)
    return secret_error("the secret to seal is longer than " + std::to_string(kMaxPlaintextSize) +
                        " bytes");
  const uint32_t version = keyring_.current_version();
  const SecretBytes* key = keyring_.key(version);
  if (key == nullptr) return secret_error("the keyring has no current key");
  const std::string nonce = crypto::random_bytes(crypto::kAeadNonceSize);
  std::optional<std::string> ciphertext =
      crypto::aes256gcm_seal(key->view(), nonce, associated_data(version, context), plaintext);
  if (!ciphertext) return secret_error("sealing failed");
  return std::string(kFormat) + ":" + std::to_string(version) + ":" +
         crypto::base64url_encode(nonce + *ciphertext);
}

Result<SecretBytes> SecretSealer::open(const SecretContext& context,
                                       std::string_view sealed) const {
  if (auto error = check_context(context)) return *error;
  Result<ParsedSeal> parsed = parse_sealed(sealed);
  if (!parsed) return parsed.error();
  const SecretBytes* key = keyring_.key(parsed->version);
  if (key == nullptr)
    return secret_error("the secret is sealed under key version " +
                        std::to_string(parsed->version) + ", which the keyring does not hold (" +
                        version_list(keyring_) + ")");
  std::optional<SecretBytes> plaintext = crypto::aes256gcm_open(
      key->view(), parsed->nonce, associated_data(parsed->version, context), parsed->ciphertext);
  if (!plaintext)
    return secret_error("the sealed secret does not open for tenant `" + context.tenant +
                        "` and provider `" + context.provider +
                        "`: it was sealed for another tenant or provider, under another key, "
                        "or it was altered");
  return std::move(*plaintext);
}

Result<Resealed> SecretSealer::reseal(const SecretContext& context, std::string_view sealed) const {
  Result<SecretBytes> plaintext = open(context, sealed);
  if (!plaintext) return plaintext.error();
  Resealed out;
  out.from_version = *key_version(sealed);
  out.to_version = keyring_.current_version();
  if (out.from_version == out.to_version) {
    out.sealed = std::string(sealed);
    return out;
  }
  Result<std::string> again = seal(context, plaintext->view());
  if (!again) return again.error();
  out.sealed = std::move(again).value();
  out.changed = true;
  return out;
}

Result<uint32_t> SecretSealer::key_version(std::string_view sealed) {
  Result<ParsedSeal> parsed = parse_sealed(sealed);
  if (!parsed) return parsed.error();
  return parsed->version;
}

}  // namespace cordon::server
