// Tests of the audit log (native/server: cordon/server/audit_log.h) on its SQLite store:
// typed appends (unknown actions refused), filtered reads, CSV and JSON exports, the hash
// chain's verification against every kind of tampering (altered, deleted, inserted,
// reordered, truncated, checkpoint records), append-only triggers, retention by the default
// bundle's gate with checkpoints that keep the chain verifiable, and concurrent writers.
#include <atomic>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/audit_chain.h"
#include "bundle/bundle_reader.h"
#include "cordon/bundle.h"
#include "cordon/server/audit_log.h"
#include "sqlite/database.h"

#ifndef CORDON_SOURCE_DIR
#error "CORDON_SOURCE_DIR must name the repository (tests/CMakeLists.txt defines it)"
#endif

namespace {

namespace fs = std::filesystem;
using cordon::Bundle;
using cordon::ErrorKind;
using cordon::server::AuditEntry;
using cordon::server::AuditFilter;
using cordon::server::AuditLog;
using cordon::server::AuditOrder;
using cordon::server::AuditRecord;
using cordon::server::RetentionSettings;
using cordon::server::VerifyReport;
using Json = nlohmann::json;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kNow = 1'796'083'200'000;  // 2026-12-01T00:00:00Z

Bundle elaygent() {
  auto bundle =
      cordon::native::load_bundle_directory(fs::path(CORDON_SOURCE_DIR) / "policies" / "elaygent");
  EXPECT_TRUE(bundle.ok()) << bundle.error().to_string();
  return *bundle;
}

fs::path fresh_directory() {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() / ("cordon-audit-test-" + std::to_string(::getpid()) +
                                              "-" + std::to_string(counter++));
  fs::remove_all(dir);
  return dir;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_directory();
    path_ = (dir_ / "nested" / "audit.db").string();  // folders are created on first use
    log_ = open();
  }
  void TearDown() override {
    log_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<AuditLog> open() {
    auto store = cordon::server::open_sqlite_audit_store({.path = path_});
    EXPECT_TRUE(store.ok()) << store.error().to_string();
    return std::make_unique<AuditLog>(*store, bundle_);
  }

  AuditEntry append(const std::string& tenant, const std::string& action = "tenant.export",
                    const std::string& actor = "ops", std::optional<int64_t> time = kNow,
                    const std::string& details = "{}") {
    auto entry = log_->append({.action = action,
                               .actor = actor,
                               .tenant = tenant,
                               .target = "t/" + tenant,
                               .time_ms = time,
                               .details_json = details});
    EXPECT_TRUE(entry.ok()) << entry.error().to_string();
    return entry.ok() ? *entry : AuditEntry{};
  }

  void fill(int count) {
    for (int i = 0; i < count; ++i)
      append("tenant" + std::to_string(i % 3), "tenant.export", "actor" + std::to_string(i % 2),
             kNow - (count - i) * kDay);
  }

  VerifyReport verify() {
    auto report = log_->verify();
    EXPECT_TRUE(report.ok()) << report.error().to_string();
    return *report;
  }

  // Runs SQL as someone with write access to the file would, triggers dropped first.
  void tamper(const std::string& sql) {
    auto db = cordon::server::sqlite::Database::open({.path = path_}, "");
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    auto failed = (*db)->exec(
        "DROP TRIGGER IF EXISTS audit_entries_no_update;"
        "DROP TRIGGER IF EXISTS audit_entries_no_delete;" +
        sql);
    ASSERT_FALSE(failed) << failed->to_string();
  }

  static bool has_problem(const VerifyReport& report, int64_t seq, const std::string& kind) {
    for (const auto& problem : report.problems)
      if (problem.seq == seq && problem.kind == kind) return true;
    return false;
  }

  static std::string describe(const VerifyReport& report) { return report.to_json(); }

  Bundle bundle_ = elaygent();
  fs::path dir_;
  std::string path_;
  std::unique_ptr<AuditLog> log_;
};

// --- Appending -----------------------------------------------------------------------------

TEST_F(AuditLogTest, AppendsEntriesChainedFromGenesis) {
  AuditEntry first = append("acme");
  AuditEntry second = append("bright", "tenant.deprovision", "opal", kNow + 1, R"({"b":1,"a":2})");
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev_hash, std::string(64, '0'));
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(second.prev_hash, first.hash);
  EXPECT_EQ(second.details, R"({"a":2,"b":1})");  // canonical: sorted keys, no spaces
  EXPECT_EQ(cordon::server::audit::entry_hash(second), second.hash);
  auto head = log_->head();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 2);
  EXPECT_EQ(head->hash, second.hash);
  EXPECT_TRUE(verify().ok);
  EXPECT_TRUE(fs::exists(path_));
}

TEST_F(AuditLogTest, RefusesUnknownActionsAndMalformedEntries) {
  auto unknown = log_->append({.action = "tenant.exprot", .actor = "ops", .tenant = "acme"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::domain);
  EXPECT_NE(unknown.error().message.find("unknown audit action `tenant.exprot`"),
            std::string::npos);
  EXPECT_NE(unknown.error().message.find("`tenant.export`"), std::string::npos);

  EXPECT_FALSE(log_->append({.action = "tenant.export", .actor = "", .tenant = "acme"}).ok());
  EXPECT_FALSE(log_->append({.action = "tenant.export", .actor = "ops", .tenant = ""}).ok());
  EXPECT_FALSE(log_->append({.action = "tenant.export", .actor = "ops", .tenant = "ac\nme"}).ok());
  EXPECT_FALSE(log_->append({.action = "tenant.export", .actor = "o\xff", .tenant = "acme"}).ok());
  EXPECT_FALSE(
      log_->append(
              {.action = "tenant.export", .actor = "ops", .tenant = "acme", .details_json = "[1]"})
          .ok());
  EXPECT_FALSE(log_->append({.action = "tenant.export",
                             .actor = "ops",
                             .tenant = "acme",
                             .details_json = R"({"a":1,"a":2})"})
                   .ok());
  auto long_actor =
      log_->append({.action = "tenant.export", .actor = std::string(2000, 'a'), .tenant = "acme"});
  ASSERT_FALSE(long_actor.ok());
  EXPECT_EQ(long_actor.error().kind, ErrorKind::limit);
  EXPECT_EQ(log_->head()->seq, 0);  // nothing was written
}

TEST_F(AuditLogTest, AppendAllIsAllOrNothing) {
  std::vector<AuditRecord> records = {
      {.action = "tenant.export", .actor = "ops", .tenant = "acme"},
      {.action = "not.declared", .actor = "ops", .tenant = "acme"},
  };
  EXPECT_FALSE(log_->append_all(records).ok());
  EXPECT_EQ(log_->head()->seq, 0);
  records.pop_back();
  records.push_back({.action = "audit.export", .actor = "pat", .tenant = "bright"});
  auto entries = log_->append_all(records);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), 2u);
  EXPECT_EQ(log_->head()->seq, 2);
}

TEST_F(AuditLogTest, ReadOnlyLogsNeedAnExistingDatabaseAndCannotAppend) {
  auto missing = cordon::server::open_sqlite_audit_store(
      {.path = (dir_ / "absent.db").string(), .read_only = true});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  EXPECT_FALSE(fs::exists(dir_ / "absent.db"));

  append("acme");
  auto store = cordon::server::open_sqlite_audit_store({.path = path_, .read_only = true});
  ASSERT_TRUE(store.ok()) << store.error().to_string();
  AuditLog reader(*store);
  EXPECT_FALSE(reader.append({.action = "tenant.export", .actor = "ops", .tenant = "acme"}).ok());
  EXPECT_EQ(reader.query({})->size(), 1u);
  EXPECT_TRUE(reader.verify()->ok);
}

TEST_F(AuditLogTest, TheTableIsAppendOnlyForPlainSql) {
  append("acme");
  auto db = cordon::server::sqlite::Database::open({.path = path_}, "");
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE((*db)->exec("UPDATE audit_entries SET actor = 'mallory'"));
  EXPECT_TRUE((*db)->exec("DELETE FROM audit_entries"));
  EXPECT_EQ(log_->query({})->size(), 1u);
}

// --- Reading and exporting ---------------------------------------------------------------

TEST_F(AuditLogTest, FiltersByTenantActionActorTimeAndLimit) {
  append("acme", "tenant.export", "ops", kNow - 3 * kDay);
  append("bright", "tenant.export", "pat", kNow - 2 * kDay);
  append("acme", "audit.export", "pat", kNow - 1 * kDay);
  append("acme", "tenant.deprovision", "opal", kNow);

  auto seqs = [&](AuditFilter filter) {
    std::vector<int64_t> out;
    auto entries = log_->query(filter);
    EXPECT_TRUE(entries.ok());
    for (const auto& e : *entries) out.push_back(e.seq);
    return out;
  };
  EXPECT_EQ(seqs({}), (std::vector<int64_t>{4, 3, 2, 1}));  // newest first
  EXPECT_EQ(seqs({.tenant = "acme"}), (std::vector<int64_t>{4, 3, 1}));
  EXPECT_EQ(seqs({.action = "tenant.export"}), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(seqs({.actor = "pat"}), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(seqs({.tenant = "acme", .actor = "pat"}), (std::vector<int64_t>{3}));
  EXPECT_EQ(seqs({.since_ms = kNow - 2 * kDay, .until_ms = kNow}),
            (std::vector<int64_t>{3, 2}));  // [since, until)
  EXPECT_EQ(seqs({.limit = 2}), (std::vector<int64_t>{4, 3}));
  EXPECT_EQ(seqs({.limit = 2, .order = AuditOrder::oldest_first}), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(seqs({.tenant = "nobody"}), (std::vector<int64_t>{}));
}

TEST_F(AuditLogTest, FiltersReadFromJson) {
  auto filter = cordon::server::audit_filter_from_json(
      R"({"tenant":"acme","since":"2026-11-30T00:00:00Z","until":1796083200001,"limit":5,"order":"chain"})");
  ASSERT_TRUE(filter.ok()) << filter.error().to_string();
  EXPECT_EQ(*filter->tenant, "acme");
  EXPECT_EQ(*filter->since_ms, kNow - kDay);
  EXPECT_EQ(*filter->until_ms, kNow + 1);
  EXPECT_EQ(filter->limit, 5u);
  EXPECT_EQ(filter->order, AuditOrder::chain);
  auto typo = cordon::server::audit_filter_from_json(R"({"tenat":"acme"})");
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("unknown key `tenat`"), std::string::npos);
  EXPECT_FALSE(cordon::server::audit_filter_from_json(R"({"since":"yesterday"})").ok());

  auto record = cordon::server::audit_record_from_json(
      R"({"action":"tenant.export","actor":"ops","tenant":"acme","details":{"n":1},"time":"2026-12-01T00:00:00Z"})");
  ASSERT_TRUE(record.ok()) << record.error().to_string();
  EXPECT_EQ(*record->time_ms, kNow);
  EXPECT_FALSE(cordon::server::audit_record_from_json(R"({"action":"x","actor":"o"})").ok());
}

TEST_F(AuditLogTest, ExportsCsvAsRfc4180) {
  append("acme", "tenant.export", R"(O'Brien, "ops")", kNow, R"({"note":"a,b \"c\""})");
  append("bright", "audit.export", "=HYPERLINK(\"x\")", kNow + 1);
  std::ostringstream csv;
  ASSERT_FALSE(log_->export_csv({.order = AuditOrder::chain}, csv));
  const std::string text = csv.str();
  std::vector<std::string> lines;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "every record ends with CRLF";
    lines.push_back(text.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "seq,time,kind,action,actor,tenant,target,details,prev_hash,hash");
  EXPECT_EQ(
      lines[1].rfind(
          "1,2026-12-01T00:00:00.000Z,entry,tenant.export,\"O'Brien, \"\"ops\"\"\",acme,t/acme,",
          0),
      0u)
      << lines[1];
  EXPECT_NE(lines[1].find(R"("{""note"":""a,b \""c\""""}")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(R"csv(,"=HYPERLINK(""x"")",)csv"), std::string::npos) << lines[2];

  std::ostringstream safe;
  ASSERT_FALSE(log_->export_csv({.order = AuditOrder::chain}, safe,
                                cordon::server::CsvSafety::neutralize_formulas));
  EXPECT_NE(safe.str().find(R"csv(,"'=HYPERLINK(""x"")",)csv"), std::string::npos) << safe.str();
}

TEST_F(AuditLogTest, ExportsJsonOfTheFilteredSet) {
  fill(6);
  std::ostringstream out;
  ASSERT_FALSE(log_->export_json({.tenant = "tenant1", .limit = 0}, out));
  const Json doc = Json::parse(out.str());
  EXPECT_EQ(doc["head"]["seq"], 6);
  EXPECT_EQ(doc["filter"]["tenant"], "tenant1");
  EXPECT_EQ(doc["count"], 2);
  ASSERT_EQ(doc["entries"].size(), 2u);
  EXPECT_EQ(doc["entries"][0]["tenant"], "tenant1");
  EXPECT_EQ(doc["entries"][0]["details"], Json::object());
  EXPECT_EQ(doc["entries"][0]["hash"].get<std::string>().size(), 64u);
}

// --- Verification against tampering ------------------------------------------------------

TEST_F(AuditLogTest, NamesAnAlteredEntryWhateverColumnChanged) {
  for (const char* change : {"actor = 'mallory'", "tenant = 'other'", "action = 'audit.export'",
                             "target = ''", "details = '{\"x\":1}'", "time_ms = time_ms + 1",
                             "kind = 'checkpoint'", "hash = substr(hash, 2) || substr(hash, 1, 1)",
                             "prev_hash = substr(prev_hash, 2) || substr(prev_hash, 1, 1)"}) {
    TearDown();
    SetUp();
    fill(8);
    tamper(std::string("UPDATE audit_entries SET ") + change + " WHERE seq = 5");
    const VerifyReport report = verify();
    EXPECT_FALSE(report.ok) << change;
    EXPECT_TRUE(has_problem(report, 5, "altered")) << change << ": " << describe(report);
    EXPECT_EQ(report.problem_count, 1) << change << ": " << describe(report);
  }
}

TEST_F(AuditLogTest, NamesDeletedEntriesIncludingTheLast) {
  fill(10);
  tamper("DELETE FROM audit_entries WHERE seq IN (4, 5)");
  VerifyReport report = verify();
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(has_problem(report, 4, "missing")) << describe(report);
  EXPECT_EQ(report.problems.front().last_seq, 5);

  TearDown();
  SetUp();
  fill(10);
  tamper("DELETE FROM audit_entries WHERE seq = 10");
  report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(has_problem(report, 10, "missing")) << describe(report);
}

TEST_F(AuditLogTest, NamesSwappedEntriesAsReordered) {
  fill(10);
  tamper(
      "CREATE TEMP TABLE a AS SELECT * FROM audit_entries WHERE seq = 3;"
      "CREATE TEMP TABLE b AS SELECT * FROM audit_entries WHERE seq = 7;"
      "UPDATE audit_entries SET (kind, time_ms, action, actor, tenant, target, details, "
      "prev_hash, hash) = (SELECT kind, time_ms, action, actor, tenant, target, details, "
      "prev_hash, hash FROM b) WHERE seq = 3;"
      "UPDATE audit_entries SET (kind, time_ms, action, actor, tenant, target, details, "
      "prev_hash, hash) = (SELECT kind, time_ms, action, actor, tenant, target, details, "
      "prev_hash, hash FROM a) WHERE seq = 7;");
  const VerifyReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(has_problem(report, 3, "reordered")) << describe(report);
  EXPECT_TRUE(has_problem(report, 7, "reordered")) << describe(report);
  EXPECT_NE(report.problems.front().message.find("is entry 7"), std::string::npos);
}

TEST_F(AuditLogTest, NamesInsertedEntries) {
  fill(6);
  // A row sealed correctly after the head, but written outside the log (head not moved).
  AuditEntry forged;
  forged.seq = 7;
  forged.time_ms = kNow;
  forged.action = "tenant.export";
  forged.actor = "mallory";
  forged.tenant = "acme";
  forged.prev_hash = log_->query({.limit = 1, .order = AuditOrder::chain})->front().hash;
  {
    auto all = log_->query({.limit = 0, .order = AuditOrder::chain});
    forged.prev_hash = all->back().hash;
  }
  forged.hash = cordon::server::audit::entry_hash(forged);
  tamper("INSERT INTO audit_entries VALUES (7, 'entry', " + std::to_string(kNow) +
         ", 'tenant.export', 'mallory', 'acme', '', '{}', '" + forged.prev_hash + "', '" +
         forged.hash + "')");
  VerifyReport report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(has_problem(report, 7, "inserted")) << describe(report);

  // A row inserted in the middle: the ones after it are shifted up by one.
  TearDown();
  SetUp();
  fill(6);
  auto all = log_->query({.limit = 0, .order = AuditOrder::chain});
  forged.seq = 3;
  forged.prev_hash = (*all)[1].hash;  // chained to entry 2, as the attacker would
  forged.hash = cordon::server::audit::entry_hash(forged);
  tamper(
      "UPDATE audit_entries SET seq = -seq WHERE seq >= 3;"
      "UPDATE audit_entries SET seq = 1 - seq WHERE seq < 0;"
      "INSERT INTO audit_entries VALUES (3, 'entry', " +
      std::to_string(kNow) + ", 'tenant.export', 'mallory', 'acme', '', '{}', '" +
      forged.prev_hash + "', '" + forged.hash + "')");
  report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(has_problem(report, 3, "inserted")) << describe(report);
  EXPECT_TRUE(has_problem(report, 4, "reordered")) << describe(report);
}

TEST_F(AuditLogTest, AnAnchoredHeadCatchesARewrittenChain) {
  fill(5);
  const cordon::server::ChainHead anchor = *log_->head();
  fill(2);
  EXPECT_TRUE(log_->verify({.anchor = anchor})->ok);

  // Recompute the whole chain with entry 2 altered: only the anchor can tell.
  auto entries = *log_->query({.limit = 0, .order = AuditOrder::chain});
  entries[1].actor = "mallory";
  std::string prev(64, '0');
  std::string sql;
  for (AuditEntry& e : entries) {
    e.prev_hash = prev;
    e.hash = cordon::server::audit::entry_hash(e);
    prev = e.hash;
    sql += "UPDATE audit_entries SET actor = '" + e.actor + "', prev_hash = '" + e.prev_hash +
           "', hash = '" + e.hash + "' WHERE seq = " + std::to_string(e.seq) + ";";
  }
  sql += "UPDATE audit_head SET hash = '" + prev + "';";
  tamper(sql);
  EXPECT_TRUE(verify().ok);
  const VerifyReport anchored = *log_->verify({.anchor = anchor});
  EXPECT_FALSE(anchored.ok);
  EXPECT_TRUE(has_problem(anchored, anchor.seq, "anchor")) << describe(anchored);
}

// --- Retention -----------------------------------------------------------------------------

RetentionSettings retention(bool enabled = true, std::string credential = "valid") {
  RetentionSettings settings;
  settings.actor = {"scheduler", {"platform_admin"}, "", "active"};
  settings.enabled = enabled;
  settings.credential = std::move(credential);
  settings.now_ms = kNow;
  settings.window_days = 365;
  return settings;
}

TEST_F(AuditLogTest, PruneIsRefusedWithoutTheFlagOrTheCredential) {
  append("acme", "tenant.export", "ops", kNow - 800 * kDay);
  for (auto [enabled, credential, gate] : {std::tuple{false, "valid", "retention_enabled"},
                                           std::tuple{true, "unset", "retention_secret"},
                                           std::tuple{true, "invalid", "retention_secret"},
                                           std::tuple{true, "missing", "retention_secret"}}) {
    auto result = log_->prune(retention(enabled, credential));
    ASSERT_TRUE(result.ok()) << result.error().to_string();
    EXPECT_FALSE(result->gate.allowed);
    ASSERT_FALSE(result->gate.unmet.empty());
    EXPECT_EQ(result->gate.unmet.front().gate, gate);
    EXPECT_EQ(result->deleted, 0);
    EXPECT_FALSE(result->checkpoint);
  }
  EXPECT_EQ(log_->query({})->size(), 1u);
}

TEST_F(AuditLogTest, PruneFollowsWindowsAndLegalHoldsAndKeepsTheChainVerifiable) {
  append("acme", "tenant.export", "ops", kNow - 400 * kDay);   // 1: old enough
  append("held", "tenant.export", "ops", kNow - 900 * kDay);   // 2: legal hold
  append("acme", "tenant.export", "ops", kNow - 10 * kDay);    // 3: too young
  append("long", "tenant.export", "ops", kNow - 400 * kDay);   // 4: tenant window 730
  append("long", "tenant.export", "ops", kNow - 800 * kDay);   // 5: beyond 730
  append("short", "tenant.export", "ops", kNow - 100 * kDay);  // 6: 30-day window, platform 365
  append("acme", "tenant.export", "ops", kNow - 366 * kDay);   // 7: old enough
  RetentionSettings settings = retention();
  settings.legal_holds = {"held"};
  settings.tenant_windows = {{"long", 730}, {"short", 30}};

  settings.dry_run = true;
  auto dry = log_->prune(settings);
  ASSERT_TRUE(dry.ok()) << dry.error().to_string();
  EXPECT_EQ(dry->deletable, 3);
  EXPECT_EQ(dry->deleted, 0);
  EXPECT_EQ(log_->query({.limit = 0})->size(), 7u);

  settings.dry_run = false;
  auto result = log_->prune(settings);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_TRUE(result->gate.allowed);
  EXPECT_EQ(result->judged, 7);
  EXPECT_EQ(result->deleted, 3);
  ASSERT_TRUE(result->checkpoint);
  EXPECT_EQ(result->checkpoint->seq, 8);
  EXPECT_EQ(result->checkpoint->kind, "checkpoint");
  EXPECT_EQ(result->checkpoint->action, "audit.retention_delete");
  const Json details = Json::parse(result->checkpoint->details);
  EXPECT_EQ(details["pruned"], 3);
  EXPECT_EQ(details["runs"], 3);  // {1}, {5}, {7}

  std::vector<int64_t> left;
  const auto remaining = log_->query({.limit = 0, .order = AuditOrder::chain});
  for (const auto& e : *remaining) left.push_back(e.seq);
  EXPECT_EQ(left, (std::vector<int64_t>{2, 3, 4, 6, 8}));
  VerifyReport report = verify();
  EXPECT_TRUE(report.ok) << describe(report);
  EXPECT_EQ(report.pruned, 3);
  EXPECT_EQ(report.checkpoints, 1);

  // A second prune next to the first one's gaps still verifies.
  settings.legal_holds.clear();
  settings.tenant_windows.clear();
  auto second = log_->prune(settings);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->deleted, 2);  // 2 (hold lifted), 4 (platform window)
  append("acme");
  report = verify();
  EXPECT_TRUE(report.ok) << describe(report);
  EXPECT_EQ(report.pruned, 5);
  EXPECT_EQ(report.checkpoints, 2);
}

TEST_F(AuditLogTest, PrunedRecordsCannotBeAlteredOrReusedUnnoticed) {
  for (int i = 0; i < 10; ++i) append("acme", "tenant.export", "ops", kNow - (400 - i * 10) * kDay);
  auto result = log_->prune(retention());
  ASSERT_TRUE(result.ok());
  ASSERT_GT(result->deleted, 0);
  ASSERT_TRUE(verify().ok);
  const int64_t pruned_seq = 1;

  // An entry put back into a pruned gap.
  tamper("INSERT INTO audit_entries VALUES (" + std::to_string(pruned_seq) +
         ", 'entry', 0, 'tenant.export', 'ops', 'acme', '', '{}', '" + std::string(64, '0') +
         "', '" + std::string(64, '1') + "')");
  VerifyReport report = verify();
  EXPECT_TRUE(has_problem(report, pruned_seq, "inserted")) << describe(report);

  // The record of what was pruned, altered: its checkpoint's digest no longer matches.
  tamper(
      "DELETE FROM audit_entries WHERE seq = 1; UPDATE audit_pruned SET last_seq = last_seq "
      "WHERE 0; UPDATE audit_pruned SET last_hash = '" +
      std::string(64, 'f') + "' WHERE first_seq = 1");
  report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(has_problem(report, result->checkpoint->seq, "checkpoint")) << describe(report);

  // Records of pruning removed: the gap is plain deletion.
  tamper("DELETE FROM audit_pruned");
  report = verify();
  EXPECT_FALSE(report.ok);
  EXPECT_TRUE(has_problem(report, 1, "missing")) << describe(report);
}

TEST_F(AuditLogTest, PruneNeedsTheBundleAndADeclaredCheckpointAction) {
  RetentionSettings settings = retention();
  settings.checkpoint_action = "audit.purge";
  EXPECT_FALSE(log_->prune(settings).ok());
  auto store = cordon::server::open_sqlite_audit_store({.path = path_});
  AuditLog without_bundle(*store);
  EXPECT_FALSE(without_bundle.prune(retention()).ok());
}

// --- Concurrency ---------------------------------------------------------------------------

TEST_F(AuditLogTest, WritersOnSeparateConnectionsKeepOneChain) {
  constexpr int kWriters = 4;
  constexpr int kEach = 100;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto store = cordon::server::open_sqlite_audit_store({.path = path_, .durable = false});
      if (!store) {
        ++failures;
        return;
      }
      AuditLog log(*store, bundle_);
      for (int i = 0; i < kEach; ++i)
        if (!log.append({.action = "tenant.export",
                         .actor = "writer" + std::to_string(w),
                         .tenant = "acme"})
                 .ok())
          ++failures;
    });
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(failures, 0);
  const VerifyReport report = verify();
  EXPECT_TRUE(report.ok) << describe(report);
  EXPECT_EQ(report.entries, kWriters * kEach);
}

}  // namespace
