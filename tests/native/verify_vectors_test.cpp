// Native runner of the shared verification vectors (tests/vectors/verify/*.json): each case
// is one call of cordon/verify_json.h (webhook, sign, url, credential, digest) whose input
// is an object, written as compact JSON text (members in file order), or a string: the
// call's text as it is, for malformed calls. The answer must match the case's `expected`
// pattern (an object matches when each of its members matches, an array when it has as
// many items and each matches, anything else when equal). The raw answers are written to
// $CORDON_VECTOR_OUT/verify-native.txt (one `<file>#<case>\t<answer>` line per case, in
// file-name then case order), for comparison with the Python and WASM runners' files.
// Vectors come from $CORDON_VECTORS_DIR/verify, else from the source tree.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cordon/verify_json.h"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const char* const kCalls[] = {"webhook", "sign", "url", "credential", "digest"};

fs::path verify_vectors_dir() {
  const char* from_env = std::getenv("CORDON_VECTORS_DIR");
  if (from_env != nullptr && *from_env != '\0') return fs::path(from_env) / "verify";
  return fs::path(CORDON_SOURCE_DIR) / "tests" / "vectors" / "verify";
}

std::vector<fs::path> vector_files() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(verify_vectors_dir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  }
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

std::string answer_of(const std::string& call, const std::string& input) {
  if (call == "webhook") return cordon::verify_json::verify_webhook(input);
  if (call == "sign") return cordon::verify_json::sign_webhook(input);
  if (call == "url") return cordon::verify_json::check_outbound_url(input);
  if (call == "credential") return cordon::verify_json::check_credential(input);
  if (call == "digest") return cordon::verify_json::credential_digest(input);
  return "unknown call `" + call + "`";
}

std::string mismatch(const Json& pattern, const Json& answer, const std::string& at = "") {
  if (pattern.is_object()) {
    if (!answer.is_object()) return at + ": expected an object, got " + answer.dump();
    for (auto it = pattern.begin(); it != pattern.end(); ++it) {
      if (!answer.contains(it.key())) return at + "/" + it.key() + ": missing";
      std::string why = mismatch(it.value(), answer.at(it.key()), at + "/" + it.key());
      if (!why.empty()) return why;
    }
    return "";
  }
  if (pattern.is_array()) {
    if (!answer.is_array() || answer.size() != pattern.size())
      return at + ": expected " + std::to_string(pattern.size()) + " items, got " + answer.dump();
    for (size_t i = 0; i < pattern.size(); ++i) {
      std::string why = mismatch(pattern[i], answer[i], at + "/" + std::to_string(i));
      if (!why.empty()) return why;
    }
    return "";
  }
  if (pattern != answer) return at + ": expected " + pattern.dump() + ", got " + answer.dump();
  return "";
}

TEST(VerifyVectors, FilesAreWellFormed) {
  const std::vector<fs::path> files = vector_files();
  ASSERT_FALSE(files.empty()) << "no vectors in " << verify_vectors_dir();
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
      const std::string call = vector_case.value("call", "");
      EXPECT_NE(std::find(std::begin(kCalls), std::end(kCalls), call), std::end(kCalls))
          << name << ": unknown call `" << call << "`";
      EXPECT_TRUE(vector_case.contains("input") &&
                  (vector_case["input"].is_object() || vector_case["input"].is_string()))
          << name;
      EXPECT_TRUE(vector_case.contains("expected") && vector_case["expected"].is_object()) << name;
    }
  }
}

TEST(VerifyVectors, EveryCaseAnswersAsExpected) {
  std::ofstream record;
  if (const char* out_dir = std::getenv("CORDON_VECTOR_OUT"); out_dir != nullptr && *out_dir) {
    fs::create_directories(out_dir);
    record.open(fs::path(out_dir) / "verify-native.txt", std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(record) << "cannot write " << out_dir << "/verify-native.txt";
  }
  size_t cases_run = 0;
  for (const fs::path& file : vector_files()) {
    const std::string file_name = file.filename().string();
    const Json vectors = read_json_file(file);
    ASSERT_TRUE(vectors.is_object() && vectors.contains("cases")) << file_name;
    for (const Json& vector_case : vectors["cases"]) {
      const std::string name = vector_case.value("name", "");
      SCOPED_TRACE(file_name + "#" + name);
      const Json& input = vector_case["input"];
      const std::string answer =
          answer_of(vector_case.value("call", ""),
                    input.is_string() ? input.get<std::string>() : input.dump());
      if (record.is_open()) record << file_name << '#' << name << '\t' << answer << '\n';
      const Json parsed = Json::parse(answer, nullptr, /*allow_exceptions=*/false);
      ASSERT_FALSE(parsed.is_discarded()) << "the answer is not JSON: " << answer;
      EXPECT_EQ(mismatch(vector_case["expected"], parsed), "") << answer;
      ++cases_run;
    }
  }
  EXPECT_GT(cases_run, 150u);
}

}  // namespace
