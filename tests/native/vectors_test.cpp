// Native runner of the shared vectors (tests/vectors/*.json): each case's call goes
// through cordon::json_api::is_authorized as JSON text and the answer is checked against
// the case's expectation. The raw answers are written to $CORDON_VECTOR_OUT/native.txt
// (one `<file>#<case>\t<answer>` line per case, in file-name then case order), which
// scripts/test-all.sh compares byte for byte with the Python and WASM runners' files.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cordon/json_api.h"

namespace {

namespace fs = std::filesystem;
// Ordered, so a call is serialized with its members in the order the vector file gives.
using Json = nlohmann::ordered_json;

fs::path vectors_dir() {
  const char* from_env = std::getenv("CORDON_VECTORS_DIR");
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return CORDON_VECTORS_SOURCE_DIR;
}

std::vector<fs::path> vector_files() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(vectors_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  // By file name, the order every runner uses.
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

Json read_json_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
}

std::set<std::string> string_set(const Json& list) {
  std::set<std::string> items;
  if (!list.is_array()) return items;
  for (const Json& item : list)
    items.insert(item.is_string() ? item.get<std::string>() : item.dump());
  return items;
}

std::set<std::string> error_policy_ids(const Json& errors) {
  std::set<std::string> ids;
  if (!errors.is_array()) return ids;
  for (const Json& error : errors) {
    ids.insert(error.is_object() ? error.value("policyId", "(missing)") : error.dump());
  }
  return ids;
}

// Asserts that `answer_text` is what `expected` describes (see the brief's vector format).
void check_answer(const Json& expected, const std::string& answer_text) {
  const Json answer = Json::parse(answer_text, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(answer.is_discarded()) << "the answer is not JSON: " << answer_text;
  ASSERT_TRUE(answer.is_object()) << answer_text;

  if (expected.contains("failure")) {
    ASSERT_EQ(answer.value("type", ""), "failure") << answer_text;
    ASSERT_TRUE(answer.contains("errors") && answer["errors"].is_array() &&
                !answer["errors"].empty())
        << answer_text;
    const std::string message = answer["errors"][0].value("message", "");
    EXPECT_NE(message.find(expected["failure"].get<std::string>()), std::string::npos)
        << "first error message: " << message;
    return;
  }

  ASSERT_EQ(answer.value("type", ""), "success") << answer_text;
  const Json response = answer.value("response", Json::object());
  EXPECT_EQ(response.value("decision", ""), expected.value("decision", "(no decision)"))
      << answer_text;
  const Json diagnostics = response.value("diagnostics", Json::object());
  EXPECT_EQ(string_set(diagnostics.value("reason", Json())),
            string_set(expected.value("reason", Json::array())))
      << answer_text;
  EXPECT_EQ(error_policy_ids(diagnostics.value("errors", Json())),
            string_set(expected.value("errors", Json::array())))
      << answer_text;
}

TEST(Vectors, FilesAreWellFormed) {
  const std::vector<fs::path> files = vector_files();
  ASSERT_FALSE(files.empty()) << "no vectors in " << vectors_dir();
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    const Json vectors = read_json_file(file);
    ASSERT_TRUE(vectors.is_object());
    EXPECT_TRUE(vectors.contains("description") && vectors["description"].is_string());
    ASSERT_TRUE(vectors.contains("cases") && vectors["cases"].is_array());
    std::set<std::string> names;
    for (const Json& vector_case : vectors["cases"]) {
      ASSERT_TRUE(vector_case.contains("name") && vector_case["name"].is_string());
      const std::string name = vector_case["name"].get<std::string>();
      EXPECT_TRUE(names.insert(name).second) << "duplicate case name " << name;
      EXPECT_TRUE(vector_case.contains("call") && vector_case["call"].is_object()) << name;
      ASSERT_TRUE(vector_case.contains("expected") && vector_case["expected"].is_object()) << name;
      const Json& expected = vector_case["expected"];
      EXPECT_TRUE(expected.contains("failure") || expected.contains("decision")) << name;
    }
  }
}

TEST(Vectors, EveryCaseAnswersAsExpected) {
  const std::vector<fs::path> files = vector_files();
  ASSERT_FALSE(files.empty()) << "no vectors in " << vectors_dir();

  std::ofstream record;
  if (const char* out_dir = std::getenv("CORDON_VECTOR_OUT"); out_dir != nullptr && *out_dir) {
    fs::create_directories(out_dir);
    // This test writes the whole file in one run, so it starts it afresh.
    record.open(fs::path(out_dir) / "native.txt", std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(record) << "cannot write " << out_dir << "/native.txt";
  }

  size_t cases_run = 0;
  for (const fs::path& file : files) {
    const std::string file_name = file.filename().string();
    const Json vectors = read_json_file(file);
    ASSERT_TRUE(vectors.is_object() && vectors.contains("cases")) << file_name;
    for (const Json& vector_case : vectors["cases"]) {
      const std::string name = vector_case.value("name", "");
      SCOPED_TRACE(file_name + "#" + name);
      const std::string answer = cordon::json_api::is_authorized(vector_case["call"].dump());
      if (record.is_open()) record << file_name << '#' << name << '\t' << answer << '\n';
      check_answer(vector_case["expected"], answer);
      ++cases_run;
    }
  }
  EXPECT_GT(cases_run, 0u);
}

}  // namespace
