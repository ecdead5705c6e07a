// `cordon scrub`: masks a JSON payload for a viewer (field classes decided by Cedar), or
// scrubs telemetry events with a scrub profile.
//
//   $ viewer='{"user":"pat","roles":["staff"],"tenant":"acme","status":"active"}'
//   $ cordon scrub --viewer "$viewer" --surface mobile --profile dashboard < dashboard.json
//   $ cordon scrub --telemetry --profile sentry < events.jsonl
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kScrubHelp[];

int run_scrub(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err);

}  // namespace cordon::cli
