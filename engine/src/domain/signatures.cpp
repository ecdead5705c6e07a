// Signing and verifying bundles (see signatures.h and docs/bundle-format.md).
#include "domain/signatures.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "crypto/crypto.h"
#include "json/located_json.h"

namespace cordon {

namespace {

using Json = nlohmann::json;
using nlohmann::ordered_json;

Error signature_error(std::string message, SourceLocation location = {}) {
  Error err;
  err.kind = ErrorKind::signature;
  err.message = std::move(message);
  err.location = std::move(location);
  if (err.location.file.empty()) err.location.file = std::string(domain::kSignaturesFile);
  return err;
}

const char* jws_algorithm(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::hmac_sha256:
      return "HS256";
    case SignatureAlgorithm::ed25519:
      return "EdDSA";
    case SignatureAlgorithm::none:
      break;
  }
  return "none";
}

// An Ed25519 key is 32 raw bytes or 64 hex digits. The message never quotes the key.
std::optional<std::string> ed25519_key(std::string_view key) {
  if (key.size() == crypto::kEd25519KeySize) return std::string(key);
  if (key.size() == 2 * crypto::kEd25519KeySize) return crypto::hex_decode(key);
  return std::nullopt;
}

// The bytes to sign: base64url(header) "." base64url(payload), as JWS defines them.
std::string signing_input(std::string_view header, std::string_view payload) {
  return crypto::base64url_encode(header) + "." + crypto::base64url_encode(payload);
}

}  // namespace

namespace domain {

std::vector<std::pair<std::string, std::string>> file_hashes(const BundleFiles& files) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, contents] : files)
    if (name != kSignaturesFile) out.emplace_back(name, crypto::sha256_hex(contents));
  return out;  // BundleFiles is ordered by name, so this is too
}

std::optional<Error> verify_bundle_signature(const BundleFiles& files,
                                             const BundleLoadOptions& options) {
  if (options.require_signature == SignatureAlgorithm::none) return std::nullopt;
  const char* expected_alg = jws_algorithm(options.require_signature);

  std::string key;
  if (options.require_signature == SignatureAlgorithm::ed25519) {
    auto decoded = ed25519_key(options.verification_key);
    if (!decoded)
      return signature_error(
          "the Ed25519 verification key must be 32 bytes, raw or as 64 hex digits");
    key = std::move(*decoded);
  } else {
    if (options.verification_key.empty())
      return signature_error("the HMAC-SHA-256 verification key is empty");
    key = options.verification_key;
  }

  auto file = files.find(kSignaturesFile);
  if (file == files.end())
    return signature_error("the bundle is not signed (no .signatures.json) but a " +
                           std::string(expected_alg) + " signature is required");
  auto doc = cordon::json::LocatedJson::parse(file->second, kSignaturesFile);
  if (!doc) {
    Error err = doc.error();
    err.kind = ErrorKind::signature;
    return err;
  }
  const Json& root = doc->root();
  if (!root.is_object())
    return doc->error("", "expected {\"signatures\": [\"<JWS>\"]}", ErrorKind::signature);
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it.key() != "signatures")
      return doc->key_error(cordon::json::LocatedJson::child("", it.key()),
                            "unknown key `" + it.key() + "` (expected `signatures`)",
                            ErrorKind::signature);
  auto signatures = root.find("signatures");
  if (signatures == root.end()) return doc->error("", "missing `signatures`", ErrorKind::signature);
  if (!signatures->is_array() || signatures->size() != 1 || !(*signatures)[0].is_string())
    return doc->error("/signatures", "`signatures` must be an array of exactly one JWS string",
                      ErrorKind::signature);
  const std::string& jws = (*signatures)[0].get_ref<const std::string&>();
  const std::string where = "/signatures/0";

  size_t first_dot = jws.find('.');
  size_t second_dot = first_dot == std::string::npos ? first_dot : jws.find('.', first_dot + 1);
  if (second_dot == std::string::npos || jws.find('.', second_dot + 1) != std::string::npos)
    return doc->error(where,
                      "the signature is not a JWS in compact form (header.payload.signature)",
                      ErrorKind::signature);
  std::string_view jws_view(jws);
  auto header_text = crypto::base64url_decode(jws_view.substr(0, first_dot));
  auto payload_text =
      crypto::base64url_decode(jws_view.substr(first_dot + 1, second_dot - first_dot - 1));
  auto signature = crypto::base64url_decode(jws_view.substr(second_dot + 1));
  if (!header_text || !payload_text || !signature)
    return doc->error(where, "the JWS is not valid base64url", ErrorKind::signature);

  // The header: the configured algorithm decides, never the header (no "alg" downgrade).
  // LocatedJson bounds nesting and refuses duplicate keys, before anything is trusted.
  auto header_doc = cordon::json::LocatedJson::parse(*header_text, "JWS header");
  if (!header_doc)
    return doc->error(where, "the JWS header is not valid JSON", ErrorKind::signature);
  const Json& header = header_doc->root();
  if (!header.is_object() || !header.contains("alg") || !header.at("alg").is_string())
    return doc->error(where, "the JWS header must be a JSON object with `alg`",
                      ErrorKind::signature);
  for (auto it = header.begin(); it != header.end(); ++it)
    if (it.key() != "alg" && it.key() != "kid" && it.key() != "typ")
      return doc->error(where, "the JWS header has an unsupported key `" + it.key() + "`",
                        ErrorKind::signature);
  const std::string& alg = header.at("alg").get_ref<const std::string&>();
  if (alg != expected_alg)
    return doc->error(
        where, "the bundle is signed with `" + alg + "` but " + expected_alg + " is required",
        ErrorKind::signature);

  std::string input(jws_view.substr(0, second_dot));
  bool valid = false;
  if (options.require_signature == SignatureAlgorithm::hmac_sha256)
    valid = crypto::constant_time_equal(crypto::hmac_sha256(key, input), *signature);
  else
    valid = crypto::ed25519_verify(key, input, *signature);
  if (!valid)
    return doc->error(where, "the signature does not verify with the configured key",
                      ErrorKind::signature);

  // Signed, so the payload is the signer's: now it must describe exactly these files.
  auto payload_doc = cordon::json::LocatedJson::parse(*payload_text, "JWS payload");
  if (!payload_doc)
    return doc->error(where, "the JWS payload is not valid JSON", ErrorKind::signature);
  const Json& payload = payload_doc->root();
  if (!payload.is_object() || !payload.contains("files") || !payload.at("files").is_array())
    return doc->error(where, "the JWS payload must be a JSON object with `files`",
                      ErrorKind::signature);
  for (auto it = payload.begin(); it != payload.end(); ++it)
    if (it.key() != "files" && it.key() != "keyid" && it.key() != "scope")
      return doc->error(where, "the JWS payload has an unknown key `" + it.key() + "`",
                        ErrorKind::signature);
  std::map<std::string, std::string> signed_hashes;
  for (const auto& entry : payload.at("files")) {
    if (!entry.is_object() || entry.size() != 3 || !entry.contains("name") ||
        !entry.contains("hash") || !entry.contains("algorithm") || !entry.at("name").is_string() ||
        !entry.at("hash").is_string() || !entry.at("algorithm").is_string())
      return doc->error(where,
                        "each signed file must be {\"name\", \"hash\", \"algorithm\": \"SHA-256\"}",
                        ErrorKind::signature);
    const std::string& name = entry.at("name").get_ref<const std::string&>();
    if (entry.at("algorithm") != "SHA-256")
      return doc->error(where, "signed file `" + name + "` uses an unsupported hash algorithm",
                        ErrorKind::signature);
    if (!signed_hashes.emplace(name, entry.at("hash").get<std::string>()).second)
      return doc->error(where, "file `" + name + "` is signed twice", ErrorKind::signature);
  }
  for (const auto& [name, hash] : file_hashes(files)) {
    auto it = signed_hashes.find(name);
    if (it == signed_hashes.end())
      return signature_error("file `" + name + "` is not covered by the signature (added)", {name});
    if (!crypto::constant_time_equal(hash, it->second))
      return signature_error("file `" + name + "` does not match its signed hash (altered)",
                             {name});
  }
  for (const auto& [name, hash] : signed_hashes)
    if (name == kSignaturesFile || !files.count(name))
      return signature_error("signed file `" + name + "` is missing from the bundle (removed)");
  return std::nullopt;
}

}  // namespace domain

Result<std::string> sign_bundle(const BundleFiles& files, SignatureAlgorithm algorithm,
                                std::string_view key, std::string_view key_id) {
  std::string signing_key;
  switch (algorithm) {
    case SignatureAlgorithm::none:
      return signature_error("choose a signature algorithm (hmac-sha256 or ed25519)");
    case SignatureAlgorithm::hmac_sha256:
      if (key.empty()) return signature_error("the HMAC-SHA-256 signing key is empty");
      signing_key = std::string(key);
      break;
    case SignatureAlgorithm::ed25519: {
      auto seed = ed25519_key(key);
      if (!seed)
        return signature_error(
            "the Ed25519 signing key must be the 32-byte private seed, raw "
            "or as 64 hex digits");
      signing_key = std::move(*seed);
      break;
    }
  }

  ordered_json header = ordered_json::object();
  header["alg"] = jws_algorithm(algorithm);
  if (!key_id.empty()) header["kid"] = std::string(key_id);
  ordered_json payload = ordered_json::object();
  payload["files"] = ordered_json::array();
  for (const auto& [name, hash] : domain::file_hashes(files))
    payload["files"].push_back({{"name", name}, {"hash", hash}, {"algorithm", "SHA-256"}});
  if (!key_id.empty()) payload["keyid"] = std::string(key_id);

  std::string input = signing_input(header.dump(), payload.dump());
  std::string signature;
  if (algorithm == SignatureAlgorithm::hmac_sha256) {
    signature = crypto::hmac_sha256(signing_key, input);
  } else {
    auto signed_bytes = crypto::ed25519_sign(signing_key, input);
    if (!signed_bytes) return signature_error("Ed25519 signing failed");
    signature = std::move(*signed_bytes);
  }
  ordered_json out = ordered_json::object();
  out["signatures"] = ordered_json::array({input + "." + crypto::base64url_encode(signature)});
  return out.dump(2) + "\n";
}

Result<std::string> ed25519_public_key_hex(std::string_view private_seed) {
  const SourceLocation where{"the signing key"};
  auto seed = ed25519_key(private_seed);
  if (!seed)
    return signature_error(
        "the Ed25519 signing key must be the 32-byte private seed, raw or as 64 hex digits", where);
  auto public_key = crypto::ed25519_public_key(*seed);
  if (!public_key) return signature_error("Ed25519 key derivation failed", where);
  return crypto::hex_encode(*public_key);
}

}  // namespace cordon
