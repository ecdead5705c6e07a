// Small helpers for reading a subcommand's command-line arguments.
//
//   std::string policies;
//   switch (cordon::cli::match_option(args, i, "--policies", policies)) { ... }
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cordon::cli {

// Exit codes of the CLI, documented in `cordon --help`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;     // bad command line
inline constexpr int kExitBadInput = 2;  // a file could not be read or loaded

enum class OptionMatch {
  no_match,       // args[i] is not this option
  matched,        // value holds the option's value; i now points at the last argument used
  missing_value,  // the option was given without a value
};

// Reads `--name VALUE` or `--name=VALUE` at args[i].
OptionMatch match_option(const std::vector<std::string>& args, size_t& i, std::string_view name,
                         std::string& value);

// True if args[i] is `-h` or `--help`.
bool is_help(std::string_view arg);

}  // namespace cordon::cli
