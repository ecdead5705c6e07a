// Webhook signatures: HMAC-SHA-256 over "<timestamp>.<payload>" under a shared secret, with a
// timestamp tolerance and, given a replay store, each delivery accepted once.
//
// Two header forms:
//   stripe   Stripe-Signature: t=1700000000,v1=<64 hex>[,v1=<64 hex>...]   (v0 and unknown
//            schemes are ignored; several v1 values come while the sender rotates its secret)
//   generic  a timestamp header (decimal Unix seconds) and a signature header holding one or
//            more of `sha256=<64 hex>`, `v1=<64 hex>` or `<64 hex>`, separated by commas or
//            spaces (other `alg=` entries are ignored)
//
//   cordon::webhook::Delivery delivery{cordon::webhook::Scheme::stripe, body, header};
//   std::vector<cordon::SecretBytes> secrets;   // the current secret, and the previous one
//   secrets.push_back(cordon::SecretBytes::from(secret_text));
//   cordon::MemoryReplayStore seen;
//   auto verdict = cordon::webhook::verify(delivery, secrets, {.now = now, .replay_store = &seen});
//   if (!verdict.verified) return reject(verdict.message);   // to_string(verdict.outcome)
//
// Order of the checks: a secret is configured (else `unset`: fail closed), the header parses,
// a signature matches (compared in constant time), the timestamp is within the tolerance,
// and the delivery was not seen before. Only a delivery that passed every other check is
// recorded, so forged requests cannot fill the replay store. Messages never hold a secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/error.h"
#include "cordon/replay_store.h"
#include "cordon/secret_bytes.h"

namespace cordon::webhook {

enum class Scheme { stripe, generic };
const char* to_string(Scheme scheme);  // "stripe", "generic"

// What the header says: the timestamp and the signatures of the expected scheme (raw
// 32-byte HMAC-SHA-256 values). Parse errors have kind `verification`.
struct SignatureHeader {
  int64_t timestamp = 0;
  std::vector<std::string> signatures;
};
Result<SignatureHeader> parse_stripe_header(std::string_view header);
Result<SignatureHeader> parse_generic_headers(std::string_view timestamp_header,
                                              std::string_view signature_header);

struct Delivery {
  Scheme scheme = Scheme::stripe;
  std::string_view payload;           // the raw request body, byte for byte
  std::string_view signature_header;  // Stripe-Signature, or the generic signature header
  std::string_view timestamp_header;  // generic only
};

struct VerifyOptions {
  int64_t now = 0;                      // Unix seconds
  int64_t tolerance_seconds = 300;      // |now - timestamp| may be at most this (0 to 86400)
  ReplayStore* replay_store = nullptr;  // nullptr: the caller checks replay_key itself
  std::string replay_scope;             // prefixes replay keys: one store, several endpoints
};

enum class Outcome {
  verified,
  unset,          // no secret configured: refused (fail closed)
  misconfigured,  // a tolerance outside 0..86400
  malformed,      // the header does not parse
  no_signature,   // no signature of the expected scheme in the header
  mismatch,       // no signature matches any secret
  too_old,        // the timestamp is more than the tolerance before now
  too_new,        // the timestamp is more than the tolerance after now
  replayed,       // the same delivery was accepted before
  store_failed,   // the replay store could not answer: refused (fail closed)
};
const char* to_string(Outcome outcome);  // "verified", "unset", "malformed", ...

struct Verdict {
  bool verified = false;
  Outcome outcome = Outcome::unset;
  std::string message;
  int64_t timestamp = 0;  // the header's, once it parsed
  // Once a signature matched: the delivery's key for a replay store (the scope, then the
  // SHA-256 of what was signed, so reordering or adding signatures does not change it), how
  // long to remember it, and which of the secrets matched.
  std::string replay_key;
  int64_t replay_expires_at = 0;
  size_t secret_index = 0;
};

Verdict verify(const Delivery& delivery, const std::vector<SecretBytes>& secrets,
               const VerifyOptions& options);

// The header a sender attaches: "t=<timestamp>,v1=<hex>" (stripe) or "sha256=<hex>" (generic,
// sent with the timestamp in its own header). For tests, examples and the CLI.
std::string sign(Scheme scheme, std::string_view secret, int64_t timestamp,
                 std::string_view payload);

}  // namespace cordon::webhook
