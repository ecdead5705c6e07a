// Telemetry scrubbing piece by piece: the value detectors (engine/src/telemetry/detectors.h),
// key normalization, and scrub_telemetry with the default bundle's error-monitoring profile
// on the places a secret hides (JSON text, percent-encoded URLs, argv, header pairs, camelCase
// keys) and the values it must leave alone. The labelled set is measured by
// cordon_telemetry_eval_test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/masks.h"
#include "telemetry/detectors.h"
#include "telemetry/scrub_profiles.h"

#ifndef CORDON_SOURCE_DIR
#error "CORDON_SOURCE_DIR must name the repository (tests/CMakeLists.txt defines it)"
#endif

namespace {

namespace fs = std::filesystem;
using cordon::telemetry::Detector;
using cordon::telemetry::find_all;
using nlohmann::json;

std::vector<std::string> found(Detector d, std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : find_all(d, text)) out.emplace_back(text.substr(m.begin, m.end - m.begin));
  return out;
}

using Strings = std::vector<std::string>;

TEST(Detectors, PhoneInUrlPathWithPlus) {
  EXPECT_EQ(found(Detector::phone, "GET /api/callers/+15551234567/history"),
            Strings{"+15551234567"});
  // Digits right after a slash are an id, not a phone.
  EXPECT_TRUE(found(Detector::phone, "GET /api/orders/5551234567/items").empty());
  EXPECT_EQ(found(Detector::phone, "tel:+1 (415) 555-0100"), Strings{"+1 (415) 555-0100"});
}

TEST(Detectors, IpAddresses) {
  EXPECT_EQ(found(Detector::ip, "from ::ffff:203.0.113.7 rate limited"),
            Strings{"::ffff:203.0.113.7"});
  EXPECT_EQ(found(Detector::ip, "client 198.51.100.23:52144 gone"), Strings{"198.51.100.23"});
  EXPECT_EQ(found(Detector::ip, "http://10.0.0.1/health"), Strings{"10.0.0.1"});
  EXPECT_EQ(found(Detector::ip, "2001:db8:1a::2b"), Strings{"2001:db8:1a::2b"});
  // A product version in a User-Agent is not an address; neither are times or versions.
  EXPECT_TRUE(found(Detector::ip, "Chrome/120.0.0.0 Safari/537.36").empty());
  EXPECT_TRUE(found(Detector::ip, "at 12:30:45.123 node 20.11.1").empty());
}

TEST(Detectors, UrlPassword) {
  EXPECT_EQ(found(Detector::url_password, "postgres://portal:s3cr3tPW@db.internal:5432/app"),
            Strings{"s3cr3tPW"});
  EXPECT_TRUE(found(Detector::url_password, "https://user@example.org/").empty());
  EXPECT_TRUE(found(Detector::url_password, "https://example.org/a:b@c").empty());
}

TEST(Detectors, KeywordSecret) {
  EXPECT_EQ(
      found(Detector::keyword_secret, "rejected request with key 8962058765a6ca7cff00d7 for x"),
      Strings{"8962058765a6ca7cff00d7"});
  EXPECT_EQ(found(Detector::keyword_secret, "password: 62!EwEfWPMyV#n."),
            Strings{"62!EwEfWPMyV#n"});
  EXPECT_EQ(found(Detector::keyword_secret, "API key EHRGzuIrjZJSln was rejected"),
            Strings{"EHRGzuIrjZJSln"});
  // Words that are not random are left alone.
  for (const char* text : {"key rotation failed", "token expired", "missing key ProviderConfig",
                           "secret manager unavailable", "key /api/v1/calls", "password reset"})
    EXPECT_TRUE(found(Detector::keyword_secret, text).empty()) << text;
}

TEST(Detectors, NamesOfKeysAreNormalized) {
  using cordon::telemetry::normalize_key;
  EXPECT_EQ(normalize_key("Set-Cookie"), "set_cookie");
  EXPECT_EQ(normalize_key("firstName"), "first_name");
  EXPECT_EQ(normalize_key("dateOfBirth"), "date_of_birth");
  EXPECT_EQ(normalize_key("APIKey"), "api_key");
  EXPECT_EQ(normalize_key("X-Api-Key"), "x_api_key");
  EXPECT_EQ(normalize_key("privateKey2"), "private_key2");
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const cordon::Bundle& elaygent() {
  static const cordon::Bundle bundle = [] {
    cordon::BundleFiles files;
    const fs::path root = fs::path(CORDON_SOURCE_DIR) / "policies" / "elaygent";
    for (const auto& entry : fs::recursive_directory_iterator(root))
      if (entry.is_regular_file())
        files[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
    cordon::BundleLoadOptions options;
    options.scrub_hash_key = "telemetry-test-key";
    auto loaded = cordon::Bundle::load(files, options);
    if (!loaded) throw std::runtime_error(loaded.error().to_string());
    return std::move(loaded).value();
  }();
  return bundle;
}

json scrub(const json& event, const char* profile = "error-monitoring") {
  auto out = cordon::scrub_telemetry(elaygent(), event.dump(), profile);
  EXPECT_TRUE(out) << out.error().to_string();
  return out ? json::parse(out->event_json) : json();
}

// tests/bundles/valid with `scrub` as its scrub.json: the load error, or "" when it loads.
std::string scrub_json_error(const std::string& scrub) {
  cordon::BundleFiles files;
  const fs::path root = fs::path(CORDON_SOURCE_DIR) / "tests" / "bundles" / "valid";
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
  json manifest = json::parse(files["bundle.json"]);
  manifest["scrub"] = "scrub.json";
  files["bundle.json"] = manifest.dump();
  files["scrub.json"] = scrub;
  auto bundle = cordon::Bundle::load(files);
  return bundle ? "" : bundle.error().to_string();
}

TEST(ScrubProfiles, ExceptAndDottedNamesAreChecked) {
  EXPECT_EQ(scrub_json_error(R"({"profiles": {"p": {"keys": [
      {"match": "contains", "names": ["token", "request.data"], "except": ["max_tokens"]}]}}})"),
            "");
  EXPECT_NE(scrub_json_error(R"({"profiles": {"p": {"keys": [
      {"match": "exact", "names": ["token"], "except": "max_tokens"}]}}})")
                .find("`except` must be an array of key names"),
            std::string::npos);
  EXPECT_NE(scrub_json_error(R"({"profiles": {"p": {"keys": [
      {"match": "exact", "names": ["request."]}]}}})")
                .find("a dotted name is `parent.key`"),
            std::string::npos);
  EXPECT_NE(scrub_json_error(R"({"profiles": {"p": {"values": [{"detector": "ssn"}]}}})")
                .find("unknown detector `ssn` (email, phone, bearer, jwt, api_key, card, ip, "
                      "url_password, keyword_secret)"),
            std::string::npos);
}

TEST(ScrubTelemetry, JsonTextInsideAString) {
  json event = {
      {"extra",
       {{"response_text",
         R"({"error": "invalid_client", "client_secret": "abc def 123", "hint": "x"})"}}}};
  EXPECT_EQ(scrub(event)["extra"]["response_text"],
            R"({"error": "invalid_client", "client_secret": "[Filtered]", "hint": "x"})");
}

TEST(ScrubTelemetry, PercentEncodedUrlIsScrubbedDecoded) {
  json event = {{"query_string", "next=https%3A%2F%2Fx.dev%2Fcb%3Fapi_key%3DAbC123xyz&lang=en"},
                {"message", "GET /search?q=jane%40example.com failed"},
                {"plain", "100%25 done"}};
  json out = scrub(event);
  EXPECT_EQ(out["query_string"], "next=https://x.dev/cb?api_key=[Filtered]&lang=en");
  EXPECT_EQ(out["message"], "GET /search?q=[Filtered] failed");
  EXPECT_EQ(out["plain"], "100%25 done");  // nothing found decoded: left as it was
}

TEST(ScrubTelemetry, ArgvFlagsAndHeaderPairs) {
  json event = {{"argv", {"node", "worker.js", "--api-key", "k-1234567890", "--port", "3000"}},
                {"headers", json::array({json::array({"X-Goog-Api-Key", "AIzaSomething"}),
                                         json::array({"Accept", "text/html"})})}};
  json out = scrub(event);
  EXPECT_EQ(out["argv"], json({"node", "worker.js", "--api-key", "[Filtered]", "--port", "3000"}));
  EXPECT_EQ(out["headers"][0][1], "[Filtered]");
  EXPECT_EQ(out["headers"][1][1], "text/html");
}

TEST(ScrubTelemetry, CamelCaseKeysAndExceptions) {
  json event = {{"lead", {{"firstName", "Jane"}, {"dateOfBirth", "1970-01-02"}, {"source", "web"}}},
                {"usage", {{"prompt_tokens", 812}, {"total_tokens", 900}}},
                {"accessTokens", {"a", "b"}},
                {"user", {{"email_confirmed_at", "2026-01-01T00:00:00Z"}, {"email", "j@x.org"}}}};
  json out = scrub(event);
  EXPECT_EQ(out["lead"]["firstName"], "[Filtered]");
  EXPECT_EQ(out["lead"]["dateOfBirth"], "[Filtered]");
  EXPECT_EQ(out["lead"]["source"], "web");
  EXPECT_EQ(out["usage"]["prompt_tokens"], 812);  // LLM token counts are not tokens
  EXPECT_EQ(out["accessTokens"], "[Filtered]");
  EXPECT_EQ(out["user"]["email_confirmed_at"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(out["user"]["email"], "[Filtered]");
}

TEST(ScrubTelemetry, RawBodiesByParentKey) {
  json event = {{"request", {{"data", {{"password", "x"}}}, {"method", "POST"}}},
                {"response", {{"data", "raw"}}},
                {"breadcrumbs", {{{"data", {{"status_code", 401}, {"method", "GET"}}}}}}};
  json out = scrub(event);
  EXPECT_FALSE(out["request"].contains("data"));
  EXPECT_FALSE(out["response"].contains("data"));
  // A breadcrumb's data is structured, not a body: it stays, scrubbed value by value.
  EXPECT_EQ(out["breadcrumbs"][0]["data"]["status_code"], 401);
}

TEST(ScrubTelemetry, KeysBeyondTheKeyCacheAreStillMatched) {
  // The scrubber remembers at most 65,536 distinct keys per call; keys met after that (here
  // all but the k* keys, which sort first) are matched against the rules each time, with the
  // same result.
  json event = json::object();
  for (int i = 0; i < 70000; ++i) event["k" + std::to_string(i)] = i;
  event["zz_password"] = "hunter2";
  event["zz_note"] = "mail jo@x.org now";
  event["request"] = {
      {"data", {{"a", 1}}},
      {"headers", json::array({json::array({"Authorization", "Bearer abcdefgh12345"})})}};
  event["user"] = {{"id", "usr_1"}};
  json out = scrub(event);
  EXPECT_EQ(out["k69999"], 69999);
  EXPECT_EQ(out["zz_password"], "[Filtered]");
  EXPECT_EQ(out["zz_note"], "mail [Filtered] now");
  EXPECT_FALSE(out["request"].contains("data"));
  EXPECT_EQ(out["request"]["headers"][0][1], "[Filtered]");
  json hashed = scrub(event, "error-monitoring-pseudonymous");
  EXPECT_EQ(hashed["user"]["id"].get<std::string>().rfind("hmac-sha256:", 0), 0u);
}

// The error scrubbing `text` gives ("" when it scrubs).
std::string scrub_error(const std::string& text) {
  auto out = cordon::scrub_telemetry(elaygent(), text, "error-monitoring");
  return out ? "" : out.error().to_string();
}

TEST(ScrubTelemetry, DuplicateKeysAreErrorsAtTheirKey) {
  // Where the second key starts: line 1, column of its quote.
  EXPECT_NE(scrub_error(R"({"a":1,"a":2})")
                .find(R"(1:8: json error: the event is not valid JSON: duplicate key "a")"),
            std::string::npos)
      << scrub_error(R"({"a":1,"a":2})");
  // After an inner object with the same key, in the outer object again.
  EXPECT_NE(scrub_error(R"({"a":{"a":1,"b":[{"a":2}]},"b":1,"a":3})").find(R"(duplicate key "a")"),
            std::string::npos);
  // The same key spelled with an escape.
  EXPECT_NE(scrub_error(R"({"ab":1,"\u0061b":2})").find(R"(duplicate key "ab")"),
            std::string::npos);
  // Inside a value a rule replaces or removes (read whole, still checked).
  EXPECT_NE(scrub_error(R"({"password":{"x":1,"x":2}})").find(R"(duplicate key "x")"),
            std::string::npos);
  EXPECT_NE(scrub_error(R"({"body":{"x":{"y":1,"y":2}}})").find(R"(duplicate key "y")"),
            std::string::npos);
  // The same keys in sibling and nested objects, and objects closed and opened again.
  EXPECT_EQ(scrub_error(R"({"a":{"a":{"a":1},"b":2},"b":{"a":1,"b":2},"c":[{"a":1},{"a":2}]})"),
            "");
  EXPECT_EQ(scrub_error(R"({"k":{"x":1},"l":{"x":1,"y":{"x":2}},"x":0})"), "");
}

TEST(ScrubTelemetry, KeysKeptBetweenCallsGiveTheSameAnswers) {
  // A thread keeps the keys it met and their rules from one call to the next with the same
  // profile: answers do not depend on what was scrubbed before, failed, or with which profile.
  const std::string event =
      R"({"user":{"id":"u-1","email":"jo@x.org"},"request":{"data":{"a":1},"headers":)"
      R"([["Authorization","Bearer abcdefgh12345"]]},"extra":{"data":"x","password":"p"}})";
  auto first = cordon::scrub_telemetry(elaygent(), event, "error-monitoring");
  ASSERT_TRUE(first);
  const std::string expected = first->to_json();
  auto again = [&](const char* after) {
    auto out = cordon::scrub_telemetry(elaygent(), event, "error-monitoring");
    ASSERT_TRUE(out) << after;
    EXPECT_EQ(out->to_json(), expected) << after;
  };
  again("a second call");
  EXPECT_NE(scrub_error(R"({"user":{"id":1,"email":{"x":1,"x":2}}})"), "");
  again("a call that failed inside nested objects");
  EXPECT_NE(scrub_error(R"({"user":{"id":1},"user":2})")
                .find(R"(1:18: json error: the event is not valid JSON: duplicate key "user")"),
            std::string::npos);
  again("a call that failed on a duplicate key");
  ASSERT_TRUE(cordon::scrub_telemetry(elaygent(), event, "error-monitoring-pseudonymous"));
  again("a call with another profile");
  std::string many = "{";
  for (int i = 0; i < 40000; ++i)
    many += "\"q" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(scrub_error(many + "\"user\":{\"id\":1}}"), "");
  again("a call with 40,000 distinct keys (the kept table starts afresh after it)");
  // The same keys in the same objects, in the same call and the next, are still duplicates.
  EXPECT_NE(scrub_error(R"({"user":{"id":1,"email":2,"id":3}})"), "");
  EXPECT_NE(scrub_error(R"({"user":{"id":1,"email":2,"id":3}})"), "");
  EXPECT_EQ(scrub_error(R"({"user":{"id":1,"email":2},"x":{"id":3,"email":4}})"), "");
}

TEST(ScrubTelemetry, DuplicateKeysBeyondTheKeyCache) {
  // Past 65,536 distinct keys per call, keys are no longer interned; duplicates are still
  // found among them, and between an interned key and itself.
  std::string many = "{";
  for (int i = 0; i < 70000; ++i)
    many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(scrub_error(many + "\"k69999x\":1}"), "");
  EXPECT_NE(scrub_error(many + "\"k69998\":1}").find(R"(duplicate key "k69998")"),
            std::string::npos);
  EXPECT_NE(scrub_error(many + "\"k5\":1}").find(R"(duplicate key "k5")"), std::string::npos);
  // An uncached key in a nested object, then in its parent, is no duplicate.
  EXPECT_EQ(scrub_error(many + "\"z\":{\"k69999y\":1},\"k69999y\":2}"), "");
}

// The domain call's answer for a call text, and its first error's message ("" on success).
std::string call_error(const std::string& call) {
  const json answer = json::parse(cordon::domain_json::scrub_telemetry(elaygent(), call));
  return answer["type"] == "success" ? "" : answer["errors"][0]["message"].get<std::string>();
}

TEST(ScrubTelemetryCall, EventReadOnceAnswersAsTheCheckedRead) {
  // The call is read first with its event only delimited, then the event is scrubbed; any
  // failure answers from the full read of the call, where the event's own error comes first
  // and is located in the call.
  EXPECT_EQ(call_error(R"({"event": {"a":1,"a":2}, "profile": "nope"})"),
            R"(call:1:18: json error: duplicate key "a")");
  EXPECT_EQ(call_error(R"({"event": {"a":[1}, "profile": "error-monitoring"})"),
            "call:1:18: json error: expected `,` or `]` in an array");
  EXPECT_EQ(call_error(R"({"event": {"a":"]}", "b":{]}, "profile": "error-monitoring"})"),
            "call:1:27: json error: expected a string key");
  EXPECT_EQ(call_error("{\"event\": {\"a\":\"x\ty\"}, \"profile\": \"error-monitoring\"}"),
            "call:1:18: json error: control character in a string");
  EXPECT_EQ(call_error(R"({"event": {"n": 123456789012345678901234}, "profile": "nope"})"),
            "call:1:41: json error: integer 123456789012345678901234 does not fit in 64 bits");
  EXPECT_EQ(call_error(R"({"event": {"a":1}}, "profile": "error-monitoring"})"),
            "call:1:19: json error: unexpected text after the JSON value");
  EXPECT_EQ(call_error(R"({"event": {"a":{"b":1}, "profile": "error-monitoring"})"),
            "call:1:55: json error: expected `,` or `}` in an object");
  std::string deep = R"({"event": )";
  for (int i = 0; i < 300; ++i) deep += "[";
  for (int i = 0; i < 300; ++i) deep += "]";
  EXPECT_EQ(call_error(deep + R"(, "profile": "error-monitoring"})"),
            "call:1:267: json error: nested deeper than 256 levels");
  // A valid event with a call error after it; the scrubber's own errors on a valid call.
  EXPECT_EQ(call_error(R"({"event": {"a":1}, "profile": "nope"})")
                .rfind("call:1:31: domain error: unknown scrub profile `nope`", 0),
            0u);
  EXPECT_EQ(call_error(R"({"event": {"a":1}, "x": 1, "profile": "error-monitoring"})"),
            "call:1:20: domain error: unknown key `x` (expected event, profile)");
  EXPECT_EQ(call_error(R"({"event": {"n": 1e999}, "profile": "error-monitoring"})"),
            "json error: the event is not valid JSON: a number is out of range");
  // Brackets, quotes and escapes inside strings do not end the event early. (A user id, which
  // only the pseudonymous profile hashes, tells the profiles' answers apart.)
  const std::string event =
      R"({"s":"a \"}\" ]{[","t":["x]","\\"],"u":{"v":"}}"},"user":{"id":"u-1"}})";
  auto direct = cordon::scrub_telemetry(elaygent(), event, "error-monitoring");
  ASSERT_TRUE(direct);
  auto hashed = cordon::scrub_telemetry(elaygent(), event, "error-monitoring-pseudonymous");
  ASSERT_TRUE(hashed);
  ASSERT_NE(direct->to_json(), hashed->to_json());
  for (const std::string& profile_last :
       {R"({"event":)" + event + R"(,"profile":"error-monitoring"})",
        R"({"profile":"error-monitoring","event":)" + event + "}"}) {
    const json answer = json::parse(cordon::domain_json::scrub_telemetry(elaygent(), profile_last));
    ASSERT_EQ(answer["type"], "success") << answer.dump();
    EXPECT_EQ(answer["result"], json::parse(direct->to_json()));
  }

  // The event is scrubbed before the call is read when the call shows plainly where the event
  // starts and which profile it names, with any white space; the answer is the same.
  for (const std::string& call :
       {"{\n  \"event\" :\t" + event + " ,\n  \"profile\":  \"error-monitoring\"\n}\n",
        " { \"profile\" : \"error-monitoring\" , \"event\" : " + event + " } ",
        R"({"event":)" + event + R"(,"profile":"error-monit\u006fring"})",
        R"({"\u0065vent":)" + event + R"(,"profile":"error-monitoring"})"}) {
    const json answer = json::parse(cordon::domain_json::scrub_telemetry(elaygent(), call));
    ASSERT_EQ(answer["type"], "success") << call << "\n" << answer.dump();
    EXPECT_EQ(answer["result"], json::parse(direct->to_json())) << call;
  }
  // A name that looks like the profile but is inside the event: the call has none.
  EXPECT_EQ(call_error(R"({"event": {"a": {"profile": "error-monitoring-pseudonymous"}}})"),
            "call:1:1: domain error: the call needs `profile`");
  EXPECT_EQ(call_error(R"({"event": {"a": 1, "profile": "error-monitoring"}})"),
            "call:1:1: domain error: the call needs `profile`");
  // The other profile, named last or first.
  for (const std::string& call :
       {R"({"event":)" + event + R"(,"profile":"error-monitoring-pseudonymous"})",
        R"({"profile":"error-monitoring-pseudonymous","event":)" + event + "}"}) {
    const json answer = json::parse(cordon::domain_json::scrub_telemetry(elaygent(), call));
    ASSERT_EQ(answer["type"], "success") << call;
    EXPECT_EQ(answer["result"], json::parse(hashed->to_json())) << call;
  }
}

TEST(ScrubTelemetry, PseudonymousProfileHashesTheUserId) {
  json event = {{"user", {{"id", "usr_1"}, {"email", "j@x.org"}, {"segment", "trial"}}}};
  json out = scrub(event, "error-monitoring-pseudonymous");
  EXPECT_EQ(out["user"]["id"].get<std::string>().rfind("hmac-sha256:", 0), 0u);
  EXPECT_EQ(out["user"]["email"].get<std::string>().rfind("hmac-sha256:", 0), 0u);
  EXPECT_EQ(out["user"]["segment"], "trial");
}

}  // namespace
