// Runs Cedar integration tests (the JSON format of cedar-policy/cedar-integration-tests)
// against cordon and reports, per request, whether cordon's answer matches Cedar's.
//
// A test file looks like:
//   {"policies": "corpus-tests/x.cedar", "entities": "corpus-tests/x.entities.json",
//    "schema": "corpus-tests/x.cedarschema", "shouldValidate": true,
//    "requests": [{"description": "Request 0", "principal": {...}, "action": {...},
//                  "resource": {...}, "context": {}, "decision": "allow",
//                  "reason": ["policy0"], "errors": []}]}
//
//   cordon::conformance::TestFileResult result =
//       cordon::conformance::run_test_file("corpus-tests/x.json", "/tmp/corpus");
//   result.passed; result.failed; result.mismatches;
//
// A request passes when the decision is equal and the reason and errors are equal as sets
// of policy ids. The schema, shouldValidate and validateRequest are read but not used yet
// (schema support comes later); policies and entities are parsed once per test file.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace cordon::conformance {

// One request whose answer differs from Cedar's (or a test whose inputs did not load).
struct Mismatch {
  std::string description;               // the request's "description"
  std::string expected;                  // e.g. "deny reason [] errors [policy0]"
  std::string got;                       // same shape, or what went wrong
  std::vector<std::string> error_notes;  // "policy0: <message>" for each error cordon reported
};

enum class TestFileStatus {
  ran,         // the file is a test and its requests were checked
  not_a_test,  // valid JSON but not an object with "requests" (e.g. an entities file)
  unreadable,  // the file could not be read or is not JSON
};

struct TestFileResult {
  std::filesystem::path file;
  TestFileStatus status = TestFileStatus::ran;
  std::string problem;  // why the file is unreadable / not a test
  // Paths named by the test, resolved against the root (the schema is not used yet).
  std::filesystem::path policies_path;
  std::filesystem::path entities_path;
  std::filesystem::path schema_path;
  size_t passed = 0;
  size_t failed = 0;
  std::vector<Mismatch> mismatches;
};

// Paths inside a test are resolved against `root`, or against the current directory
// when root is empty (as Cedar's own harness does).
TestFileResult run_test_file(const std::filesystem::path& file,
                             const std::filesystem::path& root = {});

// The *.json files under `folder`, recursively and sorted, except *.entities.json
// (callers still detect tests by content: run_test_file says not_a_test).
std::vector<std::filesystem::path> list_json_files(const std::filesystem::path& folder);

}  // namespace cordon::conformance
