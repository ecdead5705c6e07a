// Telemetry scrubbing throughput on generated error-monitoring payloads of 100 KB, 1 MB and
// 10 MB, beside a plain nlohmann_json parse + dump of the same text (the floor). Prints one
// table row per size: MB/s (10^6 bytes of input per second of this thread's CPU time), the
// median of several runs.
//
//   build/bench/bench/scrub/cordon_scrub_bench [--bundle DIR] [--runs N] [--write-payloads DIR]
//
// The payload is one JSON object holding a batch of Sentry-like events (nested objects,
// breadcrumbs, header pairs with Authorization and Cookie, URLs with query strings, free text
// with emails, phones, bearer tokens, JWTs, card numbers, API keys and IPs, and much harmless
// text and many numbers). The generator is seeded and uses its own arithmetic, so every
// machine and standard library builds the same bytes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/masks.h"
#include "json/json_reader.h"
#include "splitmix.h"

namespace {

namespace fs = std::filesystem;

using cordon::bench::Rng;

std::string chars(Rng& rng, size_t n, const char* alphabet) {
  const size_t size = std::char_traits<char>::length(alphabet);
  std::string out;
  for (size_t i = 0; i < n; ++i) out += alphabet[rng.below(size)];
  return out;
}
std::string hex(Rng& rng, size_t n) {
  return chars(rng, n, "0123456789abcdef");
}
std::string alnum(Rng& rng, size_t n) {
  return chars(rng, n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}
std::string digits(Rng& rng, size_t n) {
  return chars(rng, n, "0123456789");
}

const char* const kWords[] = {
    "the",      "call",     "agent",    "request", "failed",   "retry",   "after",    "timeout",
    "upstream", "provider", "returned", "status",  "while",    "loading", "tenant",   "schedule",
    "voice",    "model",    "latency",  "queue",   "worker",   "handled", "message",  "session",
    "practice", "booking",  "slot",     "webhook", "delivery", "cache",   "warmed",   "in",
    "for",      "with",     "from",     "to",      "and",      "was",     "not",      "ready",
    "rejected", "accepted", "stream",   "closed",  "opened",   "audio",   "transfer", "complete"};

std::string sentence(Rng& rng, size_t words) {
  std::string out;
  for (size_t i = 0; i < words; ++i) {
    if (i) out += ' ';
    out += rng.pick(kWords);
  }
  return out;
}

std::string email(Rng& rng) {
  static const char* const names[] = {"jane.doe", "m.smith", "front-desk", "dr.lee", "billing"};
  static const char* const domains[] = {"example.com", "clinic.org", "mail.example.net"};
  return std::string(rng.pick(names)) + std::to_string(rng.below(100)) + "@" + rng.pick(domains);
}
std::string phone(Rng& rng) {
  return rng.chance(50) ? "+1 (415) 555-" + digits(rng, 4) : "+44 20 7946 " + digits(rng, 4);
}
std::string ipv4(Rng& rng) {
  return std::to_string(rng.below(223) + 1) + "." + std::to_string(rng.below(256)) + "." +
         std::to_string(rng.below(256)) + "." + std::to_string(rng.below(254) + 1);
}
std::string jwt(Rng& rng) {
  return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + alnum(rng, 60) + "." + alnum(rng, 43);
}
std::string card(Rng& rng) {
  // 16 digits whose last one makes the Luhn sum a multiple of 10.
  std::string d = "4" + digits(rng, 14);
  int sum = 0;
  for (size_t i = 0; i < d.size(); ++i) {
    int v = d[d.size() - 1 - i] - '0';
    if (i % 2 == 0) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  d += static_cast<char>('0' + (10 - sum % 10) % 10);
  return d.substr(0, 4) + " " + d.substr(4, 4) + " " + d.substr(8, 4) + " " + d.substr(12, 4);
}
std::string api_key(Rng& rng) {
  static const char* const prefixes[] = {"sk-proj-", "sk_live_", "ghp_", "AKIA", "xoxb-"};
  return std::string(rng.pick(prefixes)) + alnum(rng, 24);
}

// Free text; now and then with something that must be scrubbed in it.
std::string free_text(Rng& rng, size_t words) {
  std::string out = sentence(rng, words);
  if (!rng.chance(12)) return out;
  switch (rng.below(7)) {
    case 0:
      return out + " for " + email(rng);
    case 1:
      return out + " caller " + phone(rng);
    case 2:
      return out + " Authorization: Bearer " + alnum(rng, 32);
    case 3:
      return out + " token " + jwt(rng);
    case 4:
      return out + " card " + card(rng) + " declined";
    case 5:
      return out + " from " + ipv4(rng);
    default:
      return out + " with key " + api_key(rng);
  }
}

using Json = nlohmann::ordered_json;

Json breadcrumb(Rng& rng, double ts) {
  static const char* const categories[] = {"http", "navigation", "console", "query", "ui.click"};
  Json b;
  b["timestamp"] = ts;
  b["category"] = rng.pick(categories);
  b["level"] = rng.chance(80) ? "info" : "warning";
  b["message"] = free_text(rng, 6 + rng.below(10));
  Json data;
  data["url"] = "https://api.elaygent.com/v1/tenants/t-" + hex(rng, 6) + "/calls/" +
                std::to_string(rng.below(100000)) + "?page=" + std::to_string(rng.below(9));
  data["method"] = rng.chance(70) ? "GET" : "POST";
  data["status_code"] = rng.chance(85) ? 200 : 502;
  data["duration_ms"] = static_cast<int>(rng.below(4000));
  b["data"] = data;
  return b;
}

Json frame(Rng& rng) {
  static const char* const files[] = {"src/calls/router.ts", "src/agent/session.ts",
                                      "node_modules/undici/lib/fetch.js", "src/db/pool.ts"};
  static const char* const functions[] = {"handleCall", "Session.resume", "fetchWithRetry",
                                          "Pool.query", "processTicksAndRejections"};
  Json f;
  f["filename"] = rng.pick(files);
  f["function"] = rng.pick(functions);
  f["lineno"] = static_cast<int>(rng.below(900) + 1);
  f["colno"] = static_cast<int>(rng.below(80) + 1);
  f["in_app"] = rng.chance(60);
  f["context_line"] = "    const result = await " + sentence(rng, 3) + "(ctx, options);";
  f["pre_context"] = Json::array({"  try {", "    // " + sentence(rng, 8)});
  return f;
}

Json event(Rng& rng, uint64_t n) {
  const double ts = 1733356800.0 + static_cast<double>(n) * 1.25 + 0.125;
  Json e;
  e["event_id"] = hex(rng, 32);
  e["timestamp"] = ts;
  e["level"] = rng.chance(80) ? "error" : "warning";
  e["platform"] = "node";
  e["logger"] = "api.calls";
  e["release"] = "elaygent-api@1.42." + std::to_string(rng.below(20));
  e["environment"] = "production";
  e["server_name"] = "api-" + hex(rng, 4);
  e["message"] = free_text(rng, 12 + rng.below(12));
  Json exception;
  exception["type"] = rng.chance(50) ? "TypeError" : "UpstreamError";
  exception["value"] = free_text(rng, 10 + rng.below(10));
  Json frames = Json::array();
  for (size_t i = 0, count = 4 + rng.below(6); i < count; ++i) frames.push_back(frame(rng));
  exception["stacktrace"]["frames"] = frames;
  e["exception"]["values"] = Json::array({exception});
  Json crumbs = Json::array();
  for (size_t i = 0, count = 6 + rng.below(10); i < count; ++i)
    crumbs.push_back(breadcrumb(rng, ts - static_cast<double>(count - i)));
  e["breadcrumbs"]["values"] = crumbs;
  Json request;
  request["url"] = "https://app.elaygent.com/api/tenants/acme/calls?from=2026-12-01&limit=50" +
                   std::string(rng.chance(20) ? "&access_token=" + alnum(rng, 24) : "");
  request["method"] = "POST";
  request["query_string"] = "from=2026-12-01&limit=50&sort=desc";
  request["headers"] = Json::array(
      {Json::array({"Authorization", "Bearer " + jwt(rng)}),
       Json::array({"Cookie", "sb-access-token=" + alnum(rng, 40) + "; theme=dark"}),
       Json::array({"User-Agent",
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    "Chrome/120.0.0.0 Safari/537.36"}),
       Json::array({"Accept", "application/json"}), Json::array({"X-Request-Id", hex(rng, 32)})});
  Json body;
  body["patient_name"] = "Jane Doe";
  body["notes"] = free_text(rng, 20);
  request["data"] = body;
  e["request"] = request;
  Json user;
  user["id"] = "usr_" + hex(rng, 12);
  user["ip_address"] = ipv4(rng);
  if (rng.chance(30)) user["email"] = email(rng);
  user["segment"] = "practice";
  e["user"] = user;
  e["contexts"]["os"] = {{"name", "Linux"}, {"version", "6.1.0-" + std::to_string(rng.below(30))}};
  e["contexts"]["runtime"] = {{"name", "node"}, {"version", "20.11.1"}};
  e["contexts"]["trace"] = {{"trace_id", hex(rng, 32)},
                            {"span_id", hex(rng, 16)},
                            {"op", "http.server"},
                            {"status", "internal_error"}};
  e["tags"] = {
      {"tenant", "acme"}, {"route", "/api/tenants/:tenantId/calls"}, {"region", "us-east-1"}};
  Json extra;
  extra["call_id"] = "call_" + alnum(rng, 14);
  extra["duration_ms"] = static_cast<int>(rng.below(60000));
  extra["usage"] = {{"prompt_tokens", static_cast<int>(rng.below(4000))},
                    {"completion_tokens", static_cast<int>(rng.below(800))},
                    {"total_tokens", static_cast<int>(rng.below(5000))}};
  extra["caller_phone"] = phone(rng);
  extra["transcript"] = sentence(rng, 40);
  extra["log"] = Json::array();
  for (size_t i = 0, count = 3 + rng.below(6); i < count; ++i)
    extra["log"].push_back(free_text(rng, 8 + rng.below(16)));
  extra["scores"] = Json::array();
  for (int i = 0; i < 8; ++i) extra["scores"].push_back(static_cast<double>(rng.below(1000)) / 8);
  e["extra"] = extra;
  return e;
}

// A batch of events whose JSON text is about `target` bytes.
std::string payload(size_t target, uint64_t seed) {
  Rng rng(seed);
  Json batch;
  batch["batch_id"] = hex(rng, 16);
  batch["sent_at"] = "2026-12-05T02:00:00Z";
  batch["events"] = Json::array();
  std::string text;
  size_t size = 64;
  for (uint64_t n = 0; size < target; ++n) {
    Json e = event(rng, n);
    size += e.dump().size() + 1;
    batch["events"].push_back(std::move(e));
  }
  return batch.dump();
}

// The second floor: the scrubber's own JSON reader reading the payload and writing it back
// compact, with the checks scrubbing makes (duplicate keys, depth, 64-bit integers) and no
// scrubbing: what any scrubber built on json::Reader pays at least.
bool reader_copy_value(cordon::json::Reader& r, cordon::json::KeyTracker& keys,
                       std::string& scratch, std::string& out, int depth) {
  if (!r.value_start(depth, 256)) return false;
  switch (r.peek()) {
    case '{': {
      out += '{';
      bool empty;
      r.open('}', empty);
      const size_t mark = keys.open();
      for (bool more = !empty, first = true; more; first = false) {
        r.skip_space();
        std::string_view k;
        bool escaped;
        if (!r.key(k, scratch, escaped) || !keys.insert(mark, k, !escaped) || !r.colon())
          return false;
        if (!first) out += ',';
        cordon::json::append_quoted(out, k);
        out += ':';
        if (!reader_copy_value(r, keys, scratch, out, depth + 1) || !r.after_member(more))
          return false;
      }
      keys.close(mark);
      out += '}';
      return true;
    }
    case '[': {
      out += '[';
      bool empty;
      r.open(']', empty);
      for (bool more = !empty, first = true; more; first = false) {
        r.skip_space();
        if (!first) out += ',';
        if (!reader_copy_value(r, keys, scratch, out, depth + 1) || !r.after_element(more))
          return false;
      }
      out += ']';
      return true;
    }
    case '"': {
      std::string_view s;
      bool escaped;
      if (!r.string(s, scratch, escaped)) return false;
      if (escaped) {
        cordon::json::append_quoted(out, s);
      } else {
        out += '"';
        out.append(s);
        out += '"';
      }
      return true;
    }
    case 't':
    case 'f':
    case 'n': {
      const std::string_view word = r.peek() == 't' ? "true" : r.peek() == 'f' ? "false" : "null";
      if (!r.literal(word)) return false;
      out.append(word);
      return true;
    }
    default: {
      std::string_view raw;
      bool is_float;
      if (!r.number(raw, is_float)) return false;
      out.append(raw);
      return true;
    }
  }
}

bool reader_copy(std::string_view text, std::string& out) {
  cordon::json::Reader r(text);
  cordon::json::KeyTracker keys;
  std::string scratch;
  r.skip_space();
  return reader_copy_value(r, keys, scratch, out, 1) && r.end();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// CPU time of this thread: the machine's cores are shared with other builds, so wall time
// would measure the scheduler.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The median CPU time of `runs` calls (at least 3; fewer than `runs` once 20 s are spent).
double median_seconds(int runs, const std::function<void()>& body) {
  std::vector<double> times;
  double spent = 0;
  for (int i = 0; i < runs && (i < 3 || spent < 20); ++i) {
    const double start = cpu_seconds();
    body();
    times.push_back(cpu_seconds() - start);
    spent += times.back();
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  fs::path bundle_dir = fs::path(CORDON_SOURCE_DIR) / "policies" / "elaygent";
  int runs = 7;
  std::string write_dir;
  std::string only;  // one column, for a profiler: floor, floor-reader, scrub or call
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--bundle" && i + 1 < argc) {
      bundle_dir = argv[++i];
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--write-payloads" && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::cerr << "usage: cordon_scrub_bench [--bundle DIR] [--runs N] [--write-payloads DIR] "
                   "[--only floor|scrub|call]\n";
      return 2;
    }
  }
  cordon::BundleFiles files;
  for (const auto& entry : fs::recursive_directory_iterator(bundle_dir))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), bundle_dir).generic_string()] = read_file(entry.path());
  auto bundle = cordon::Bundle::load(files);
  if (!bundle) {
    std::cerr << bundle.error().to_string() << "\n";
    return 1;
  }
  const std::string profile = "error-monitoring";

  std::printf(
      "profile %s of bundle %s, median of %d runs (thread CPU time), MB/s = 10^6 input bytes per "
      "CPU second\n\n",
      profile.c_str(), bundle->name().c_str(), runs);
  std::printf(
      "| payload | bytes | floor: nlohmann parse+dump | floor: json::Reader read+write | "
      "scrub_telemetry (C++) | domain_json scrub call | scrub / nlohmann floor | "
      "scrub / json::Reader floor |\n");
  std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  // The folder is made when missing (writing into one that is not there wrote nothing).
  if (!write_dir.empty()) fs::create_directories(write_dir);
  const std::pair<const char*, size_t> sizes[] = {
      {"100 KB", 100 * 1000}, {"1 MB", 1000 * 1000}, {"10 MB", 10 * 1000 * 1000}};
  for (const auto& [label, target] : sizes) {
    const std::string text = payload(target, 0x5eed + target);
    if (!write_dir.empty())
      std::ofstream(fs::path(write_dir) / ("payload-" + std::to_string(target) + ".json"),
                    std::ios::binary)
          << text;
    const std::string call = R"({"event":)" + text + R"(,"profile":")" + profile + "\"}";
    // Check once that each path works and answers, outside the timing.
    auto first = cordon::scrub_telemetry(*bundle, text, profile);
    if (!first) {
      std::cerr << "scrub failed: " << first.error().to_string() << "\n";
      return 1;
    }
    const std::string answer = cordon::domain_json::scrub_telemetry(*bundle, call);
    if (answer.rfind(R"({"type":"success")", 0) != 0) {
      std::cerr << "scrub call failed: " << answer.substr(0, 300) << "\n";
      return 1;
    }
    size_t sink = 0;
    // `--only` times one column (the others print as 0), for a profiler.
    auto time = [&](const char* column, const std::function<void()>& body) {
      return only.empty() || only == column ? median_seconds(runs, body) : 0.0;
    };
    const double floor = time("floor", [&] { sink += nlohmann::json::parse(text).dump().size(); });
    std::string copied;
    const double reader_floor = time("floor-reader", [&] {
      copied.clear();
      copied.reserve(text.size());
      sink += reader_copy(text, copied) ? copied.size() : 0;
    });
    const double scrub = time("scrub", [&] {
      sink += cordon::scrub_telemetry(*bundle, text, profile)->event_json.size();
    });
    const double call_time =
        time("call", [&] { sink += cordon::domain_json::scrub_telemetry(*bundle, call).size(); });
    const double mb = static_cast<double>(text.size()) / 1e6;
    auto rate = [&](double seconds) { return seconds > 0 ? mb / seconds : 0.0; };
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::printf("| %s | %zu | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |\n", label, text.size(),
                rate(floor), rate(reader_floor), rate(scrub), rate(call_time), ratio(floor, scrub),
                ratio(reader_floor, scrub));
    if (sink == 0) std::printf("(no output)\n");
  }
  return 0;
}
