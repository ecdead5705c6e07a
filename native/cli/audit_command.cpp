// `cordon audit`: append, query, export, verify and prune the audit log (native/server).
#include "cli/audit_command.h"

#include <charconv>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/arguments.h"
#include "cli/bundle_options.h"
#include "cli/option_table.h"
#include "conformance/text_file.h"
#include "cordon/credentials.h"
#include "cordon/server/audit_log.h"

namespace cordon::cli {

const char kAuditHelp[] =
    R"(usage: cordon audit append  [--db FILE] [--bundle DIR] (--action A --actor X --tenant T
                             [--target S] [--details JSON] [--time T] | --input FILE|-)
                             [--batch N] [--json]
       cordon audit query   [--db FILE] [filters] [--limit N] [--json]
       cordon audit export  [--db FILE] [filters] [--limit N] [--format csv|json]
                             [--output FILE] [--safe-csv]
       cordon audit verify  [--db FILE] [--expect-head SEQ:HASH] [--max-problems N] [--json]
       cordon audit prune   [--db FILE] [--bundle DIR] --actor JSON --window-days N
                             [--retention-enabled] [--credentials FILE]
                             [--retention-secret-env VAR] [--tenant-window TENANT=DAYS]...
                             [--legal-hold TENANT]... [--now T] [--dry-run] [--json]

The audit log: typed entries (the action must be one of the bundle's audit_actions), each
chained to the previous one by a SHA-256 hash, in a SQLite database (WAL) created on first
use. The database is --db FILE, else $CORDON_AUDIT_DB, else cordon-audit.db.

append   appends one entry, or one per JSON line of --input ({"action","actor","tenant",
         "target"?,"details"?,"time"?}), each line committed before it is acknowledged on
         stdout (--batch N commits N lines at a time). Unknown actions are refused.
query    prints the filtered entries, newest first (default --limit 100; 0: all).
export   writes the filtered entries (default: all) as CSV (RFC 4180, CRLF) or JSON;
         --safe-csv prefixes cells starting with = + - @ with ' for spreadsheets.
verify   checks the whole chain and names every entry altered, missing (deleted), inserted
         or reordered; --expect-head SEQ:HASH also checks a head recorded elsewhere.
prune    asks the bundle's audit_retention workflow (gates: the retention flag, the
         retention credential; per entry: its window, legal holds, per-tenant windows) which
         entries may be deleted, deletes them and appends a checkpoint recording what was
         pruned, in one transaction. The retention secret is read from environment variable
         VAR (default CORDON_RETENTION_SECRET) and checked against the `retention` digest of
         --credentials FILE ({"retention": "sha256:<hex>"}); without it the credential is
         unset and prune is refused (fail closed).

filters: --tenant T  --action A  --actor X  --kind entry|checkpoint  --since T  --until T
         (times: RFC 3339 with an offset, or milliseconds since the epoch; [since, until))
         --order newest_first (default) | oldest_first | chain (by seq, the hash chain's order)

exit status: 0 on success, 1 for a bad command line, 2 when the database, the bundle or an
input cannot be used (an unknown action, a malformed entry), 3 when verify finds a problem
or the retention workflow refuses the prune.
)";

namespace {

using Json = nlohmann::json;
using server::AuditEntry;
using server::AuditFilter;
using server::AuditLog;
using server::AuditRecord;

constexpr char kDefaultAuditDb[] = "cordon-audit.db";

std::string database_path(const ParsedOptions& options) {
  return options.value("--db", environment_or("CORDON_AUDIT_DB", kDefaultAuditDb));
}

std::optional<size_t> parse_count(const std::string& text) {
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::string short_hash(const std::string& hash) {
  return hash.substr(0, 12) + "...";
}

// Opens the store; nullptr after reporting on err.
std::shared_ptr<server::AuditStore> open_store(const std::string& command,
                                               const ParsedOptions& options, bool read_only,
                                               std::ostream& err) {
  server::SqliteOptions sqlite;
  sqlite.path = database_path(options);
  sqlite.read_only = read_only;
  auto store = server::open_sqlite_audit_store(sqlite);
  if (!store) {
    err << "cordon audit " << command << ": " << store.error().to_string() << "\n";
    return nullptr;
  }
  return *store;
}

const std::set<std::string> kFilterOptions = {"--tenant", "--action", "--actor", "--kind",
                                              "--since",  "--until",  "--limit", "--order"};

std::optional<AuditFilter> read_filter(const std::string& command, const ParsedOptions& options,
                                       size_t default_limit, std::ostream& err) {
  AuditFilter filter;
  filter.limit = default_limit;
  if (options.has("--tenant")) filter.tenant = options.value("--tenant");
  if (options.has("--action")) filter.action = options.value("--action");
  if (options.has("--actor")) filter.actor = options.value("--actor");
  if (options.has("--kind")) filter.kind = options.value("--kind");
  for (auto [name, slot] :
       {std::pair{"--since", &filter.since_ms}, std::pair{"--until", &filter.until_ms}}) {
    if (!options.has(name)) continue;
    *slot = server::parse_time(options.value(name));
    if (!*slot) {
      err << "cordon audit " << command << ": " << name
          << " must be an RFC 3339 time with an offset or epoch milliseconds\n";
      return std::nullopt;
    }
  }
  if (options.has("--limit")) {
    auto limit = parse_count(options.value("--limit"));
    if (!limit) {
      err << "cordon audit " << command << ": --limit must be a count (0: no limit)\n";
      return std::nullopt;
    }
    filter.limit = *limit;
  }
  const std::string order = options.value("--order", "newest_first");
  if (order == "oldest_first") {
    filter.order = server::AuditOrder::oldest_first;
  } else if (order == "chain") {
    filter.order = server::AuditOrder::chain;
  } else if (order != "newest_first") {
    err << "cordon audit " << command << ": --order is newest_first, oldest_first or chain\n";
    return std::nullopt;
  }
  return filter;
}

void print_entry_human(const AuditEntry& entry, std::ostream& out) {
  out << '#' << entry.seq << "  " << server::format_time(entry.time_ms) << "  " << entry.action
      << "  actor=" << entry.actor;
  if (!entry.tenant.empty()) out << "  tenant=" << entry.tenant;
  if (!entry.target.empty()) out << "  target=" << entry.target;
  if (entry.kind != "entry") out << "  [" << entry.kind << "]";
  if (entry.details != "{}") out << "  " << entry.details;
  out << '\n';
}

// --- append ------------------------------------------------------------------------------

int run_append(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
               std::ostream& err) {
  OptionTable table{"audit append",
                    {"--db", "--action", "--actor", "--tenant", "--target", "--details", "--time",
                     "--input", "--batch"},
                    {"--json"}};
  BundleFlags bundle_flags;
  auto options = table.parse(args, err, &bundle_flags);
  if (!options) return kExitUsage;
  const bool json = options->has("--json");
  size_t batch = 1;
  if (options->has("--batch")) {
    auto n = parse_count(options->value("--batch"));
    if (!n || *n == 0) {
      err << "cordon audit append: --batch must be a count from 1\n";
      return kExitUsage;
    }
    batch = *n;
  }
  const bool from_input = options->has("--input");
  if (!from_input &&
      (!options->has("--action") || !options->has("--actor") || !options->has("--tenant"))) {
    err << "cordon audit append: --action, --actor and --tenant are required (or --input)\n";
    return kExitUsage;
  }
  std::optional<Bundle> bundle = load_bundle("audit append", bundle_flags, err);
  if (!bundle) return kExitBadInput;
  auto store = open_store("append", *options, false, err);
  if (!store) return kExitBadInput;
  AuditLog log(store, *bundle);

  auto report = [&](const std::vector<AuditEntry>& entries) {
    for (const AuditEntry& entry : entries) {
      if (json) {
        out << entry.to_json() << '\n';
      } else {
        out << "appended entry " << entry.seq << "  " << server::format_time(entry.time_ms) << "  "
            << entry.action << "  hash " << short_hash(entry.hash) << '\n';
      }
    }
    out.flush();  // acknowledged only once committed, and at once
  };

  if (!from_input) {
    AuditRecord record;
    record.action = options->value("--action");
    record.actor = options->value("--actor");
    record.tenant = options->value("--tenant");
    record.target = options->value("--target");
    record.details_json = options->value("--details", "{}");
    if (options->has("--time")) {
      record.time_ms = server::parse_time(options->value("--time"));
      if (!record.time_ms) {
        err << "cordon audit append: --time must be an RFC 3339 time with an offset or epoch "
               "milliseconds\n";
        return kExitUsage;
      }
    }
    auto entry = log.append(record);
    if (!entry) {
      err << "cordon audit append: " << entry.error().to_string() << "\n";
      return kExitBadInput;
    }
    report({*entry});
    return kExitOk;
  }

  std::ifstream file;
  std::istream* input =
      options->value("--input") == "-" ? &in : open_input(options->value("--input"), in, file, err);
  if (!input) return kExitBadInput;
  std::vector<AuditRecord> pending;
  auto flush = [&]() {
    if (pending.empty()) return true;
    auto entries = log.append_all(pending);
    pending.clear();
    if (!entries) {
      err << "cordon audit append: " << entries.error().to_string() << "\n";
      return false;
    }
    report(*entries);
    return true;
  };
  std::string line;
  size_t line_number = 0;
  while (std::getline(*input, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto record = server::audit_record_from_json(line);
    if (!record) {
      Error error = record.error();
      error.location.file = options->value("--input") == "-" ? "stdin" : options->value("--input");
      error.location.line = static_cast<uint32_t>(line_number);
      err << "cordon audit append: " << error.to_string() << "\n";
      flush();
      return kExitBadInput;
    }
    pending.push_back(std::move(record).value());
    if (pending.size() >= batch && !flush()) return kExitBadInput;
  }
  return flush() ? kExitOk : kExitBadInput;
}

// --- query and export --------------------------------------------------------------------

int run_query(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  OptionTable table{"audit query", kFilterOptions, {"--json"}};
  table.with_value.insert("--db");
  auto options = table.parse(args, err);
  if (!options) return kExitUsage;
  auto filter = read_filter("query", *options, 100, err);
  if (!filter) return kExitUsage;
  auto store = open_store("query", *options, true, err);
  if (!store) return kExitBadInput;
  auto entries = AuditLog(store).query(*filter);
  if (!entries) {
    err << "cordon audit query: " << entries.error().to_string() << "\n";
    return kExitBadInput;
  }
  if (options->has("--json")) {
    out << "{\"filter\":" << server::filter_to_json(*filter) << ",\"entries\":[";
    for (size_t i = 0; i < entries->size(); ++i) out << (i ? "," : "") << (*entries)[i].to_json();
    out << "],\"count\":" << entries->size() << "}\n";
  } else {
    for (const AuditEntry& entry : *entries) print_entry_human(entry, out);
    out << entries->size() << (entries->size() == 1 ? " entry" : " entries") << '\n';
  }
  return kExitOk;
}

int run_export(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  OptionTable table{"audit export", kFilterOptions, {"--safe-csv"}};
  table.with_value.insert({"--db", "--format", "--output"});
  auto options = table.parse(args, err);
  if (!options) return kExitUsage;
  auto filter = read_filter("export", *options, 0, err);
  if (!filter) return kExitUsage;
  const std::string format = options->value("--format", "csv");
  if (format != "csv" && format != "json") {
    err << "cordon audit export: --format must be csv or json\n";
    return kExitUsage;
  }
  auto store = open_store("export", *options, true, err);
  if (!store) return kExitBadInput;
  std::ofstream file;
  std::ostream* target = &out;
  if (options->has("--output")) {
    file.open(options->value("--output"), std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "cordon audit export: cannot write " << options->value("--output") << "\n";
      return kExitBadInput;
    }
    target = &file;
  }
  AuditLog log(store);
  auto failed = format == "csv" ? log.export_csv(*filter, *target,
                                                 options->has("--safe-csv")
                                                     ? server::CsvSafety::neutralize_formulas
                                                     : server::CsvSafety::raw)
                                : log.export_json(*filter, *target);
  if (failed) {
    err << "cordon audit export: " << failed->to_string() << "\n";
    return kExitBadInput;
  }
  target->flush();
  if (!*target) {
    err << "cordon audit export: writing the export failed\n";
    return kExitBadInput;
  }
  return kExitOk;
}

// --- verify ------------------------------------------------------------------------------

int run_verify(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  OptionTable table{"audit verify", {"--db", "--expect-head", "--max-problems"}, {"--json"}};
  auto options = table.parse(args, err);
  if (!options) return kExitUsage;
  server::VerifyOptions verify_options;
  if (options->has("--max-problems")) {
    auto n = parse_count(options->value("--max-problems"));
    if (!n) {
      err << "cordon audit verify: --max-problems must be a count\n";
      return kExitUsage;
    }
    verify_options.max_problems = *n;
  }
  if (options->has("--expect-head")) {
    const std::string anchor = options->value("--expect-head");
    const size_t colon = anchor.find(':');
    auto seq = colon == std::string::npos ? std::nullopt : parse_count(anchor.substr(0, colon));
    if (!seq || anchor.size() - colon - 1 != 64) {
      err << "cordon audit verify: --expect-head is SEQ:HASH (64 hex digits)\n";
      return kExitUsage;
    }
    verify_options.anchor = server::ChainHead{static_cast<int64_t>(*seq), anchor.substr(colon + 1)};
  }
  auto store = open_store("verify", *options, true, err);
  if (!store) return kExitBadInput;
  auto report = AuditLog(store).verify(verify_options);
  if (!report) {
    err << "cordon audit verify: " << report.error().to_string() << "\n";
    return kExitBadInput;
  }
  if (options->has("--json")) {
    out << report->to_json() << '\n';
  } else {
    out << (report->ok ? "OK  " : "TAMPERED  ") << report->entries << " entries ("
        << report->checkpoints << " checkpoints, " << report->pruned << " pruned)  head "
        << report->head.seq << ':' << report->head.hash << '\n';
    if (!report->ok)
      out << report->problem_count << (report->problem_count == 1 ? " problem:\n" : " problems:\n");
    for (const auto& problem : report->problems)
      out << "  " << problem.kind << ": " << problem.message << '\n';
    if (report->problem_count > static_cast<int64_t>(report->problems.size()))
      out << "  ... and " << report->problem_count - static_cast<int64_t>(report->problems.size())
          << " more\n";
  }
  return report->ok ? kExitOk : kExitAuditFailed;
}

// --- prune -------------------------------------------------------------------------------

std::optional<Session> parse_session(const std::string& text, std::ostream& err) {
  const Json json = Json::parse(text, nullptr, false);
  if (!json.is_object()) {
    err << "cordon audit prune: --actor must be a JSON object {\"user\",\"roles\",\"tenant\"?,"
           "\"status\"}\n";
    return std::nullopt;
  }
  Session session;
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& key = it.key();
    if ((key == "user" || key == "tenant" || key == "status") && it->is_string()) {
      (key == "user"     ? session.user
       : key == "tenant" ? session.tenant
                         : session.status) = it->get<std::string>();
    } else if (key == "roles" && it->is_array()) {
      for (const Json& role : *it) {
        if (!role.is_string()) {
          err << "cordon audit prune: --actor roles must be strings\n";
          return std::nullopt;
        }
        session.roles.push_back(role.get<std::string>());
      }
    } else {
      err << "cordon audit prune: --actor has an unknown or malformed key `" << key << "`\n";
      return std::nullopt;
    }
  }
  return session;
}

int run_prune(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  OptionTable table{"audit prune",
                    {"--db", "--actor", "--window-days", "--tenant-window", "--legal-hold", "--now",
                     "--credentials", "--retention-secret-env", "--checkpoint-action"},
                    {"--retention-enabled", "--dry-run", "--json"}};
  BundleFlags bundle_flags;
  auto options = table.parse(args, err, &bundle_flags);
  if (!options) return kExitUsage;
  if (!options->has("--actor") || !options->has("--window-days")) {
    err << "cordon audit prune: --actor and --window-days are required\n";
    return kExitUsage;
  }
  server::RetentionSettings settings;
  auto actor = parse_session(options->value("--actor"), err);
  if (!actor) return kExitUsage;
  settings.actor = *actor;
  settings.enabled = options->has("--retention-enabled");
  settings.dry_run = options->has("--dry-run");
  if (options->has("--checkpoint-action"))
    settings.checkpoint_action = options->value("--checkpoint-action");
  auto window = parse_count(options->value("--window-days"));
  if (!window || *window == 0) {
    err << "cordon audit prune: --window-days must be a count of days from 1\n";
    return kExitUsage;
  }
  settings.window_days = static_cast<int64_t>(*window);
  for (const std::string& spec : options->all("--tenant-window")) {
    const size_t eq = spec.rfind('=');
    auto days = eq == std::string::npos ? std::nullopt : parse_count(spec.substr(eq + 1));
    if (!days || *days == 0 || eq == 0) {
      err << "cordon audit prune: --tenant-window is TENANT=DAYS, not '" << spec << "'\n";
      return kExitUsage;
    }
    settings.tenant_windows[spec.substr(0, eq)] = static_cast<int64_t>(*days);
  }
  settings.legal_holds = options->all("--legal-hold");
  settings.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  if (options->has("--now")) {
    auto now = server::parse_time(options->value("--now"));
    if (!now) {
      err << "cordon audit prune: --now must be an RFC 3339 time with an offset or epoch "
             "milliseconds\n";
      return kExitUsage;
    }
    settings.now_ms = *now;
  }

  // The retention credential: its digest from --credentials, the secret from the
  // environment; the engine compares in constant time and never prints either.
  std::string digest;
  if (options->has("--credentials")) {
    auto text = native::read_text_file(options->value("--credentials"));
    if (!text) {
      err << "cordon audit prune: " << text.error().to_string() << "\n";
      return kExitBadInput;
    }
    auto set = CredentialSet::from_json(*text);
    if (!set) {
      err << "cordon audit prune: " << options->value("--credentials") << ": "
          << set.error().to_string() << "\n";
      return kExitBadInput;
    }
    const std::string presented = environment_or(
        options->value("--retention-secret-env", "CORDON_RETENTION_SECRET").c_str(), "");
    settings.credential = to_string(set->check_secret("retention", presented).state);
  } else {
    settings.credential = to_string(CredentialState::unset);
  }

  std::optional<Bundle> bundle = load_bundle("audit prune", bundle_flags, err);
  if (!bundle) return kExitBadInput;
  auto store = open_store("prune", *options, false, err);
  if (!store) return kExitBadInput;
  AuditLog log(store, *bundle);
  auto result = log.prune(settings);
  if (!result) {
    err << "cordon audit prune: " << result.error().to_string() << "\n";
    return kExitBadInput;
  }
  if (options->has("--json")) {
    out << result->to_json() << '\n';
  } else if (!result->gate.allowed) {
    out << "REFUSED  " << result->gate.workflow << "  (nothing deleted)\n";
    if (!result->gate.unmet.empty()) out << "unmet gates (" << result->gate.unmet.size() << "):\n";
    for (const auto& gate : result->gate.unmet)
      out << "  - " << gate.gate << ": " << gate.message << " (" << gate.policy_id << ")\n";
    for (const auto& sentence : result->gate.explanation) out << "  " << sentence << '\n';
  } else {
    out << (settings.dry_run ? "DRY RUN  " : "PRUNED  ") << result->deletable << " of "
        << result->judged << " entries deletable";
    if (!settings.dry_run) out << ", " << result->deleted << " deleted";
    if (result->checkpoint)
      out << "; checkpoint " << result->checkpoint->seq << " hash "
          << short_hash(result->checkpoint->hash);
    out << '\n';
    size_t shown = 0;
    for (const auto& [tenant, count] : result->deleted_tenants) {
      if (++shown > 20) {
        out << "  ... and " << result->deleted_tenants.size() - 20 << " more tenants (--json)\n";
        break;
      }
      out << "  delete " << count << " of tenant " << tenant << '\n';
    }
    for (const auto& [reason, count] : result->kept_reasons)
      out << "  keep " << count << ": " << reason << '\n';
  }
  return result->gate.allowed ? kExitOk : kExitAuditFailed;
}

}  // namespace

int run_audit(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
              std::ostream& err) {
  if (args.empty()) {
    err << kAuditHelp;
    return kExitUsage;
  }
  for (const std::string& arg : args) {
    if (is_help(arg)) {
      out << kAuditHelp << '\n' << kBundleOptionsHelp;
      return kExitOk;
    }
  }
  const std::string& sub = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "append") return run_append(rest, in, out, err);
  if (sub == "query") return run_query(rest, out, err);
  if (sub == "export") return run_export(rest, out, err);
  if (sub == "verify") return run_verify(rest, out, err);
  if (sub == "prune") return run_prune(rest, out, err);
  err << "cordon audit: unknown subcommand '" << sub
      << "' (append, query, export, verify or prune)\n";
  return kExitUsage;
}

}  // namespace cordon::cli
