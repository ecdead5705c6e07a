// Rate limiting: a sliding-window limiter (Upstash's weighted two-window counter) keyed by
// a class of the bundle's rate_limits and an identifier (an IP address, a user, a tenant).
// A request is admitted when the previous window's count, weighted by how much of it still
// overlaps the sliding window, plus the current window's count, plus this request, is at
// most the class's max; a rejected request is not counted.
//
// The counters live behind a small interface (RateLimitStore) so that a Redis store can be
// added for many instances; the SQLite store makes every process on one machine share a
// limit exactly (each check is one BEGIN IMMEDIATE transaction). The limiter fails closed:
// when the store cannot answer, the request is denied and the decision says why.
//
//   auto store = cordon::server::open_sqlite_rate_limit_store({.path = "ratelimit.db"});
//   cordon::server::RateLimiter limiter(bundle, *store);   // a store error: see below
//   auto decision = limiter.check("auth", "203.0.113.9");
//   if (!decision->allowed) respond(429, decision->retry_after_ms);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/bundle.h"
#include "cordon/bundle_catalog.h"
#include "cordon/error.h"
#include "cordon/server/sqlite_options.h"

namespace cordon::server {

// The counts of one key's two fixed windows.
struct WindowCounts {
  int64_t previous = 0;
  int64_t current = 0;
};

struct SlidingWindowVerdict {
  bool admit = false;
  int64_t remaining = 0;       // requests still admitted now (after this one, if admitted)
  int64_t reset_ms = 0;        // when the current fixed window ends
  int64_t retry_after_ms = 0;  // rejected: how long until one request would be admitted
};

// The limiter's arithmetic, exact in integers: admit iff
//   previous * (window - elapsed) + (current + 1) * window <= max * window
// where elapsed is the time since the current fixed window started.
SlidingWindowVerdict sliding_window(const WindowCounts& counts, int64_t window_ms, int64_t max,
                                    int64_t now_ms);

class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;

  // Atomically for every process sharing the store: reads the counts of the key's windows
  // starting at now - now % window and the one before, asks `decide` whether to admit, and
  // if it does adds one to the current window. Returns what `decide` said.
  using Decide = std::function<SlidingWindowVerdict(const WindowCounts& counts)>;
  virtual Result<SlidingWindowVerdict> hit(std::string_view limit_class,
                                           std::string_view identifier, int64_t window_ms,
                                           int64_t now_ms, const Decide& decide) = 0;

  // Removes windows that ended more than `older_than_ms` before now (bookkeeping only).
  virtual std::optional<Error> purge(int64_t now_ms, int64_t older_than_ms) = 0;
};

Result<std::shared_ptr<RateLimitStore>> open_sqlite_rate_limit_store(const SqliteOptions& options);

struct RateLimitDecision {
  bool allowed = false;
  std::string limit_class;
  std::string identifier;
  int64_t max = 0;
  int64_t window_ms = 0;
  int64_t remaining = 0;
  int64_t reset_ms = 0;
  int64_t retry_after_ms = 0;
  // Set when the store failed: the request is denied (fail closed).
  std::string error;

  // {"allowed","class","identifier","max","windowSeconds","remaining","resetMs",
  //  "retryAfterMs","error"?}
  std::string to_json() const;
};

// Identifiers are 1 to 512 bytes of UTF-8 without control characters.
inline constexpr size_t kMaxRateLimitIdentifierBytes = 512;

// One limiter may serve many threads when its store does (the SQLite store serializes its
// connection's use).
class RateLimiter {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds since the Unix epoch

  // `store` may be null or an error, as when the database could not be opened: every check
  // is then denied with that error (fail closed).
  RateLimiter(const Bundle& bundle, Result<std::shared_ptr<RateLimitStore>> store,
              Clock clock = {});

  // An unknown class or a malformed identifier is an error (a caller bug, not a request to
  // deny); every other outcome is a decision.
  Result<RateLimitDecision> check(std::string_view limit_class, std::string_view identifier);

 private:
  std::vector<RateLimitClass> classes_;
  std::string bundle_name_;
  std::shared_ptr<RateLimitStore> store_;
  std::string store_error_;
  Clock clock_;
  std::atomic<uint64_t> checks_{0};
};

// Which routes of the bundle have a limiter: every route with its class, or none.
struct RateLimitCoverage {
  struct Row {
    std::string route;
    std::string action;
    std::string rate_limit;  // empty: no limiter
    std::string credential;
    bool session_required = true;
  };
  std::vector<Row> routes;
  std::vector<RateLimitClass> classes;
  std::vector<std::string> unused_classes;  // declared, named by no route
  size_t uncovered = 0;

  std::string to_json() const;
  std::string to_markdown() const;
};

RateLimitCoverage rate_limit_coverage(const Bundle& bundle);

}  // namespace cordon::server
