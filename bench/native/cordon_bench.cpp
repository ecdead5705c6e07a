// The cordon runner of the native benchmark: cordon's native library on one workload folder
// (bench/workloads/generate.py), timed as bench/README.md describes and exactly as the anchor
// runner (bench/native/cedar-rust) times Cedar's Rust crate.
//
//   cordon_bench WORKLOAD_DIR [--call is_authorized|decide_route] [--min-seconds S]
//                [--max-samples N] [--batch B]
//
// --call is_authorized (default): policies, entities and requests are parsed before the clock
// starts; only cordon::is_authorized(request, policies, entities) is timed.
// --call decide_route: the workload's route requests (elaygent-routes: "routeRequests" of each
// set, "bundle" of the workload) are parsed and the bundle loaded before the clock starts;
// cordon::decide_route (route match, Cedar request, decision, obligations, explanation) is timed.
//
// Prints one JSON line. Uses only the public API (cordon/ headers, and the native library's
// bundle reader for the bundle directory).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bundle/bundle_reader.h"
#include "cordon/authorizer.h"
#include "cordon/routes.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "cordon_bench: " << message << "\n";
  std::exit(2);
}

struct Options {
  fs::path folder;
  std::string call = "is_authorized";
  double min_seconds = 1.0;
  size_t max_samples = 200000;
  size_t batch = 16;
};

Options read_options(int argc, char** argv) {
  Options options;
  bool have_folder = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--call") {
      options.call = value();
      if (options.call != "is_authorized" && options.call != "decide_route")
        fail("--call is is_authorized or decide_route");
    } else if (arg == "--min-seconds") {
      options.min_seconds = std::stod(value());
    } else if (arg == "--max-samples") {
      options.max_samples = std::stoul(value());
    } else if (arg == "--batch") {
      options.batch = std::stoul(value());
    } else if (arg.rfind("--", 0) != 0 && !have_folder) {
      options.folder = arg;
      have_folder = true;
    } else {
      fail("unknown argument '" + arg + "'");
    }
  }
  if (!have_folder)
    fail(
        "usage: cordon_bench WORKLOAD_DIR [--call is_authorized|decide_route] "
        "[--min-seconds S] [--max-samples N] [--batch B]");
  if (options.batch == 0) fail("--batch must be at least 1");
  return options;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Json read_json(const fs::path& path) {
  Json j = Json::parse(read_text(path), nullptr, false);
  if (j.is_discarded()) fail(path.string() + ": not JSON");
  return j;
}

// 64-bit FNV-1a of the decisions string, as the Rust runner computes it.
std::string fnv1a64(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

// Nearest-rank percentile of sorted samples.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

long peak_rss_kib() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return -1;
  return usage.ru_maxrss;  // KiB on Linux
}

// Keeps the compiler from dropping a call whose answer is unused.
template <class T>
inline void keep(const T& value) {
  asm volatile("" : : "r"(&value) : "memory");
}

// Runs the timing loop: a warm-up round, then rounds over every item until min_seconds or
// max_samples, one sample (the mean of `batch` calls) per item per round.
struct Timing {
  std::vector<double> samples;
  size_t rounds = 0;
  double seconds = 0;
};

template <class Call>
Timing time_calls(size_t items, const Options& options, Call call) {
  Timing t;
  auto sample = [&](size_t i) {
    const auto start = Clock::now();
    for (size_t k = 0; k < options.batch; ++k) call(i);
    const auto elapsed = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    return elapsed / static_cast<double>(options.batch);
  };
  // Warm-up round: one call per item (a round of batches would double the time of the slow
  // workloads for nothing).
  for (size_t i = 0; i < items; ++i) call(i);
  const auto clock = Clock::now();
  while (items > 0) {
    for (size_t i = 0; i < items; ++i) t.samples.push_back(sample(i));
    ++t.rounds;
    t.seconds = std::chrono::duration<double>(Clock::now() - clock).count();
    if (t.seconds >= options.min_seconds || t.samples.size() >= options.max_samples) break;
  }
  std::sort(t.samples.begin(), t.samples.end());
  return t;
}

struct Prepared {
  size_t set = 0;
  std::optional<cordon::Request> request;  // nothing: not built ('E'), not timed
};

}  // namespace

int main(int argc, char** argv) {
  const Options options = read_options(argc, argv);
  const Json workload = read_json(options.folder / "workload.json");
  if (!workload.contains("name") || !workload["name"].is_string())
    fail("workload.json has no name");
  if (!workload.contains("sets") || !workload["sets"].is_array()) fail("workload.json has no sets");
  const Json& sets = workload["sets"];
  auto file = [&](const Json& set, const char* key) {
    if (!set.contains(key) || !set[key].is_string())
      fail(std::string("a set of workload.json has no ") + key);
    return options.folder / set[key].get<std::string>();
  };

  std::string decisions;
  size_t policy_count = 0;
  Json out;
  out["build"] = "native";
  out["engine"] = "cordon";
  out["workload"] = workload["name"];

  Timing timing;
  size_t timed_requests = 0;
  if (options.call == "is_authorized") {
    // Parsing: not timed.
    std::vector<std::optional<cordon::PolicySet>> policies;
    std::vector<std::optional<cordon::Entities>> entities;
    std::vector<Prepared> prepared;
    for (size_t s = 0; s < sets.size(); ++s) {
      auto p = cordon::PolicySet::parse(read_text(file(sets[s], "policies")));
      auto e = cordon::Entities::from_json(read_text(file(sets[s], "entities")));
      policies.push_back(p ? std::optional(*p) : std::nullopt);
      entities.push_back(e ? std::optional(*e) : std::nullopt);
      if (p) policy_count += p->size();
      const Json requests = read_json(file(sets[s], "requests"));
      if (!requests.is_array()) fail("requests must be a JSON array");
      for (const Json& r : requests) {
        Prepared item;
        item.set = s;
        if (p && e) {
          auto request = cordon::Request::from_json(r.dump());
          if (request) item.request = *request;
        }
        prepared.push_back(std::move(item));
      }
    }
    std::vector<const Prepared*> timed;
    for (const Prepared& item : prepared) {
      if (!item.request) {
        decisions += 'E';
        continue;
      }
      cordon::Response answer =
          cordon::is_authorized(*item.request, *policies[item.set], *entities[item.set]);
      decisions += answer.decision == cordon::Decision::allow ? 'A' : 'D';
      timed.push_back(&item);
    }
    Timing t = time_calls(timed.size(), options, [&](size_t i) {
      const Prepared& item = *timed[i];
      cordon::Response answer =
          cordon::is_authorized(*item.request, *policies[item.set], *entities[item.set]);
      keep(answer);
    });
    timing = std::move(t);
    timed_requests = timed.size();
    out["call"] = "cordon::is_authorized";
    out["requests"] = prepared.size();
  } else {
    if (!workload.contains("bundle") || !workload["bundle"].is_string())
      fail("--call decide_route needs a workload with a \"bundle\" (elaygent-routes)");
    auto bundle = cordon::native::load_bundle_directory(options.folder /
                                                        workload["bundle"].get<std::string>());
    if (!bundle) fail(bundle.error().to_string());
    policy_count = bundle->policies().size();
    std::vector<std::optional<cordon::RouteRequest>> requests;
    for (const Json& set : sets) {
      const Json routes = read_json(file(set, "routeRequests"));
      if (!routes.is_array()) fail("routeRequests must be a JSON array");
      for (const Json& r : routes) {
        auto request = cordon::RouteRequest::from_json(r.dump());
        requests.push_back(request ? std::optional(*request) : std::nullopt);
      }
    }
    std::vector<const cordon::RouteRequest*> timed;
    for (const auto& request : requests) {
      if (!request) {
        decisions += 'E';
        continue;
      }
      decisions += cordon::decide_route(*bundle, *request).allow ? 'A' : 'D';
      timed.push_back(&*request);
    }
    Timing t = time_calls(timed.size(), options, [&](size_t i) {
      cordon::RouteDecision d = cordon::decide_route(*bundle, *timed[i]);
      keep(d);
    });
    timing = std::move(t);
    timed_requests = timed.size();
    out["call"] = "cordon::decide_route";
    out["requests"] = requests.size();
  }

  const std::vector<double>& samples = timing.samples;
  const double mean = samples.empty() ? 0
                                      : std::accumulate(samples.begin(), samples.end(), 0.0) /
                                            static_cast<double>(samples.size());
  out["engine_version"] = "cordon (this tree)";
  out["sets"] = sets.size();
  out["policies"] = policy_count;
  out["timed_requests"] = timed_requests;
  out["batch"] = options.batch;
  out["rounds"] = timing.rounds;
  out["samples"] = samples.size();
  out["seconds"] = timing.seconds;
  out["p50_ns"] = percentile(samples, 0.50);
  out["p99_ns"] = percentile(samples, 0.99);
  out["mean_ns"] = mean;
  out["min_ns"] = samples.empty() ? 0 : samples.front();
  out["max_ns"] = samples.empty() ? 0 : samples.back();
  out["allow"] = std::count(decisions.begin(), decisions.end(), 'A');
  out["deny"] = std::count(decisions.begin(), decisions.end(), 'D');
  out["not_built"] = std::count(decisions.begin(), decisions.end(), 'E');
  out["decisions_fnv1a64"] = fnv1a64(decisions);
  out["decisions"] = decisions;
  out["peak_rss_kib"] = peak_rss_kib();
  double load[1] = {-1};
  out["loadavg_1m"] = getloadavg(load, 1) == 1 ? load[0] : -1.0;  // how busy the machine was
  std::cout << out.dump() << "\n";
  return 0;
}
