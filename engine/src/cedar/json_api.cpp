#include "cordon/json_api.h"

#include "cedar/answer_json.h"
#include "cedar/entities_json.h"
#include "cedar/json_value.h"
#include "cedar/policy_set_json.h"
#include "cedar/request_json.h"
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

Result<Entities> entities_member(const json& call) {
  auto it = call.find("entities");
  if (it == call.end() || it->is_null()) return Entities();
  return entities_from_json_value(*it, {});
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

std::optional<Error> reject_schema(const json& call) {
  for (const char* key : {"schema", "preparsedSchemaName"}) {
    auto it = call.find(key);
    if (it != call.end() && !it->is_null())
      return call_error(ErrorKind::schema,
                        "schemas are not supported yet by this version of cordon; "
                        "remove `" + std::string(key) + "` to evaluate without one");
  }
  return std::nullopt;
}

std::string answer(const json& call, const PolicySet& policies) {
  auto request = request_from_json_value(call);
  if (!request) return cedar::failure_answer({request.error()});
  auto entities = entities_member(call);
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
  if (auto e = reject_schema(*call)) return cedar::failure_answer({*e});
  auto policies_it = call->find("policies");
  if (policies_it == call->end())
    return cedar::failure_answer({call_error(ErrorKind::request, "the call has no `policies`")});
  auto policies = policy_set_from_json_value(*policies_it);
  if (!policies) return cedar::failure_answer({policies.error()});
  return answer(*call, *policies);
}

std::string PolicyStore::preparse_policy_set(std::string_view id, std::string_view policies_json) {
  auto policies = PolicySet::from_json(policies_json);
  if (!policies) return cedar::failure_answer({policies.error()}, /*with_warnings=*/false);
  std::lock_guard<std::mutex> lock(mutex_);
  sets_.insert_or_assign(std::string(id), std::move(policies).value());
  return cedar::check_parse_success();
}

std::string PolicyStore::stateful_is_authorized(std::string_view call_json) const {
  auto call = parse_call(call_json);
  if (!call) return cedar::failure_answer({call.error()});
  if (auto e = check_keys(*call, {"principal", "action", "resource", "context",
                                  "preparsedSchemaName", "validateRequest",
                                  "preparsedPolicySetId", "entities"}))
    return cedar::failure_answer({*e});
  if (auto e = reject_schema(*call)) return cedar::failure_answer({*e});
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
  return answer(*call, policies);
}

}  // namespace cordon::json_api
