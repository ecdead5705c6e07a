// Gate checks (gates.h): one Cedar request for the workflow, every unmet @gate forbid
// collected, then the workflow's extras: the deletion plan of a hard delete, or a
// verdict per audit entry for retention, each entry decided by its own Cedar request.
#include "cordon/gates.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "cedar/authorize.h"
#include "cedar/json_value.h"
#include "cedar/policy_set_data.h"
#include "domain/bundle_data.h"
#include "domain/session_principal.h"
#include "gates/table_graph.h"
#include "json/located_json.h"
#include "text/rfc3339.h"

namespace cordon {

namespace {

using Json = nlohmann::json;
using cordon::json::LocatedJson;

constexpr int64_t kMillisPerDay = 86'400'000;

Error domain_error(std::string message) {
  Error err;
  err.kind = ErrorKind::domain;
  err.message = std::move(message);
  return err;
}

// --- Time: RFC 3339 text or milliseconds since the Unix epoch -----------------------

// A time fact: RFC 3339 text, or an integer of milliseconds since the epoch.
std::optional<int64_t> time_fact(const Json& j) {
  if (j.is_string()) return text::parse_rfc3339(j.get_ref<const std::string&>());
  if (j.is_number_integer() && !j.is_number_unsigned()) return j.get<int64_t>();
  if (j.is_number_unsigned() && j.get<uint64_t>() <= uint64_t(INT64_MAX))
    return static_cast<int64_t>(j.get<uint64_t>());
  return std::nullopt;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::optional<int64_t> positive_days(const Json& j) {
  if (!j.is_number_integer()) return std::nullopt;
  if (j.is_number_unsigned() && j.get<uint64_t>() > 1'000'000) return std::nullopt;
  int64_t n = j.get<int64_t>();
  if (n < 1 || n > 1'000'000) return std::nullopt;
  return n;
}

// --- Retention facts -------------------------------------------------------------------

struct RetentionEntry {
  std::string id;
  std::string tenant;
  int64_t time_ms = 0;
};

struct RetentionFacts {
  std::vector<RetentionEntry> entries;
  int64_t now_ms = 0;
  int64_t window_days = 0;
  std::map<std::string, int64_t> tenant_windows;
  std::vector<std::string> legal_holds;
};

Result<RetentionFacts> read_retention_facts(const Json& facts) {
  RetentionFacts out;
  auto now = facts.find("now");
  if (now == facts.end()) return domain_error("facts.now is required (RFC 3339 or epoch ms)");
  auto now_ms = time_fact(*now);
  if (!now_ms) return domain_error("facts.now must be an RFC 3339 time or epoch milliseconds");
  out.now_ms = *now_ms;

  auto window = facts.find("window_days");
  if (window == facts.end()) return domain_error("facts.window_days is required");
  auto days = positive_days(*window);
  if (!days) return domain_error("facts.window_days must be an integer from 1 to 1000000");
  out.window_days = *days;

  if (auto it = facts.find("tenant_windows"); it != facts.end()) {
    if (!it->is_object()) return domain_error("facts.tenant_windows must be {tenant: days}");
    for (auto w = it->begin(); w != it->end(); ++w) {
      auto tenant_days = positive_days(w.value());
      if (!tenant_days)
        return domain_error("facts.tenant_windows." + w.key() +
                            " must be an integer from 1 to 1000000");
      out.tenant_windows.emplace(w.key(), *tenant_days);
    }
  }
  if (auto it = facts.find("legal_holds"); it != facts.end()) {
    if (!it->is_array()) return domain_error("facts.legal_holds must be an array of tenants");
    for (const auto& tenant : *it) {
      if (!tenant.is_string()) return domain_error("facts.legal_holds must hold tenant names");
      out.legal_holds.push_back(tenant.get<std::string>());
    }
  }

  auto entries = facts.find("entries");
  if (entries == facts.end() || !entries->is_array())
    return domain_error("facts.entries must be an array of {\"id\", \"tenant\", \"time\"}");
  for (size_t i = 0; i < entries->size(); ++i) {
    const Json& e = (*entries)[i];
    std::string where = "facts.entries[" + std::to_string(i) + "]";
    if (!e.is_object()) return domain_error(where + " must be {\"id\", \"tenant\", \"time\"}");
    for (auto k = e.begin(); k != e.end(); ++k)
      if (k.key() != "id" && k.key() != "tenant" && k.key() != "time")
        return domain_error(where + " has an unknown key `" + k.key() +
                            "` (expected id, tenant, time)");
    RetentionEntry entry;
    auto id = e.find("id");
    auto tenant = e.find("tenant");
    auto time = e.find("time");
    if (id == e.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
      return domain_error(where + ".id must be a non-empty string");
    if (tenant == e.end() || !tenant->is_string() || tenant->get_ref<const std::string&>().empty())
      return domain_error(where + ".tenant must be a non-empty string");
    std::optional<int64_t> at = time == e.end() ? std::nullopt : time_fact(*time);
    if (!at) return domain_error(where + ".time must be an RFC 3339 time or epoch milliseconds");
    entry.id = id->get<std::string>();
    entry.tenant = tenant->get<std::string>();
    entry.time_ms = *at;
    out.entries.push_back(std::move(entry));
  }
  return out;
}

// --- Reading a response ---------------------------------------------------------------

const std::string& annotation_or_empty(const cedar::Policy& policy, std::string_view key) {
  static const std::string kEmpty;
  const std::string* value = policy.body->annotation(key);
  return value ? *value : kEmpty;
}

// The @message of each determining policy, or a fallback, joined for one verdict.
std::string verdict_reason(const Response& response,
                           const std::map<std::string, const cedar::Policy*>& by_id) {
  std::string reason;
  for (const auto& id : response.reason) {
    const std::string& message = annotation_or_empty(*by_id.at(id), "message");
    if (!reason.empty()) reason += "; ";
    reason += message.empty() ? "policy `" + id + "`" : message;
  }
  if (!reason.empty()) return reason;
  if (!response.errors.empty())
    return "policy `" + response.errors.front().policy_id + "` could not be evaluated";
  return "no policy permits it (default deny)";
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

Result<GateResult> check_gate(const Bundle& bundle, std::string_view workflow, const Session& actor,
                              std::string_view facts_json) {
  const domain::BundleData& data = bundle.data();
  auto spec_it = data.manifest.workflows.find(std::string(workflow));
  if (spec_it == data.manifest.workflows.end()) {
    std::vector<std::string> known;
    for (const auto& [name, spec] : data.manifest.workflows) known.push_back("`" + name + "`");
    return domain_error("unknown workflow `" + std::string(workflow) + "` (bundle `" +
                        data.manifest.name + "` declares " +
                        (known.empty() ? std::string("none") : join(known)) + ")");
  }
  const domain::WorkflowSpec& spec = spec_it->second;

  auto facts_doc = LocatedJson::parse(facts_json, "facts");
  if (!facts_doc) {
    Error err = facts_doc.error();
    err.kind = ErrorKind::domain;
    return err;
  }
  const Json& facts = facts_doc->root();
  if (!facts.is_object()) return domain_error("facts must be a JSON object");

  cedar::Value resource;
  std::string tenant;
  if (auto it = facts.find("tenant"); it != facts.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return domain_error("facts.tenant must be a non-empty string");
    tenant = it->get<std::string>();
    resource = cedar::Value::entity({"Tenant", tenant});
  } else {
    resource = cedar::Value::entity({"Platform", data.manifest.name});
  }

  // Retention facts are checked up front, so malformed input fails whatever the gates say.
  std::optional<RetentionFacts> retention_facts;
  if (!spec.entry_action.empty()) {
    auto read = read_retention_facts(facts);
    if (!read) return read.error();
    retention_facts = std::move(read).value();
  }

  auto principal = domain::session_principal(data, actor);
  if (!principal) return principal.error();

  detail::RequestData request;
  request.principal = principal->principal;
  request.action = cedar::Value::entity({"Action", spec.action});
  request.resource = resource;
  std::string context_error;
  if (!cedar::record_from_json(facts, request.context, context_error))
    return domain_error("facts: " + context_error);

  const auto& policies = data.policies.data().policies;
  std::map<std::string, const cedar::Policy*> by_id;
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < policies.size(); ++i) {
    by_id.emplace(policies[i].id, &policies[i]);
    position.emplace(policies[i].id, i);
  }

  Response response = cedar::authorize(request, data.policies.data(), principal->entities);

  GateResult result;
  result.workflow = std::string(workflow);
  result.errors = response.errors;
  std::vector<std::string> other_forbids;  // satisfied forbids that are not gates
  std::map<std::string, bool> errored;
  if (response.decision == Decision::deny) {
    for (const auto& id : response.reason) {
      const cedar::Policy& policy = *by_id.at(id);
      if (policy.body->effect != cedar::Effect::forbid) continue;
      if (policy.body->annotation("gate"))
        result.unmet.push_back(
            {annotation_or_empty(policy, "gate"), annotation_or_empty(policy, "message"), id});
      else
        other_forbids.push_back(id);
    }
  }
  // A gate that errored cannot vouch for its precondition: it counts as unmet.
  for (const auto& error : response.errors) {
    const cedar::Policy& policy = *by_id.at(error.policy_id);
    if (!policy.body->annotation("gate")) continue;
    result.unmet.push_back({annotation_or_empty(policy, "gate"),
                            annotation_or_empty(policy, "message"), error.policy_id});
    errored[error.policy_id] = true;
  }
  // The checklist in the order the bundle's author wrote the gates.
  std::sort(result.unmet.begin(), result.unmet.end(), [&](const UnmetGate& a, const UnmetGate& b) {
    return position.at(a.policy_id) < position.at(b.policy_id);
  });
  result.allowed = response.decision == Decision::allow && result.unmet.empty();

  // --- explanation ---
  std::string subject = request.principal.as_entity().to_cedar();
  if (!actor.roles.empty()) subject += " (" + join(actor.roles) + ")";
  result.explanation.push_back("Workflow `" + result.workflow + "` asks whether " + subject +
                               " may perform " + request.action.as_entity().to_cedar() + " on " +
                               resource.as_entity().to_cedar() + ".");
  for (const auto& gate : result.unmet) {
    if (errored.count(gate.policy_id)) {
      std::string message;
      for (const auto& e : response.errors)
        if (e.policy_id == gate.policy_id) message = e.message;
      result.explanation.push_back("Gate `" + gate.gate + "` (policy `" + gate.policy_id +
                                   "`) could not be evaluated, so it counts as unmet: " + message);
    } else {
      result.explanation.push_back("Gate `" + gate.gate + "` is unmet: " + gate.message +
                                   " (policy `" + gate.policy_id + "`).");
    }
  }
  for (const auto& id : other_forbids) {
    const std::string& message = annotation_or_empty(*by_id.at(id), "message");
    result.explanation.push_back("Policy `" + id + "` forbids it" +
                                 (message.empty() ? "." : ": " + message));
  }
  std::vector<std::string> audit_actions;
  if (response.decision == Decision::allow) {
    for (const auto& id : response.reason)
      if (const std::string* audit = by_id.at(id)->body->annotation("audit"))
        audit_actions.push_back(*audit);
  } else if (response.reason.empty() && result.unmet.empty()) {
    result.explanation.push_back("No policy permits it for this actor (default deny).");
  }
  if (result.allowed) {
    std::vector<std::string> permits;
    for (const auto& id : response.reason) permits.push_back("`" + id + "`");
    result.explanation.push_back(
        "Every gate is met and " + std::string(permits.size() == 1 ? "policy " : "policies ") +
        join(permits) + " permit" + (permits.size() == 1 ? "s" : "") + " the workflow.");
    std::sort(audit_actions.begin(), audit_actions.end());
    audit_actions.erase(std::unique(audit_actions.begin(), audit_actions.end()),
                        audit_actions.end());
    for (const auto& audit : audit_actions)
      result.explanation.push_back("The workflow must write the audit entry `" + audit + "`.");
  } else if (!result.unmet.empty()) {
    result.explanation.push_back(
        "The workflow may not proceed: " + std::to_string(result.unmet.size()) + " unmet gate" +
        (result.unmet.size() == 1 ? "" : "s") + ".");
  } else {
    result.explanation.push_back("The workflow may not proceed.");
  }

  if (result.allowed && spec.deletion_plan && data.tables) {
    result.deletion_plan = data.tables->deletion_order();
    result.explanation.push_back("Deletion plan (" + std::to_string(result.deletion_plan.size()) +
                                 " portal-owned tables, each before the tables it references): " +
                                 join(result.deletion_plan) + ".");
  }

  if (retention_facts && !result.allowed) {
    result.explanation.push_back("No audit entry is deleted while the workflow's gates are unmet.");
  } else if (retention_facts) {
    const RetentionFacts& rf = *retention_facts;
    detail::RequestData entry_request;
    entry_request.principal = request.principal;
    entry_request.action = cedar::Value::entity({"Action", spec.entry_action});
    size_t deletable = 0;
    for (const auto& entry : rf.entries) {
      auto window = rf.tenant_windows.find(entry.tenant);
      int64_t window_days = window != rf.tenant_windows.end() ? window->second : rf.window_days;
      bool held = std::find(rf.legal_holds.begin(), rf.legal_holds.end(), entry.tenant) !=
                  rf.legal_holds.end();
      cedar::RecordFields context;
      context.emplace("entry_id", cedar::Value::string(entry.id));
      context.emplace("tenant", cedar::Value::string(entry.tenant));
      context.emplace("age_days",
                      cedar::Value::integer(floor_div(rf.now_ms - entry.time_ms, kMillisPerDay)));
      context.emplace("window_days", cedar::Value::integer(window_days));
      context.emplace("platform_window_days", cedar::Value::integer(rf.window_days));
      context.emplace("legal_hold", cedar::Value::boolean(held));
      entry_request.resource = cedar::Value::entity({"Tenant", entry.tenant});
      entry_request.context = cedar::Value::record(std::move(context));
      Response verdict = cedar::authorize(entry_request, data.policies.data(), principal->entities);
      RetentionVerdict v;
      v.entry_id = entry.id;
      v.deletable = verdict.decision == Decision::allow;
      v.reason = verdict_reason(verdict, by_id);
      deletable += v.deletable ? 1 : 0;
      result.retention.push_back(std::move(v));
    }
    result.explanation.push_back(std::to_string(deletable) + " of " +
                                 std::to_string(rf.entries.size()) +
                                 " audit entries may be deleted; each entry is decided by " +
                                 entry_request.action.as_entity().to_cedar() +
                                 " with its age, its tenant's window and legal hold.");
  }
  return result;
}

std::string GateResult::to_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["allowed"] = allowed;
  out["workflow"] = workflow;
  out["unmet"] = nlohmann::ordered_json::array();
  for (const auto& gate : unmet) {
    bool gate_errored = std::any_of(errors.begin(), errors.end(), [&](const PolicyError& e) {
      return e.policy_id == gate.policy_id;
    });
    out["unmet"].push_back({{"gate", gate.gate},
                            {"message", gate.message},
                            {"policyId", gate.policy_id},
                            {"errored", gate_errored}});
  }
  out["errors"] = nlohmann::ordered_json::array();
  for (const auto& e : errors)
    out["errors"].push_back({{"policyId", e.policy_id}, {"message", e.message}});
  out["deletionPlan"] = deletion_plan;
  out["retention"] = nlohmann::ordered_json::array();
  for (const auto& v : retention)
    out["retention"].push_back(
        {{"entryId", v.entry_id}, {"deletable", v.deletable}, {"reason", v.reason}});
  out["explanation"] = explanation;
  return out.dump();
}

}  // namespace cordon
