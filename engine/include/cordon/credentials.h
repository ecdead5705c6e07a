// Credentials for operations no session may authorize alone: the scheduler's bearer token
// for cron routes, the retention secret for audit-log deletes, the destructive-operations
// secret for tenant suspension and hard delete. The server stores only their SHA-256
// digests ("sha256:<64 hex>"), compares in constant time, and refuses everything when a
// credential is not configured (fail closed).
//
//   auto set = cordon::CredentialSet::from_json(R"({"scheduler": "sha256:9f86...",
//                                                   "retention": "sha256:60303..."})");
//   cordon::CredentialCheck check = set->check_bearer("scheduler",
//   request.header("authorization")); check.state;                 // valid, invalid, missing or
//   unset to_string(check.state);      // what a RouteRequest's "credentials" map expects
//
//   std::string digest = *cordon::credential_digest(token);   // for the configuration
//
// Each credential is checked only against its own digest: a scheduler token never opens a
// retention delete, and a set in which two credentials share a digest does not load.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "cordon/error.h"

namespace cordon {

// The same four states as RouteRequest::credentials.
enum class CredentialState { valid, invalid, missing, unset };
const char* to_string(CredentialState state);  // "valid", "invalid", "missing", "unset"

struct CredentialCheck {
  CredentialState state = CredentialState::unset;
  std::string message;  // never holds the presented value or the digest
  bool ok() const { return state == CredentialState::valid; }
};

// Tokens are at least this long (bytes) before they may be configured.
inline constexpr size_t kMinCredentialLength = 32;

// "sha256:<64 hex>" of `token`; an error (kind verification) when the token is shorter than
// kMinCredentialLength or has a character outside RFC 6750's b64token (A-Z a-z 0-9 - . _ ~ + /,
// then '=' padding), so that any configured token can travel as a bearer token.
Result<std::string> credential_digest(std::string_view token);

// Whether `digest` is "sha256:<64 hex>".
bool is_credential_digest(std::string_view digest);

// `presented` is the secret itself (a header's value); `digest` the stored digest, empty when
// the credential is not configured.
CredentialCheck check_secret(std::string_view presented, std::string_view digest);
// `authorization` is an Authorization header's value: "Bearer <token>" (the scheme in any case).
CredentialCheck check_bearer(std::string_view authorization, std::string_view digest);

class CredentialSet {
 public:
  // {"<name>": "sha256:<hex>" | null, ...}; null or "" leaves a credential unset.
  static Result<CredentialSet> from_json(std::string_view json);
  // Adds or replaces one credential's digest (empty: unset).
  Result<bool> set(const std::string& name, std::string_view digest);

  CredentialCheck check_bearer(std::string_view name, std::string_view authorization) const;
  CredentialCheck check_secret(std::string_view name, std::string_view presented) const;
  bool configured(std::string_view name) const;

 private:
  std::string digest_of(std::string_view name) const;
  std::map<std::string, std::string, std::less<>> digests_;
};

}  // namespace cordon
