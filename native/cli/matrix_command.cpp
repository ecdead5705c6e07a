// `cordon matrix`: a thin wrapper over domain_json::access_matrix, which refuses an
// undeclared surface or format; the text renderings are printed as they are.
#include "cli/matrix_command.h"

#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "cordon/domain_json.h"

namespace cordon::cli {

const char kMatrixHelp[] =
    R"(usage: cordon matrix [--bundle DIR] [--surface S] [--format markdown|csv|html|json]
                     [bundle options]

Prints the access matrix: for each route (rows) and each Role entity (columns), whether an
active user holding only that role is allowed, denied, or allowed on a condition (own tenant
only, a valid credential), on surface S (default: desktop).

options:
  --surface S       a surface the bundle's manifest declares (default: desktop)
  --format F        markdown (default), csv (CRLF lines), html (a self-contained page) or
                    json ({bundle, revision, surface, roles, routes, actions, cells, notes})

exit status: 1 for an undeclared surface or an unknown format (the error is on stderr).
)";

namespace {

using Json = nlohmann::ordered_json;

}  // namespace

int run_matrix(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  BundleFlags flags;
  std::string surface = "desktop";
  std::string format = "markdown";
  for (size_t i = 0; i < args.size(); ++i) {
    if (is_help(args[i])) {
      out << kMatrixHelp << '\n' << kBundleOptionsHelp;
      return kExitOk;
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const FlagMatch flag = match_bundle_flag("matrix", args, i, flags, err);
    if (flag == FlagMatch::invalid) return kExitUsage;
    if (flag == FlagMatch::matched) continue;
    OptionMatch match = OptionMatch::no_match;
    for (auto [name, value] : {std::pair{"--surface", &surface}, std::pair{"--format", &format}}) {
      match = match_option(args, i, name, *value);
      if (match == OptionMatch::missing_value) {
        err << "cordon matrix: " << name << " needs a value\n";
        return kExitUsage;
      }
      if (match == OptionMatch::matched) break;
    }
    if (match == OptionMatch::matched) continue;
    err << "cordon matrix: unknown argument '" << args[i] << "' (see cordon matrix --help)\n";
    return kExitUsage;
  }
  std::optional<Bundle> bundle = load_bundle("matrix", flags, err);
  if (!bundle) return kExitBadInput;

  const Json call = {{"surface", surface}, {"format", format}};
  const std::string answer_text = domain_json::access_matrix(*bundle, call.dump());
  const Json answer = Json::parse(answer_text, nullptr, false);
  if (!answer.is_object() || answer.value("type", "") != "success") {
    err << "cordon matrix: " << first_error_message(answer_text) << "\n";
    return kExitUsage;
  }
  const Json& matrix = answer["matrix"];
  if (matrix.is_string()) {
    out << matrix.get<std::string>();
  } else {
    out << matrix.dump() << '\n';
  }
  return kExitOk;
}

}  // namespace cordon::cli
