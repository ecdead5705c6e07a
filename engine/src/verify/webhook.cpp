// Webhook signature verification (cordon/webhook.h).
#include "cordon/webhook.h"

#include <algorithm>
#include <optional>

#include "crypto/crypto.h"

namespace cordon::webhook {

namespace {

constexpr size_t kMaxHeaderLength = 4096;
constexpr size_t kMaxSignatures = 16;
constexpr size_t kMaxTimestampDigits = 12;  // Unix seconds up to the year 33658
constexpr int64_t kMaxToleranceSeconds = 86400;

Error header_error(std::string message) {
  Error error;
  error.kind = ErrorKind::verification;
  error.message = std::move(message);
  return error;
}

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > kMaxTimestampDigits ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return header_error("the timestamp is not a number of seconds (1 to " +
                        std::to_string(kMaxTimestampDigits) + " decimal digits)");
  int64_t value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

// 64 hex digits, either case, to the 32 raw bytes.
std::optional<std::string> signature_bytes(std::string_view hex) {
  if (hex.size() != 2 * crypto::kSha256Size) return std::nullopt;
  return crypto::hex_decode(hex);
}

std::string signed_content(int64_t timestamp, std::string_view payload) {
  std::string content = std::to_string(timestamp);
  content += '.';
  content.append(payload);
  return content;
}

Verdict outcome(Verdict verdict, Outcome result, std::string message) {
  verdict.verified = result == Outcome::verified;
  verdict.outcome = result;
  verdict.message = std::move(message);
  return verdict;
}

}  // namespace

const char* to_string(Scheme scheme) {
  return scheme == Scheme::stripe ? "stripe" : "generic";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::verified:
      return "verified";
    case Outcome::unset:
      return "unset";
    case Outcome::misconfigured:
      return "misconfigured";
    case Outcome::malformed:
      return "malformed";
    case Outcome::no_signature:
      return "no_signature";
    case Outcome::mismatch:
      return "mismatch";
    case Outcome::too_old:
      return "too_old";
    case Outcome::too_new:
      return "too_new";
    case Outcome::replayed:
      return "replayed";
    case Outcome::store_failed:
      return "store_failed";
  }
  return "unset";
}

Result<SignatureHeader> parse_stripe_header(std::string_view header) {
  if (header.size() > kMaxHeaderLength)
    return header_error("the signature header is longer than " + std::to_string(kMaxHeaderLength) +
                        " characters");
  if (trim(header).empty()) return header_error("the signature header is empty");
  SignatureHeader parsed;
  bool has_timestamp = false;
  size_t start = 0;
  size_t item_number = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    const std::string_view item = trim(header.substr(start, end - start));
    start = end + 1;
    ++item_number;
    if (item.empty()) {
      return header_error("item " + std::to_string(item_number) +
                          " of the signature header is empty");
    }
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos || equals == 0)
      return header_error("item " + std::to_string(item_number) +
                          " of the signature header is not `key=value`");
    const std::string_view key = item.substr(0, equals);
    const std::string_view value = item.substr(equals + 1);
    if (key == "t") {
      if (has_timestamp) return header_error("the signature header has more than one `t=`");
      Result<int64_t> timestamp = parse_timestamp(value);
      if (!timestamp) return timestamp.error();
      parsed.timestamp = *timestamp;
      has_timestamp = true;
    } else if (key == "v1") {
      std::optional<std::string> bytes = signature_bytes(value);
      if (!bytes) return header_error("a `v1=` signature is not 64 hex digits (HMAC-SHA-256)");
      if (parsed.signatures.size() == kMaxSignatures)
        return header_error("the signature header has more than " + std::to_string(kMaxSignatures) +
                            " signatures");
      parsed.signatures.push_back(std::move(*bytes));
    }
    // v0 (test-mode signatures) and schemes this verifier does not know are ignored.
  }
  if (!has_timestamp) return header_error("the signature header has no `t=` timestamp");
  return parsed;
}

Result<SignatureHeader> parse_generic_headers(std::string_view timestamp_header,
                                              std::string_view signature_header) {
  if (signature_header.size() > kMaxHeaderLength)
    return header_error("the signature header is longer than " + std::to_string(kMaxHeaderLength) +
                        " characters");
  Result<int64_t> timestamp = parse_timestamp(trim(timestamp_header));
  if (!timestamp) return timestamp.error();
  SignatureHeader parsed;
  parsed.timestamp = *timestamp;
  size_t start = 0;
  while (start < signature_header.size()) {
    const size_t end = signature_header.find_first_of(", \t", start);
    const std::string_view entry =
        signature_header.substr(start, end == std::string_view::npos ? end : end - start);
    start = end == std::string_view::npos ? signature_header.size() : end + 1;
    if (entry.empty()) continue;
    std::string_view hex = entry;
    const size_t equals = entry.find('=');
    if (equals != std::string_view::npos) {
      const std::string algorithm = lowercase(entry.substr(0, equals));
      if (algorithm != "sha256" && algorithm != "v1") continue;  // sha1=..., another scheme
      hex = entry.substr(equals + 1);
    }
    std::optional<std::string> bytes = signature_bytes(hex);
    if (!bytes) return header_error("a signature is not 64 hex digits (HMAC-SHA-256)");
    if (parsed.signatures.size() == kMaxSignatures)
      return header_error("the signature header has more than " + std::to_string(kMaxSignatures) +
                          " signatures");
    parsed.signatures.push_back(std::move(*bytes));
  }
  return parsed;
}

Verdict verify(const Delivery& delivery, const std::vector<SecretBytes>& secrets,
               const VerifyOptions& options) {
  Verdict verdict;
  const bool any_secret = std::any_of(secrets.begin(), secrets.end(),
                                      [](const SecretBytes& secret) { return !secret.empty(); });
  if (!any_secret)
    return outcome(verdict, Outcome::unset,
                   "no webhook secret is configured; every delivery is refused");
  if (options.tolerance_seconds < 0 || options.tolerance_seconds > kMaxToleranceSeconds)
    return outcome(verdict, Outcome::misconfigured,
                   "the timestamp tolerance must be 0 to " + std::to_string(kMaxToleranceSeconds) +
                       " seconds");
  if (options.now < 0)
    return outcome(verdict, Outcome::misconfigured, "the current time is before 1970");

  Result<SignatureHeader> header =
      delivery.scheme == Scheme::stripe
          ? parse_stripe_header(delivery.signature_header)
          : parse_generic_headers(delivery.timestamp_header, delivery.signature_header);
  if (!header) return outcome(verdict, Outcome::malformed, header.error().message);
  verdict.timestamp = header->timestamp;
  if (header->signatures.empty())
    return outcome(verdict, Outcome::no_signature,
                   delivery.scheme == Scheme::stripe
                       ? "the signature header has no `v1=` signature"
                       : "the signature header has no HMAC-SHA-256 signature");

  std::string content = signed_content(header->timestamp, delivery.payload);
  bool matched = false;
  for (size_t i = 0; i < secrets.size() && !matched; ++i) {
    if (secrets[i].empty()) continue;
    const std::string expected = crypto::hmac_sha256(secrets[i].view(), content);
    for (const std::string& signature : header->signatures) {
      if (crypto::constant_time_equal(expected, signature)) {
        matched = true;
        verdict.secret_index = i;
        break;
      }
    }
  }
  if (!matched)
    return outcome(verdict, Outcome::mismatch,
                   "no signature matches the payload under the configured secret" +
                       std::string(secrets.size() > 1 ? "s" : ""));

  verdict.replay_key = options.replay_scope + (options.replay_scope.empty() ? "" : ":") +
                       to_string(delivery.scheme) + ":" + crypto::sha256_hex(content);
  verdict.replay_expires_at = header->timestamp + options.tolerance_seconds + 1;

  // No overflow: now >= 0 and a timestamp has at most 12 digits.
  const int64_t skew = options.now - header->timestamp;
  if (skew > options.tolerance_seconds)
    return outcome(verdict, Outcome::too_old,
                   "the timestamp is " + std::to_string(skew) + " seconds old; the tolerance is " +
                       std::to_string(options.tolerance_seconds) + " seconds");
  if (-skew > options.tolerance_seconds)
    return outcome(verdict, Outcome::too_new,
                   "the timestamp is " + std::to_string(-skew) +
                       " seconds in the future; the tolerance is " +
                       std::to_string(options.tolerance_seconds) + " seconds");

  if (options.replay_store != nullptr) {
    Result<bool> fresh =
        options.replay_store->remember(verdict.replay_key, verdict.replay_expires_at, options.now);
    if (!fresh)
      return outcome(
          verdict, Outcome::store_failed,
          "the replay store failed, so the delivery is refused: " + fresh.error().message);
    if (!*fresh)
      return outcome(verdict, Outcome::replayed, "this delivery was already accepted once");
  }
  return outcome(verdict, Outcome::verified, "the signature and timestamp are valid");
}

std::string sign(Scheme scheme, std::string_view secret, int64_t timestamp,
                 std::string_view payload) {
  const std::string tag =
      crypto::hex_encode(crypto::hmac_sha256(secret, signed_content(timestamp, payload)));
  if (scheme == Scheme::stripe) return "t=" + std::to_string(timestamp) + ",v1=" + tag;
  return "sha256=" + tag;
}

}  // namespace cordon::webhook
