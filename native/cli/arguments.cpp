// Command-line option matching shared by the CLI's subcommands.
#include "cli/arguments.h"

namespace cordon::cli {

OptionMatch match_option(const std::vector<std::string>& args, size_t& i, std::string_view name,
                         std::string& value) {
  std::string_view arg = args[i];
  if (arg == name) {
    if (i + 1 >= args.size()) return OptionMatch::missing_value;
    value = args[++i];
    return OptionMatch::matched;
  }
  if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
    value = std::string(arg.substr(name.size() + 1));
    return OptionMatch::matched;
  }
  return OptionMatch::no_match;
}

bool is_help(std::string_view arg) {
  return arg == "-h" || arg == "--help";
}

}  // namespace cordon::cli
