// `cordon ratelimit`: sliding-window rate limits shared by every process using one SQLite
// file (native/server), and the coverage of the bundle's routes.
//
//   $ cordon ratelimit check --class auth --id 203.0.113.9
//   ALLOW  auth  203.0.113.9  9 left of 10 per 60 s
//   $ cordon ratelimit coverage
//   | route | action | rate limit | credential | ...
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kRateLimitHelp[];

// Exit status of `ratelimit check` when a request is denied by its limit.
inline constexpr int kExitRateLimited = 3;

int run_ratelimit(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err);

}  // namespace cordon::cli
