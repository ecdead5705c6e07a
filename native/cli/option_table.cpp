// Option tables of the store subcommands (option_table.h).
#include "cli/option_table.h"

#include <cstdlib>
#include <ostream>

#include "cli/arguments.h"

namespace cordon::cli {

std::string ParsedOptions::value(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& ParsedOptions::all(const std::string& name) const {
  static const std::vector<std::string> kNone;
  auto it = values.find(name);
  return it == values.end() ? kNone : it->second;
}

std::optional<ParsedOptions> OptionTable::parse(const std::vector<std::string>& args,
                                                std::ostream& err, BundleFlags* bundle) const {
  ParsedOptions parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    if (bundle) {
      const FlagMatch flag = match_bundle_flag(command, args, i, *bundle, err);
      if (flag == FlagMatch::invalid) return std::nullopt;
      if (flag == FlagMatch::matched) continue;
    }
    if (flags.count(args[i])) {
      parsed.flags.insert(args[i]);
      continue;
    }
    bool matched = false;
    for (const std::string& name : with_value) {
      std::string value;
      const OptionMatch match = match_option(args, i, name, value);
      if (match == OptionMatch::missing_value) {
        err << "cordon " << command << ": " << name << " needs a value\n";
        return std::nullopt;
      }
      if (match == OptionMatch::matched) {
        parsed.values[name].push_back(value);
        matched = true;
        break;
      }
    }
    if (matched) continue;
    err << "cordon " << command << ": unknown argument '" << args[i] << "' (see cordon "
        << command.substr(0, command.find(' ')) << " --help)\n";
    return std::nullopt;
  }
  return parsed;
}

std::string environment_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

}  // namespace cordon::cli
