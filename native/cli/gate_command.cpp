// `cordon gate`: a domain_json::check_gate call built from the command line; the human
// output is a checklist of every unmet gate, then the deletion plan or retention verdicts.
#include "cli/gate_command.h"

#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "conformance/text_file.h"
#include "cordon/domain_json.h"

namespace cordon::cli {

const char kGateHelp[] =
    R"(usage: cordon gate [--bundle DIR] --workflow W --actor JSON [--facts FILE] [--json]
                   [bundle options]

Checks the preconditions (@gate policies) of workflow W for the actor, given the facts (a
JSON object file: tenant, confirmations, the verified state of secrets, legal holds, audit
entries for retention, ...; default: no facts). Prints every unmet gate with its message,
the other forbids that apply, and, when allowed, the deletion plan (tables, children
first) or the retention verdict of each audit entry. With --json, prints
{"type":"success","result":{"allowed",...,"unmet":[...],...}} instead.

options:
  --workflow W      a workflow of the bundle's manifest (suspend_tenant, hard_delete_tenant, ...)
  --actor JSON      the actor's session: {"user","roles","tenant"?,"status"}
  --facts FILE      the workflow's facts, a JSON object
  --json            print the result as JSON

exit status: 0 when the workflow is allowed, 3 when it is not (unmet gates or a forbid),
1 for a bad command line, 2 when the bundle or facts cannot be read or the call is refused
(an unknown workflow, a malformed actor or facts; the error is on stderr).
)";

namespace {

using Json = nlohmann::json;

std::string text_or(const Json& value, const std::string& fallback) {
  return value.is_string() ? value.get<std::string>() : fallback;
}

void print_human(const Json& result, std::ostream& out) {
  const bool allowed = result.value("allowed", false);
  out << (allowed ? "ALLOWED  " : "REFUSED  ") << text_or(result.value("workflow", Json()), "?")
      << '\n';
  const Json unmet = result.value("unmet", Json::array());
  if (!unmet.empty()) out << "unmet gates (" << unmet.size() << "):\n";
  for (const Json& gate : unmet) {
    out << "  - " << text_or(gate.value("gate", Json()), "?") << ": "
        << text_or(gate.value("message", Json()), "") << " ("
        << text_or(gate.value("policyId", Json()), "?")
        << (gate.value("errored", false) ? ", errored: cannot vouch for it" : "") << ")\n";
  }
  for (const Json& error : result.value("errors", Json::array())) {
    out << "  error in " << text_or(error.value("policyId", Json()), "?") << ": "
        << text_or(error.value("message", Json()), "") << '\n';
  }
  const Json plan = result.value("deletionPlan", Json::array());
  if (!plan.empty()) {
    out << "deletion plan (children first):\n";
    size_t step = 0;
    for (const Json& table : plan) out << "  " << ++step << ". " << text_or(table, "?") << '\n';
  }
  const Json retention = result.value("retention", Json::array());
  if (!retention.empty()) out << "retention:\n";
  for (const Json& verdict : retention) {
    out << "  " << (verdict.value("deletable", false) ? "delete " : "keep   ")
        << text_or(verdict.value("entryId", Json()), "?") << ": "
        << text_or(verdict.value("reason", Json()), "") << '\n';
  }
  const Json explanation = result.value("explanation", Json::array());
  if (!explanation.empty()) out << "explanation:\n";
  for (const Json& sentence : explanation) out << "  " << text_or(sentence, "") << '\n';
}

}  // namespace

int run_gate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kGateHelp << '\n' << kBundleOptionsHelp;
      return kExitOk;
    }
  }
  BundleFlags flags;
  std::string workflow;
  std::string actor;
  std::string facts_file;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const FlagMatch flag = match_bundle_flag("gate", args, i, flags, err);
    if (flag == FlagMatch::invalid) return kExitUsage;
    if (flag == FlagMatch::matched) continue;
    if (args[i] == "--json") {
      json = true;
      continue;
    }
    OptionMatch match = OptionMatch::no_match;
    for (auto [name, value] : {std::pair{"--workflow", &workflow}, std::pair{"--actor", &actor},
                               std::pair{"--facts", &facts_file}}) {
      match = match_option(args, i, name, *value);
      if (match == OptionMatch::missing_value) {
        err << "cordon gate: " << name << " needs a value\n";
        return kExitUsage;
      }
      if (match == OptionMatch::matched) break;
    }
    if (match == OptionMatch::matched) continue;
    err << "cordon gate: unknown argument '" << args[i] << "' (see cordon gate --help)\n";
    return kExitUsage;
  }
  if (workflow.empty() || actor.empty()) {
    err << "cordon gate: --workflow and --actor are required\n";
    return kExitUsage;
  }
  if (!Json::accept(actor)) {
    err << "cordon gate: --actor is not JSON\n";
    return kExitUsage;
  }
  std::string facts = "{}";
  if (!facts_file.empty()) {
    Result<std::string> text = native::read_text_file(facts_file);
    if (!text) {
      err << text.error().to_string() << "\n";
      return kExitBadInput;
    }
    if (!Json::accept(*text)) {
      err << facts_file << ": json error: the facts are not one JSON value\n";
      return kExitBadInput;
    }
    facts = *text;
  }
  std::optional<Bundle> bundle = load_bundle("gate", flags, err);
  if (!bundle) return kExitBadInput;

  // actor and facts are spliced in as text (validated above) so that numbers keep their
  // exact spelling; the engine checks their shape.
  const std::string answer_text =
      domain_json::check_gate(*bundle, R"({"workflow":)" + Json(workflow).dump() + R"(,"actor":)" +
                                           actor + R"(,"facts":)" + facts + "}");
  const Json answer = Json::parse(answer_text, nullptr, false);
  if (!answer.is_object() || answer.value("type", "") != "success") {
    if (json) out << answer_text << '\n';
    err << "cordon gate: " << first_error_message(answer_text) << "\n";
    return kExitBadInput;
  }
  const Json result = answer.value("result", Json::object());
  if (json) {
    out << answer_text << '\n';
  } else {
    print_human(result, out);
  }
  return result.value("allowed", false) ? kExitOk : kExitGateRefused;
}

}  // namespace cordon::cli
