// The Cedar-level API of @cedar-policy/cedar-wasm, as JSON text in and JSON text
// out, shared by every binding so that all three builds give byte-identical answers.
//
//   std::string answer = cordon::json_api::is_authorized(R"({
//       "principal": {"type": "User", "id": "alice"},
//       "action": {"type": "Action", "id": "view"},
//       "resource": {"type": "Photo", "id": "a.jpg"},
//       "context": {},
//       "policies": {"staticPolicies": "permit(principal, action, resource);"},
//       "entities": []
//   })");
//   //
//   {"type":"success","response":{"decision":"allow","diagnostics":{"reason":["policy0"],"errors":[]}},"warnings":[]}
//
// Malformed input never throws: it answers
// {"type":"failure","errors":[{"message":..}],"warnings":[]}.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cordon/entities.h"
#include "cordon/policy_set.h"
#include "cordon/schema.h"

namespace cordon::json_api {

// cedar-wasm's isAuthorized(call).
std::string is_authorized(std::string_view call_json);

// Holds pre-parsed policy sets by id, for cedar-wasm's preparsePolicySet and
// statefulIsAuthorized. Safe to use from several threads.
class PolicyStore {
 public:
  // cedar-wasm's preparsePolicySet(id, policies): {"type":"success"} or a failure.
  std::string preparse_policy_set(std::string_view id, std::string_view policies_json);

  // cedar-wasm's preparseSchema(name, schema): schema_json is a JSON string holding Cedar
  // schema text, or a JSON schema object. {"type":"success"} or a failure.
  std::string preparse_schema(std::string_view name, std::string_view schema_json);

  // Parses entities (a Cedar JSON entity array, read without a schema) once and keeps
  // them under id, so that calls naming them by "preparsedEntitiesId" skip reading them.
  // Not in cedar-wasm, whose calls carry their entities. {"type":"success"} or a failure.
  std::string preparse_entities(std::string_view id, std::string_view entities_json);

  // cedar-wasm's statefulIsAuthorized(call): like is_authorized, with the policies
  // named by "preparsedPolicySetId" instead of given in "policies", and the schema (if
  // any) named by "preparsedSchemaName". The call gives either "entities" or
  // "preparsedEntitiesId" (not with a schema: those entities were read without one).
  std::string stateful_is_authorized(std::string_view call_json) const;

  // The same decision for the WebAssembly wrapper's object API, which builds the answer
  // object itself: a success without errors whose reason ids need no JSON escapes is "A"
  // (allow) or "D" (deny), then '"' and each id; any other answer is stateful_is_authorized's
  // text, which starts with '{'.
  std::string stateful_is_authorized_compact(std::string_view call_json) const;

 private:
  enum class AnswerForm { json, compact };
  std::string stateful_answer(std::string_view call_json, AnswerForm form) const;
  // The answer to a plain call without a schema, read without a DOM; nullopt for any other
  // call, which stateful_is_authorized reads the general way.
  std::optional<std::string> answer_plain_call(std::string_view call_json, AnswerForm form) const;

  mutable std::mutex mutex_;
  // Hashed: every decision looks its policy set up by id, among hundreds in a test corpus.
  std::unordered_map<std::string, PolicySet> sets_;
  std::unordered_map<std::string, Schema> schemas_;
  std::unordered_map<std::string, Entities> entities_;
};

}  // namespace cordon::json_api
