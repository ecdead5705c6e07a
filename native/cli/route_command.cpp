// `cordon route` / `cordon explain`: load the bundle once, then decide one JSON line at a
// time through domain_json::decide_route, so a malformed line fails alone and every binding
// gives the same JSON.
#include "cli/route_command.h"

#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "bundle/bundle_reader.h"
#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "cordon/domain_json.h"
#include "cordon/routes.h"

namespace cordon::cli {

const char kRouteHelp[] =
    R"(usage: cordon route [--bundle DIR] [--input FILE] [--json | --pretty | --cedar-calls]
                    [bundle options]
       cordon route [--bundle DIR] --route-policies

Decides route requests, one JSON object per input line (stdin by default):
  {"method": "GET", "path": "/api/tenants/acme/dashboard", "surface": "mobile",
   "session": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}}
(also "query" and "credentials"; see docs/bundle-format.md). One answer per output line:
  --json     (default) domain_json's answer, {"type":"success","decision":{...}}; a line that
             is not a valid request is answered {"type":"failure","errors":[...]} and the
             following lines are still answered
  --pretty   one human line per request: ALLOW/DENY, status, redirect, the matched route and
             action, the determining policies with their messages, and the obligations
  --cedar-calls  the Cedar call each decision made, to replay it in any Cedar:
             {"type":"success","allow":...,"status":...,"call":{"principal","action",
             "resource","context","entities"}} (cedar-wasm's isAuthorized call without its
             policies; "call" is null when the request was decided before Cedar was asked)
  --route-policies  print the Cedar text of the policies route decisions evaluate (the
             bundle's policies but the @gate ones; ids policy0..N by position in Cedar), the
             policies of the --cedar-calls calls, and exit
Blank lines are skipped.

options:
  --input FILE      read requests from FILE instead of stdin
)";

const char kExplainHelp[] =
    R"(usage: cordon explain [--bundle DIR] [--input FILE] [--json] [bundle options]

Like `cordon route`, but prints each decision's explanation: a heading line (ALLOW/DENY,
status, request), then one sentence per line (the route matched, the principal, the
resource, the decision, each determining policy with its message, errors, obligations).
With --json, prints the decision JSON of `cordon route --json` instead.

options:
  --input FILE      read requests from FILE instead of stdin
)";

namespace {

using Json = nlohmann::json;

enum class Output { json, pretty, explain, cedar_calls, route_policies };

struct RouteOptions {
  BundleFlags bundle;
  std::string input_file;
  Output output = Output::json;
};

std::optional<RouteOptions> read_options(std::string_view command,
                                         const std::vector<std::string>& args, Output human,
                                         std::ostream& err) {
  RouteOptions options;
  // explain is human by default; route is JSON by default.
  options.output = human == Output::explain ? Output::explain : Output::json;
  for (size_t i = 0; i < args.size(); ++i) {
    const FlagMatch flag = match_bundle_flag(command, args, i, options.bundle, err);
    if (flag == FlagMatch::invalid) return std::nullopt;
    if (flag == FlagMatch::matched) continue;
    const OptionMatch input = match_option(args, i, "--input", options.input_file);
    if (input == OptionMatch::missing_value) {
      err << "cordon " << command << ": --input needs a file name\n";
      return std::nullopt;
    }
    if (input == OptionMatch::matched) continue;
    if (args[i] == "--json") {
      options.output = Output::json;
    } else if (args[i] == "--pretty" && human == Output::pretty) {
      options.output = Output::pretty;
    } else if (args[i] == "--cedar-calls" && human == Output::pretty) {
      options.output = Output::cedar_calls;
    } else if (args[i] == "--route-policies" && human == Output::pretty) {
      options.output = Output::route_policies;
    } else {
      err << "cordon " << command << ": unknown argument '" << args[i] << "' (see cordon "
          << command << " --help)\n";
      return std::nullopt;
    }
  }
  return options;
}

std::string text_or(const Json& value, const std::string& fallback) {
  return value.is_string() ? value.get<std::string>() : fallback;
}

// "GET /api/tenants/acme/dashboard (mobile)", from the request line as given.
std::string describe_request(const Json& request) {
  if (!request.is_object()) return "(not a JSON object)";
  return text_or(request.value("method", Json()), "?") + " " +
         text_or(request.value("path", Json()), "?") + " (" +
         text_or(request.value("surface", Json()), "?") + ")";
}

// "ALLOW 200" or "DENY  302 -> /login?reason=disabled".
std::string verdict(const Json& decision) {
  const bool allow = decision.value("allow", false);
  std::string text = allow ? "ALLOW " : "DENY  ";
  text += std::to_string(decision.value("status", 0));
  if (decision.contains("redirect") && decision["redirect"].is_string()) {
    text += " -> " + decision["redirect"].get<std::string>();
  }
  return text;
}

std::string describe_obligations(const Json& obligations) {
  std::vector<std::string> parts;
  std::string audit;
  for (const Json& action : obligations.value("audit", Json::array())) {
    audit += (audit.empty() ? "" : ",") + text_or(action, "?");
  }
  if (!audit.empty()) parts.push_back("audit " + audit);
  const std::pair<const char*, const char*> named[] = {
      {"rateLimit", "rate limit "}, {"scrubProfile", "scrub "}, {"credential", "credential "}};
  for (const auto& [key, label] : named) {
    if (obligations.contains(key) && obligations[key].is_string()) {
      parts.push_back(label + obligations[key].get<std::string>());
    }
  }
  if (obligations.value("revokeSession", false)) parts.push_back("revoke session");
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text.empty() ? "none" : text;
}

std::string pretty_decision(const Json& request, const std::string& answer_text,
                            size_t line_number) {
  const Json answer = Json::parse(answer_text, nullptr, false);
  if (!answer.is_object() || answer.value("type", "") != "success") {
    return "FAIL       line " + std::to_string(line_number) + ": " +
           first_error_message(answer_text);
  }
  const Json decision = answer.value("decision", Json::object());
  std::string line = verdict(decision) + "  " + describe_request(request);
  if (decision.contains("route") && decision["route"].is_string()) {
    line += "  route `" + decision["route"].get<std::string>() + "` -> " +
            text_or(decision.value("action", Json()), "?");
    if (decision.contains("tenant") && decision["tenant"].is_string()) {
      line += " on tenant " + decision["tenant"].get<std::string>();
    }
  } else {
    line += "  no route";
  }
  for (const Json& policy : decision.value("determining", Json::array())) {
    line += "  [" + text_or(policy.value("effect", Json()), "?") + " " +
            text_or(policy.value("id", Json()), "?");
    const std::string message = text_or(policy.value("message", Json()), "");
    if (!message.empty()) line += ": " + message;
    line += "]";
  }
  for (const Json& error : decision.value("errors", Json::array())) {
    line += "  [error " + text_or(error.value("policyId", Json()), "?") + "]";
  }
  line += "  obligations: " + describe_obligations(decision.value("obligations", Json::object()));
  return line;
}

std::string explain_decision(const Json& request, const std::string& answer_text,
                             size_t line_number) {
  const Json answer = Json::parse(answer_text, nullptr, false);
  if (!answer.is_object() || answer.value("type", "") != "success") {
    return "FAIL       line " + std::to_string(line_number) + ": " +
           first_error_message(answer_text);
  }
  const Json decision = answer.value("decision", Json::object());
  std::string text = verdict(decision) + "  " + describe_request(request);
  for (const Json& sentence : decision.value("explanation", Json::array())) {
    text += "\n  " + text_or(sentence, "");
  }
  return text;
}

// One line of --cedar-calls: the decision's allow and status, and the Cedar call it made.
std::string cedar_call_line(const Bundle& bundle, const std::string& line) {
  Result<RouteRequest> request = RouteRequest::from_json(line);
  // A malformed request gets the failure answer of --json.
  if (!request) return domain_json::decide_route(bundle, line);
  cordon::RouteOptions route_options;
  route_options.record_cedar_call = true;
  const RouteDecision decision = decide_route(bundle, *request, route_options);
  nlohmann::ordered_json answer;
  answer["type"] = "success";
  answer["allow"] = decision.allow;
  answer["status"] = decision.status;
  answer["call"] = decision.cedar_call.empty() ? nlohmann::ordered_json()
                                               : nlohmann::ordered_json::parse(decision.cedar_call);
  return answer.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

int run(std::string_view command, const std::vector<std::string>& args, Output human,
        std::istream& in, std::ostream& out, std::ostream& err) {
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << (human == Output::explain ? kExplainHelp : kRouteHelp) << '\n' << kBundleOptionsHelp;
      return kExitOk;
    }
  }
  std::optional<RouteOptions> options = read_options(command, args, human, err);
  if (!options) return kExitUsage;
  std::optional<Bundle> bundle = load_bundle(command, options->bundle, err);
  if (!bundle) return kExitBadInput;
  if (options->output == Output::route_policies) {
    Result<BundleFiles> files = native::read_bundle_directory(options->bundle.directory);
    Result<std::string> text =
        files ? route_policies_text(*bundle, *files) : Result<std::string>(files.error());
    if (!text) {
      err << "cordon " << command << ": " << text.error().to_string() << "\n";
      return kExitBadInput;
    }
    out << *text;
    return kExitOk;
  }
  std::ifstream file;
  std::istream* input = open_input(options->input_file, in, file, err);
  if (input == nullptr) return kExitBadInput;

  const Output output = options->output;
  answer_lines(*input, out, [&](const std::string& line, size_t line_number) {
    if (output == Output::cedar_calls) return cedar_call_line(*bundle, line);
    const std::string answer = domain_json::decide_route(*bundle, line);
    if (output == Output::json) return answer;
    const Json request = Json::parse(line, nullptr, false);
    return output == Output::pretty ? pretty_decision(request, answer, line_number)
                                    : explain_decision(request, answer, line_number);
  });
  return kExitOk;
}

}  // namespace

int run_route(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err) {
  return run("route", args, Output::pretty, in, out, err);
}

int run_explain(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err) {
  return run("explain", args, Output::explain, in, out, err);
}

}  // namespace cordon::cli
