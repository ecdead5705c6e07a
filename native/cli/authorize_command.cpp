// `cordon authorize`: loads policies and entities once, then answers one JSON line at a
// time, so a malformed line fails alone and the others are still answered.
#include "cli/authorize_command.h"

#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "conformance/text_file.h"
#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/json_api.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"

namespace cordon::cli {

const char kAuthorizeHelp[] =
    R"(usage: cordon authorize [--policies FILE] [--entities FILE] [--input FILE] [--pretty]
       cordon authorize --bundle DIR [bundle options] [--input FILE] [--pretty]

Answers Cedar authorization requests, one JSON object per input line (stdin by default),
with one JSON answer per output line, shaped like @cedar-policy/cedar-wasm's
AuthorizationAnswer:
  {"type":"success","response":{"decision":"allow","diagnostics":{"reason":["policy0"],"errors":[]}},"warnings":[]}

An input line is either
  a request      {"principal": P, "action": A, "resource": R, "context": {...}}
                 answered against --policies and --entities; entity references P, A, R
                 may be {"type": T, "id": I}, {"__entity": {"type": T, "id": I}} or
                 Cedar text "User::\"alice\"";
  a full call    a cedar-wasm AuthorizationCall (it has "policies"), answered on its own.
A line that is not a valid request is answered {"type":"failure","errors":[...]} and the
following lines are still answered. Blank lines are skipped.

options:
  --policies FILE   Cedar policy text (default: no policies, so every request is denied)
  --entities FILE   Cedar entities JSON (default: no entities)
  --bundle DIR      use a policy bundle's policies (all of them, @gate ones included) and
                    entities instead; not combined with --policies or --entities. Takes
                    the bundle options of `cordon route --help` (--require-signature, ...)
  --input FILE      read requests from FILE instead of stdin
  --pretty          human-readable lines instead of JSON, e.g.
                      ALLOW  User::"alice" view Photo::"x"  [policy0]

exit status: 0 when every line was answered (even with failures), 1 for a bad command
line, 2 when a policies, entities, bundle or input file cannot be read or does not load (the
error is printed as file:line:col: ... on stderr).
)";

namespace {

// Ordered, so answers keep cedar-wasm's member order.
using Json = nlohmann::ordered_json;

struct AuthorizeOptions {
  std::string policies_file;
  std::string entities_file;
  std::string input_file;
  bool pretty = false;
  BundleFlags bundle;  // used when bundle.directory_given
};

// The answer cedar-wasm gives for a call that fails as a whole.
std::string failure_answer(const std::string& message) {
  Json error = {{"message", message},
                {"help", nullptr},
                {"code", nullptr},
                {"url", nullptr},
                {"severity", "error"}};
  Json answer = {
      {"type", "failure"}, {"errors", Json::array({error})}, {"warnings", Json::array()}};
  // The message may quote input bytes that are not UTF-8; never let that throw.
  return answer.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string success_answer(const Response& response) {
  return R"({"type":"success","response":)" + response.to_json() + R"(,"warnings":[]})";
}

class LineAuthorizer {
 public:
  LineAuthorizer(PolicySet policies, Entities entities, std::string input_name)
      : policies_(std::move(policies)),
        entities_(std::move(entities)),
        input_name_(std::move(input_name)) {}

  // The JSON answer to one input line. `parsed` is the line as JSON (discarded if invalid).
  std::string answer(std::string_view line, const Json& parsed, size_t line_number) const {
    if (parsed.is_object() && parsed.contains("policies")) {
      return json_api::is_authorized(line);
    }
    Result<Request> request = Request::from_json(line);
    if (!request) {
      // Point at the input line; the engine's column within the line is kept.
      Error error = request.error();
      if (error.location.column == 0) {
        // No column to report: "file:line: kind error: ..." rather than a made-up ":0".
        error.location = SourceLocation{};
        return failure_answer(input_name_ + ":" + std::to_string(line_number) + ": " +
                              error.to_string());
      }
      error.location.file = input_name_;
      error.location.line = static_cast<uint32_t>(line_number);
      return failure_answer(error.to_string());
    }
    return success_answer(is_authorized(*request, policies_, entities_));
  }

 private:
  PolicySet policies_;
  Entities entities_;
  std::string input_name_;
};

// Entity reference as Cedar text, whichever JSON form the request used.
std::string describe_entity(const Json& ref, bool is_action) {
  if (ref.is_string()) return ref.get<std::string>();
  if (ref.is_object() && ref.contains("__entity"))
    return describe_entity(ref["__entity"], is_action);
  if (ref.is_object() && ref.contains("type") && ref.contains("id") && ref["type"].is_string() &&
      ref["id"].is_string()) {
    const std::string type = ref["type"].get<std::string>();
    const std::string id = ref["id"].get<std::string>();
    // Actions read best as their bare name: `view` rather than Action::"view".
    if (is_action && type == "Action") return id;
    std::string quoted;
    for (char c : id) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return type + "::\"" + quoted + "\"";
  }
  return "?";
}

std::string join(const Json& list) {
  std::string text;
  for (const Json& item : list) {
    if (!text.empty()) text += ", ";
    text += item.is_string() ? item.get<std::string>() : item.dump();
  }
  return text;
}

// One human-readable line for an answer, e.g. `ALLOW  User::"alice" view Photo::"x"  [policy0]`.
std::string pretty_answer(const Json& request, const std::string& answer_text) {
  const Json answer = Json::parse(answer_text, nullptr, false);
  if (answer.is_discarded() || !answer.is_object())
    return "ERROR  unreadable answer " + answer_text;
  if (answer.value("type", "") != "success") {
    std::string message = "malformed request";
    if (answer.contains("errors") && answer["errors"].is_array() && !answer["errors"].empty()) {
      message = answer["errors"][0].value("message", message);
    }
    return "FAIL   " + message;
  }
  const Json response = answer.value("response", Json::object());
  const bool allowed = response.value("decision", "") == "allow";
  std::string line = allowed ? "ALLOW  " : "DENY   ";
  if (request.is_object()) {
    line += describe_entity(request.value("principal", Json()), false) + " " +
            describe_entity(request.value("action", Json()), true) + " " +
            describe_entity(request.value("resource", Json()), false);
  }
  const Json diagnostics = response.value("diagnostics", Json::object());
  line += "  [" + join(diagnostics.value("reason", Json::array())) + "]";
  for (const Json& error : diagnostics.value("errors", Json::array())) {
    const Json detail = error.value("error", Json::object());
    line += "  error " + error.value("policyId", "?") + ": " + detail.value("message", "");
  }
  return line;
}

std::optional<AuthorizeOptions> read_options(const std::vector<std::string>& args,
                                             std::ostream& err) {
  AuthorizeOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const FlagMatch flag = match_bundle_flag("authorize", args, i, options.bundle, err);
    if (flag == FlagMatch::invalid) return std::nullopt;
    if (flag == FlagMatch::matched) continue;
    OptionMatch match = OptionMatch::no_match;
    for (auto [name, value] : {std::pair{"--policies", &options.policies_file},
                               std::pair{"--entities", &options.entities_file},
                               std::pair{"--input", &options.input_file}}) {
      match = match_option(args, i, name, *value);
      if (match == OptionMatch::missing_value) {
        err << "cordon authorize: " << name << " needs a file name\n";
        return std::nullopt;
      }
      if (match == OptionMatch::matched) break;
    }
    if (match == OptionMatch::matched) continue;
    if (args[i] == "--pretty") {
      options.pretty = true;
      continue;
    }
    err << "cordon authorize: unknown argument '" << args[i] << "' (see cordon authorize --help)\n";
    return std::nullopt;
  }
  if (options.bundle.directory_given &&
      (!options.policies_file.empty() || !options.entities_file.empty())) {
    err << "cordon authorize: --bundle replaces --policies and --entities; give one or the "
           "other\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace

int run_authorize(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kAuthorizeHelp;
      return kExitOk;
    }
  }
  std::optional<AuthorizeOptions> options = read_options(args, err);
  if (!options) return kExitUsage;

  PolicySet policies;
  Entities entities;
  if (options->bundle.directory_given) {
    std::optional<Bundle> bundle = load_bundle("authorize", options->bundle, err);
    if (!bundle) return kExitBadInput;
    policies = bundle->policies();
    entities = bundle->entities();
  }
  if (!options->policies_file.empty()) {
    Result<std::string> text = native::read_text_file(options->policies_file);
    if (!text) {
      err << text.error().to_string() << "\n";
      return kExitBadInput;
    }
    Result<PolicySet> parsed = PolicySet::parse(*text, options->policies_file);
    if (!parsed) {
      err << parsed.error().to_string() << "\n";
      return kExitBadInput;
    }
    policies = *parsed;
  }

  if (!options->entities_file.empty()) {
    Result<std::string> text = native::read_text_file(options->entities_file);
    if (!text) {
      err << text.error().to_string() << "\n";
      return kExitBadInput;
    }
    Result<Entities> parsed = Entities::from_json(*text, options->entities_file);
    if (!parsed) {
      err << parsed.error().to_string() << "\n";
      return kExitBadInput;
    }
    entities = *parsed;
  }

  std::ifstream input_file;
  std::istream* input = &in;
  if (!options->input_file.empty()) {
    input_file.open(options->input_file, std::ios::binary);
    if (!input_file) {
      err << Error{ErrorKind::io, "cannot open file", SourceLocation{options->input_file}}
                 .to_string()
          << "\n";
      return kExitBadInput;
    }
    input = &input_file;
  }

  const LineAuthorizer authorizer(std::move(policies), std::move(entities),
                                  options->input_file.empty() ? "<stdin>" : options->input_file);
  std::string line;
  size_t line_number = 0;
  while (std::getline(*input, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const Json parsed = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    const std::string answer = authorizer.answer(line, parsed, line_number);
    out << (options->pretty ? pretty_answer(parsed, answer) : answer) << '\n';
    // Flushed per line, so the CLI can serve as a co-process answering one request at a time.
    out.flush();
  }
  return kExitOk;
}

}  // namespace cordon::cli
