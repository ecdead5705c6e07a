// `cordon conformance`: runs Cedar's integration tests and ends with `N passed, M failed`.
//
//   $ cordon conformance --root /tmp/corpus /tmp/corpus/corpus-tests
//   ...
//   55000 passed, 0 failed
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace cordon::cli {

extern const char kConformanceHelp[];

// Runs the subcommand with its arguments (after "conformance"); returns the exit code.
int run_conformance(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace cordon::cli
