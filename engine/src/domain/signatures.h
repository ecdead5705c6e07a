// Bundle signatures, in the manner of OPA's signed bundles: `.signatures.json` holds
// {"signatures": ["<JWS compact>"]}; the JWS payload lists every other file of the
// bundle with its SHA-256, and is signed with HMAC-SHA-256 (alg "HS256") or Ed25519
// (alg "EdDSA"). sign_bundle (cordon/bundle.h) writes the file; the loader verifies it.
//
//   if (auto error = verify_bundle_signature(files, options)) return *error;
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cordon/bundle.h"

namespace cordon::domain {

inline constexpr std::string_view kSignaturesFile = ".signatures.json";

// (name, hex SHA-256 of the contents) of every file but .signatures.json, by name.
std::vector<std::pair<std::string, std::string>> file_hashes(const BundleFiles& files);

// Checks .signatures.json against the files when `options.require_signature` is not
// `none` (otherwise the file is ignored). The signature must verify with the configured
// algorithm and key, and its file list must match the bundle's files exactly: a file
// added, removed or altered refuses the bundle. Errors are of kind `signature` and never
// contain the key.
std::optional<Error> verify_bundle_signature(const BundleFiles& files,
                                             const BundleLoadOptions& options);

}  // namespace cordon::domain
