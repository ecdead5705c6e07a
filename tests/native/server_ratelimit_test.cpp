// Tests of the rate limiter (native/server: cordon/server/rate_limiter.h): the weighted
// two-window arithmetic, rejected requests not counted, keys by class and identifier,
// limits shared exactly by separate connections to one SQLite file, failing closed when the
// store cannot answer, and the coverage report of the default bundle's routes.
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bundle/bundle_reader.h"
#include "cordon/bundle.h"
#include "cordon/server/rate_limiter.h"

#ifndef CORDON_SOURCE_DIR
#error "CORDON_SOURCE_DIR must name the repository (tests/CMakeLists.txt defines it)"
#endif

namespace {

namespace fs = std::filesystem;
using cordon::Bundle;
using cordon::ErrorKind;
using cordon::server::RateLimiter;
using cordon::server::sliding_window;
using cordon::server::WindowCounts;

constexpr int64_t kWindow = 60'000;
constexpr int64_t kStart = 1'796'083'200'000;  // a window boundary for 60 s and 3600 s

// A bundle with the given rate_limits and no routes.
Bundle bundle_with_limits(const std::string& rate_limits) {
  cordon::BundleFiles files;
  files["bundle.json"] = R"({"name": "limits", "revision": "1", "policies": ["p.cedar"],
    "entities": "entities.json", "rate_limits": )" +
                         rate_limits + "}";
  files["p.cedar"] = "@id(\"all\")\npermit (principal, action, resource);\n";
  files["entities.json"] = "[]";
  auto bundle = Bundle::load(files);
  EXPECT_TRUE(bundle.ok()) << bundle.error().to_string();
  return *bundle;
}

fs::path fresh_directory() {
  static std::atomic<int> counter{0};
  fs::path dir =
      fs::temp_directory_path() /
      ("cordon-ratelimit-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  return dir;
}

TEST(SlidingWindow, AdmitsWhileTheWeightedCountStaysWithinTheMax) {
  // Empty windows: admitted, max - 1 left.
  auto v = sliding_window({0, 0}, kWindow, 10, kStart);
  EXPECT_TRUE(v.admit);
  EXPECT_EQ(v.remaining, 9);
  EXPECT_EQ(v.reset_ms, kStart + kWindow);
  // The current window full: refused until it ends and then until a tenth of it slid out.
  v = sliding_window({0, 10}, kWindow, 10, kStart + 1000);
  EXPECT_FALSE(v.admit);
  EXPECT_EQ(v.remaining, 0);
  EXPECT_EQ(v.retry_after_ms, kWindow - 1000 + kWindow / 10);
  // Halfway through, a full previous window weighs 5: four more are admitted, not five.
  const int64_t half = kStart + kWindow / 2;
  EXPECT_TRUE(sliding_window({10, 4}, kWindow, 10, half).admit);   // 5 + 4 + 1 = 10
  EXPECT_FALSE(sliding_window({10, 5}, kWindow, 10, half).admit);  // 5 + 5 + 1 = 11
  // Refused with 5 + 5: one slides out after a tenth of the window.
  EXPECT_EQ(sliding_window({10, 5}, kWindow, 10, half).retry_after_ms, kWindow / 10);
  // Exact at the boundary: 10 * (60000 - 6000) / 60000 = 9 -> 9 + 0 + 1 = 10 admitted.
  EXPECT_TRUE(sliding_window({10, 0}, kWindow, 10, kStart + 6000).admit);
  EXPECT_FALSE(sliding_window({10, 0}, kWindow, 10, kStart + 5999).admit);
  // Large windows and maxima stay exact (no overflow).
  constexpr int64_t kYear = 31'622'400'000;
  EXPECT_FALSE(sliding_window({1'000'000'000, 0}, kYear, 1'000'000'000, kYear * 57).admit);
  EXPECT_TRUE(sliding_window({1'000'000'000, 0}, kYear, 1'000'000'000, kYear * 58 - 1).admit);
}

class RateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = fresh_directory(); }
  void TearDown() override { fs::remove_all(dir_); }

  cordon::Result<std::shared_ptr<cordon::server::RateLimitStore>> store() {
    return cordon::server::open_sqlite_rate_limit_store(
        {.path = (dir_ / "limits" / "rl.db").string(), .durable = false});
  }

  bool allowed(RateLimiter& limiter, const std::string& cls, const std::string& id) {
    auto d = limiter.check(cls, id);
    EXPECT_TRUE(d.ok()) << d.error().to_string();
    EXPECT_TRUE(d->error.empty()) << d->error;
    return d->allowed;
  }

  Bundle bundle_ = bundle_with_limits(R"({"auth": {"window_seconds": 60, "max": 3},
                                          "proxy": {"window_seconds": 3600, "max": 50}})");
  fs::path dir_;
  int64_t now_ = kStart;
};

TEST_F(RateLimiterTest, RejectedRequestsAreNotCounted) {
  RateLimiter limiter(bundle_, store(), [&] { return now_; });
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += allowed(limiter, "auth", "203.0.113.9");
  EXPECT_EQ(admitted, 3);
  // Halfway through the next window the previous one weighs 3 / 2 = 1.5: one more fits.
  // Had the 7 refusals been counted it would weigh 5 and none would.
  now_ = kStart + kWindow + kWindow / 2;
  EXPECT_TRUE(allowed(limiter, "auth", "203.0.113.9"));
  EXPECT_FALSE(allowed(limiter, "auth", "203.0.113.9"));
  // Two windows later the history is gone.
  now_ = kStart + 3 * kWindow;
  admitted = 0;
  for (int i = 0; i < 5; ++i) admitted += allowed(limiter, "auth", "203.0.113.9");
  EXPECT_EQ(admitted, 3);
}

TEST_F(RateLimiterTest, KeysAreClassAndIdentifier) {
  RateLimiter limiter(bundle_, store(), [&] { return now_; });
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(allowed(limiter, "auth", "a"));
  EXPECT_FALSE(allowed(limiter, "auth", "a"));
  EXPECT_TRUE(allowed(limiter, "auth", "b"));
  EXPECT_TRUE(allowed(limiter, "proxy", "a"));
  auto d = limiter.check("auth", "b");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->max, 3);
  EXPECT_EQ(d->window_ms, kWindow);
  EXPECT_EQ(d->remaining, 1);
  const auto json = nlohmann::json::parse(d->to_json());
  EXPECT_EQ(json["class"], "auth");
  EXPECT_EQ(json["windowSeconds"], 60);
}

TEST_F(RateLimiterTest, UnknownClassesAndBadIdentifiersAreErrors) {
  RateLimiter limiter(bundle_, store(), [&] { return now_; });
  auto unknown = limiter.check("authn", "a");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::domain);
  EXPECT_NE(unknown.error().message.find("unknown rate-limit class `authn`"), std::string::npos);
  EXPECT_FALSE(limiter.check("auth", "").ok());
  EXPECT_FALSE(limiter.check("auth", "a\nb").ok());
  EXPECT_FALSE(limiter.check("auth", std::string(600, 'x')).ok());
}

TEST_F(RateLimiterTest, ConnectionsToOneFileShareTheLimitExactly) {
  constexpr int kThreads = 4;
  constexpr int kEach = 100;
  std::atomic<int> admitted{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      RateLimiter limiter(bundle_, store(), [] { return kStart + 1000; });
      for (int i = 0; i < kEach; ++i) {
        auto d = limiter.check("proxy", "tenant-acme");
        if (!d.ok() || !d->error.empty())
          ++errors;
        else if (d->allowed)
          ++admitted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(admitted, 50);
}

TEST_F(RateLimiterTest, FailsClosedWhenTheStoreCannotBeOpened) {
  fs::create_directories(dir_ / "a-directory.db");
  RateLimiter limiter(bundle_, cordon::server::open_sqlite_rate_limit_store(
                                   {.path = (dir_ / "a-directory.db").string()}));
  auto d = limiter.check("auth", "a");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->allowed);
  EXPECT_FALSE(d->error.empty());
  EXPECT_NE(d->to_json().find("\"error\""), std::string::npos);
}

// A store that stops answering, as a locked or lost database would.
class BrokenStore final : public cordon::server::RateLimitStore {
 public:
  cordon::Result<cordon::server::SlidingWindowVerdict> hit(std::string_view, std::string_view,
                                                           int64_t, int64_t,
                                                           const Decide&) override {
    cordon::Error error;
    error.kind = ErrorKind::io;
    error.message = "database is locked";
    return error;
  }
  std::optional<cordon::Error> purge(int64_t, int64_t) override { return std::nullopt; }
};

TEST_F(RateLimiterTest, FailsClosedWhenTheStoreFails) {
  RateLimiter limiter(
      bundle_, std::shared_ptr<cordon::server::RateLimitStore>(std::make_shared<BrokenStore>()));
  auto d = limiter.check("auth", "a");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->allowed);
  EXPECT_NE(d->error.find("database is locked"), std::string::npos);
}

TEST(RateLimitCoverage, ListsEveryRouteWithItsClassOrNone) {
  cordon::BundleFiles files;
  files["bundle.json"] = R"({"name": "routes", "revision": "1", "policies": ["p.cedar"],
    "entities": "entities.json", "routes": "routes.json",
    "rate_limits": {"auth": {"window_seconds": 60, "max": 10},
                    "spare": {"window_seconds": 60, "max": 10}}})";
  files["p.cedar"] = "@id(\"all\")\npermit (principal, action, resource);\n";
  files["entities.json"] = R"([{"uid": {"type": "Action", "id": "view"}, "attrs": {},
                                "parents": []}])";
  files["routes.json"] = R"({"routes": [
    {"route": "POST /login", "action": "view", "tenant": "none", "session": "none",
     "rate_limit": "auth"},
    {"route": "GET /a", "action": "view", "tenant": "session"},
    {"route": "GET /b", "action": "view", "tenant": "session", "rate_limit": "auth"}]})";
  auto bundle = Bundle::load(files);
  ASSERT_TRUE(bundle.ok()) << bundle.error().to_string();
  const auto coverage = cordon::server::rate_limit_coverage(*bundle);
  ASSERT_EQ(coverage.routes.size(), 3u);
  EXPECT_EQ(coverage.routes[1].route, "GET /a");
  EXPECT_EQ(coverage.routes[1].rate_limit, "");
  EXPECT_EQ(coverage.routes[2].rate_limit, "auth");
  EXPECT_EQ(coverage.uncovered, 1u);
  EXPECT_EQ(coverage.unused_classes, std::vector<std::string>{"spare"});
  const auto json = nlohmann::json::parse(coverage.to_json());
  EXPECT_EQ(json["covered"], 2);
  EXPECT_EQ(json["uncovered"], 1);
  EXPECT_TRUE(json["routes"][1]["rateLimit"].is_null());
  const std::string markdown = coverage.to_markdown();
  EXPECT_NE(markdown.find("| `GET /a` | view | **none** |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("2 of 3 routes have a rate limiter; 1 have none."), std::string::npos)
      << markdown;
}

TEST(RateLimitCoverage, NamesOnlyDeclaredClassesOnTheDefaultBundle) {
  auto bundle =
      cordon::native::load_bundle_directory(fs::path(CORDON_SOURCE_DIR) / "policies" / "elaygent");
  ASSERT_TRUE(bundle.ok()) << bundle.error().to_string();
  const auto coverage = cordon::server::rate_limit_coverage(*bundle);
  ASSERT_FALSE(coverage.routes.empty());
  size_t uncovered = 0;
  for (const auto& row : coverage.routes) {
    uncovered += row.rate_limit.empty();
    if (!row.rate_limit.empty()) {
      EXPECT_TRUE(cordon::rate_limit_class(*bundle, row.rate_limit)) << row.route;
    }
  }
  EXPECT_EQ(coverage.uncovered, uncovered);
}

}  // namespace
