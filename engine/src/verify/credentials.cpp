// Stored-digest credentials (cordon/credentials.h).
#include "cordon/credentials.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "crypto/crypto.h"

namespace cordon {

namespace {

constexpr std::string_view kDigestPrefix = "sha256:";
constexpr size_t kMaxTokenLength = 4096;

Error credential_error(std::string message) {
  Error error;
  error.kind = ErrorKind::verification;
  error.message = std::move(message);
  return error;
}

bool is_b64token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

// RFC 6750's b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view token) {
  size_t end = token.size();
  while (end > 0 && token[end - 1] == '=') --end;
  return end > 0 && std::all_of(token.begin(), token.begin() + end, is_b64token_char);
}

CredentialCheck make(CredentialState state, std::string message) {
  return CredentialCheck{state, std::move(message)};
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

const char* to_string(CredentialState state) {
  switch (state) {
    case CredentialState::valid:
      return "valid";
    case CredentialState::invalid:
      return "invalid";
    case CredentialState::missing:
      return "missing";
    case CredentialState::unset:
      return "unset";
  }
  return "unset";
}

bool is_credential_digest(std::string_view digest) {
  if (digest.substr(0, kDigestPrefix.size()) != kDigestPrefix) return false;
  const std::string_view hex = digest.substr(kDigestPrefix.size());
  return hex.size() == 2 * crypto::kSha256Size && crypto::hex_decode(hex).has_value();
}

Result<std::string> credential_digest(std::string_view token) {
  if (token.size() < kMinCredentialLength)
    return credential_error("a credential must be at least " +
                            std::to_string(kMinCredentialLength) +
                            " characters long (for instance 32 random bytes, hex-encoded)");
  if (token.size() > kMaxTokenLength)
    return credential_error("a credential must be at most " + std::to_string(kMaxTokenLength) +
                            " characters long");
  if (!is_b64token(token))
    return credential_error(
        "a credential may hold only letters, digits and - . _ ~ + / (then = padding)");
  return std::string(kDigestPrefix) + crypto::sha256_hex(token);
}

CredentialCheck check_secret(std::string_view presented, std::string_view digest) {
  if (digest.empty())
    return make(CredentialState::unset, "the credential is not configured; refused (fail closed)");
  if (!is_credential_digest(digest))
    return make(CredentialState::unset,
                "the configured digest is not sha256:<64 hex>; refused (fail closed)");
  if (presented.empty()) return make(CredentialState::missing, "no credential was presented");
  if (presented.size() > kMaxTokenLength)
    return make(CredentialState::invalid, "the presented credential is too long");
  // Compare digests: the time taken says nothing about the stored secret.
  const std::string expected = *crypto::hex_decode(digest.substr(kDigestPrefix.size()));
  if (!crypto::constant_time_equal(crypto::sha256(presented), expected))
    return make(CredentialState::invalid, "the presented credential does not match");
  return make(CredentialState::valid, "the credential matches");
}

CredentialCheck check_bearer(std::string_view authorization, std::string_view digest) {
  if (digest.empty() || !is_credential_digest(digest)) return check_secret("", digest);
  // Optional whitespace around the field value is not part of it (RFC 9110).
  while (!authorization.empty() && (authorization.front() == ' ' || authorization.front() == '\t'))
    authorization.remove_prefix(1);
  while (!authorization.empty() && (authorization.back() == ' ' || authorization.back() == '\t'))
    authorization.remove_suffix(1);
  if (authorization.empty()) return make(CredentialState::missing, "no Authorization header");
  if (ascii_iequal(authorization, "bearer"))
    return make(CredentialState::missing, "the Bearer token is empty");
  const size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !ascii_iequal(authorization.substr(0, space), "bearer"))
    return make(CredentialState::invalid, "the Authorization header is not a Bearer token");
  std::string_view token = authorization.substr(space);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return make(CredentialState::missing, "the Bearer token is empty");
  if (!is_b64token(token))
    return make(CredentialState::invalid, "the Bearer token has characters a token cannot have");
  return check_secret(token, digest);
}

Result<CredentialSet> CredentialSet::from_json(std::string_view json) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object())
    return credential_error("the credentials must be a JSON object {name: \"sha256:<hex>\"}");
  CredentialSet set;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.value().is_null()) continue;
    if (!it.value().is_string())
      return credential_error("credential `" + it.key() + "` must be a string or null");
    Result<bool> added = set.set(it.key(), it.value().get<std::string>());
    if (!added) return added.error();
  }
  return set;
}

Result<bool> CredentialSet::set(const std::string& name, std::string_view digest) {
  if (name.empty()) return credential_error("a credential needs a name");
  if (digest.empty()) {
    digests_.erase(name);
    return true;
  }
  if (!is_credential_digest(digest))
    return credential_error("credential `" + name +
                            "` is not a digest sha256:<64 hex> (store the digest of a token, "
                            "never the token: `cordon credential digest`)");
  std::string normalized(digest);
  for (char& c : normalized) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  for (const auto& [other, other_digest] : digests_) {
    if (other != name && other_digest == normalized)
      return credential_error("credentials `" + other + "` and `" + name +
                              "` have the same digest; each operation needs its own secret");
  }
  digests_[name] = std::move(normalized);
  return true;
}

std::string CredentialSet::digest_of(std::string_view name) const {
  auto found = digests_.find(name);
  return found == digests_.end() ? std::string() : found->second;
}

CredentialCheck CredentialSet::check_bearer(std::string_view name,
                                            std::string_view authorization) const {
  return cordon::check_bearer(authorization, digest_of(name));
}

CredentialCheck CredentialSet::check_secret(std::string_view name,
                                            std::string_view presented) const {
  return cordon::check_secret(presented, digest_of(name));
}

bool CredentialSet::configured(std::string_view name) const {
  return digests_.count(name) > 0;
}

}  // namespace cordon
