// Where the audit log keeps its entries: a small interface, so that a PostgreSQL store can
// be added for deployments of many instances. SQLite (WAL) is the embedded default.
//
// The store knows nothing of hashes or bundles: AuditLog (audit_log.h) seals entries into
// the chain and checks them. The store's one duty is atomicity: append and prune run their
// callback inside one transaction that excludes every other writer (SQLite: BEGIN
// IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on the head row), so the chain never forks.
//
//   auto store = cordon::server::open_sqlite_audit_store({.path = "audit.db"});
//   cordon::server::AuditLog log(*store, bundle);      // audit_log.h
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cordon/error.h"
#include "cordon/server/sqlite_options.h"

namespace cordon::server {

// One stored entry of the audit log.
struct AuditEntry {
  int64_t seq = 0;             // position in the chain, from 1, never reused
  std::string kind = "entry";  // "entry", or "checkpoint" (a record of pruned entries)
  int64_t time_ms = 0;         // milliseconds since the Unix epoch, UTC
  std::string action;          // one of the bundle's audit_actions
  std::string actor;
  std::string tenant;          // empty only on checkpoints
  std::string target;          // may be empty
  std::string details = "{}";  // a JSON object, canonical text (sorted keys, no spaces)
  std::string prev_hash;       // hex SHA-256 of the previous entry (64 zeros for the first)
  std::string hash;            // hex SHA-256 of prev_hash and this entry's content

  // {"seq","kind","time","action","actor","tenant","target","details","prevHash","hash"}
  std::string to_json() const;
};

// The newest entry's position and hash (seq 0 and 64 zeros for an empty log).
struct ChainHead {
  int64_t seq = 0;
  std::string hash;
};

// Consecutive entries removed by one prune: enough to carry the chain across the gap.
struct PrunedRun {
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  std::string prev_hash;  // the prev_hash of the first removed entry
  std::string last_hash;  // the hash of the last removed entry
  int64_t checkpoint_seq = 0;
};

enum class AuditOrder {
  newest_first,  // by time, then seq, descending: what an audit view shows
  oldest_first,  // by time, then seq
  chain,         // by seq: the order of the hash chain
};

// Filtered reads. Every criterion is optional; times are [since, until).
struct AuditFilter {
  std::optional<std::string> tenant;
  std::optional<std::string> action;
  std::optional<std::string> actor;
  std::optional<int64_t> since_ms;
  std::optional<int64_t> until_ms;
  std::optional<std::string> kind;  // "entry" or "checkpoint"
  size_t limit = 100;               // 0: no limit
  AuditOrder order = AuditOrder::newest_first;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Inside one exclusive transaction: reads the head, asks `seal` for the entries that follow
  // it (seq, prev_hash and hash filled in), writes them and moves the head. Nothing is
  // written when `seal` fails or the store does.
  using Sealer = std::function<Result<std::vector<AuditEntry>>(const ChainHead& head)>;
  virtual Result<std::vector<AuditEntry>> append(const Sealer& seal) = 0;

  // Inside one exclusive transaction: removes the entries numbered `seqs` (ones already gone
  // are skipped; checkpoints are never removed), records the runs removed, and appends the
  // checkpoint that `seal` makes from the head and those runs.
  using CheckpointSealer =
      std::function<Result<AuditEntry>(const ChainHead& head, const std::vector<PrunedRun>& runs)>;
  virtual Result<AuditEntry> prune(const std::vector<int64_t>& seqs,
                                   const CheckpointSealer& seal) = 0;

  virtual Result<ChainHead> head() const = 0;

  // Calls `visit` for each entry the filter selects, in its order; `visit` returns false to
  // stop.
  virtual std::optional<Error> query(const AuditFilter& filter,
                                     const std::function<bool(const AuditEntry&)>& visit) const = 0;

  // One consistent snapshot of the whole chain, for verification: the recorded head, every
  // pruned run, then every entry in seq order.
  struct ChainVisitor {
    std::function<void(const ChainHead&)> head;
    std::function<void(const PrunedRun&)> run;
    std::function<bool(const AuditEntry&)> entry;  // false stops
  };
  virtual std::optional<Error> scan_chain(const ChainVisitor& visitor) const = 0;
};

// The SQLite store: the file (and its folders) is created on first use.
Result<std::shared_ptr<AuditStore>> open_sqlite_audit_store(const SqliteOptions& options);

}  // namespace cordon::server
