// `cordon ratelimit`: check requests against the bundle's rate-limit classes with a SQLite
// store shared by every process on the machine, and report the routes without a limiter.
#include "cli/ratelimit_command.h"

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "cli/option_table.h"
#include "cordon/server/rate_limiter.h"

namespace cordon::cli {

const char kRateLimitHelp[] =
    R"(usage: cordon ratelimit check    [--db FILE] [--bundle DIR] (--class C --id X | --input FILE|-)
                                [--json]
       cordon ratelimit coverage [--bundle DIR] [--json]

check     asks the sliding-window limiter of class C (one of the bundle's rate_limits) to
          admit one request of identifier X (an IP address, a user, a tenant). A request
          is admitted when the previous window's count, weighted by its overlap with the
          sliding window, plus the current window's count, plus this request, is at most the
          class's max; a rejected request is not counted. The counters are in the SQLite
          database --db FILE, else $CORDON_RATELIMIT_DB, else cordon-ratelimit.db (created on
          first use), shared exactly by every process using it. When the database cannot be
          used the request is denied (fail closed). With --input, one request per JSON line
          ({"class","identifier"}) and one decision per line.
coverage  lists the bundle's routes with their rate-limit class, or none, and counts the
          routes without a limiter.

exit status: 0 when allowed (check) or done (coverage), 1 for a bad command line, 2 when
the bundle or an input cannot be used or the store fails (the request is denied), 3 when
a request is denied by its limit (with --input: when any is).
)";

namespace {

using Json = nlohmann::json;

void print_decision(const server::RateLimitDecision& d, bool json, std::ostream& out) {
  if (json) {
    out << d.to_json() << '\n';
  } else if (!d.error.empty()) {
    out << "DENY   " << d.limit_class << "  " << d.identifier << "  store unavailable: " << d.error
        << '\n';
  } else {
    out << (d.allowed ? "ALLOW  " : "DENY   ") << d.limit_class << "  " << d.identifier << "  "
        << d.remaining << " left of " << d.max << " per " << d.window_ms / 1000 << " s";
    if (!d.allowed) out << "  retry after " << d.retry_after_ms << " ms";
    out << '\n';
  }
  out.flush();
}

int run_check(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err) {
  OptionTable table{"ratelimit check", {"--db", "--class", "--id", "--input"}, {"--json"}};
  BundleFlags bundle_flags;
  auto options = table.parse(args, err, &bundle_flags);
  if (!options) return kExitUsage;
  const bool json = options->has("--json");
  const bool from_input = options->has("--input");
  if (!from_input && (!options->has("--class") || !options->has("--id"))) {
    err << "cordon ratelimit check: --class and --id are required (or --input)\n";
    return kExitUsage;
  }
  std::optional<Bundle> bundle = load_bundle("ratelimit check", bundle_flags, err);
  if (!bundle) return kExitBadInput;
  server::SqliteOptions sqlite;
  sqlite.path =
      options->value("--db", environment_or("CORDON_RATELIMIT_DB", "cordon-ratelimit.db"));
  sqlite.durable = false;  // a crash of the process loses nothing; counters need no fsync
  // A store that does not open is not an error here: every check is denied (fail closed).
  server::RateLimiter limiter(*bundle, server::open_sqlite_rate_limit_store(sqlite));

  int status = kExitOk;
  auto check = [&](const std::string& limit_class, const std::string& identifier,
                   const std::string& where) {
    auto decision = limiter.check(limit_class, identifier);
    if (!decision) {
      err << "cordon ratelimit check: " << where << decision.error().to_string() << "\n";
      return false;
    }
    print_decision(*decision, json, out);
    if (!decision->error.empty()) {
      err << "cordon ratelimit check: denied, the store is unavailable: " << decision->error
          << "\n";
      status = kExitBadInput;
    } else if (!decision->allowed && status == kExitOk) {
      status = kExitRateLimited;
    }
    return true;
  };

  if (!from_input) {
    if (!check(options->value("--class"), options->value("--id"), "")) return kExitBadInput;
    return status;
  }
  std::ifstream file;
  std::istream* input =
      options->value("--input") == "-" ? &in : open_input(options->value("--input"), in, file, err);
  if (!input) return kExitBadInput;
  std::string line;
  size_t line_number = 0;
  while (std::getline(*input, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = "line " + std::to_string(line_number) + ": ";
    const Json request = Json::parse(line, nullptr, false);
    bool ok = request.is_object() && request.size() == 2 && request.contains("class") &&
              request.contains("identifier") && request["class"].is_string() &&
              request["identifier"].is_string();
    if (!ok) {
      err << "cordon ratelimit check: " << where
          << "a request is {\"class\": \"...\", \"identifier\": \"...\"}\n";
      return kExitBadInput;
    }
    if (!check(request["class"].get<std::string>(), request["identifier"].get<std::string>(),
               where))
      return kExitBadInput;
  }
  return status;
}

int run_coverage(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  OptionTable table{"ratelimit coverage", {}, {"--json"}};
  BundleFlags bundle_flags;
  auto options = table.parse(args, err, &bundle_flags);
  if (!options) return kExitUsage;
  std::optional<Bundle> bundle = load_bundle("ratelimit coverage", bundle_flags, err);
  if (!bundle) return kExitBadInput;
  const server::RateLimitCoverage coverage = server::rate_limit_coverage(*bundle);
  out << (options->has("--json") ? coverage.to_json() + "\n" : coverage.to_markdown());
  return kExitOk;
}

}  // namespace

int run_ratelimit(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  if (args.empty()) {
    err << kRateLimitHelp;
    return kExitUsage;
  }
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kRateLimitHelp << '\n' << kBundleOptionsHelp;
      return kExitOk;
    }
  }
  const std::string& sub = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "check") return run_check(rest, in, out, err);
  if (sub == "coverage") return run_coverage(rest, out, err);
  err << "cordon ratelimit: unknown subcommand '" << sub << "' (check or coverage)\n";
  return kExitUsage;
}

}  // namespace cordon::cli
