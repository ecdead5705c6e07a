#include "cordon/request.h"

#include "cedar/json_value.h"
#include "cedar/policy_set_data.h"
#include "cedar/request_json.h"
#include "cedar/schema.h"

namespace cordon {

using nlohmann::json;

Request::Request(std::shared_ptr<const detail::RequestData> data) : data_(std::move(data)) {}

namespace {

Error request_error(std::string message) {
  Error err;
  err.kind = ErrorKind::request;
  err.message = std::move(message);
  return err;
}

Result<cedar::Value> context_from_json(const json& j) {
  cedar::Value context;
  std::string error;
  if (!cedar::record_from_json(j, context, error))
    return request_error("invalid context: " + error);
  return context;
}

}  // namespace

Result<Request> Request::make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, std::string_view context_json) {
  auto data = std::make_shared<detail::RequestData>();
  data->principal = cedar::Value::entity({principal.type, principal.id});
  data->action = cedar::Value::entity({action.type, action.id});
  data->resource = cedar::Value::entity({resource.type, resource.id});
  if (context_json.empty()) {
    data->context = cedar::Value::record({});
  } else {
    auto parsed = cedar::parse_json(context_json, {}, "context");
    if (!parsed) return parsed.error();
    auto context = context_from_json(parsed.value());
    if (!context) return context.error();
    data->context = std::move(context).value();
  }
  return Request(std::move(data));
}

Result<Request> request_from_json_value(const json& j) {
  if (!j.is_object()) return request_error("a request must be a JSON object");
  auto data = std::make_shared<detail::RequestData>();
  std::string error;
  struct Slot {
    const char* name;
    cedar::Value* value;
  } slots[] = {{"principal", &data->principal},
               {"action", &data->action},
               {"resource", &data->resource}};
  for (const auto& s : slots) {
    auto it = j.find(s.name);
    if (it == j.end()) return request_error(std::string("the request has no `") + s.name + "`");
    cedar::EntityUid uid;
    if (!cedar::entity_uid_from_json(*it, uid, error, /*allow_text=*/true))
      return request_error(std::string("invalid `") + s.name + "`: " + error);
    *s.value = cedar::Value::entity(std::move(uid));
  }
  auto ctx = j.find("context");
  if (ctx == j.end() || ctx->is_null()) {
    data->context = cedar::Value::record({});
  } else {
    auto context = context_from_json(*ctx);
    if (!context) return context.error();
    data->context = std::move(context).value();
  }
  return Request(std::move(data));
}

Result<Request> Request::from_json(std::string_view text) {
  auto parsed = cedar::parse_json(text, {}, "request");
  if (!parsed) return parsed.error();
  return request_from_json_value(parsed.value());
}

Result<Request> Request::make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, std::string_view context_json,
                              const Schema& schema, bool validate) {
  json call = {{"principal", {{"type", principal.type}, {"id", principal.id}}},
               {"action", {{"type", action.type}, {"id", action.id}}},
               {"resource", {{"type", resource.type}, {"id", resource.id}}}};
  if (!context_json.empty()) {
    auto parsed = cedar::parse_json(context_json, {}, "context");
    if (!parsed) return parsed.error();
    call["context"] = std::move(parsed).value();
  }
  return request_from_json_value(call, schema, validate);
}

Result<Request> Request::from_json(std::string_view text, const Schema& schema, bool validate) {
  auto parsed = cedar::parse_json(text, {}, "request");
  if (!parsed) return parsed.error();
  return request_from_json_value(parsed.value(), schema, validate);
}

std::optional<Error> Request::validate(const Schema& schema) const {
  return validate_request(*data_, schema);
}

}  // namespace cordon
