// The `cordon audit` and `cordon ratelimit` commands, run as processes: exit codes, human
// and JSON output, the retention credential read from a file and the environment, and the
// rate limiter failing closed when its database cannot be used.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/crypto.h"
#include "sqlite/database.h"

#if !defined(CORDON_CLI_PATH) || !defined(CORDON_SOURCE_DIR)
#error "CORDON_CLI_PATH and CORDON_SOURCE_DIR must be defined (tests/CMakeLists.txt)"
#endif

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

const std::string kBundle = quote(std::string(CORDON_SOURCE_DIR) + "/policies/elaygent");
constexpr char kScheduler[] =
    R"({"user":"scheduler","roles":["platform_admin"],"status":"active"})";

class ServerCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fs::temp_directory_path() /
            ("cordon-server-cli-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(work_);
    fs::create_directories(work_);
    db_ = quote((work_ / "audit.db").string());
  }
  void TearDown() override { fs::remove_all(work_); }

  // `env` is a prefix of VAR=value assignments for the command.
  CliRun run(const std::string& arguments, const std::string& input = "",
             const std::string& env = "") {
    {
      std::ofstream in(work_ / "stdin.txt", std::ios::binary | std::ios::trunc);
      in << input;
    }
    const std::string command = "cd " + quote(work_.string()) + " && " + env + " " +
                                quote(CORDON_CLI_PATH) + " " + arguments + " < stdin.txt" +
                                " > stdout.txt 2> stderr.txt";
    const int status = std::system(command.c_str());
    CliRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(work_ / "stdout.txt");
    result.err = read_file(work_ / "stderr.txt");
    return result;
  }

  CliRun append(const std::string& action, const std::string& tenant,
                const std::string& time = "2026-12-01T00:00:00Z") {
    return run("audit append --db " + db_ + " --bundle " + kBundle + " --action " + action +
               " --actor ops --tenant " + tenant + " --time " + time);
  }

  fs::path work_;
  std::string db_;
};

TEST_F(ServerCliTest, HelpNamesTheSubcommands) {
  const CliRun audit = run("audit --help");
  EXPECT_EQ(audit.exit_code, 0);
  for (const char* sub : {"append", "query", "export", "verify", "prune"})
    EXPECT_NE(audit.out.find(std::string("cordon audit ") + sub), std::string::npos) << sub;
  const CliRun ratelimit = run("help ratelimit");
  EXPECT_EQ(ratelimit.exit_code, 0);
  EXPECT_NE(ratelimit.out.find("cordon ratelimit check"), std::string::npos);
  EXPECT_EQ(run("audit frobnicate").exit_code, 1);
  EXPECT_EQ(run("audit query --db " + db_ + " --limit many").exit_code, 1);
}

TEST_F(ServerCliTest, AppendsTypedEntriesAndRefusesUnknownActions) {
  const CliRun first = append("tenant.export", "acme");
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out.rfind("appended entry 1  2026-12-01T00:00:00.000Z  tenant.export  hash ", 0),
            0u)
      << first.out;
  const CliRun typo = append("tenant.exprot", "acme");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("unknown audit action `tenant.exprot`"), std::string::npos) << typo.err;

  const CliRun lines =
      run("audit append --db " + db_ + " --bundle " + kBundle + " --input - --json",
          R"({"action":"audit.export","actor":"pat","tenant":"bright"})"
          "\n"
          R"({"action":"tenant.deprovision","actor":"opal","tenant":"acme",)"
          R"("details":{"reason":"churn"}})"
          "\n");
  EXPECT_EQ(lines.exit_code, 0) << lines.err;
  std::istringstream acks(lines.out);
  std::string ack;
  int seq = 1;
  while (std::getline(acks, ack)) EXPECT_EQ(Json::parse(ack)["seq"], ++seq) << ack;
  EXPECT_EQ(seq, 3);

  const CliRun bad_line = run("audit append --db " + db_ + " --bundle " + kBundle + " --input -",
                              R"({"action":"audit.export","actor":"pat"})"
                              "\n");
  EXPECT_EQ(bad_line.exit_code, 2);
  EXPECT_NE(bad_line.err.find("stdin:1:"), std::string::npos) << bad_line.err;
}

TEST_F(ServerCliTest, QueriesExportsAndVerifies) {
  ASSERT_EQ(append("tenant.export", "acme", "2026-11-01T00:00:00Z").exit_code, 0);
  ASSERT_EQ(append("audit.export", "bright", "2026-11-02T00:00:00Z").exit_code, 0);
  ASSERT_EQ(append("tenant.export", "acme", "2026-11-03T00:00:00Z").exit_code, 0);

  const CliRun query = run("audit query --db " + db_ + " --tenant acme --json");
  ASSERT_EQ(query.exit_code, 0) << query.err;
  const Json answer = Json::parse(query.out);
  EXPECT_EQ(answer["count"], 2);
  EXPECT_EQ(answer["entries"][0]["seq"], 3);  // newest first
  const CliRun human = run("audit query --db " + db_ + " --since 2026-11-02T00:00:00Z");
  EXPECT_NE(human.out.find("2 entries"), std::string::npos) << human.out;

  const CliRun csv = run("audit export --db " + db_ + " --order chain --output out.csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string text = read_file(work_ / "out.csv");
  EXPECT_EQ(text.rfind("seq,time,kind,action,actor,tenant,target,details,prev_hash,hash\r\n1,", 0),
            0u)
      << text;
  const CliRun json = run("audit export --db " + db_ + " --format json --action audit.export");
  EXPECT_EQ(Json::parse(json.out)["count"], 1);

  const CliRun ok = run("audit verify --db " + db_);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(ok.out.rfind("OK  3 entries", 0), 0u) << ok.out;
  const std::string head = ok.out.substr(ok.out.find("head ") + 5, 66);
  EXPECT_EQ(run("audit verify --db " + db_ + " --expect-head " + head).exit_code, 0);

  {
    auto db = cordon::server::sqlite::Database::open({.path = (work_ / "audit.db").string()}, "");
    ASSERT_TRUE(db.ok());
    ASSERT_FALSE(
        (*db)->exec("DROP TRIGGER audit_entries_no_update;"
                    "UPDATE audit_entries SET tenant = 'other' WHERE seq = 2"));
  }
  const CliRun tampered = run("audit verify --db " + db_ + " --json");
  EXPECT_EQ(tampered.exit_code, 3);
  const Json report = Json::parse(tampered.out);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["problems"][0]["seq"], 2);
  EXPECT_EQ(report["problems"][0]["kind"], "altered");

  EXPECT_EQ(run("audit verify --db " + quote((work_ / "absent.db").string())).exit_code, 2);
  EXPECT_FALSE(fs::exists(work_ / "absent.db"));
}

TEST_F(ServerCliTest, PruneNeedsTheFlagAndTheRetentionCredential) {
  ASSERT_EQ(append("tenant.export", "acme", "2024-01-01T00:00:00Z").exit_code, 0);
  ASSERT_EQ(append("tenant.export", "held", "2024-01-01T00:00:00Z").exit_code, 0);
  ASSERT_EQ(append("tenant.export", "acme", "2026-11-30T00:00:00Z").exit_code, 0);
  const std::string secret = "retention-secret-for-the-cli-test-0123456789";
  {
    std::ofstream credentials(work_ / "credentials.json");
    credentials << R"({"retention": "sha256:)" << cordon::crypto::sha256_hex(secret) << R"("})";
  }
  const std::string prune = "audit prune --db " + db_ + " --bundle " + kBundle + " --actor " +
                            quote(kScheduler) +
                            " --window-days 365 --legal-hold held --now 2026-12-01T00:00:00Z";

  const CliRun no_flag =
      run(prune + " --credentials credentials.json", "", "CORDON_RETENTION_SECRET=" + secret);
  EXPECT_EQ(no_flag.exit_code, 3);
  EXPECT_NE(no_flag.out.find("REFUSED  audit_retention"), std::string::npos) << no_flag.out;
  EXPECT_NE(no_flag.out.find("retention_enabled"), std::string::npos) << no_flag.out;

  const CliRun unset = run(prune + " --retention-enabled");
  EXPECT_EQ(unset.exit_code, 3);
  EXPECT_NE(unset.out.find("retention_secret"), std::string::npos) << unset.out;

  const CliRun wrong = run(prune + " --retention-enabled --credentials credentials.json", "",
                           "CORDON_RETENTION_SECRET=not-the-secret");
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_EQ(wrong.out.find(secret), std::string::npos);

  const CliRun done = run(prune + " --retention-enabled --credentials credentials.json --json", "",
                          "CORDON_RETENTION_SECRET=" + secret);
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  const Json result = Json::parse(done.out);
  EXPECT_EQ(result["deleted"], 1);
  EXPECT_EQ(result["checkpoint"]["seq"], 4);
  EXPECT_EQ(result["checkpoint"]["kind"], "checkpoint");
  EXPECT_EQ(done.out.find(secret), std::string::npos);
  EXPECT_EQ(run("audit verify --db " + db_).exit_code, 0);
}

TEST_F(ServerCliTest, RateLimitChecksShareTheDatabaseAndFailClosed) {
  const std::string check = "ratelimit check --db " + quote((work_ / "rl.db").string()) +
                            " --bundle " + kBundle + " --class auth --id 203.0.113.9";
  for (int i = 0; i < 10; ++i) EXPECT_EQ(run(check).exit_code, 0) << i;  // auth: 10 per 60 s
  const CliRun denied = run(check);
  EXPECT_EQ(denied.exit_code, 3);
  EXPECT_EQ(denied.out.rfind("DENY   auth  203.0.113.9  0 left of 10 per 60 s", 0), 0u)
      << denied.out;
  EXPECT_EQ(run("ratelimit check --db " + quote((work_ / "rl.db").string()) + " --bundle " +
                kBundle + " --class auth --id 203.0.113.10")
                .exit_code,
            0);

  fs::create_directories(work_ / "a-folder.db");
  const CliRun closed =
      run("ratelimit check --db a-folder.db --bundle " + kBundle + " --class auth --id x --json");
  EXPECT_EQ(closed.exit_code, 2);
  const Json decision = Json::parse(closed.out);
  EXPECT_EQ(decision["allowed"], false);
  EXPECT_TRUE(decision.contains("error"));

  EXPECT_EQ(run("ratelimit check --bundle " + kBundle + " --class authn --id x").exit_code, 2);
  const CliRun lines = run("ratelimit check --db rl2.db --bundle " + kBundle + " --input -",
                           R"({"class":"auth","identifier":"a"})"
                           "\n"
                           R"({"class":"proxy","identifier":"a"})"
                           "\n");
  EXPECT_EQ(lines.exit_code, 0) << lines.err;
  EXPECT_NE(lines.out.find("ALLOW  proxy  a  119 left of 120 per 60 s"), std::string::npos)
      << lines.out;
}

TEST_F(ServerCliTest, CoverageListsRoutesWithoutALimiter) {
  const CliRun json = run("ratelimit coverage --json --bundle " + kBundle);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const Json coverage = Json::parse(json.out);
  const int routes = static_cast<int>(coverage["routes"].size());
  EXPECT_EQ(coverage["covered"].get<int>() + coverage["uncovered"].get<int>(), routes);
  const CliRun markdown = run("ratelimit coverage --bundle " + kBundle);
  EXPECT_EQ(markdown.exit_code, 0) << markdown.err;
  for (const Json& route : coverage["routes"]) {
    const std::string limiter =
        route["rateLimit"].is_null() ? "**none**" : route["rateLimit"].get<std::string>();
    EXPECT_NE(markdown.out.find("| `" + route["route"].get<std::string>() + "` | " +
                                route["action"].get<std::string>() + " | " + limiter + " |"),
              std::string::npos)
        << route.dump();
  }
  EXPECT_NE(markdown.out.find(std::to_string(coverage["covered"].get<int>()) + " of " +
                              std::to_string(routes) + " routes have a rate limiter"),
            std::string::npos)
      << markdown.out;
}

}  // namespace
