// Gates: the preconditions of destructive workflows (tenant suspension, hard
// delete, audit retention), each a Cedar `forbid` annotated @gate("code") and
// @message("..."). A check returns every unmet gate, so an operator sees the
// whole checklist at once.
//
//   auto result = cordon::check_gate(bundle, "hard_delete_tenant", actor, R"({
//       "tenant": "acme", "destructive_secret": "valid", "suspended": true, ...})");
//   result->allowed; result->unmet;   // [{gate, message}, ...]
//   result->deletion_plan;            // tables in dependency order, when allowed
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"
#include "cordon/routes.h"

namespace cordon {

struct UnmetGate {
  std::string gate;
  std::string message;
  std::string policy_id;
};

struct RetentionVerdict {
  std::string entry_id;
  bool deletable = false;
  std::string reason;
};

struct GateResult {
  bool allowed = false;
  std::string workflow;
  std::vector<UnmetGate> unmet;
  std::vector<PolicyError> errors;          // a gate that errors is unmet (fail closed)
  std::vector<std::string> deletion_plan;   // hard delete: tables, children first
  std::vector<RetentionVerdict> retention;  // audit retention: one verdict per entry
  std::vector<std::string> explanation;
  std::string to_json() const;
};

// `facts_json` is a JSON object: the workflow's context (tenant, confirmations, secrets'
// verification states, legal hold, erasure statuses, audit entries for retention, ...).
Result<GateResult> check_gate(const Bundle& bundle, std::string_view workflow,
                              const Session& actor, std::string_view facts_json);

}  // namespace cordon
