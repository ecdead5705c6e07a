// Cedar integration-test runner: loads a test's policies and entities once, then
// checks each of its requests against cordon's authorizer.
#include "conformance/conformance.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "conformance/text_file.h"
#include "cordon/schema.h"
#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/error.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"

namespace cordon::conformance {
namespace {

namespace fs = std::filesystem;
// Ordered, so a request rebuilt from the test keeps the test's member order.
using Json = nlohmann::ordered_json;

using PolicyIds = std::set<std::string>;

std::string join_ids(const PolicyIds& ids) {
  std::string text = "[";
  for (const std::string& id : ids) {
    if (text.size() > 1) text += ", ";
    text += id;
  }
  return text + "]";
}

std::string describe_answer(std::string_view decision, const PolicyIds& reason,
                            const PolicyIds& errors) {
  return std::string(decision) + " reason " + join_ids(reason) + " errors " + join_ids(errors);
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "reason" and "errors" list policy ids; older corpora wrote errors as {"policyId": ...}.
PolicyIds read_policy_ids(const Json& request, const char* member) {
  PolicyIds ids;
  auto found = request.find(member);
  if (found == request.end() || !found->is_array()) return ids;
  for (const Json& item : *found) {
    if (item.is_string()) {
      ids.insert(item.get<std::string>());
    } else if (item.is_object() && item.contains("policyId") && item["policyId"].is_string()) {
      ids.insert(item["policyId"].get<std::string>());
    }
  }
  return ids;
}

fs::path resolve(const Json& test, const char* member, const fs::path& root) {
  auto found = test.find(member);
  if (found == test.end() || !found->is_string()) return {};
  fs::path named = found->get<std::string>();
  if (named.is_absolute() || root.empty()) return named;
  return root / named;
}

// The policies and entities of a test, or the error that kept them from loading.
struct LoadedInputs {
  PolicySet policies;
  Entities entities;
  std::optional<Schema> schema;  // when the test names one: entities and contexts are read with it
  std::optional<Error> error;
};

LoadedInputs load_inputs(const TestFileResult& test) {
  LoadedInputs inputs;
  if (test.policies_path.empty()) {
    inputs.error = Error{ErrorKind::json, "the test names no \"policies\" file",
                         SourceLocation{test.file.string()}};
    return inputs;
  }
  Result<std::string> policy_text = native::read_text_file(test.policies_path);
  if (!policy_text) {
    inputs.error = policy_text.error();
    return inputs;
  }
  Result<PolicySet> policies = PolicySet::parse(*policy_text, test.policies_path.string());
  if (!policies) {
    inputs.error = policies.error();
    return inputs;
  }
  inputs.policies = *policies;

  if (!test.schema_path.empty()) {
    Result<std::string> schema_text = native::read_text_file(test.schema_path);
    if (!schema_text) {
      inputs.error = schema_text.error();
      return inputs;
    }
    Result<Schema> schema = Schema::parse(*schema_text, test.schema_path.string());
    if (!schema) {
      inputs.error = schema.error();
      return inputs;
    }
    inputs.schema = *schema;
  }

  // A test without an entities file runs against an empty store.
  if (test.entities_path.empty()) return inputs;
  Result<std::string> entity_text = native::read_text_file(test.entities_path);
  if (!entity_text) {
    inputs.error = entity_text.error();
    return inputs;
  }
  Result<Entities> entities = Entities::from_json(
      *entity_text, test.entities_path.string(), inputs.schema ? &*inputs.schema : nullptr);
  if (!entities) {
    inputs.error = entities.error();
    return inputs;
  }
  inputs.entities = *entities;
  return inputs;
}

std::string request_description(const Json& request, size_t index) {
  auto found = request.find("description");
  if (found != request.end() && found->is_string()) return found->get<std::string>();
  return "request #" + std::to_string(index);
}

// The part of a test request that is the Cedar request itself.
Result<Request> build_request(const Json& test_request, const LoadedInputs& inputs) {
  Json request = Json::object();
  for (const char* member : {"principal", "action", "resource", "context"}) {
    auto found = test_request.find(member);
    if (found != test_request.end()) request[member] = *found;
  }
  std::string text;
  try {
    text = request.dump();
  } catch (const std::exception& invalid_utf8) {
    return Error{ErrorKind::request, invalid_utf8.what(), SourceLocation{}};
  }
  if (!inputs.schema) return Request::from_json(text);
  // As Cedar's harness: the schema types the context, and validates when the test asks.
  auto validate = test_request.find("validateRequest");
  bool validating = validate == test_request.end() || !validate->is_boolean() || validate->get<bool>();
  return Request::from_json(text, *inputs.schema, validating);
}

// Checks one request; returns the mismatch, if any.
std::optional<Mismatch> check_request(const Json& test_request, size_t index,
                                      const LoadedInputs& inputs) {
  const std::string expected_decision =
      test_request.contains("decision") && test_request["decision"].is_string()
          ? lowercase(test_request["decision"].get<std::string>())
          : std::string("(none)");
  const PolicyIds expected_reason = read_policy_ids(test_request, "reason");
  const PolicyIds expected_errors = read_policy_ids(test_request, "errors");

  Mismatch mismatch;
  mismatch.description = request_description(test_request, index);
  mismatch.expected = describe_answer(expected_decision, expected_reason, expected_errors);

  Result<Request> request = build_request(test_request, inputs);
  if (!request) {
    mismatch.got = "request not built: " + request.error().to_string();
    return mismatch;
  }
  const Response answer = is_authorized(*request, inputs.policies, inputs.entities);
  const std::string decision = answer.decision == Decision::allow ? "allow" : "deny";
  const PolicyIds reason(answer.reason.begin(), answer.reason.end());
  PolicyIds errors;
  for (const PolicyError& error : answer.errors) errors.insert(error.policy_id);

  if (decision == expected_decision && reason == expected_reason && errors == expected_errors) {
    return std::nullopt;
  }
  mismatch.got = describe_answer(decision, reason, errors);
  for (const PolicyError& error : answer.errors) {
    mismatch.error_notes.push_back(error.policy_id + ": " + error.message);
  }
  return mismatch;
}

}  // namespace

TestFileResult run_test_file(const fs::path& file, const fs::path& root) {
  TestFileResult result;
  result.file = file;

  Result<std::string> text = native::read_text_file(file);
  if (!text) {
    result.status = TestFileStatus::unreadable;
    result.problem = text.error().to_string();
    return result;
  }
  const Json test = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (test.is_discarded()) {
    result.status = TestFileStatus::unreadable;
    result.problem = file.string() + ": not valid JSON";
    return result;
  }
  if (!test.is_object() || !test.contains("requests") || !test["requests"].is_array()) {
    result.status = TestFileStatus::not_a_test;
    result.problem = file.string() + ": not a Cedar integration test (no \"requests\" array)";
    return result;
  }

  result.policies_path = resolve(test, "policies", root);
  result.entities_path = resolve(test, "entities", root);
  result.schema_path = resolve(test, "schema", root);

  const Json& requests = test["requests"];
  const LoadedInputs inputs = load_inputs(result);
  if (inputs.error) {
    // Every request of a test whose inputs do not load counts as failed; one entry says why.
    result.failed = requests.size();
    if (!requests.empty()) {
      result.mismatches.push_back(Mismatch{"all " + std::to_string(requests.size()) + " requests",
                                           "the test's policies and entities to load",
                                           "not loaded: " + inputs.error->to_string(),
                                           {}});
    }
    return result;
  }

  for (size_t index = 0; index < requests.size(); ++index) {
    std::optional<Mismatch> mismatch = check_request(requests[index], index, inputs);
    if (mismatch) {
      ++result.failed;
      result.mismatches.push_back(std::move(*mismatch));
    } else {
      ++result.passed;
    }
  }
  return result;
}

std::vector<fs::path> list_json_files(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code status;
  auto options = fs::directory_options::skip_permission_denied;
  for (fs::recursive_directory_iterator it(folder, options, status), end; !status && it != end;
       it.increment(status)) {
    if (!it->is_regular_file(status)) continue;
    const std::string name = it->path().filename().string();
    const auto ends_with = [&name](std::string_view suffix) {
      return name.size() >= suffix.size() &&
             name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".json") && !ends_with(".entities.json")) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace cordon::conformance
