// The audit log: typed, append-only, tamper-evident. Each entry names an action from the
// bundle's enumeration (an unknown action is refused), an actor, a tenant, a target, a time
// and JSON details, and carries a SHA-256 hash chained to the previous entry's, so that
// verify() finds any entry altered, deleted, inserted or reordered and names it.
// Retention deletes are decided by the bundle's retention gate and leave a checkpoint entry
// recording what was pruned, so the chain still verifies afterwards.
//
//   auto store = cordon::server::open_sqlite_audit_store({.path = "audit.db"});
//   cordon::server::AuditLog log(*store, bundle);
//   auto entry = log.append({.action = "tenant.export", .actor = "ops@example.com",
//                            .tenant = "acme", .target = "export/123"});
//   auto rows = log.query({.tenant = "acme", .limit = 100});   // newest first
//   auto report = log.verify();     // report->ok; report->problems: [{seq, kind, message}]
//
// The hash of an entry is SHA-256 over "cordon.audit.v1\0", then the previous hash (32 raw
// bytes), seq and time_ms (8 bytes each, big-endian), kind, action, actor, tenant, target
// and details, where the previous hash and each text are preceded by their length (4 bytes,
// big-endian). The chain proves the log was
// not edited without recomputing it; anchor the head elsewhere (`verify --expect-head`) to
// also rule out a rewrite by someone who can recompute it.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"
#include "cordon/gates.h"
#include "cordon/routes.h"
#include "cordon/server/audit_store.h"

namespace cordon::server {

// What a caller appends; the log adds seq, kind and the hashes.
struct AuditRecord {
  std::string action;  // one of the bundle's audit_actions
  std::string actor;
  std::string tenant;
  std::string target;               // may be empty
  std::optional<int64_t> time_ms;   // default: now
  std::string details_json = "{}";  // a JSON object
};

// Limits on an entry's fields (bytes): beyond them an append is a `limit` error.
inline constexpr size_t kMaxAuditFieldBytes = 1024;
inline constexpr size_t kMaxAuditDetailsBytes = 64 * 1024;

struct VerifyProblem {
  int64_t seq = 0;       // the entry (or first entry of a range) concerned
  int64_t last_seq = 0;  // the last entry of the range; == seq for one entry
  // "altered", "reordered", "missing", "inserted", "broken_link", "checkpoint", "head"
  std::string kind;
  std::string message;
};

struct VerifyReport {
  bool ok = true;
  int64_t entries = 0;  // rows read, checkpoints included
  int64_t checkpoints = 0;
  int64_t pruned = 0;  // entries removed by retention, as recorded by checkpoints
  ChainHead head;      // the head recorded by the store
  int64_t problem_count = 0;
  std::vector<VerifyProblem> problems;  // the first max_problems of them

  // {"ok","entries","checkpoints","pruned","head":{"seq","hash"},"problemCount","problems":[...]}
  std::string to_json() const;
};

// One prune: the retention workflow's facts (docs/bundle-format.md, Audit retention), except
// the entries, which come from the log. Secrets are never facts: `credential` is the state
// the caller verified for the retention credential.
struct RetentionSettings {
  Session actor;
  bool enabled = false;                // the admin-managed retention flag
  std::string credential = "missing";  // "valid", "invalid", "missing" or "unset"
  int64_t now_ms = 0;
  int64_t window_days = 0;  // the platform's window
  std::map<std::string, int64_t> tenant_windows;
  std::vector<std::string> legal_holds;
  std::string workflow = "audit_retention";
  std::string checkpoint_action = "audit.retention_delete";  // the checkpoint entry's action
  bool dry_run = false;                                      // judge, delete nothing
  size_t batch_size = 2000;                                  // entries per gate check
};

struct PruneResult {
  GateResult gate;  // the workflow's check: allowed, every unmet gate, the explanation
  int64_t judged = 0;
  int64_t deletable = 0;
  int64_t deleted = 0;
  std::map<std::string, int64_t> kept_reasons;     // reason -> entries kept for it
  std::map<std::string, int64_t> deleted_tenants;  // tenant -> entries deletable
  std::optional<AuditEntry> checkpoint;            // written when entries were deleted

  std::string to_json() const;
};

struct VerifyOptions {
  size_t max_problems = 100;  // problems kept in the report (all are counted)
  // A head recorded earlier somewhere else: the chain must still hold that entry with that
  // hash (or a checkpoint must record it as pruned with that hash). This is what rules out a
  // rewrite of the whole chain by someone who can recompute the hashes.
  std::optional<ChainHead> anchor;
};

enum class CsvSafety {
  raw,                  // RFC 4180 exactly
  neutralize_formulas,  // a cell starting with = + - @ TAB CR is prefixed with ' (spreadsheets)
};

class AuditLog {
 public:
  // Read, export and verify only: append and prune need the bundle's vocabulary.
  explicit AuditLog(std::shared_ptr<AuditStore> store);
  AuditLog(std::shared_ptr<AuditStore> store, Bundle bundle);

  // Refuses an action outside the bundle's enumeration, an empty actor or tenant, text that
  // is not UTF-8 or holds control characters, details that are not a JSON object, and
  // fields beyond the limits.
  Result<AuditEntry> append(const AuditRecord& record);
  // All or nothing, in one transaction.
  Result<std::vector<AuditEntry>> append_all(const std::vector<AuditRecord>& records);

  Result<std::vector<AuditEntry>> query(const AuditFilter& filter) const;
  Result<ChainHead> head() const;

  // The filtered entries as CSV (RFC 4180: CRLF, quoted where needed, header row) or as
  // JSON ({"head", "filter", "count", "entries"}), streamed.
  std::optional<Error> export_csv(const AuditFilter& filter, std::ostream& out,
                                  CsvSafety safety = CsvSafety::raw) const;
  std::optional<Error> export_json(const AuditFilter& filter, std::ostream& out) const;

  Result<VerifyReport> verify(const VerifyOptions& options = {}) const;

  // Judges every entry with the bundle's retention workflow (batch by batch) and deletes
  // the deletable ones with one checkpoint, in one transaction. Nothing is deleted when the
  // workflow is refused (result.gate.unmet says why) or on dry_run.
  Result<PruneResult> prune(const RetentionSettings& settings);

  const std::shared_ptr<AuditStore>& store() const { return store_; }

 private:
  std::optional<Error> check_record(const AuditRecord& record) const;
  std::shared_ptr<AuditStore> store_;
  std::optional<Bundle> bundle_;
};

// The filter as JSON (only the criteria given), as exports and the CLI show it.
std::string filter_to_json(const AuditFilter& filter);

// JSON forms read by the CLI's JSON lines and the Python binding; unknown keys are errors.
//   record: {"action","actor","tenant","target"?,"details"?: {...},"time"?}
//   filter: {"tenant"?,"action"?,"actor"?,"kind"?,"since"?,"until"?,"limit"?,
//            "order"?: "newest_first" | "oldest_first" | "chain"}
// Times are RFC 3339 with an offset, or integers of milliseconds since the epoch.
Result<AuditRecord> audit_record_from_json(std::string_view json);
Result<AuditFilter> audit_filter_from_json(std::string_view json);

// RFC 3339 (with an offset) or an integer of milliseconds since the epoch.
std::optional<int64_t> parse_time(std::string_view text);
// "2026-12-04T11:00:00.000Z"
std::string format_time(int64_t epoch_ms);

}  // namespace cordon::server
