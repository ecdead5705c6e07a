// The rate limiter (rate_limiter.h): classes from the bundle, counters in the store, and
// a denial whenever the store cannot answer.
#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "cordon/server/rate_limiter.h"
#include "text/utf8.h"

namespace cordon::server {

namespace {

Error domain_error(std::string message) {
  Error error;
  error.kind = ErrorKind::domain;
  error.message = std::move(message);
  return error;
}

int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Expired windows are purged every this many checks of one limiter.
constexpr uint64_t kPurgeEvery = 4096;

}  // namespace

std::string RateLimitDecision::to_json() const {
  nlohmann::ordered_json out;
  out["allowed"] = allowed;
  out["class"] = limit_class;
  out["identifier"] = identifier;
  out["max"] = max;
  out["windowSeconds"] = window_ms / 1000;
  out["remaining"] = remaining;
  out["resetMs"] = reset_ms;
  out["retryAfterMs"] = retry_after_ms;
  if (!error.empty()) out["error"] = error;
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

RateLimiter::RateLimiter(const Bundle& bundle, Result<std::shared_ptr<RateLimitStore>> store,
                         Clock clock)
    : classes_(rate_limit_classes(bundle)),
      bundle_name_(bundle.name()),
      clock_(clock ? std::move(clock) : Clock(system_now_ms)) {
  if (!store) {
    store_error_ = store.error().to_string();
  } else if (!*store) {
    store_error_ = "no rate-limit store";
  } else {
    store_ = std::move(store).value();
  }
}

Result<RateLimitDecision> RateLimiter::check(std::string_view limit_class,
                                             std::string_view identifier) {
  auto spec = std::find_if(classes_.begin(), classes_.end(),
                           [&](const RateLimitClass& c) { return c.name == limit_class; });
  if (spec == classes_.end()) {
    std::string known;
    for (const auto& c : classes_) known += (known.empty() ? "`" : ", `") + c.name + "`";
    return domain_error("unknown rate-limit class `" + std::string(limit_class) + "` (bundle `" +
                        bundle_name_ + "` declares " + (known.empty() ? "none" : known) + ")");
  }
  if (identifier.empty() || identifier.size() > kMaxRateLimitIdentifierBytes)
    return domain_error("a rate-limit identifier is 1 to " +
                        std::to_string(kMaxRateLimitIdentifierBytes) + " bytes");
  if (!text::is_valid_utf8(identifier))
    return domain_error("a rate-limit identifier must be valid UTF-8");
  for (unsigned char c : identifier)
    if (c < 0x20 || c == 0x7f)
      return domain_error("a rate-limit identifier holds no control character");

  RateLimitDecision decision;
  decision.limit_class = spec->name;
  decision.identifier = std::string(identifier);
  decision.max = spec->max;
  decision.window_ms = spec->window_seconds * 1000;
  if (!store_) {
    decision.error = store_error_;
    return decision;  // fail closed
  }
  const int64_t now = clock_();
  const int64_t window_ms = decision.window_ms;
  const int64_t max = decision.max;
  auto verdict = store_->hit(
      spec->name, identifier, window_ms, now,
      [&](const WindowCounts& counts) { return sliding_window(counts, window_ms, max, now); });
  if (!verdict) {
    decision.error = verdict.error().to_string();
    return decision;  // fail closed
  }
  decision.allowed = verdict->admit;
  decision.remaining = verdict->remaining;
  decision.reset_ms = verdict->reset_ms;
  decision.retry_after_ms = verdict->retry_after_ms;

  if (++checks_ % kPurgeEvery == 0) {
    int64_t longest = 0;
    for (const auto& c : classes_) longest = std::max(longest, c.window_seconds * 1000);
    (void)store_->purge(now, 2 * longest);  // bookkeeping: a failure changes no decision
  }
  return decision;
}

}  // namespace cordon::server
