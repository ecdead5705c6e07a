// Value detectors for telemetry scrubbing: find secrets and personal data inside
// free text — emails, phone numbers, bearer tokens, JWTs, well-known API keys,
// payment card numbers (Luhn-checked), IP addresses, the password of a URL
// (`postgres://user:PASSWORD@host`) and a secret-looking word right after a word
// such as key, token, secret or password (`rejected with key 8f3a...`).
//
//   for (const Match& m : find_all(Detector::email, "mail jo@x.org now")) ...  // {5, 9}
//
// Hand-written scanners rather than regular expressions: linear time on any input,
// and small in the WebAssembly build.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cordon::telemetry {

enum class Detector { email, phone, bearer, jwt, api_key, card, ip, url_password, keyword_secret };

// The detector names scrub.json accepts, for error messages.
inline constexpr char kDetectorNames[] =
    "email, phone, bearer, jwt, api_key, card, ip, url_password, keyword_secret";

std::optional<Detector> detector_from_name(std::string_view name);
const char* detector_name(Detector d);

struct Match {
  size_t begin = 0;
  size_t end = 0;  // one past the last byte
};

// Non-overlapping matches of one detector, left to right.
std::vector<Match> find_all(Detector detector, std::string_view text);

// Counts of the characters detectors need, gathered in one pass over a text, so that a
// scrubber can skip the detectors that cannot match it (may_match) without running them.
struct TextTraits {
  size_t digits = 0;
  size_t dots = 0;
  size_t colons = 0;
  size_t equals = 0;
  bool at_sign = false;
  bool percent = false;
  bool bearer_word = false;     // "bearer", "basic" or "token" starts a word (any case)
  bool secret_keyword = false;  // a word is one of keyword_secret's (key, token, password...)
  bool api_key_prefix = false;  // a word starts with a known API key prefix
};
TextTraits traits_of(std::string_view text);

// False only when `detector` finds nothing in any text with these traits (each detector's
// necessary characters: an `@` for an email, 10 digits for a phone number, ...).
bool may_match(Detector detector, const TextTraits& traits);

// Whether a card number's digits pass the Luhn check.
bool luhn_valid(std::string_view digits);

}  // namespace cordon::telemetry
