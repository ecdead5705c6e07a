// libFuzzer target: Cedar policy text.
//
// Parses the input with cordon::PolicySet::parse; a set that parses must survive the
// JSON round trip (to_json, then from_json must parse again and print the same JSON,
// up to the order of the policies) and evaluate against a fixed request and an empty
// entity store, with the same answer before and after the round trip. A broken round
// trip aborts: it is a bug.
//
//   ./fuzz_policy_parser build/fuzz-seeds/policy -dict=tests/fuzz/cedar.dict
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_policy_parser: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// Built once: the request does not depend on the input.
const cordon::Request& fixed_request() {
  static const cordon::Request request =
      cordon::Request::make({"User", "alice"}, {"Action", "view"}, {"Photo", "a.jpg"}, "{}")
          .value();
  return request;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = cordon::PolicySet::parse(text, "fuzz.cedar");
  if (!parsed) {
    // Rendering the error must not crash either (locations, excerpts).
    (void)parsed.error().to_string();
    return 0;
  }

  const std::string json = parsed->to_json();
  auto reparsed = cordon::PolicySet::from_json(json);
  if (!reparsed) fail("to_json output does not parse", reparsed.error().to_string() + "\n" + json);
  // Compared as JSON values: staticPolicies is an object, so the policies' order may change.
  const std::string json_again = reparsed->to_json();
  if (nlohmann::json::parse(json_again) != nlohmann::json::parse(json))
    fail("to_json is not stable across a round trip", json + "\n" + json_again);

  static const cordon::Entities no_entities;
  auto before = cordon::is_authorized(fixed_request(), *parsed, no_entities);
  auto after = cordon::is_authorized(fixed_request(), *reparsed, no_entities);
  if (before.to_json() != after.to_json())
    fail("the round trip changed the answer", before.to_json() + "\n" + after.to_json());
  return 0;
}
