// Runs Cedar's integration-test corpus through `cordon conformance` and checks that at
// least CORDON_CONFORMANCE_MIN_PASSED requests pass. The corpus is never copied into the
// repository: the tarball (CORDON_CONFORMANCE_CORPUS, by default the shared folder's) is
// unpacked into the build folder at test time. Skipped when the tarball is absent.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

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

int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Conformance, CedarCorpusPassesAtLeastTheRecordedCount) {
  const fs::path tarball = CORDON_CONFORMANCE_CORPUS;
  if (!fs::exists(tarball)) GTEST_SKIP() << "no corpus at " << tarball;

  const fs::path work = CORDON_TEST_WORK_DIR;
  const fs::path unpacked = work / "corpus-tests";
  if (!fs::exists(unpacked / ".complete")) {
    fs::remove_all(unpacked);
    fs::create_directories(work);
    ASSERT_EQ(
        run_shell("tar xzf " + shell_quote(tarball.string()) + " -C " + shell_quote(work.string())),
        0);
    std::ofstream(unpacked / ".complete") << "unpacked from " << tarball.string() << "\n";
  }

  const fs::path out = work / "stdout.txt";
  const fs::path err = work / "stderr.txt";
  const int exit_code =
      run_shell(shell_quote(CORDON_CLI_PATH) + " conformance --root " + shell_quote(work.string()) +
                " " + shell_quote(unpacked.string()) + " > " + shell_quote(out.string()) + " 2> " +
                shell_quote(err.string()));
  const std::string output = read_file(out);
  EXPECT_EQ(exit_code, 0) << read_file(err);

  std::smatch summary;
  const std::regex last_line(R"((\d+) passed, (\d+) failed\n$)");
  ASSERT_TRUE(std::regex_search(output, summary, last_line)) << output;
  const unsigned long passed = std::stoul(summary[1]);
  const unsigned long failed = std::stoul(summary[2]);
  std::cout << "conformance: " << passed << " passed, " << failed << " failed\n";
  EXPECT_GT(passed + failed, 0ul);
  EXPECT_GE(passed, static_cast<unsigned long>(CORDON_CONFORMANCE_MIN_PASSED))
      << "first failures:\n"
      << read_file(err).substr(0, 4000);
}

}  // namespace
