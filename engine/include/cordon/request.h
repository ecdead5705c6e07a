// A Request asks: may this principal perform this action on this resource, in
// this context?
//
//   auto request = cordon::Request::from_json(R"({
//       "principal": {"type": "User", "id": "alice"},
//       "action":    {"type": "Action", "id": "view"},
//       "resource":  {"type": "Photo", "id": "vacation.jpg"},
//       "context":   {"mfa": true}
//   })");
//
// Entity references may also be written as Cedar text: "User::\"alice\"".
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cordon/entity_ref.h"
#include "cordon/error.h"

namespace cordon {

namespace detail {
struct RequestData;
}

class ContextBuilder;
class Schema;

class Request {
 public:
  // Builds a request; context_json is a JSON object (or empty for {}).
  static Result<Request> make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, std::string_view context_json = {});

  // The same with the context built by a ContextBuilder (cordon/context_builder.h): an error
  // unless it is complete().
  static Result<Request> make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, ContextBuilder&& context);

  // Reads {"principal", "action", "resource", "context"} from a JSON object.
  static Result<Request> from_json(std::string_view json);

  // With a schema, the context is read as the action's context type says (entity
  // references and extension values may omit their escapes); with `validate` (cedar-wasm's
  // validateRequest), the request must also conform to the schema.
  static Result<Request> make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, std::string_view context_json,
                              const Schema& schema, bool validate = true);
  static Result<Request> from_json(std::string_view json, const Schema& schema,
                                   bool validate = true);

  // Cedar's request validation: nullopt when the principal and resource types are
  // declared and allowed by the action's appliesTo, the action is declared and the
  // context has the action's context type.
  std::optional<Error> validate(const Schema& schema) const;

  const detail::RequestData& data() const { return *data_; }

  // For the engine's own use: wraps already-built internal data.
  explicit Request(std::shared_ptr<const detail::RequestData> data);

 private:
  std::shared_ptr<const detail::RequestData> data_;
};

}  // namespace cordon
