// `cordon authorize`: answers Cedar authorization requests given as JSON lines.
//
//   $ echo '{"principal":{"type":"User","id":"alice"},"action":{"type":"Action","id":"view"},
//            "resource":{"type":"Photo","id":"x"},"context":{}}' |
//       cordon authorize --policies app.cedar --entities entities.json
//   {"type":"success","response":{"decision":"allow",...},"warnings":[]}
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kAuthorizeHelp[];

// Runs the subcommand with its arguments (after "authorize"); returns the exit code.
int run_authorize(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err);

}  // namespace cordon::cli
