// Tests of the built `cordon` CLI, run as a separate process: exit codes, error locations
// on stderr, `authorize` answering JSON lines, `conformance` over a small test folder
// generated here in the build folder (never the Cedar corpus itself), and the bundle
// commands (route, explain, matrix, scrub, gate) over the repository's bundles.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cordon/version.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // One folder per test, so ctest can run the tests in parallel.
    work_ = fs::path(CORDON_TEST_WORK_DIR) / info->name();
    fs::remove_all(work_);
    fs::create_directories(work_);
  }

  // Runs `cordon <arguments>` in `cwd` (default: the test's folder) with `input` on stdin.
  CliRun run(const std::string& arguments, const std::string& input = "",
             const fs::path& cwd = {}) {
    write_file(work_ / "stdin.txt", input);
    const std::string command = "cd " + shell_quote((cwd.empty() ? work_ : cwd).string()) + " && " +
                                shell_quote(CORDON_CLI_PATH) + " " + arguments + " < " +
                                shell_quote((work_ / "stdin.txt").string()) + " > " +
                                shell_quote((work_ / "stdout.txt").string()) + " 2> " +
                                shell_quote((work_ / "stderr.txt").string());
    const int status = std::system(command.c_str());
    CliRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(work_ / "stdout.txt");
    result.err = read_file(work_ / "stderr.txt");
    return result;
  }

  fs::path file(const std::string& name, const std::string& text) {
    write_file(work_ / name, text);
    return work_ / name;
  }

  fs::path work_;
};

constexpr char kPolicies[] =
    R"(permit(principal == User::"alice", action == Action::"view", resource);
@id("no-bob") forbid(principal == User::"bob", action, resource);
permit(principal, action, resource) when { principal.level > 3 };
)";

constexpr char kEntitiesJson[] = R"([
  {"uid": {"type": "User", "id": "alice"}, "attrs": {"level": 1}, "parents": []},
  {"uid": {"type": "User", "id": "bob"}, "attrs": {"level": 9}, "parents": []},
  {"uid": {"type": "User", "id": "carol"}, "attrs": {}, "parents": []}
])";

std::string request_line(const std::string& principal, const std::string& action = "view") {
  return R"({"principal":{"type":"User","id":")" + principal +
         R"("},"action":{"type":"Action","id":")" + action +
         R"("},"resource":{"type":"Photo","id":"x"},"context":{}})";
}

Json parse_line(const std::string& line) {
  Json answer = Json::parse(line, nullptr, false);
  EXPECT_FALSE(answer.is_discarded()) << line;
  return answer;
}

// --- top level ---

TEST_F(CliTest, VersionNamesEngineAndCedarVersions) {
  const CliRun result = run("--version");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.out.find(std::string("cordon ") + cordon::version()), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find(cordon::cedar_language_version()), std::string::npos) << result.out;
}

TEST_F(CliTest, HelpListsCommandsAndSubcommandHelpListsOptions) {
  const CliRun help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("authorize"), std::string::npos);
  EXPECT_NE(help.out.find("conformance"), std::string::npos);
  for (const char* command : {"route", "explain", "matrix", "scrub", "gate"}) {
    EXPECT_NE(help.out.find(std::string("  ") + command + " "), std::string::npos) << command;
    const CliRun command_help = run(std::string(command) + " --help");
    EXPECT_EQ(command_help.exit_code, 0) << command;
    EXPECT_NE(command_help.out.find("--bundle DIR"), std::string::npos) << command;
    EXPECT_NE(command_help.out.find("--require-signature"), std::string::npos) << command;
  }

  const CliRun authorize_help = run("authorize --help");
  EXPECT_EQ(authorize_help.exit_code, 0);
  EXPECT_NE(authorize_help.out.find("--policies"), std::string::npos);
  EXPECT_NE(authorize_help.out.find("--entities"), std::string::npos);

  const CliRun conformance_help = run("conformance --help");
  EXPECT_EQ(conformance_help.exit_code, 0);
  EXPECT_NE(conformance_help.out.find("--root"), std::string::npos);
  EXPECT_NE(conformance_help.out.find("shouldValidate"), std::string::npos);
}

TEST_F(CliTest, UnknownCommandOrOptionIsAUsageError) {
  EXPECT_EQ(run("frobnicate").exit_code, 1);
  EXPECT_EQ(run("").exit_code, 1);
  EXPECT_EQ(run("authorize --no-such-option").exit_code, 1);
  EXPECT_EQ(run("authorize --policies").exit_code, 1);
  EXPECT_EQ(run("conformance").exit_code, 1);
}

// --- authorize ---

TEST_F(CliTest, MalformedPolicyFileExitsNonZeroWithFileLineColumn) {
  const fs::path policies = file("bad.cedar",
                                 "permit(principal, action, resource);\n"
                                 "permit(principal action, resource);\n");
  const CliRun result =
      run("authorize --policies " + shell_quote(policies.string()), request_line("alice") + "\n");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err.rfind(policies.string() + ":2:18: parse error: ", 0), 0u) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(CliTest, UnreadablePolicyOrEntitiesFileExitsNonZero) {
  const CliRun no_policies = run("authorize --policies missing.cedar", request_line("alice"));
  EXPECT_EQ(no_policies.exit_code, 2);
  EXPECT_NE(no_policies.err.find("missing.cedar"), std::string::npos) << no_policies.err;

  const fs::path entities = file("bad.entities.json", "[{\"uid\": ");
  const CliRun bad_entities = run("authorize --entities " + shell_quote(entities.string()), "");
  EXPECT_EQ(bad_entities.exit_code, 2);
  EXPECT_EQ(bad_entities.err.rfind(entities.string() + ":", 0), 0u) << bad_entities.err;
}

TEST_F(CliTest, AuthorizeAnswersEachLineAndAMalformedLineFailsAlone) {
  const fs::path policies = file("app.cedar", kPolicies);
  const fs::path entities = file("app.entities.json", kEntitiesJson);
  const std::string input = request_line("alice") + "\n" +         // allowed by policy0
                            "{\"principal\": oops}\n" +            // not JSON
                            request_line("bob") + "\n" +           // forbidden by policy1
                            "\n" +                                 // blank: skipped
                            request_line("carol", "edit") + "\n";  // policy2 errors: deny
  const CliRun result = run("authorize --policies " + shell_quote(policies.string()) +
                                " --entities " + shell_quote(entities.string()),
                            input);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;

  EXPECT_EQ(
      lines[0],
      R"({"type":"success","response":{"decision":"allow","diagnostics":{"reason":["policy0"],"errors":[]}},"warnings":[]})");

  const Json failure = parse_line(lines[1]);
  EXPECT_EQ(failure["type"], "failure");
  ASSERT_TRUE(failure["errors"].is_array() && !failure["errors"].empty()) << lines[1];
  // The message points at the input line.
  EXPECT_NE(failure["errors"][0]["message"].get<std::string>().find("<stdin>:2:"),
            std::string::npos)
      << lines[1];

  const Json bob = parse_line(lines[2]);
  EXPECT_EQ(bob["response"]["decision"], "deny");
  EXPECT_EQ(bob["response"]["diagnostics"]["reason"], Json::array({"policy1"}));

  const Json carol = parse_line(lines[3]);
  EXPECT_EQ(carol["type"], "success");
  EXPECT_EQ(carol["response"]["decision"], "deny");
  ASSERT_EQ(carol["response"]["diagnostics"]["errors"].size(), 1u) << lines[3];
  EXPECT_EQ(carol["response"]["diagnostics"]["errors"][0]["policyId"], "policy2");
}

TEST_F(CliTest, AuthorizeReadsInputFileAndAllEntityReferenceForms) {
  const fs::path policies = file("app.cedar", kPolicies);
  const fs::path input = file(
      "requests.jsonl",
      R"({"principal":"User::\"alice\"","action":"Action::\"view\"","resource":"Photo::\"x\"","context":{}})"
      "\n"
      R"({"principal":{"__entity":{"type":"User","id":"alice"}},"action":{"__entity":{"type":"Action","id":"view"}},"resource":{"__entity":{"type":"Photo","id":"x"}},"context":{}})"
      "\n");
  const CliRun result = run("authorize --policies " + shell_quote(policies.string()) + " --input " +
                            shell_quote(input.string()));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  for (const std::string& line : lines) {
    EXPECT_EQ(parse_line(line)["response"]["decision"], "allow") << line;
  }
}

TEST_F(CliTest, AFullCallLineIsAnsweredWithItsOwnPolicies) {
  const fs::path policies = file("deny-all.cedar", "forbid(principal, action, resource);\n");
  const std::string call =
      R"({"principal":{"type":"User","id":"zed"},"action":{"type":"Action","id":"view"},"resource":{"type":"Photo","id":"x"},"context":{},"policies":{"staticPolicies":"permit(principal, action, resource);"},"entities":[]})";
  const CliRun result = run("authorize --policies " + shell_quote(policies.string()),
                            call + "\n" + request_line("zed") + "\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out;
  EXPECT_EQ(parse_line(lines[0])["response"]["decision"], "allow");
  EXPECT_EQ(parse_line(lines[1])["response"]["decision"], "deny");
}

TEST_F(CliTest, PrettyOutputIsOneReadableLinePerRequest) {
  const fs::path policies = file("app.cedar", kPolicies);
  const fs::path entities = file("app.entities.json", kEntitiesJson);
  const CliRun result = run("authorize --pretty --policies " + shell_quote(policies.string()) +
                                " --entities " + shell_quote(entities.string()),
                            request_line("alice") + "\n" + request_line("bob") + "\nnot json\n");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(lines[0], R"(ALLOW  User::"alice" view Photo::"x"  [policy0])");
  EXPECT_EQ(lines[1].rfind(R"(DENY   User::"bob" view Photo::"x"  [policy1])", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("FAIL   ", 0), 0u) << lines[2];
}

// --- conformance ---

// A test in Cedar's integration-test format, with paths relative to the corpus root.
std::string integration_test(const std::string& policies, const std::string& entities,
                             const std::string& requests) {
  return R"({"policies": ")" + policies + R"(", "entities": ")" + entities +
         R"(", "schema": "tests/none.cedarschema", "shouldValidate": false, "requests": [)" +
         requests + "]}";
}

std::string test_request(const std::string& principal, const std::string& decision,
                         const std::string& reason, const std::string& errors) {
  return R"({"description": "as )" + principal + R"(", "principal": {"type": "User", "id": ")" +
         principal +
         R"("}, "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "x"},
            "context": {}, "validateRequest": false, "decision": ")" +
         decision + R"(", "reason": )" + reason + R"(, "errors": )" + errors + "}";
}

// A folder with 5 requests: 2 that pass, 1 whose expectation is wrong, and 2 in a test
// whose policies do not parse; plus files the runner must skip.
void write_conformance_folder(const fs::path& root) {
  write_file(root / "tests/p/app.cedar", kPolicies);
  write_file(root / "tests/p/app.entities.json", kEntitiesJson);
  write_file(root / "tests/p/bad.cedar", "permit(principal,, action, resource);\n");
  // The runner reads each test's schema (entities are read with it), as Cedar's corpus does.
  write_file(root / "tests/none.cedarschema",
             "entity User { level?: Long };\nentity Photo;\n"
             "action view appliesTo { principal: User, resource: Photo };\n");
  write_file(root / "tests/suite/app.json",
             integration_test("tests/p/app.cedar", "tests/p/app.entities.json",
                              test_request("alice", "allow", R"(["policy0"])", "[]") + "," +
                                  test_request("carol", "deny", "[]", R"(["policy2"])") + "," +
                                  // Wrong on purpose: bob is forbidden.
                                  test_request("bob", "allow", R"(["policy2"])", "[]")));
  write_file(root / "tests/suite/nested/bad.json",
             integration_test("tests/p/bad.cedar", "tests/p/app.entities.json",
                              test_request("alice", "allow", R"(["policy0"])", "[]") + "," +
                                  test_request("bob", "deny", "[]", "[]")));
  // Not tests: an entities file (skipped by name) and JSON without "requests".
  write_file(root / "tests/suite/extra.entities.json", kEntitiesJson);
  write_file(root / "tests/suite/notes.json", R"({"note": "not a test"})");
}

TEST_F(CliTest, ConformanceCountsRequestsAndEndsWithTheSummary) {
  write_conformance_folder(work_ / "corpus");
  const CliRun result = run("conformance --root " + shell_quote((work_ / "corpus").string()) + " " +
                            shell_quote((work_ / "corpus/tests/suite").string()));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "2 passed, 3 failed\n") << result.err;
  // The wrong expectation and the test that did not load are reported with their files.
  EXPECT_NE(result.err.find("app.json (as bob)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("bad.json"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("bad.cedar:1:"), std::string::npos) << result.err;
}

TEST_F(CliTest, ConformanceResolvesTestPathsAgainstTheCurrentDirectoryByDefault) {
  write_conformance_folder(work_ / "corpus");
  const CliRun result = run("conformance --verbose tests/suite/app.json", "", work_ / "corpus");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "2 passed, 1 failed\n") << result.err;

  // From elsewhere, without --root, the policies are not found: every request fails.
  const CliRun elsewhere =
      run("conformance " + shell_quote((work_ / "corpus/tests/suite/app.json").string()));
  EXPECT_EQ(elsewhere.exit_code, 0) << elsewhere.err;
  EXPECT_EQ(elsewhere.out, "0 passed, 3 failed\n") << elsewhere.err;
}

TEST_F(CliTest, ConformanceRejectsMissingPathsAndNamedNonTests) {
  const CliRun missing = run("conformance no/such/folder");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.out, "0 passed, 0 failed\n");
  EXPECT_NE(missing.err.find("no/such/folder"), std::string::npos) << missing.err;

  const fs::path not_a_test = file("plain.json", R"({"hello": "world"})");
  EXPECT_EQ(run("conformance " + shell_quote(not_a_test.string())).exit_code, 2);
}

// --- bundle commands ---

// The repository root, from this file's path (tests/native/cli_test.cpp).
fs::path source_root() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

std::string default_bundle() {
  return shell_quote((source_root() / "policies" / "elaygent").string());
}

constexpr char kStaffDashboard[] =
    R"({"method": "GET", "path": "/api/tenants/acme/dashboard", "surface": "mobile", )"
    R"("session": {"user": "pat", "roles": ["staff"], "tenant": "acme", "status": "active"}})";
constexpr char kDisabledUserCalls[] =
    R"({"method": "GET", "path": "/api/tenants/acme/calls", "surface": "desktop", )"
    R"("session": {"user": "sam", "roles": ["staff"], "tenant": "acme", "status": "disabled"}})";
constexpr char kPlatformAdmin[] =
    R"({"user":"opal","roles":["platform_admin"],"tenant":"elaygent","status":"active"})";

TEST_F(CliTest, RouteAnswersEachLineAndAMalformedLineFailsAlone) {
  const std::string input = std::string(kStaffDashboard) + "\n\n{not json\n" + kDisabledUserCalls +
                            "\n" + R"({"method": "GET", "path": "/api/tenants/acme/dashboard"})" +
                            "\n";
  const CliRun result = run("route --bundle " + default_bundle(), input);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 4u) << result.out;

  const Json allowed = parse_line(lines[0]);
  EXPECT_EQ(allowed["type"], "success") << lines[0];
  EXPECT_EQ(allowed["decision"]["allow"], true) << lines[0];
  EXPECT_EQ(allowed["decision"]["status"], 200) << lines[0];
  EXPECT_EQ(allowed["decision"]["route"], "GET /api/tenants/:tenantId/dashboard") << lines[0];
  EXPECT_EQ(allowed["decision"]["params"]["tenantId"], "acme") << lines[0];

  EXPECT_EQ(parse_line(lines[1])["type"], "failure") << lines[1];

  const Json denied = parse_line(lines[2]);
  EXPECT_EQ(denied["type"], "success") << lines[2];
  EXPECT_EQ(denied["decision"]["allow"], false) << lines[2];
  EXPECT_EQ(denied["decision"]["obligations"]["revokeSession"], true) << lines[2];
  ASSERT_FALSE(denied["decision"]["determining"].empty()) << lines[2];
  EXPECT_EQ(denied["decision"]["determining"][0]["effect"], "forbid") << lines[2];

  // A request without a surface is malformed: a failure, not a decision.
  EXPECT_EQ(parse_line(lines[3])["type"], "failure") << lines[3];
}

TEST_F(CliTest, RoutePrettyDefaultsToTheElaygentBundleInTheCurrentDirectory) {
  const std::string input = std::string(kStaffDashboard) + "\n" + kDisabledUserCalls + "\n[1]\n";
  const CliRun result = run("route --pretty", input, source_root());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  EXPECT_EQ(lines[0].rfind("ALLOW 200  GET /api/tenants/acme/dashboard (mobile)", 0), 0u)
      << lines[0];
  EXPECT_NE(lines[0].find("route `GET /api/tenants/:tenantId/dashboard`"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("scrub dashboard"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind("DENY  ", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find("[forbid "), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("revoke session"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].rfind("FAIL       line 3: ", 0), 0u) << lines[2];
}

TEST_F(CliTest, BrokenBundleExitsTwoWithFileLineColumn) {
  const fs::path broken = source_root() / "tests" / "bundles" / "broken" / "policy_parse_error";
  std::string expected = read_file(broken.string() + ".expected");
  while (!expected.empty() && (expected.back() == '\n' || expected.back() == '\r')) {
    expected.pop_back();
  }
  ASSERT_EQ(expected.rfind("policies.cedar:12:75: ", 0), 0u) << expected;
  for (const std::string command : {"route", "explain", "matrix"}) {
    const CliRun result =
        run(command + " --bundle " + shell_quote(broken.string()), kStaffDashboard);
    EXPECT_EQ(result.exit_code, 2) << command;
    EXPECT_TRUE(result.out.empty()) << result.out;
    // The engine's location, with the bundle directory in front so it can be opened.
    EXPECT_NE(result.err.find((broken / expected).string()), std::string::npos)
        << command << ": " << result.err;
  }
  const CliRun missing = run("route --bundle " + shell_quote((work_ / "nowhere").string()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no such bundle directory"), std::string::npos) << missing.err;
}

TEST_F(CliTest, BundleReaderRefusesEscapingSymlinksAndOversizedFiles) {
  const fs::path bundle = work_ / "bundle";
  fs::copy(source_root() / "tests" / "bundles" / "valid", bundle, fs::copy_options::recursive);
  ASSERT_EQ(run("authorize --bundle " + shell_quote(bundle.string())).exit_code, 0);

  // A link that stays inside the bundle is read under its own name, which the manifest
  // does not list: a bundle error, proving the link was followed and read.
  fs::create_symlink("access.cedar", bundle / "alias.cedar");
  const CliRun inside = run("route --bundle " + shell_quote(bundle.string()));
  EXPECT_EQ(inside.exit_code, 2);
  EXPECT_NE(inside.err.find("alias.cedar"), std::string::npos) << inside.err;
  EXPECT_NE(inside.err.find("bundle error"), std::string::npos) << inside.err;
  fs::remove(bundle / "alias.cedar");

  const fs::path outside = file("secret.txt", "not part of the bundle");
  fs::create_symlink(outside, bundle / "examples" / "leak.txt");
  const CliRun escaping = run("route --bundle " + shell_quote(bundle.string()));
  EXPECT_EQ(escaping.exit_code, 2);
  EXPECT_NE(escaping.err.find("examples/leak.txt: io error: symbolic link leads outside"),
            std::string::npos)
      << escaping.err;
  fs::remove(bundle / "examples" / "leak.txt");

  fs::create_symlink("..", bundle / "examples" / "up");
  const CliRun loop = run("route --bundle " + shell_quote(bundle.string()));
  EXPECT_EQ(loop.exit_code, 2);
  EXPECT_NE(loop.err.find("examples/up: io error: symbolic link loop"), std::string::npos)
      << loop.err;
  fs::remove(bundle / "examples" / "up");

  { std::ofstream big(bundle / "big.md", std::ios::binary); }
  fs::resize_file(bundle / "big.md", 16u * 1024u * 1024u + 1u);  // sparse: nothing written
  const CliRun oversized = run("route --bundle " + shell_quote(bundle.string()));
  EXPECT_EQ(oversized.exit_code, 2);
  EXPECT_NE(oversized.err.find("big.md: limit error: file is larger than 16 MiB"),
            std::string::npos)
      << oversized.err;
}

TEST_F(CliTest, ExplainPrintsTheDecisionSentences) {
  const CliRun result = run("explain --bundle " + default_bundle(), kStaffDashboard);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_GE(lines.size(), 4u) << result.out;
  EXPECT_EQ(lines[0].rfind("ALLOW 200  GET /api/tenants/acme/dashboard (mobile)", 0), 0u);
  // Each following line is one sentence of the decision's explanation, indented.
  const CliRun json = run("route --bundle " + default_bundle(), kStaffDashboard);
  const Json explanation = parse_line(lines_of(json.out).at(0))["decision"]["explanation"];
  ASSERT_EQ(lines.size(), explanation.size() + 1) << result.out;
  for (size_t i = 0; i < explanation.size(); ++i) {
    EXPECT_EQ(lines[i + 1], "  " + explanation[i].get<std::string>());
  }
  EXPECT_EQ(run("explain --pretty --bundle " + default_bundle()).exit_code, 1);
}

TEST_F(CliTest, MatrixPrintsAMarkdownTableWithARoleHeaderRow) {
  const CliRun result = run("matrix --bundle " + default_bundle());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::string header;
  for (const std::string& line : lines_of(result.out)) {
    if (line.rfind("|", 0) == 0) {
      header = line;
      break;
    }
  }
  ASSERT_FALSE(header.empty()) << result.out;
  for (const char* role : {"platform_admin", "practice_admin", "staff", "compliance_officer"}) {
    EXPECT_NE(header.find(role), std::string::npos) << header;
  }

  const CliRun json = run("matrix --format json --surface mobile --bundle " + default_bundle());
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const Json matrix = parse_line(json.out);
  EXPECT_EQ(matrix["surface"], "mobile");
  EXPECT_EQ(matrix["cells"].size(), matrix["routes"].size());

  const CliRun csv = run("matrix --format csv --bundle " + default_bundle());
  EXPECT_NE(csv.out.find("\r\n"), std::string::npos);

  const CliRun bad_surface = run("matrix --surface tv --bundle " + default_bundle());
  EXPECT_EQ(bad_surface.exit_code, 1);
  EXPECT_NE(bad_surface.err.find("tv"), std::string::npos) << bad_surface.err;
}

TEST_F(CliTest, GateListsEveryUnmetGate) {
  const CliRun result =
      run("gate --bundle " + default_bundle() + " --workflow hard_delete_tenant --actor " +
          shell_quote(kPlatformAdmin));
  EXPECT_EQ(result.exit_code, 3) << result.err;
  const std::vector<std::string> lines = lines_of(result.out);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "REFUSED  hard_delete_tenant");
  // No facts at all: every fact-based precondition is unmet, and all of them are listed.
  for (const char* gate :
       {"  - tenant_named: Name the tenant the workflow applies to (facts.tenant)",
        "  - destructive_secret: ", "  - export_confirmed: ", "  - suspended_first: ",
        "  - no_legal_hold: ", "  - erasure.vapi: "}) {
    EXPECT_NE(result.out.find(gate), std::string::npos) << gate << "\n" << result.out;
  }
  EXPECT_EQ(result.out.find("  - platform_admin: "), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("deletion plan"), std::string::npos) << result.out;

  const CliRun json = run("gate --json --bundle " + default_bundle() +
                          " --workflow hard_delete_tenant --actor " + shell_quote(kPlatformAdmin));
  const Json answer = parse_line(json.out);
  EXPECT_EQ(answer["result"]["allowed"], false);
  EXPECT_GE(answer["result"]["unmet"].size(), 6u);

  EXPECT_EQ(run("gate --bundle " + default_bundle() + " --workflow no_such --actor " +
                shell_quote(kPlatformAdmin))
                .exit_code,
            2);
  EXPECT_EQ(run("gate --bundle " + default_bundle() + " --workflow suspend_tenant").exit_code, 1);
}

TEST_F(CliTest, ScrubMasksAPayloadAndScrubsTelemetryLines) {
  const std::string staff = R"({"user":"pat","roles":["staff"],"tenant":"acme","status":"active"})";
  const CliRun masked = run("scrub --bundle " + default_bundle() + " --viewer " +
                                shell_quote(staff) + " --surface mobile --profile dashboard",
                            R"({"tenant": {"name": "Acme"}, "revenue_at_risk": 1200})");
  EXPECT_EQ(masked.exit_code, 0) << masked.err;
  const Json answer = parse_line(masked.out);
  EXPECT_EQ(answer["type"], "success") << masked.out;
  EXPECT_TRUE(answer["result"].is_object()) << masked.out;

  const CliRun telemetry =
      run("scrub --telemetry --profile error-monitoring --bundle " + default_bundle(),
          "{\"message\": \"hello\"}\nnot json\n");
  EXPECT_EQ(telemetry.exit_code, 0) << telemetry.err;
  const std::vector<std::string> lines = lines_of(telemetry.out);
  ASSERT_EQ(lines.size(), 2u) << telemetry.out;
  EXPECT_EQ(parse_line(lines[0])["type"], "success") << lines[0];
  EXPECT_EQ(parse_line(lines[1])["type"], "failure") << lines[1];

  EXPECT_EQ(run("scrub --bundle " + default_bundle() + " --profile dashboard").exit_code, 1);
}

TEST_F(CliTest, AuthorizeUsesABundlesPoliciesAndEntities) {
  const std::string request =
      R"({"principal":{"type":"User","id":"nobody"},"action":{"type":"Action","id":"view_dashboard"},)"
      R"("resource":{"type":"Tenant","id":"acme"},"context":{}})";
  const CliRun result = run("authorize --bundle " + default_bundle(), request);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const Json answer = parse_line(lines_of(result.out).at(0));
  EXPECT_EQ(answer["type"], "success") << result.out;
  EXPECT_EQ(answer["response"]["decision"], "deny") << result.out;
  EXPECT_EQ(run("authorize --bundle " + default_bundle() + " --policies x.cedar").exit_code, 1);
  EXPECT_EQ(run("authorize --bundle " + default_bundle() + " --require-signature rsa").exit_code,
            1);
  // An unsigned bundle is refused when a signature is required.
  const fs::path key = file("key.txt", "k3y-Zq9-hmac\n");
  const CliRun unsigned_bundle = run(
      "authorize --bundle " + default_bundle() +
          " --require-signature hmac-sha256 --verification-key-file " + shell_quote(key.string()),
      request);
  EXPECT_EQ(unsigned_bundle.exit_code, 2);
  EXPECT_NE(unsigned_bundle.err.find("signature error"), std::string::npos) << unsigned_bundle.err;
  EXPECT_EQ(unsigned_bundle.err.find("k3y-Zq9"), std::string::npos) << unsigned_bundle.err;
}

}  // namespace
