// The SQLite rate-limit store (rate_limiter.h): one row per key and fixed window; each hit
// is one BEGIN IMMEDIATE transaction, so processes sharing the file never lose an update.
#include <mutex>

#include "cordon/server/rate_limiter.h"
#include "sqlite/database.h"

namespace cordon::server {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS rate_limit_windows (
  class TEXT NOT NULL,
  identifier TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (class, identifier, window_start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rate_limit_windows_start ON rate_limit_windows (window_start);
)sql";

int64_t window_start(int64_t now_ms, int64_t window_ms) {
  const int64_t r = now_ms % window_ms;
  return now_ms - (r < 0 ? r + window_ms : r);
}

class SqliteRateLimitStore final : public RateLimitStore {
 public:
  explicit SqliteRateLimitStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Result<SlidingWindowVerdict> hit(std::string_view limit_class, std::string_view identifier,
                                   int64_t window_ms, int64_t now_ms,
                                   const Decide& decide) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto e = prepare()) return *e;
    const int64_t current_start = window_start(now_ms, window_ms);
    const int64_t previous_start = current_start - window_ms;

    Transaction tx(*db_);
    if (auto e = tx.begin_immediate()) return *e;
    WindowCounts counts;
    select_.bind(1, limit_class);
    select_.bind(2, identifier);
    select_.bind(3, previous_start);
    select_.bind(4, current_start);
    while (true) {
      const Statement::Step step = select_.step();
      if (step == Statement::Step::done) break;
      if (step == Statement::Step::error) {
        Error error = select_.error();
        select_.reset();
        return error;
      }
      (select_.column_int64(0) == current_start ? counts.current : counts.previous) =
          select_.column_int64(1);
    }
    select_.reset();

    const SlidingWindowVerdict verdict = decide(counts);
    if (verdict.admit) {
      increment_.bind(1, limit_class);
      increment_.bind(2, identifier);
      increment_.bind(3, current_start);
      if (auto e = increment_.run()) return *e;
      prune_key_.bind(1, limit_class);
      prune_key_.bind(2, identifier);
      prune_key_.bind(3, previous_start);
      if (auto e = prune_key_.run()) return *e;
    }
    if (auto e = tx.commit()) return *e;
    return verdict;
  }

  std::optional<Error> purge(int64_t now_ms, int64_t older_than_ms) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto statement = db_->prepare("DELETE FROM rate_limit_windows WHERE window_start < ?1");
    if (!statement) return statement.error();
    statement->bind(1, now_ms - older_than_ms);
    Transaction tx(*db_);
    if (auto e = tx.begin_immediate()) return e;
    if (auto e = statement->run()) return e;
    return tx.commit();
  }

 private:
  std::optional<Error> prepare() {
    if (select_.valid()) return std::nullopt;
    auto select = db_->prepare(
        "SELECT window_start, count FROM rate_limit_windows "
        "WHERE class = ?1 AND identifier = ?2 AND window_start IN (?3, ?4)");
    if (!select) return select.error();
    auto increment = db_->prepare(
        "INSERT INTO rate_limit_windows (class, identifier, window_start, count) "
        "VALUES (?1, ?2, ?3, 1) "
        "ON CONFLICT (class, identifier, window_start) DO UPDATE SET count = count + 1");
    if (!increment) return increment.error();
    auto prune_key = db_->prepare(
        "DELETE FROM rate_limit_windows "
        "WHERE class = ?1 AND identifier = ?2 AND window_start < ?3");
    if (!prune_key) return prune_key.error();
    select_ = std::move(select).value();
    increment_ = std::move(increment).value();
    prune_key_ = std::move(prune_key).value();
    return std::nullopt;
  }

  std::unique_ptr<Database> db_;
  Statement select_, increment_, prune_key_;
  std::mutex mutex_;
};

}  // namespace

Result<std::shared_ptr<RateLimitStore>> open_sqlite_rate_limit_store(const SqliteOptions& options) {
  if (options.read_only) return sqlite::io_error("a rate-limit store cannot be read-only");
  auto db = Database::open(options, kSchema);
  if (!db) return db.error();
  return std::shared_ptr<RateLimitStore>(
      std::make_shared<SqliteRateLimitStore>(std::move(db).value()));
}

}  // namespace cordon::server
