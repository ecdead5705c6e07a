// Native runner of the first 600 test files of Cedar's conformance corpus: each request
// becomes a cedar-wasm AuthorizationCall (the test's policies, entities and schema, the
// request's principal, action, resource, context and validateRequest), goes through
// cordon::json_api::is_authorized as JSON text, and must get Cedar's decision, and its
// reason and errored policy ids as sets. The raw answers are written to
// $CORDON_VECTOR_OUT/corpus-native.txt (one `<test file>#<request description>\t<answer>`
// line per request, in file-name then request order), which scripts/test-all.sh compares
// byte for byte with the Python and WASM runners' corpus files.
//
// The corpus is never part of the repository: $CORDON_CORPUS_DIR names the folder that
// holds the unpacked corpus-tests/ (scripts/test-all.sh sets it); without it, skipped.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cordon/json_api.h"

namespace {

namespace fs = std::filesystem;
// Ordered, so a call keeps the member order the Python and WASM runners write.
using Json = nlohmann::ordered_json;

// The same files in every runner: the first ones in file-name order.
constexpr size_t kCorpusFileCount = 600;

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The test files' names (not the *.entities.json ones), sorted, the first N.
std::vector<std::string> first_test_files(const fs::path& corpus_tests) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(corpus_tests)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && ends_with(name, ".json") && !ends_with(name, ".entities.json"))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  if (names.size() > kCorpusFileCount) names.resize(kCorpusFileCount);
  return names;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> string_set(const Json& list) {
  std::set<std::string> items;
  for (const Json& item : list)
    items.insert(item.is_string() ? item.get<std::string>() : item.dump());
  return items;
}

// What differs between the raw answer and Cedar's expectation; empty when they agree.
std::string mismatch(const std::string& raw, const Json& expected) {
  const Json answer = Json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || answer.value("type", "") != "success") return "not a success: " + raw;
  const Json& response = answer.at("response");
  const Json& diagnostics = response.at("diagnostics");
  std::set<std::string> errored;
  for (const Json& error : diagnostics.at("errors")) errored.insert(error.value("policyId", ""));
  const Json& decision = expected.at("decision");
  const Json& reason = expected.at("reason");
  const Json& errors = expected.at("errors");
  if (response.value("decision", "") == decision.get<std::string>() &&
      string_set(diagnostics.at("reason")) == string_set(reason) && errored == string_set(errors))
    return "";
  return "expected " + decision.dump() + " reason " + reason.dump() + " errors " + errors.dump() +
         ", got " + raw;
}

TEST(Corpus, FirstTestFilesAnswerAsCedar) {
  const char* corpus_env = std::getenv("CORDON_CORPUS_DIR");
  if (corpus_env == nullptr || *corpus_env == '\0') {
    GTEST_SKIP() << "CORDON_CORPUS_DIR is not set (the folder holding Cedar's unpacked "
                    "corpus-tests/; scripts/test-all.sh sets it to build/conformance)";
  }
  const fs::path corpus_dir = corpus_env;
  if (!fs::is_directory(corpus_dir / "corpus-tests")) {
    GTEST_SKIP() << "CORDON_CORPUS_DIR=" << corpus_env
                 << " has no corpus-tests/ folder (unpack corpus-tests.tar.gz there)";
  }

  const std::vector<std::string> files = first_test_files(corpus_dir / "corpus-tests");
  EXPECT_EQ(files.size(), kCorpusFileCount) << corpus_dir / "corpus-tests"
                                            << " holds too few test files";

  std::ofstream record;
  if (const char* out_dir = std::getenv("CORDON_VECTOR_OUT"); out_dir != nullptr && *out_dir) {
    fs::create_directories(out_dir);
    record.open(fs::path(out_dir) / "corpus-native.txt", std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(record) << "cannot write " << out_dir << "/corpus-native.txt";
  }

  size_t requests_run = 0;
  for (const std::string& file_name : files) {
    SCOPED_TRACE(file_name);
    const Json test = Json::parse(read_text(corpus_dir / "corpus-tests" / file_name), nullptr,
                                  /*allow_exceptions=*/false);
    ASSERT_TRUE(test.is_object() && test.contains("requests")) << "not a corpus test";
    // Paths inside a test are relative to the folder holding corpus-tests/.
    const std::string policies = read_text(corpus_dir / test.at("policies").get<std::string>());
    const Json entities =
        Json::parse(read_text(corpus_dir / test.at("entities").get<std::string>()), nullptr,
                    /*allow_exceptions=*/false);
    ASSERT_FALSE(entities.is_discarded()) << "the entities file is not JSON";
    const std::string schema = read_text(corpus_dir / test.at("schema").get<std::string>());
    EXPECT_FALSE(test.at("requests").empty()) << "no requests";

    for (const Json& request : test.at("requests")) {
      // Member order is the same in every runner, so the call texts are identical too.
      Json call = Json::object();
      for (const char* member : {"principal", "action", "resource", "context"})
        call[member] = request.at(member);
      call["policies"] = Json{{"staticPolicies", policies}};
      call["entities"] = entities;
      call["schema"] = schema;
      call["validateRequest"] = request.at("validateRequest");

      const std::string description = request.at("description").get<std::string>();
      const std::string answer = cordon::json_api::is_authorized(call.dump());
      if (record.is_open()) record << file_name << '#' << description << '\t' << answer << '\n';
      const std::string problem = mismatch(answer, request);
      EXPECT_TRUE(problem.empty()) << description << ": " << problem;
      ++requests_run;
    }
  }
  EXPECT_GT(requests_run, 0u);
  std::cout << "corpus: " << requests_run << " requests of " << files.size() << " test files\n";
}

}  // namespace
