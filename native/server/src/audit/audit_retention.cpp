// Retention enforcement (AuditLog::prune): the bundle's retention workflow judges every
// entry of the log, batch by batch, with check_gate; the deletable ones are removed in one
// transaction that also appends a checkpoint recording the runs removed, so verify() can
// carry the chain across the gaps.
#include <chrono>

#include <nlohmann/json.hpp>

#include "audit/audit_chain.h"
#include "cordon/bundle_catalog.h"
#include "cordon/server/audit_log.h"
#include "text/rfc3339.h"

namespace cordon::server {

namespace {

using Json = nlohmann::json;

Error domain_error(std::string message) {
  Error error;
  error.kind = ErrorKind::domain;
  error.message = std::move(message);
  return error;
}

}  // namespace

Result<PruneResult> AuditLog::prune(const RetentionSettings& settings) {
  if (!bundle_)
    return domain_error("audit log opened without a bundle: prune needs its retention workflow");
  if (!has_audit_action(*bundle_, settings.checkpoint_action))
    return domain_error("the checkpoint action `" + settings.checkpoint_action +
                        "` is not one of bundle `" + bundle_->name() + "`'s audit_actions");
  const size_t batch_size = settings.batch_size == 0 ? 2000 : settings.batch_size;

  Json facts = Json::object();
  facts["retention_enabled"] = settings.enabled;
  facts["retention_secret"] = settings.credential;
  facts["now"] = settings.now_ms;
  facts["window_days"] = settings.window_days;
  if (!settings.tenant_windows.empty()) facts["tenant_windows"] = settings.tenant_windows;
  if (!settings.legal_holds.empty()) facts["legal_holds"] = settings.legal_holds;

  PruneResult result;
  // The workflow itself first, with no entries: a refusal deletes nothing and names every
  // unmet gate.
  facts["entries"] = Json::array();
  auto workflow = check_gate(*bundle_, settings.workflow, settings.actor, facts.dump());
  if (!workflow) return workflow.error();
  result.gate = std::move(workflow).value();
  if (!result.gate.allowed) return result;

  std::vector<int64_t> deletable;
  std::vector<std::pair<int64_t, std::string>> batch;  // seq, tenant
  Json entries = Json::array();
  std::optional<Error> failure;
  bool refused = false;
  auto judge = [&]() {
    facts["entries"] = std::move(entries);
    entries = Json::array();
    auto gate = check_gate(*bundle_, settings.workflow, settings.actor, facts.dump());
    if (!gate) {
      failure = gate.error();
      return false;
    }
    if (!gate->allowed || gate->retention.size() != batch.size()) {
      refused = true;  // cannot happen with the same facts; never delete on a doubt
      result.gate = std::move(gate).value();
      return false;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      const RetentionVerdict& verdict = gate->retention[i];
      ++result.judged;
      if (verdict.deletable) {
        deletable.push_back(batch[i].first);
        ++result.deleted_tenants[batch[i].second];
      } else {
        ++result.kept_reasons[verdict.reason];
      }
    }
    batch.clear();
    return true;
  };

  AuditFilter all;
  all.kind = "entry";
  all.limit = 0;
  all.order = AuditOrder::chain;
  if (auto e = store_->query(all, [&](const AuditEntry& entry) {
        batch.emplace_back(entry.seq, entry.tenant);
        entries.push_back(
            {{"id", std::to_string(entry.seq)}, {"tenant", entry.tenant}, {"time", entry.time_ms}});
        return batch.size() < batch_size || judge();
      }))
    return *e;
  if (!failure && !refused && !batch.empty()) judge();
  if (failure) return *failure;
  if (refused) {
    result.judged = 0;
    result.kept_reasons.clear();
    result.deleted_tenants.clear();
    return result;
  }
  result.deletable = static_cast<int64_t>(deletable.size());
  // The workflow's own check judged no entries; say what this prune judged instead.
  std::erase_if(result.gate.explanation,
                [](const std::string& s) { return s.rfind("0 of 0 audit entries", 0) == 0; });
  result.gate.explanation.push_back(
      std::to_string(result.deletable) + " of " + std::to_string(result.judged) +
      " audit entries may be deleted; each was decided by the workflow's per-entry policy with "
      "its age, its tenant's window and legal hold.");
  if (settings.dry_run || deletable.empty()) return result;

  const Bundle& bundle = *bundle_;
  auto checkpoint = store_->prune(
      deletable,
      [&](const ChainHead& head, const std::vector<PrunedRun>& runs) -> Result<AuditEntry> {
        int64_t pruned = 0;
        for (const PrunedRun& run : runs) pruned += run.last_seq - run.first_seq + 1;
        Json details = Json::object();
        details["workflow"] = settings.workflow;
        details["bundle"] = bundle.name();
        details["revision"] = bundle.revision();
        details["now"] = text::format_rfc3339_ms(settings.now_ms);
        details["windowDays"] = settings.window_days;
        details["tenantWindows"] = settings.tenant_windows;
        details["legalHolds"] = settings.legal_holds;
        details["pruned"] = pruned;
        details["runs"] = runs.size();
        details["runsDigest"] = audit::runs_digest(runs);
        details["firstSeq"] = runs.empty() ? 0 : runs.front().first_seq;
        details["lastSeq"] = runs.empty() ? 0 : runs.back().last_seq;
        AuditEntry entry;
        entry.seq = head.seq + 1;
        entry.kind = "checkpoint";
        entry.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        entry.action = settings.checkpoint_action;
        entry.actor = settings.actor.user;
        entry.target = "audit_log";
        entry.details = details.dump();
        entry.prev_hash = head.hash;
        entry.hash = audit::entry_hash(entry);
        result.deleted = pruned;
        return entry;
      });
  if (!checkpoint) return checkpoint.error();
  result.checkpoint = std::move(checkpoint).value();
  return result;
}

}  // namespace cordon::server
