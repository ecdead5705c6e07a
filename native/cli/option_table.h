// Reads a subcommand's options from a table of names: options that take a value (which may
// repeat) and flags, plus the bundle options when the subcommand loads a bundle.
//
//   OptionTable table{"audit query", {"--db", "--tenant", "--limit"}, {"--json"}};
//   std::optional<ParsedOptions> options = table.parse(args, err, &bundle_flags);
//   options->value("--db", "cordon-audit.db"); options->has("--json");
#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/bundle_options.h"

namespace cordon::cli {

struct ParsedOptions {
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> flags;

  bool has(const std::string& name) const { return flags.count(name) || values.count(name); }
  // The last value given, or `fallback`.
  std::string value(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& all(const std::string& name) const;
};

struct OptionTable {
  std::string command;               // "audit query", for messages
  std::set<std::string> with_value;  // --name VALUE or --name=VALUE
  std::set<std::string> flags;       // --name

  // Reports a problem on `err` (naming the command) and returns nothing. When `bundle` is
  // given, the bundle options are accepted too.
  std::optional<ParsedOptions> parse(const std::vector<std::string>& args, std::ostream& err,
                                     BundleFlags* bundle = nullptr) const;
};

// The value of environment variable `name`, or `fallback` when unset or empty.
std::string environment_or(const char* name, const std::string& fallback);

}  // namespace cordon::cli
