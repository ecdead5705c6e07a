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

#include <cstdint>
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

// Which detectors can match a text, from one cheap pass over it (prefilter()), so that a
// scrubber runs only those. Each condition is necessary for its detector, never sufficient:
// a detector the prefilter keeps may still find nothing, one it drops finds nothing.
struct Prefilter {
  uint32_t detectors = 0;       // bit 1 << Detector for each detector that may match
  bool name_separator = false;  // an `=` or `:` (a `name=value` pair needs one)
  bool percent = false;         // a `%` (percent-escapes need one)
};
Prefilter prefilter(std::string_view text);

inline bool may_match(Detector detector, const Prefilter& p) {
  return (p.detectors >> static_cast<unsigned>(detector)) & 1u;
}

// Whether a card number's digits pass the Luhn check.
bool luhn_valid(std::string_view digits);

}  // namespace cordon::telemetry
