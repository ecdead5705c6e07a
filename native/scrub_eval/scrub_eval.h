// Measures a telemetry scrub profile on a labelled set of events
// (tests/telemetry/events.jsonl, built by tools/scrub-eval/make_events.py).
//
//   cordon::Result<cordon::native::ScrubEvaluation> report =
//       cordon::native::evaluate_scrubbing(bundle, jsonl_text, "error-monitoring", "events.jsonl");
//   std::cout << report->to_text();   // secrets removed 288/288 (100.00%), ...
//
// Each line of the set is one labelled event:
//
//   {"id": "event-007", "event": {...},
//    "planted": [{"value": "sk-proj-...", "kind": "secret" | "pii", "type": "openai",
//                 "where": "free_text"}],
//    "benign": ["tenant-ujzde8gx", ...],
//    "redacted_whole": ["/request/cookies"]}
//
// `value` is the planted text exactly as it appears in the event (percent-encoded in a URL
// when it was planted encoded). `where` names the kind of place (optional). `benign` lists
// values that must survive scrubbing. `redacted_whole` lists JSON Pointers of containers the
// profile replaces or removes as a whole by design (raw request bodies, cookies), whose other
// contents are therefore not false positives (optional).
//
// The measures, per event, after scrub_telemetry(bundle, event, profile):
//
//   removed         a planted value is removed when no string of the scrubbed event (keys,
//                   string values, numbers as text) contains the value, nor any run of 8
//                   consecutive characters of it (so a half-redacted token is a miss).
//   false positive  the event's leaves (every string, number, boolean and null, by JSON
//                   Pointer) that contain no planted value and are not inside a
//                   `redacted_whole` container are the values scrubbing must not touch; one
//                   of them that is missing or different afterwards is a false positive. The
//                   rate is false positives over all such leaves.
//   benign kept     each `benign` value occurs at least as often in the scrubbed event as in
//                   the original (outside `redacted_whole` containers).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"
#include "cordon/error.h"

namespace cordon::native {

struct ScrubTally {
  size_t planted = 0;
  size_t removed = 0;
};

struct ScrubMiss {
  std::string event_id;
  std::string kind;  // secret, pii
  std::string type;
  std::string where;
  std::string value;
  std::string found_at;  // JSON Pointer into the scrubbed event where it is still visible
  bool whole = true;     // the whole value is left, not only a fragment of it
};

struct ScrubFalsePositive {
  std::string event_id;
  std::string pointer;  // into the original event
  std::string before;   // JSON text
  std::string after;    // JSON text, or "(removed)"
};

struct ScrubLostBenign {
  std::string event_id;
  std::string value;
};

struct ScrubEvaluation {
  std::string source;
  std::string profile;
  std::string bundle;  // name@revision
  size_t events = 0;
  ScrubTally secrets;
  ScrubTally pii;
  std::map<std::string, ScrubTally> by_type;   // "secret openai", "pii email"
  std::map<std::string, ScrubTally> by_where;  // "secret free_text", "pii url"
  size_t untouchable_values = 0;  // leaves that are neither planted nor redacted by design
  size_t redacted_by_design = 0;  // leaves inside `redacted_whole` containers (not counted)
  size_t benign = 0;
  size_t benign_kept = 0;
  std::vector<ScrubMiss> misses;
  std::vector<ScrubFalsePositive> false_positives;
  std::vector<ScrubLostBenign> lost_benign;

  double secrets_percent() const;
  double pii_percent() const;
  double false_positive_percent() const;

  // A report for people: totals, per type and per place, then every miss and false positive.
  std::string to_text() const;
  // The same as one JSON object (keys in a fixed order).
  std::string to_json() const;
};

// Scrubs every event of `labelled_jsonl` (one labelled event per non-blank line) with
// `profile` and measures the result. A malformed line, an unknown key, a planted value that
// is not in its event or a scrubbing failure is an error naming `source_name:line`.
Result<ScrubEvaluation> evaluate_scrubbing(const Bundle& bundle, std::string_view labelled_jsonl,
                                           std::string_view profile, std::string_view source_name);

}  // namespace cordon::native
