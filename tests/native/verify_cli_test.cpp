// The `cordon secret`, `webhook`, `url` and `credential` commands, run as processes: exit
// codes, JSON output, keys and secrets read from files and the environment only, and no
// secret ever on stdout or stderr where it does not belong.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

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

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

class VerifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef CORDON_CLI_PATH
    GTEST_SKIP() << "the cordon CLI is not built";
#else
    work_ = fs::temp_directory_path() /
            ("cordon-verify-cli-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(work_);
    fs::create_directories(work_);
#endif
  }
  void TearDown() override {
    if (!work_.empty()) fs::remove_all(work_);
  }

  // `env` is put before the command ("NAME=value ..."); the secrets it holds never reach argv.
  CliRun run(const std::string& arguments, const std::string& input = "",
             const std::string& env = "") {
#ifdef CORDON_CLI_PATH
    write_file(work_ / "stdin", input);
    const std::string command = "cd " + quote(work_.string()) + " && env -u CORDON_KEYRING " +
                                "-u CORDON_KEYRING_FILE -u CORDON_WEBHOOK_SECRET " + env + " " +
                                quote(CORDON_CLI_PATH) + " " + arguments +
                                " < stdin > stdout 2> stderr";
    const int status = std::system(command.c_str());
    CliRun result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(work_ / "stdout");
    result.err = read_file(work_ / "stderr");
    return result;
#else
    (void)arguments, (void)input, (void)env;
    return {};
#endif
  }

  fs::path work_;
};

const std::string kProviderKey = "sk-live-Zq8rT2vW9xY4";

TEST_F(VerifyCli, SecretSealOpenAndBinding) {
  CliRun keygen = run("secret keygen --keyring ring.json");
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  EXPECT_EQ(keygen.out, "key version 1 added to ring.json and made current\n");
  struct stat info {};
  ASSERT_EQ(::stat((work_ / "ring.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string ring = read_file(work_ / "ring.json");
  const Json ring_json = Json::parse(ring);
  const std::string key_hex = ring_json["keys"]["1"].get<std::string>();
  EXPECT_EQ(key_hex.size(), 64u);
  EXPECT_EQ(keygen.out.find(key_hex), std::string::npos);

  CliRun sealed =
      run("secret seal --tenant acme --provider openai --keyring ring.json", kProviderKey + "\n");
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  EXPECT_EQ(sealed.out.rfind("cordon:seal:1:1:", 0), 0u);
  EXPECT_EQ(sealed.out.find(kProviderKey), std::string::npos);

  CliRun opened =
      run("secret open --tenant acme --provider openai --keyring ring.json", sealed.out);
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_EQ(opened.out, kProviderKey);  // exactly, without the newline it was given with

  CliRun moved =
      run("secret open --tenant bright --provider openai --keyring ring.json", sealed.out);
  EXPECT_EQ(moved.exit_code, 2);
  EXPECT_EQ(moved.out, "");
  EXPECT_NE(moved.err.find("does not open"), std::string::npos);
  EXPECT_EQ(moved.err.find(kProviderKey), std::string::npos);
  EXPECT_EQ(moved.err.find(key_hex), std::string::npos);

  CliRun json =
      run("secret open --tenant acme --provider anthropic --keyring ring.json --json", sealed.out);
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_EQ(Json::parse(json.out)["errors"][0]["code"], "secret");

  CliRun check =
      run("secret open --tenant acme --provider openai --keyring ring.json --check", sealed.out);
  EXPECT_EQ(check.exit_code, 0);
  EXPECT_EQ(check.out, "opens: tenant acme, provider openai, key version 1 (current)\n");
  EXPECT_EQ(check.out.find(kProviderKey), std::string::npos);

  // The keyring from the environment: a file path, or the JSON itself.
  EXPECT_EQ(run("secret open --tenant acme --provider openai", sealed.out,
                "CORDON_KEYRING_FILE=ring.json")
                .out,
            kProviderKey);
  EXPECT_EQ(run("secret open --tenant acme --provider openai", sealed.out,
                "CORDON_KEYRING=" + quote(ring))
                .out,
            kProviderKey);
}

TEST_F(VerifyCli, SecretRotation) {
  ASSERT_EQ(run("secret keygen --keyring ring.json").exit_code, 0);
  const std::string v1 =
      run("secret seal --tenant acme --provider openai --keyring ring.json", kProviderKey).out;
  const std::string other =
      run("secret seal --tenant bright --provider twilio --keyring ring.json", "tw-secret").out;
  CliRun keygen = run("secret keygen --keyring ring.json --json");
  ASSERT_EQ(keygen.exit_code, 0);
  EXPECT_EQ(Json::parse(keygen.out)["result"]["version"], 2);

  CliRun one = run("secret rotate --tenant acme --provider openai --keyring ring.json", v1);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out.rfind("cordon:seal:1:2:", 0), 0u);
  EXPECT_EQ(run("secret open --tenant acme --provider openai --keyring ring.json", one.out).out,
            kProviderKey);

  auto trim = [](std::string s) { return s.substr(0, s.find('\n')); };
  const std::string lines = R"({"tenant":"acme","provider":"openai","sealed":")" + trim(v1) +
                            R"(","id":1})"
                            "\n"
                            R"({"tenant":"bright","provider":"twilio","sealed":")" +
                            trim(other) +
                            R"("})"
                            "\n"
                            R"({"tenant":"acme","provider":"twilio","sealed":")" +
                            trim(v1) +
                            R"("})"
                            "\n";
  CliRun many = run("secret rotate --keyring ring.json", lines);
  EXPECT_EQ(many.exit_code, 2);  // the third line is bound to acme/openai, not acme/twilio
  EXPECT_NE(many.err.find("2 rotated, 0 already current, 1 failed (current key version 2)"),
            std::string::npos)
      << many.err;
  std::istringstream out(many.out);
  std::string line;
  std::getline(out, line);
  Json first = Json::parse(line);
  EXPECT_EQ(first["id"], 1);
  EXPECT_EQ(first["sealed"].get<std::string>().rfind("cordon:seal:1:2:", 0), 0u);
  std::getline(out, line);
  std::getline(out, line);
  EXPECT_EQ(Json::parse(line)["sealed"], trim(v1));  // kept as it was
}

TEST_F(VerifyCli, SecretsNeverFromArgv) {
  ASSERT_EQ(run("secret keygen --keyring ring.json").exit_code, 0);
  CliRun stray =
      run("secret seal --tenant acme --provider openai --keyring ring.json " + kProviderKey);
  EXPECT_EQ(stray.exit_code, 1);
  EXPECT_EQ(stray.err.find(kProviderKey), std::string::npos) << stray.err;
  CliRun no_ring = run("secret seal --tenant acme --provider openai", kProviderKey);
  EXPECT_EQ(no_ring.exit_code, 2);
  EXPECT_NE(no_ring.err.find("no keyring"), std::string::npos);
  CliRun stray_webhook = run("webhook verify --signature t=1,v1=00 " + std::string("whsec_typed"));
  EXPECT_EQ(stray_webhook.exit_code, 1);
  EXPECT_EQ(stray_webhook.err.find("whsec_typed"), std::string::npos);
}

TEST_F(VerifyCli, WebhookVerify) {
  write_file(work_ / "secret", "whsec_cli\n");
  write_file(work_ / "body.json", R"({"id":"evt_1"})");
  CliRun signed_ =
      run("webhook sign --timestamp 1700000000 --payload body.json --secret-file secret");
  ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
  const std::string header = signed_.out.substr(0, signed_.out.size() - 1);
  EXPECT_EQ(header.rfind("t=1700000000,v1=", 0), 0u);

  const std::string verify =
      "webhook verify --signature " + quote(header) + " --payload body.json --now ";
  EXPECT_EQ(run(verify + "1700000100 --secret-file secret").exit_code, 0);
  // The payload from standard input, the secret from the environment.
  EXPECT_EQ(run("webhook verify --signature " + quote(header) + " --now 1700000000",
                R"({"id":"evt_1"})", "CORDON_WEBHOOK_SECRET=whsec_cli")
                .exit_code,
            0);
  CliRun old = run(verify + "1700000301 --secret-file secret --json");
  EXPECT_EQ(old.exit_code, 3);
  EXPECT_EQ(Json::parse(old.out)["result"]["outcome"], "too_old");
  CliRun unset = run(verify + "1700000000");
  EXPECT_EQ(unset.exit_code, 3);
  EXPECT_NE(unset.out.find("REFUSED   unset"), std::string::npos);
  write_file(work_ / "other", "whsec_other");
  EXPECT_EQ(run(verify + "1700000000 --secret-file other").exit_code, 3);
  EXPECT_EQ(run(verify + "1700000000 --secret-file other --secret-file secret").exit_code, 0);

  // The replay database: the second delivery is refused, across processes.
  EXPECT_EQ(run(verify + "1700000000 --secret-file secret --replay-db replay.db").exit_code, 0);
  CliRun replay = run(verify + "1700000001 --secret-file secret --replay-db replay.db --json");
  EXPECT_EQ(replay.exit_code, 3);
  EXPECT_EQ(Json::parse(replay.out)["result"]["outcome"], "replayed");

  EXPECT_EQ(run(verify + "1700000000 --secret-file missing-file").exit_code, 2);
  EXPECT_EQ(run(verify + "1700000000 --secret-env NOT_SET_ANYWHERE").exit_code, 2);
  EXPECT_EQ(run(verify + "soon --secret-file secret").exit_code, 1);
}

TEST_F(VerifyCli, WebhookGeneric) {
  write_file(work_ / "secret", "bridge-secret");
  write_file(work_ / "body.json", R"({"patient":"x"})");
  CliRun signed_ =
      run("webhook sign --scheme generic --timestamp 1700000000 --payload body.json --secret-file "
          "secret");
  ASSERT_EQ(signed_.exit_code, 0);
  const std::string header = signed_.out.substr(0, signed_.out.size() - 1);
  EXPECT_EQ(header.rfind("sha256=", 0), 0u);
  EXPECT_EQ(run("webhook verify --scheme generic --signature " + quote(header) +
                " --timestamp 1700000000 --payload body.json --secret-file secret --now 1700000000")
                .exit_code,
            0);
  EXPECT_EQ(run("webhook verify --signature " + quote(header) +
                " --timestamp 1700000000 --payload body.json --secret-file secret")
                .exit_code,
            1);  // --timestamp belongs to the generic scheme
}

TEST_F(VerifyCli, UrlCheck) {
  CliRun ok = run("url check https://example.com/hook https://bridge.example.org:8443/");
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "ALLOW   https://example.com/hook\nALLOW   https://bridge.example.org:8443/\n");
  CliRun refused =
      run("url check", "https://example.com/\nhttps://0x7f.1/\nhttps://admin:pw@example.com/\n");
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.out.find("REFUSE  loopback  https://0x7f.1/"), std::string::npos);
  EXPECT_EQ(refused.out.find("admin:pw"), std::string::npos);  // userinfo never printed
  CliRun json = run("url check --json 'https://[::ffff:169.254.169.254]/'");
  EXPECT_EQ(json.exit_code, 3);
  const Json answer = Json::parse(json.out);
  EXPECT_EQ(answer["result"]["verdict"], "link_local");
  EXPECT_EQ(answer["result"]["host"], "::ffff:169.254.169.254");
  EXPECT_EQ(run("url check --port 443 https://example.com:8443/").exit_code, 3);
  EXPECT_EQ(run("url check").exit_code, 1);
}

TEST_F(VerifyCli, Credentials) {
  const std::string token = "sched-7f3a9c1e5b2d4a6f8e0c1b3d5f7a9e2c";
  write_file(work_ / "token", token + "\n");
  CliRun digest = run("credential digest --token-file token");
  ASSERT_EQ(digest.exit_code, 0) << digest.err;
  const std::string d = digest.out.substr(0, digest.out.size() - 1);
  EXPECT_EQ(d.rfind("sha256:", 0), 0u);
  EXPECT_EQ(run("credential digest", token).out, digest.out);
  EXPECT_EQ(run("credential digest", "short").exit_code, 2);

  EXPECT_EQ(run("credential check --digest " + d + " --bearer", "Bearer " + token).out,
            "valid: the credential matches\n");
  EXPECT_EQ(run("credential check --digest " + d + " --bearer", "Bearer nope").exit_code, 3);
  EXPECT_EQ(run("credential check --digest " + d, token).exit_code, 0);
  EXPECT_EQ(run("credential check --digest " + d + " --presented-env TOKEN", "", "TOKEN=" + token)
                .exit_code,
            0);
  write_file(work_ / "credentials.json", R"({"scheduler": ")" + d + R"(", "retention": null})");
  EXPECT_EQ(run("credential check --credentials credentials.json --name scheduler --bearer",
                "Bearer " + token)
                .exit_code,
            0);
  CliRun unset =
      run("credential check --credentials credentials.json --name retention --json", token);
  EXPECT_EQ(unset.exit_code, 3);
  EXPECT_EQ(Json::parse(unset.out)["result"]["state"], "unset");
  EXPECT_EQ(run("credential check --credentials credentials.json --name destructive_ops", token)
                .exit_code,
            3);
}

}  // namespace
