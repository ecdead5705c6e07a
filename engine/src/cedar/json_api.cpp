#include "cordon/json_api.h"

#include "cedar/answer_json.h"
#include "cedar/direct_json.h"
#include "cedar/entities_json.h"
#include "cedar/json_value.h"
#include "cedar/policy_set_json.h"
#include "cedar/request_json.h"
#include "cedar/schema.h"
#include "cordon/authorizer.h"

namespace cordon::json_api {

using nlohmann::json;

namespace {

Error call_error(ErrorKind kind, std::string message) {
  Error err;
  err.kind = kind;
  err.message = std::move(message);
  return err;
}

Result<Entities> entities_member(const json& call, const Schema* schema) {
  const json& entities = call.at("entities");
  if (schema) return entities_from_json_value(entities, {}, *schema);
  return entities_from_json_value(entities, {});
}

// As cedar-wasm: `context` and `entities` are required and never null (an empty context
// is {}, no entities is []), so a call that lost a member is not read as an empty one.
// A call answered with preparsed entities has no `entities`.
std::optional<Error> check_required(const json& call, bool entities_preparsed) {
  for (const char* key : {"context", "entities"}) {
    if (entities_preparsed && std::string_view(key) == "entities") continue;
    auto it = call.find(key);
    if (it == call.end())
      return call_error(ErrorKind::request, std::string("the call has no `") + key + "`");
    if (it->is_null())
      return call_error(ErrorKind::request, std::string("`") + key + "` must not be null");
  }
  return std::nullopt;
}

// Rejects keys that the call does not define, so a typo never goes unnoticed.
std::optional<Error> check_keys(const json& call, std::initializer_list<const char*> allowed) {
  for (auto it = call.begin(); it != call.end(); ++it) {
    bool known = false;
    for (const char* a : allowed) known = known || it.key() == a;
    if (!known) return call_error(ErrorKind::request, "unknown key `" + it.key() + "` in the call");
  }
  return std::nullopt;
}

// The call's "schema": Cedar schema text in a string, or the JSON schema format; none
// when absent or null.
Result<std::optional<Schema>> schema_member(const json& call) {
  auto it = call.find("schema");
  if (it == call.end() || it->is_null()) return std::optional<Schema>();
  auto schema = cedar::schema_from_json_value(*it);
  if (!schema) return schema.error();
  return std::optional<Schema>(std::move(schema).value());
}

// With a schema, entities and context are read with it and, unless "validateRequest" is
// false, the request is validated against it (cedar-wasm's default).
// `preparsed`: the entities named by "preparsedEntitiesId", if the call names some.
std::string answer(const json& call, const PolicySet& policies, const Schema* schema = nullptr,
                   const Entities* preparsed = nullptr) {
  bool validate = true;
  auto validate_it = call.find("validateRequest");
  if (validate_it != call.end()) {
    if (!validate_it->is_boolean())
      return cedar::failure_answer(
          {call_error(ErrorKind::request, "`validateRequest` must be true or false")});
    validate = validate_it->get<bool>();
  }
  if (auto e = check_required(call, preparsed != nullptr)) return cedar::failure_answer({*e});
  auto request =
      schema ? request_from_json_value(call, *schema, validate) : request_from_json_value(call);
  if (!request) return cedar::failure_answer({request.error()});
  if (preparsed) return cedar::success_answer(is_authorized(*request, policies, *preparsed));
  auto entities = entities_member(call, schema);
  if (!entities) return cedar::failure_answer({entities.error()});
  return cedar::success_answer(is_authorized(*request, policies, *entities));
}

Result<json> parse_call(std::string_view text) {
  auto parsed = cedar::parse_json(text, {}, "the call");
  if (!parsed) return parsed;
  if (!parsed->is_object()) return call_error(ErrorKind::request, "the call must be a JSON object");
  return parsed;
}

}  // namespace

std::string is_authorized(std::string_view call_json) {
  auto call = parse_call(call_json);
  if (!call) return cedar::failure_answer({call.error()});
  if (auto e = check_keys(*call, {"principal", "action", "resource", "context", "schema",
                                  "validateRequest", "policies", "entities"}))
    return cedar::failure_answer({*e});
  auto schema = schema_member(*call);
  if (!schema) return cedar::failure_answer({schema.error()});
  auto policies_it = call->find("policies");
  if (policies_it == call->end())
    return cedar::failure_answer({call_error(ErrorKind::request, "the call has no `policies`")});
  auto policies = policy_set_from_json_value(*policies_it);
  if (!policies) return cedar::failure_answer({policies.error()});
  return answer(*call, *policies, schema->has_value() ? &**schema : nullptr);
}

std::string PolicyStore::preparse_policy_set(std::string_view id, std::string_view policies_json) {
  auto policies = PolicySet::from_json(policies_json);
  if (!policies) return cedar::failure_answer({policies.error()}, /*with_warnings=*/false);
  std::lock_guard<std::mutex> lock(mutex_);
  sets_.insert_or_assign(std::string(id), std::move(policies).value());
  return cedar::check_parse_success();
}

std::optional<std::string> PolicyStore::answer_plain_call(std::string_view call_json,
                                                          AnswerForm form) const {
  // Declared first, so run last, when nothing here holds the call's entities any more.
  struct ReleaseCallStore {
    ~ReleaseCallStore() { detail::release_call_store(); }
  } release_call_store;
  cedar::DirectCall call;
  if (!cedar::read_stateful_call_direct(call_json, call)) return std::nullopt;
  // Filled below: a default PolicySet or Entities would allocate an empty one to discard.
  std::optional<PolicySet> policies;
  // The call's own entities, else the preparsed ones it names (taken under the lock).
  std::optional<Entities> entities;
  if (call.entities) entities.emplace(std::move(call.entities));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto set = sets_.find(call.policy_set_id);
    if (set == sets_.end()) return std::nullopt;
    policies.emplace(set->second);
    if (call.entities_id) {
      auto named = entities_.find(*call.entities_id);
      if (named == entities_.end()) return std::nullopt;
      entities.emplace(named->second);
    }
  }
  Response response = is_authorized(Request(std::move(call.request)), *policies, *entities);
  return form == AnswerForm::compact ? cedar::compact_success_answer(response)
                                     : cedar::success_answer(response);
}

std::string PolicyStore::stateful_is_authorized(std::string_view call_json) const {
  return stateful_answer(call_json, AnswerForm::json);
}

std::string PolicyStore::stateful_is_authorized_compact(std::string_view call_json) const {
  return stateful_answer(call_json, AnswerForm::compact);
}

std::string PolicyStore::stateful_answer(std::string_view call_json, AnswerForm form) const {
  // Most calls are plain and read in one pass; the rest (and every malformed call) are
  // read into a DOM, which words the errors (and answers in JSON, whatever the form).
  if (auto answer = answer_plain_call(call_json, form)) return *std::move(answer);
  auto call = parse_call(call_json);
  if (!call) return cedar::failure_answer({call.error()});
  if (auto e = check_keys(
          *call, {"principal", "action", "resource", "context", "preparsedSchemaName",
                  "validateRequest", "preparsedPolicySetId", "entities", "preparsedEntitiesId"}))
    return cedar::failure_answer({*e});
  std::optional<Entities> preparsed;
  auto entities_id = call->find("preparsedEntitiesId");
  if (entities_id != call->end()) {
    if (!entities_id->is_string())
      return cedar::failure_answer(
          {call_error(ErrorKind::request, "`preparsedEntitiesId` must be a string")});
    if (call->contains("entities"))
      return cedar::failure_answer({call_error(
          ErrorKind::request, "the call gives both `entities` and `preparsedEntitiesId`")});
    auto schema_name = call->find("preparsedSchemaName");
    if (schema_name != call->end() && !schema_name->is_null())
      return cedar::failure_answer(
          {call_error(ErrorKind::request,
                      "preparsed entities were read without a schema; with "
                      "`preparsedSchemaName`, give the call its `entities`")});
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entities_.find(entities_id->get<std::string>());
    if (it == entities_.end())
      return cedar::failure_answer(
          {call_error(ErrorKind::request,
                      "no preparsed entities with id `" + entities_id->get<std::string>() + "`")});
    preparsed = it->second;
  }
  std::optional<Schema> schema;
  auto schema_name = call->find("preparsedSchemaName");
  if (schema_name != call->end() && !schema_name->is_null()) {
    if (!schema_name->is_string())
      return cedar::failure_answer(
          {call_error(ErrorKind::request, "`preparsedSchemaName` must be a string")});
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = schemas_.find(schema_name->get<std::string>());
    if (it == schemas_.end())
      return cedar::failure_answer(
          {call_error(ErrorKind::request,
                      "preparsed schema '" + schema_name->get<std::string>() + "' not found")});
    schema = it->second;
  }
  auto id = call->find("preparsedPolicySetId");
  if (id == call->end() || !id->is_string())
    return cedar::failure_answer(
        {call_error(ErrorKind::request, "the call has no string `preparsedPolicySetId`")});
  PolicySet policies;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sets_.find(id->get<std::string>());
    if (it == sets_.end())
      return cedar::failure_answer({call_error(
          ErrorKind::request, "no preparsed policy set with id `" + id->get<std::string>() + "`")});
    policies = it->second;
  }
  return answer(*call, policies, schema ? &*schema : nullptr, preparsed ? &*preparsed : nullptr);
}

std::string PolicyStore::preparse_entities(std::string_view id, std::string_view entities_json) {
  auto entities = Entities::from_json(entities_json, "the entities");
  if (!entities) return cedar::failure_answer({entities.error()}, /*with_warnings=*/false);
  std::lock_guard<std::mutex> lock(mutex_);
  entities_.insert_or_assign(std::string(id), std::move(entities).value());
  return cedar::check_parse_success();
}

std::string PolicyStore::preparse_schema(std::string_view name, std::string_view schema_json) {
  auto parsed = cedar::parse_json(schema_json, {}, "the schema");
  if (!parsed) return cedar::failure_answer({parsed.error()}, /*with_warnings=*/false);
  auto schema = cedar::schema_from_json_value(*parsed);
  if (!schema) return cedar::failure_answer({schema.error()}, /*with_warnings=*/false);
  std::lock_guard<std::mutex> lock(mutex_);
  schemas_.insert_or_assign(std::string(name), std::move(schema).value());
  return cedar::check_parse_success();
}

}  // namespace cordon::json_api
