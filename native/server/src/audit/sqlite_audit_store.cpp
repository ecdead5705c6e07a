// The SQLite audit store (audit_store.h): one table of entries with indexes for the
// filtered reads, the head of the chain, the runs removed by retention, and triggers that
// keep the table append-only for everyone but prune().
#include <algorithm>
#include <mutex>

#include "audit/audit_chain.h"
#include "cordon/server/audit_store.h"
#include "sqlite/database.h"

namespace cordon::server {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS audit_entries (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  tenant TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_entries_tenant_time ON audit_entries (tenant, time_ms);
CREATE INDEX IF NOT EXISTS audit_entries_action_time ON audit_entries (action, time_ms);
CREATE INDEX IF NOT EXISTS audit_entries_actor_time ON audit_entries (actor, time_ms);
CREATE INDEX IF NOT EXISTS audit_entries_time ON audit_entries (time_ms);
CREATE TABLE IF NOT EXISTS audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT OR IGNORE INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE IF NOT EXISTS audit_pruned (
  first_seq INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  prev_hash TEXT NOT NULL,
  last_hash TEXT NOT NULL,
  checkpoint_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_pruning (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  active INTEGER NOT NULL
);
INSERT OR IGNORE INTO audit_pruning (id, active) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS audit_meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
WHEN (SELECT active FROM audit_pruning WHERE id = 1) IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only; retention deletes go through prune');
END;
)sql";

constexpr char kColumns[] =
    "seq, kind, time_ms, action, actor, tenant, target, details, prev_hash, hash";

AuditEntry read_entry(const Statement& row) {
  AuditEntry entry;
  entry.seq = row.column_int64(0);
  entry.kind = row.column_text(1);
  entry.time_ms = row.column_int64(2);
  entry.action = row.column_text(3);
  entry.actor = row.column_text(4);
  entry.tenant = row.column_text(5);
  entry.target = row.column_text(6);
  entry.details = row.column_text(7);
  entry.prev_hash = row.column_text(8);
  entry.hash = row.column_text(9);
  return entry;
}

class SqliteAuditStore final : public AuditStore {
 public:
  explicit SqliteAuditStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::vector<AuditEntry>> append(const Sealer& seal) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(*db_);
    if (auto e = tx.begin_immediate()) return *e;
    auto current = read_head();
    if (!current) return current.error();
    auto sealed = seal(*current);
    if (!sealed) return sealed.error();
    if (sealed->empty()) return sealed;
    for (size_t i = 0; i < sealed->size(); ++i)
      if ((*sealed)[i].seq != current->seq + 1 + static_cast<int64_t>(i))
        return sqlite::io_error(db_->path() + ": appended entries must follow the head");
    if (auto e = insert_entries(*sealed)) return *e;
    if (auto e = write_head({sealed->back().seq, sealed->back().hash})) return *e;
    if (auto e = tx.commit()) return *e;
    refresh_statistics(sealed->back().seq);
    return sealed;
  }

  Result<AuditEntry> prune(const std::vector<int64_t>& seqs,
                           const CheckpointSealer& seal) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(*db_);
    if (auto e = tx.begin_immediate()) return *e;
    auto current = read_head();
    if (!current) return current.error();

    std::vector<int64_t> sorted(seqs);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    auto select = db_->prepare("SELECT kind, prev_hash, hash FROM audit_entries WHERE seq = ?1");
    if (!select) return select.error();
    std::vector<PrunedRun> runs;
    std::vector<int64_t> removed;
    for (int64_t seq : sorted) {
      select->bind(1, seq);
      const Statement::Step step = select->step();
      if (step == Statement::Step::error) return select->error();
      const bool present = step == Statement::Step::row && select->column_text(0) == "entry";
      std::string prev_hash = present ? select->column_text(1) : "";
      std::string hash = present ? select->column_text(2) : "";
      select->reset();
      if (!present) continue;
      if (!runs.empty() && runs.back().last_seq + 1 == seq) {
        runs.back().last_seq = seq;
        runs.back().last_hash = hash;
      } else {
        runs.push_back({seq, seq, prev_hash, hash, current->seq + 1});
      }
      removed.push_back(seq);
    }
    auto checkpoint = seal(*current, runs);
    if (!checkpoint) return checkpoint.error();
    if (checkpoint->seq != current->seq + 1)
      return sqlite::io_error(db_->path() + ": a checkpoint must follow the head");

    if (auto e = db_->exec("UPDATE audit_pruning SET active = 1 WHERE id = 1")) return *e;
    auto remove = db_->prepare("DELETE FROM audit_entries WHERE seq = ?1");
    if (!remove) return remove.error();
    for (int64_t seq : removed) {
      remove->bind(1, seq);
      if (auto e = remove->run()) return *e;
    }
    if (auto e = db_->exec("UPDATE audit_pruning SET active = 0 WHERE id = 1")) return *e;
    auto record = db_->prepare(
        "INSERT INTO audit_pruned (first_seq, last_seq, prev_hash, last_hash, checkpoint_seq) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!record) return record.error();
    for (const PrunedRun& run : runs) {
      record->bind(1, run.first_seq);
      record->bind(2, run.last_seq);
      record->bind(3, run.prev_hash);
      record->bind(4, run.last_hash);
      record->bind(5, run.checkpoint_seq);
      if (auto e = record->run()) return *e;
    }
    if (auto e = insert_entries({*checkpoint})) return *e;
    if (auto e = write_head({checkpoint->seq, checkpoint->hash})) return *e;
    if (auto e = tx.commit()) return *e;
    return checkpoint;
  }

  Result<ChainHead> head() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return read_head();
  }

  std::optional<Error> query(const AuditFilter& filter,
                             const std::function<bool(const AuditEntry&)>& visit) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string sql = std::string("SELECT ") + kColumns + " FROM audit_entries";
    std::vector<std::pair<int, std::string>> texts;
    std::vector<std::pair<int, int64_t>> numbers;
    std::string where;
    int index = 0;
    auto add_text = [&](const char* column, const std::optional<std::string>& value) {
      if (!value) return;
      where += (where.empty() ? " WHERE " : " AND ") + std::string(column) + " = ?" +
               std::to_string(++index);
      texts.emplace_back(index, *value);
    };
    add_text("tenant", filter.tenant);
    add_text("action", filter.action);
    add_text("actor", filter.actor);
    add_text("kind", filter.kind);
    if (filter.since_ms) {
      where += (where.empty() ? " WHERE " : " AND ") + std::string("time_ms >= ?") +
               std::to_string(++index);
      numbers.emplace_back(index, *filter.since_ms);
    }
    if (filter.until_ms) {
      where += (where.empty() ? " WHERE " : " AND ") + std::string("time_ms < ?") +
               std::to_string(++index);
      numbers.emplace_back(index, *filter.until_ms);
    }
    sql += where;
    switch (filter.order) {
      case AuditOrder::newest_first:
        sql += " ORDER BY time_ms DESC, seq DESC";
        break;
      case AuditOrder::oldest_first:
        sql += " ORDER BY time_ms ASC, seq ASC";
        break;
      case AuditOrder::chain:
        sql += " ORDER BY seq ASC";
        break;
    }
    if (filter.limit > 0) {
      sql += " LIMIT ?" + std::to_string(++index);
      numbers.emplace_back(index, static_cast<int64_t>(filter.limit));
    }
    auto statement = db_->prepare(sql);
    if (!statement) return statement.error();
    for (const auto& [i, text] : texts) statement->bind(i, text);
    for (const auto& [i, number] : numbers) statement->bind(i, number);
    // One read transaction, so a long export sees one snapshot.
    Transaction tx(*db_);
    if (auto e = tx.begin_read()) return e;
    while (true) {
      const Statement::Step step = statement->step();
      if (step == Statement::Step::done) break;
      if (step == Statement::Step::error) return statement->error();
      if (!visit(read_entry(*statement))) break;
    }
    statement->reset();
    return tx.commit();
  }

  std::optional<Error> scan_chain(const ChainVisitor& visitor) const override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(*db_);
    if (auto e = tx.begin_read()) return e;
    auto current = read_head();
    if (!current) return current.error();
    if (visitor.head) visitor.head(*current);
    auto runs = db_->prepare(
        "SELECT first_seq, last_seq, prev_hash, last_hash, checkpoint_seq FROM audit_pruned "
        "ORDER BY first_seq");
    if (!runs) return runs.error();
    while (true) {
      const Statement::Step step = runs->step();
      if (step == Statement::Step::done) break;
      if (step == Statement::Step::error) return runs->error();
      if (visitor.run)
        visitor.run({runs->column_int64(0), runs->column_int64(1), runs->column_text(2),
                     runs->column_text(3), runs->column_int64(4)});
    }
    runs->reset();
    auto entries =
        db_->prepare(std::string("SELECT ") + kColumns + " FROM audit_entries ORDER BY seq");
    if (!entries) return entries.error();
    while (true) {
      const Statement::Step step = entries->step();
      if (step == Statement::Step::done) break;
      if (step == Statement::Step::error) return entries->error();
      if (visitor.entry && !visitor.entry(read_entry(*entries))) break;
    }
    entries->reset();
    return tx.commit();
  }

 private:
  Result<ChainHead> read_head() const {
    auto statement = db_->prepare("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!statement) return statement.error();
    const Statement::Step step = statement->step();
    if (step == Statement::Step::error) return statement->error();
    if (step == Statement::Step::done)
      return sqlite::io_error(db_->path() + ": the audit log has no head row (not an audit log?)");
    return ChainHead{statement->column_int64(0), statement->column_text(1)};
  }

  // Keeps the query planner's statistics current as the log grows (each time it doubles,
  // from 1000 entries), so that a filter on tenant and action uses the more selective
  // index. A sampled ANALYZE takes milliseconds; a failure only costs speed.
  void refresh_statistics(int64_t head_seq) {
    constexpr int64_t kFirstAnalysis = 1000;
    if (head_seq < kFirstAnalysis) return;
    if (analyzed_seq_ < 0) {
      auto read = db_->prepare("SELECT value FROM audit_meta WHERE key = 'analyzed_seq'");
      analyzed_seq_ = 0;
      if (read && read->step() == Statement::Step::row) analyzed_seq_ = read->column_int64(0);
    }
    if (head_seq < 2 * analyzed_seq_) return;
    if (db_->exec("PRAGMA analysis_limit = 1000; ANALYZE audit_entries;")) return;
    analyzed_seq_ = head_seq;
    auto write = db_->prepare(
        "INSERT INTO audit_meta (key, value) VALUES ('analyzed_seq', ?1) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (write) {
      write->bind(1, head_seq);
      (void)write->run();
    }
  }

  std::optional<Error> write_head(const ChainHead& head) {
    auto statement = db_->prepare("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1");
    if (!statement) return statement.error();
    statement->bind(1, head.seq);
    statement->bind(2, head.hash);
    return statement->run();
  }

  std::optional<Error> insert_entries(const std::vector<AuditEntry>& entries) {
    auto insert = db_->prepare(std::string("INSERT INTO audit_entries (") + kColumns +
                               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert) return insert.error();
    for (const AuditEntry& entry : entries) {
      insert->bind(1, entry.seq);
      insert->bind(2, entry.kind);
      insert->bind(3, entry.time_ms);
      insert->bind(4, entry.action);
      insert->bind(5, entry.actor);
      insert->bind(6, entry.tenant);
      insert->bind(7, entry.target);
      insert->bind(8, entry.details);
      insert->bind(9, entry.prev_hash);
      insert->bind(10, entry.hash);
      if (auto e = insert->run()) return e;
    }
    return std::nullopt;
  }

  std::unique_ptr<Database> db_;
  int64_t analyzed_seq_ = -1;  // unknown until read from audit_meta
  // One connection: calls from several threads take turns.
  mutable std::mutex mutex_;
};

}  // namespace

Result<std::shared_ptr<AuditStore>> open_sqlite_audit_store(const SqliteOptions& options) {
  auto db = Database::open(options, options.read_only ? "" : kSchema);
  if (!db) return db.error();
  if (options.read_only) {
    auto probe = (*db)->prepare("SELECT seq FROM audit_head WHERE id = 1");
    if (!probe) return sqlite::io_error(options.path + ": not an audit log (no audit_head table)");
  }
  return std::shared_ptr<AuditStore>(std::make_shared<SqliteAuditStore>(std::move(db).value()));
}

}  // namespace cordon::server
