// Native runner of the shared domain vectors (tests/vectors/domain/*.json): each vector file
// names a bundle directory (relative to the file) that is read and loaded through
// domain_json::load_bundle, and each case is one domain call (route, mask, scrub, gate,
// matrix) through cordon/domain_json.h, or a load of another bundle. A call's input is an
// object, written as compact JSON text (members in file order), or a string: the call's
// JSON text as it is, for malformed calls. The answer must match
// the case's `expected` pattern (an object matches when each of its members matches, an
// array when it has as many items and each matches, anything else when equal). The raw
// answers are written to $CORDON_VECTOR_OUT/domain-native.txt (one `<file>#<case>\t<answer>`
// line per case, in file-name then case order), which scripts/test-all.sh compares byte for
// byte with the Python and WASM runners' domain-python.txt and domain-wasm.txt.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "bundle/bundle_reader.h"
#include "cordon/bundle.h"
#include "cordon/domain_json.h"

namespace {

namespace fs = std::filesystem;
// Ordered, so a call is serialized with its members in the order the vector file gives.
using Json = nlohmann::ordered_json;

const char* const kCalls[] = {"load", "route", "mask", "scrub", "gate", "matrix"};

fs::path domain_vectors_dir() {
  const char* from_env = std::getenv("CORDON_VECTORS_DIR");
  const fs::path vectors =
      from_env != nullptr && *from_env != '\0' ? fs::path(from_env) : CORDON_VECTORS_SOURCE_DIR;
  return vectors / "domain";
}

std::vector<fs::path> vector_files() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(domain_vectors_dir())) {
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

// The load_bundle call for the bundle directory `directory`: every file under it, as the
// Python and WASM runners read it, with the vector's options when it gives some.
std::optional<std::string> load_call(const fs::path& directory, const Json& options,
                                     std::string& problem) {
  auto files = cordon::native::read_bundle_directory(directory);
  if (!files) {
    problem = files.error().to_string();
    return std::nullopt;
  }
  Json call;
  call["files"] = Json::object();
  for (const auto& [name, text] : *files) call["files"][name] = text;
  if (!options.is_null()) call["options"] = options;
  return call.dump();
}

std::string load_answer(const fs::path& vector_file, const Json& input,
                        std::optional<cordon::Bundle>* keep = nullptr) {
  std::string problem;
  const fs::path directory = vector_file.parent_path() / input.value("bundle", "");
  auto call = load_call(directory, input.value("options", Json()), problem);
  if (!call) return "cannot read " + directory.string() + ": " + problem;
  auto loaded = cordon::domain_json::load_bundle(*call);
  if (keep != nullptr && loaded) keep->emplace(*loaded);
  return cordon::domain_json::load_answer(loaded);
}

std::string answer_of(const std::string& call, const cordon::Bundle& bundle,
                      const std::string& input) {
  if (call == "route") return cordon::domain_json::decide_route(bundle, input);
  if (call == "mask") return cordon::domain_json::apply_field_mask(bundle, input);
  if (call == "scrub") return cordon::domain_json::scrub_telemetry(bundle, input);
  if (call == "gate") return cordon::domain_json::check_gate(bundle, input);
  if (call == "matrix") return cordon::domain_json::access_matrix(bundle, input);
  return "unknown call `" + call + "`";
}

// Empty when `answer` matches `pattern`, else where and how it differs.
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
    if (!answer.is_array() || answer.size() != pattern.size()) {
      return at + ": expected " + std::to_string(pattern.size()) + " items, got " + answer.dump();
    }
    for (size_t i = 0; i < pattern.size(); ++i) {
      std::string why = mismatch(pattern[i], answer[i], at + "/" + std::to_string(i));
      if (!why.empty()) return why;
    }
    return "";
  }
  if (pattern != answer) return at + ": expected " + pattern.dump() + ", got " + answer.dump();
  return "";
}

TEST(DomainVectors, FilesAreWellFormed) {
  const std::vector<fs::path> files = vector_files();
  ASSERT_FALSE(files.empty()) << "no vectors in " << domain_vectors_dir();
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
      // A domain call's input is the call (an object), or its JSON text as it is (a string:
      // malformed calls); a load's input is {"bundle": directory, "options"?}.
      EXPECT_TRUE(vector_case.contains("input") &&
                  (vector_case["input"].is_object() ||
                   (call != "load" && vector_case["input"].is_string())))
          << name;
      if (call == "load") {
        EXPECT_TRUE(vector_case["input"].contains("bundle")) << name;
      } else {
        EXPECT_TRUE(vectors.contains("bundle") && vectors["bundle"].is_string()) << name;
      }
      EXPECT_TRUE(vector_case.contains("expected") && vector_case["expected"].is_object()) << name;
    }
  }
}

TEST(DomainVectors, EveryCaseAnswersAsExpected) {
  const std::vector<fs::path> files = vector_files();
  ASSERT_FALSE(files.empty()) << "no vectors in " << domain_vectors_dir();

  std::ofstream record;
  if (const char* out_dir = std::getenv("CORDON_VECTOR_OUT"); out_dir != nullptr && *out_dir) {
    fs::create_directories(out_dir);
    // This test writes the whole file in one run, so it starts it afresh.
    record.open(fs::path(out_dir) / "domain-native.txt", std::ios::binary | std::ios::trunc);
    ASSERT_TRUE(record) << "cannot write " << out_dir << "/domain-native.txt";
  }

  size_t cases_run = 0;
  for (const fs::path& file : files) {
    const std::string file_name = file.filename().string();
    SCOPED_TRACE(file_name);
    const Json vectors = read_json_file(file);
    ASSERT_TRUE(vectors.is_object() && vectors.contains("cases")) << file_name;

    // The file's bundle, loaded once for its cases.
    std::optional<cordon::Bundle> bundle;
    if (vectors.contains("bundle")) {
      Json load_input;
      load_input["bundle"] = vectors["bundle"];
      if (vectors.contains("options")) load_input["options"] = vectors["options"];
      const std::string loaded = load_answer(file, load_input, &bundle);
      ASSERT_TRUE(bundle.has_value()) << "the file's bundle did not load: " << loaded;
    }

    for (const Json& vector_case : vectors["cases"]) {
      const std::string name = vector_case.value("name", "");
      SCOPED_TRACE(file_name + "#" + name);
      const std::string call = vector_case.value("call", "");
      const Json& input = vector_case["input"];
      const std::string answer =
          call == "load" ? load_answer(file, input)
                         : answer_of(call, *bundle,
                                     input.is_string() ? input.get<std::string>() : input.dump());
      if (record.is_open()) record << file_name << '#' << name << '\t' << answer << '\n';
      const Json parsed = Json::parse(answer, nullptr, /*allow_exceptions=*/false);
      ASSERT_FALSE(parsed.is_discarded()) << "the answer is not JSON: " << answer;
      EXPECT_EQ(mismatch(vector_case["expected"], parsed), "") << answer;
      ++cases_run;
    }
  }
  EXPECT_GT(cases_run, 0u);
}

}  // namespace
