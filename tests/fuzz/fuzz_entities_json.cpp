// libFuzzer target: the JSON inputs of a request.
//
// Feeds the same bytes to cordon::Entities::from_json (Cedar's entities format),
// cordon::Request::from_json ({principal, action, resource, context}) and
// cordon::json_api::is_authorized (a whole cedar-wasm AuthorizationCall, which also
// reaches the policy, entity and schema readers through its members). None may crash,
// and is_authorized must always answer with cedar-wasm's success or failure JSON.
//
//   ./fuzz_entities_json build/fuzz-seeds/json -dict=tests/fuzz/cedar.dict
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cordon/entities.h"
#include "cordon/json_api.h"
#include "cordon/request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);

  auto entities = cordon::Entities::from_json(json, "fuzz.entities.json");
  if (!entities) (void)entities.error().to_string();

  auto request = cordon::Request::from_json(json);
  if (!request) (void)request.error().to_string();

  // "Malformed input never throws": the answer is always one of the two shapes.
  const std::string answer = cordon::json_api::is_authorized(json);
  if (answer.rfind(R"({"type":"success",)", 0) != 0 &&
      answer.rfind(R"({"type":"failure",)", 0) != 0) {
    std::fprintf(stderr, "fuzz_entities_json: unexpected answer\n%s\n", answer.c_str());
    std::abort();
  }
  return 0;
}
