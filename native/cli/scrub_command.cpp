// `cordon scrub`: builds domain_json's apply_field_mask / scrub_telemetry calls from the
// command line and the input, and prints their answers unchanged.
#include "cli/scrub_command.h"

#include <iostream>
#include <iterator>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "conformance/text_file.h"
#include "cordon/domain_json.h"
#include "scrub_eval/scrub_eval.h"

namespace cordon::cli {

const char kScrubHelp[] =
    R"(usage: cordon scrub [--bundle DIR] --viewer JSON --surface S --profile P [--input FILE]
       cordon scrub [--bundle DIR] --telemetry --profile P [--input FILE]
       cordon scrub [--bundle DIR] --evaluate FILE --profile P [--json]

Field mask (the first form): reads one JSON payload (the whole input, stdin by default)
and removes or masks the fields of the profile's field classes that the viewer may not read
on surface S. Prints {"type":"success","result":{"payload":...,"removed":[...],...}}, the
removed and masked locations as RFC 6901 JSON Pointers into the original payload.

Telemetry (--telemetry): reads one event per input line and prints one answer per line,
{"type":"success","result":{"event":...,"removed":[...],"replaced":[...]}}; a line that is
not valid is answered {"type":"failure","errors":[...]} and the others are still answered.
A profile that hashes needs --scrub-hash-key-env.

Evaluation (--evaluate FILE): scrubs every event of a labelled set (one
{"id","event","planted":[{"value","kind","type","where"}],"benign","redacted_whole"} per
line, such as tests/telemetry/events.jsonl) and reports the planted secrets and PII
removed, the false-positive rate (values neither planted nor redacted by design that were
changed, over all such values), a breakdown per type and per place, and every miss and
false positive. docs/telemetry-scrubbing.md defines the measures.

options:
  --viewer JSON     the reader's session: {"user","roles","tenant"?,"status"}
  --surface S       the surface the payload is shown on (a surface of the manifest)
  --profile P       a field-mask profile (fields.json) or, with --telemetry, a scrub profile
  --telemetry       scrub telemetry events instead of masking a payload
  --input FILE      read from FILE instead of stdin
  --evaluate FILE   measure the profile on the labelled set FILE
  --json            with --evaluate, print the report as one JSON object

exit status: 0 when answered (even with a failure answer), 1 for a bad command line, 2 when
the bundle or input cannot be read.
)";

namespace {

// Ordered, so a failure has domain_json's member order.
using Json = nlohmann::ordered_json;

struct ScrubOptions {
  BundleFlags bundle;
  std::string viewer;
  std::string surface;
  std::string profile;
  std::string input_file;
  std::string evaluate_file;
  bool telemetry = false;
  bool json = false;
};

std::optional<ScrubOptions> read_options(const std::vector<std::string>& args, std::ostream& err) {
  ScrubOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const FlagMatch flag = match_bundle_flag("scrub", args, i, options.bundle, err);
    if (flag == FlagMatch::invalid) return std::nullopt;
    if (flag == FlagMatch::matched) continue;
    if (args[i] == "--telemetry") {
      options.telemetry = true;
      continue;
    }
    if (args[i] == "--json") {
      options.json = true;
      continue;
    }
    OptionMatch match = OptionMatch::no_match;
    for (auto [name, value] :
         {std::pair{"--viewer", &options.viewer}, std::pair{"--surface", &options.surface},
          std::pair{"--profile", &options.profile}, std::pair{"--input", &options.input_file},
          std::pair{"--evaluate", &options.evaluate_file}}) {
      match = match_option(args, i, name, *value);
      if (match == OptionMatch::missing_value) {
        err << "cordon scrub: " << name << " needs a value\n";
        return std::nullopt;
      }
      if (match == OptionMatch::matched) break;
    }
    if (match == OptionMatch::matched) continue;
    err << "cordon scrub: unknown argument '" << args[i] << "' (see cordon scrub --help)\n";
    return std::nullopt;
  }
  if (options.profile.empty()) {
    err << "cordon scrub: --profile is required\n";
    return std::nullopt;
  }
  if (!options.evaluate_file.empty()) {
    if (!options.viewer.empty() || !options.surface.empty() || !options.input_file.empty()) {
      err << "cordon scrub: --evaluate takes no --viewer, --surface or --input\n";
      return std::nullopt;
    }
    options.telemetry = true;
  } else if (options.json) {
    err << "cordon scrub: --json is for --evaluate (the other forms always print JSON)\n";
    return std::nullopt;
  }
  if (options.telemetry && (!options.viewer.empty() || !options.surface.empty())) {
    err << "cordon scrub: --viewer and --surface are for field masks, not --telemetry\n";
    return std::nullopt;
  }
  if (!options.telemetry) {
    if (options.viewer.empty() || options.surface.empty()) {
      err << "cordon scrub: a field mask needs --viewer and --surface (or use --telemetry)\n";
      return std::nullopt;
    }
    if (!Json::accept(options.viewer)) {
      err << "cordon scrub: --viewer is not JSON\n";
      return std::nullopt;
    }
  }
  return options;
}

// domain_json's failure shape, for a line that never reaches the engine.
std::string failure_answer(const std::string& message) {
  const Json error = {{"message", message},
                      {"help", nullptr},
                      {"code", nullptr},
                      {"url", nullptr},
                      {"severity", "error"}};
  return Json{{"type", "failure"}, {"errors", Json::array({error})}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

int run_scrub(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err) {
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kScrubHelp << '\n' << kBundleOptionsHelp;
      return kExitOk;
    }
  }
  std::optional<ScrubOptions> options = read_options(args, err);
  if (!options) return kExitUsage;
  std::optional<Bundle> bundle = load_bundle("scrub", options->bundle, err);
  if (!bundle) return kExitBadInput;
  if (!options->evaluate_file.empty()) {
    Result<std::string> set = native::read_text_file(options->evaluate_file);
    if (!set) {
      err << set.error().to_string() << "\n";
      return kExitBadInput;
    }
    Result<native::ScrubEvaluation> report =
        native::evaluate_scrubbing(*bundle, *set, options->profile, options->evaluate_file);
    if (!report) {
      err << report.error().to_string() << "\n";
      return kExitBadInput;
    }
    out << (options->json ? report->to_json() + "\n" : report->to_text());
    return kExitOk;
  }
  std::ifstream file;
  std::istream* input = open_input(options->input_file, in, file, err);
  if (input == nullptr) return kExitBadInput;

  // The payload and event are spliced in as text, never re-serialized, so numbers keep
  // their exact spelling; accept() first guarantees each is one JSON value and nothing more.
  const std::string profile = Json(options->profile).dump();
  if (options->telemetry) {
    const std::string input_name = options->input_file.empty() ? "<stdin>" : options->input_file;
    answer_lines(*input, out, [&](const std::string& line, size_t line_number) {
      if (!Json::accept(line)) {
        return failure_answer(input_name + ":" + std::to_string(line_number) +
                              ": json error: the event is not one JSON value");
      }
      return domain_json::scrub_telemetry(*bundle,
                                          R"({"event":)" + line + R"(,"profile":)" + profile + "}");
    });
    return kExitOk;
  }
  const std::string payload(std::istreambuf_iterator<char>(*input), {});
  if (!Json::accept(payload)) {
    err << "cordon scrub: the payload ("
        << (options->input_file.empty() ? "<stdin>" : options->input_file)
        << ") is not one JSON value\n";
    return kExitBadInput;
  }
  out << domain_json::apply_field_mask(*bundle, R"({"payload":)" + payload + R"(,"viewer":)" +
                                                    options->viewer + R"(,"surface":)" +
                                                    Json(options->surface).dump() +
                                                    R"(,"profile":)" + profile + "}")
      << '\n';
  return kExitOk;
}

}  // namespace cordon::cli
