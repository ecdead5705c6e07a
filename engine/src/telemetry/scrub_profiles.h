// Telemetry scrub profiles (scrub.json): key-name rules and value detectors, each
// with a method — remove, replace, mask or hash (HMAC-SHA-256 with the bundle's
// key, a stable pseudonym; never an unkeyed hash).
//
// Key rules match object keys (case-insensitive; `-`, ` ` and camelCase humps as `_`),
// header pairs (["Authorization", "..."]), command-line flags followed by their value
// (["--api-key", "..."]), URL query parameters, `name=value` / `name: value` in free text and
// `"name": "value"` in JSON text. A rule name with a dot (`request.data`) matches a key
// whose enclosing object's key is the part before the dot. Detectors find values anywhere in
// strings; a string with percent-escapes is also scrubbed decoded (see scrub_profiles.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cordon/masks.h"
#include "domain/bundle_data.h"
#include "telemetry/detectors.h"

namespace cordon::telemetry {

enum class Method { remove, replace, mask, hash };

struct KeyRule {
  enum class Match { exact, prefix, suffix, contains } match = Match::exact;
  std::vector<std::string> names;   // normalized: lower case, '-' as '_'
  std::vector<std::string> except;  // normalized keys the rule leaves alone (exact)
  Method method = Method::replace;
};

struct DetectorRule {
  Detector detector = Detector::email;
  Method method = Method::replace;
};

// A number no other object of its program gets, not even a copy: lets a per-thread cache know
// the very object it was built from (an address can be reused, a number is not).
class InstanceId {
 public:
  InstanceId() : value_(next()) {}
  InstanceId(const InstanceId&) : value_(next()) {}
  InstanceId& operator=(const InstanceId&) {
    value_ = next();
    return *this;
  }
  uint64_t value() const { return value_; }

 private:
  static uint64_t next();
  uint64_t value_;
};

struct ScrubProfile {
  InstanceId instance;  // for the scrubber's per-thread key cache
  std::string name;
  std::string replacement = "[Filtered]";
  std::vector<KeyRule> keys;
  std::vector<DetectorRule> values;
  bool hashes = false;  // some rule hashes: scrubbing needs the bundle's hash key
};

// Scrubs one event (JSON text) with a profile of the bundle: scrub_telemetry's work, for
// callers that have checked that the text is UTF-8 already (`utf8_checked`).
Result<ScrubbedEvent> scrub_event(const Bundle& bundle, std::string_view event_json,
                                  std::string_view profile, bool utf8_checked);

// scrub_event() of the value that starts `text` (UTF-8, checked by the caller), which goes on
// with more of a larger document: `end` is set to where the value ends; what follows is not
// read. For a caller that reads the rest itself (the domain call: the event, then the call).
Result<ScrubbedEvent> scrub_leading_event(const Bundle& bundle, std::string_view text,
                                          std::string_view profile, size_t& end);

// ScrubbedEvent::to_json()'s text appended to `out`, whose capacity is made enough for it and
// `then` bytes more: a caller that wraps it in an answer copies the scrubbed event once.
void append_json(const ScrubbedEvent& event, std::string& out, size_t then = 0);

// Lower case, with '-' and ' ' as '_' and camelCase humps split by '_', so "Set-Cookie"
// matches "set_cookie", "firstName" "first_name" and "APIKey" "api_key".
std::string normalize_key(std::string_view key);

}  // namespace cordon::telemetry

namespace cordon::domain {

class ScrubProfiles {
 public:
  std::map<std::string, telemetry::ScrubProfile> profiles;
};

}  // namespace cordon::domain
