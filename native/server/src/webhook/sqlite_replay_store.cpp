// The SQLite replay store (cordon/server/replay_store.h): one row per accepted delivery, kept
// until the delivery's timestamp can no longer pass the tolerance check.
#include <mutex>

#include "cordon/server/replay_store.h"
#include "sqlite/database.h"

namespace cordon::server {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS webhook_replay (
  key TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS webhook_replay_expires ON webhook_replay (expires_at);
)sql";

class SqliteReplayStore final : public ReplayStore {
 public:
  explicit SqliteReplayStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Result<bool> remember(std::string_view key, int64_t expires_at, int64_t now) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto e = prepare()) return *e;
    Transaction tx(*db_);
    if (auto e = tx.begin_immediate()) return *e;
    purge_.bind(1, now);
    if (auto e = purge_.run()) return *e;
    find_.bind(1, key);
    const Statement::Step step = find_.step();
    if (step == Statement::Step::error) {
      Error error = find_.error();
      find_.reset();
      return error;
    }
    const bool seen = step == Statement::Step::row;
    find_.reset();
    if (seen) return false;  // rolled back: nothing to write
    insert_.bind(1, key);
    insert_.bind(2, expires_at);
    if (auto e = insert_.run()) return *e;
    if (auto e = tx.commit()) return *e;
    return true;
  }

 private:
  std::optional<Error> prepare() {
    if (find_.valid()) return std::nullopt;
    auto purge = db_->prepare("DELETE FROM webhook_replay WHERE expires_at <= ?1");
    if (!purge) return purge.error();
    auto find = db_->prepare("SELECT 1 FROM webhook_replay WHERE key = ?1");
    if (!find) return find.error();
    auto insert = db_->prepare("INSERT INTO webhook_replay (key, expires_at) VALUES (?1, ?2)");
    if (!insert) return insert.error();
    purge_ = std::move(purge).value();
    find_ = std::move(find).value();
    insert_ = std::move(insert).value();
    return std::nullopt;
  }

  std::unique_ptr<Database> db_;
  Statement purge_, find_, insert_;
  std::mutex mutex_;
};

}  // namespace

Result<std::shared_ptr<ReplayStore>> open_sqlite_replay_store(const SqliteOptions& options) {
  if (options.read_only) return sqlite::io_error("a replay store cannot be read-only");
  auto db = Database::open(options, kSchema);
  if (!db) return db.error();
  return std::shared_ptr<ReplayStore>(std::make_shared<SqliteReplayStore>(std::move(db).value()));
}

}  // namespace cordon::server
