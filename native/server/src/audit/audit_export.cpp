// The audit log's JSON forms and exports (audit_log.h): entries, filters, reports, CSV
// (RFC 4180) and JSON documents.
#include <ostream>

#include <nlohmann/json.hpp>

#include "cordon/server/audit_log.h"
#include "text/rfc3339.h"

namespace cordon::server {

namespace {

using OrderedJson = nlohmann::ordered_json;

// Details are stored as canonical JSON; a tampered row may hold anything, shown as text.
OrderedJson details_value(const std::string& details) {
  OrderedJson parsed = OrderedJson::parse(details, nullptr, false);
  return parsed.is_discarded() ? OrderedJson(details) : parsed;
}

OrderedJson entry_json(const AuditEntry& entry) {
  OrderedJson out;
  out["seq"] = entry.seq;
  out["kind"] = entry.kind;
  out["time"] = text::format_rfc3339_ms(entry.time_ms);
  out["action"] = entry.action;
  out["actor"] = entry.actor;
  out["tenant"] = entry.tenant;
  out["target"] = entry.target;
  out["details"] = details_value(entry.details);
  out["prevHash"] = entry.prev_hash;
  out["hash"] = entry.hash;
  return out;
}

std::string dump(const OrderedJson& value) {
  // Replace rather than throw on bytes that are not UTF-8 (only a tampered row has them).
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

const char* order_name(AuditOrder order) {
  switch (order) {
    case AuditOrder::newest_first:
      return "newest_first";
    case AuditOrder::oldest_first:
      return "oldest_first";
    case AuditOrder::chain:
      return "chain";
  }
  return "newest_first";
}

OrderedJson filter_json(const AuditFilter& filter) {
  OrderedJson out = OrderedJson::object();
  if (filter.tenant) out["tenant"] = *filter.tenant;
  if (filter.action) out["action"] = *filter.action;
  if (filter.actor) out["actor"] = *filter.actor;
  if (filter.kind) out["kind"] = *filter.kind;
  if (filter.since_ms) out["since"] = text::format_rfc3339_ms(*filter.since_ms);
  if (filter.until_ms) out["until"] = text::format_rfc3339_ms(*filter.until_ms);
  out["limit"] = filter.limit;
  out["order"] = order_name(filter.order);
  return out;
}

// One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF.
std::string csv_field(std::string value, CsvSafety safety) {
  if (safety == CsvSafety::neutralize_formulas && !value.empty() &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
       value[0] == '\t' || value[0] == '\r'))
    value.insert(value.begin(), '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace

std::string AuditEntry::to_json() const {
  return dump(entry_json(*this));
}

std::string filter_to_json(const AuditFilter& filter) {
  return dump(filter_json(filter));
}

std::string VerifyReport::to_json() const {
  OrderedJson out;
  out["ok"] = ok;
  out["entries"] = entries;
  out["checkpoints"] = checkpoints;
  out["pruned"] = pruned;
  out["head"] = {{"seq", head.seq}, {"hash", head.hash}};
  out["problemCount"] = problem_count;
  out["problems"] = OrderedJson::array();
  for (const VerifyProblem& problem : problems) {
    out["problems"].push_back({{"seq", problem.seq},
                               {"lastSeq", problem.last_seq},
                               {"kind", problem.kind},
                               {"message", problem.message}});
  }
  return dump(out);
}

std::string PruneResult::to_json() const {
  OrderedJson out;
  out["allowed"] = gate.allowed;
  out["workflow"] = gate.workflow;
  out["unmet"] = OrderedJson::array();
  for (const UnmetGate& unmet : gate.unmet)
    out["unmet"].push_back(
        {{"gate", unmet.gate}, {"message", unmet.message}, {"policyId", unmet.policy_id}});
  out["errors"] = OrderedJson::array();
  for (const PolicyError& error : gate.errors)
    out["errors"].push_back({{"policyId", error.policy_id}, {"message", error.message}});
  out["judged"] = judged;
  out["deletable"] = deletable;
  out["deleted"] = deleted;
  out["keptReasons"] = OrderedJson::object();
  for (const auto& [reason, count] : kept_reasons) out["keptReasons"][reason] = count;
  out["deletableByTenant"] = OrderedJson::object();
  for (const auto& [tenant, count] : deleted_tenants) out["deletableByTenant"][tenant] = count;
  out["checkpoint"] = checkpoint ? entry_json(*checkpoint) : OrderedJson(nullptr);
  out["explanation"] = gate.explanation;
  return dump(out);
}

std::optional<Error> AuditLog::export_csv(const AuditFilter& filter, std::ostream& out,
                                          CsvSafety safety) const {
  out << "seq,time,kind,action,actor,tenant,target,details,prev_hash,hash\r\n";
  return store_->query(filter, [&](const AuditEntry& entry) {
    out << entry.seq << ',' << text::format_rfc3339_ms(entry.time_ms) << ','
        << csv_field(entry.kind, safety) << ',' << csv_field(entry.action, safety) << ','
        << csv_field(entry.actor, safety) << ',' << csv_field(entry.tenant, safety) << ','
        << csv_field(entry.target, safety) << ',' << csv_field(entry.details, safety) << ','
        << entry.prev_hash << ',' << entry.hash << "\r\n";
    return static_cast<bool>(out);
  });
}

std::optional<Error> AuditLog::export_json(const AuditFilter& filter, std::ostream& out) const {
  auto head = store_->head();
  if (!head) return head.error();
  // Streamed: the envelope, then one entry at a time.
  out << "{\"head\":" << dump({{"seq", head->seq}, {"hash", head->hash}})
      << ",\"filter\":" << dump(filter_json(filter)) << ",\"entries\":[";
  size_t count = 0;
  auto failed = store_->query(filter, [&](const AuditEntry& entry) {
    if (count++) out << ',';
    out << dump(entry_json(entry));
    return static_cast<bool>(out);
  });
  if (failed) return failed;
  out << "],\"count\":" << count << "}\n";
  return std::nullopt;
}

}  // namespace cordon::server
