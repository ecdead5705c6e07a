// A Bundle is a loaded, immutable policy bundle: Cedar policies plus the domain
// tables (routes, field classes, scrub profiles, table graph) that the domain
// calls answer from. docs/bundle-format.md describes the files.
//
//   cordon::BundleFiles files = read_directory("policies/elaygent");   // the caller's I/O
//   auto bundle = cordon::Bundle::load(files);
//   if (!bundle) std::cerr << bundle.error().to_string();  // routes.json:14:17: bundle error: ...
//   cordon::RouteDecision d = cordon::decide_route(*bundle, request);
//
// A bundle loads whole or not at all; BundleHolder keeps the old bundle when a reload fails.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/entities.h"
#include "cordon/error.h"
#include "cordon/policy_set.h"

namespace cordon {

namespace domain {
struct BundleData;
}

// A bundle's files: path relative to the bundle root ("bundle.json", "access.cedar") → contents.
using BundleFiles = std::map<std::string, std::string, std::less<>>;

enum class SignatureAlgorithm { none, hmac_sha256, ed25519 };

struct BundleLoadOptions {
  // When not `none`, the bundle must carry a .signatures.json that verifies with this
  // algorithm and key: the HMAC secret, or the Ed25519 public key (32 bytes, raw or hex).
  SignatureAlgorithm require_signature = SignatureAlgorithm::none;
  std::string verification_key;
  // The key of `hash` scrubbing (HMAC-SHA-256). A profile that hashes needs one.
  std::string scrub_hash_key;
};

class Bundle {
 public:
  static Result<Bundle> load(const BundleFiles& files, const BundleLoadOptions& options = {});

  const std::string& name() const;
  const std::string& revision() const;
  // Hex SHA-256 over the sorted (name, SHA-256 of contents) list of the bundle's files.
  const std::string& digest() const;
  const PolicySet& policies() const;
  const Entities& entities() const;

  const domain::BundleData& data() const { return *data_; }
  explicit Bundle(std::shared_ptr<const domain::BundleData> data) : data_(std::move(data)) {}

 private:
  std::shared_ptr<const domain::BundleData> data_;
};

// Signs a bundle's files (all but .signatures.json): returns the .signatures.json text.
// For Ed25519 the key is the 32-byte private seed (raw or hex).
Result<std::string> sign_bundle(const BundleFiles& files, SignatureAlgorithm algorithm,
                                std::string_view key, std::string_view key_id = "cordon");

// The Ed25519 public key, as 64 hex digits, of a private seed (32 bytes, raw or hex): what a
// loader verifying the seed's signatures is given.
Result<std::string> ed25519_public_key_hex(std::string_view private_seed);

// Holds the current bundle for a long-running service; a failed reload keeps the old one.
class BundleHolder {
 public:
  explicit BundleHolder(Bundle initial) : current_(std::make_shared<Bundle>(std::move(initial))) {}
  // Loads `files`; on success swaps it in, on failure returns the error and keeps the old bundle.
  Result<std::shared_ptr<const Bundle>> reload(const BundleFiles& files,
                                               const BundleLoadOptions& options = {});
  std::shared_ptr<const Bundle> current() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Bundle> current_;
};

}  // namespace cordon
