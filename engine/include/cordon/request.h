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
#include <string>
#include <string_view>

#include "cordon/entity_ref.h"
#include "cordon/error.h"

namespace cordon {

namespace detail {
struct RequestData;
}

class Request {
 public:
  // Builds a request; context_json is a JSON object (or empty for {}).
  static Result<Request> make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, std::string_view context_json = {});

  // Reads {"principal", "action", "resource", "context"} from a JSON object.
  static Result<Request> from_json(std::string_view json);

  const detail::RequestData& data() const { return *data_; }

 // For the engine's own use: wraps already-built internal data.
  explicit Request(std::shared_ptr<const detail::RequestData> data);

 private:
  std::shared_ptr<const detail::RequestData> data_;
};

}  // namespace cordon
