// Reading Cedar calls, values and entities straight from JSON text (json::Reader), without
// building a DOM first: the fast path of the JSON API. Reading an AuthorizationCall of 120
// entities into nlohmann's DOM and then into the entity store cost 20 times the decision.
//
// It takes the plain forms only and says "not taken" (false / nullptr) for anything else:
// malformed JSON, duplicate keys, unknown members, a value or reference the DOM path would
// refuse, deep nesting, text that is not UTF-8. The DOM path (json_value.h, entities.cpp,
// request.cpp) then reads that input again and gives its exact error, so there is one set of
// messages. Whatever it takes, it reads exactly as the DOM path would.
//
//   auto store = cedar::read_entities_direct(text);    // nullptr: read it the DOM way
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cedar/entity_store.h"
#include "cedar/policy_set_data.h"

namespace cordon::cedar {

// A statefulIsAuthorized call without a schema, read in one pass.
struct DirectCall {
  std::string policy_set_id;                      // "preparsedPolicySetId"
  std::optional<std::string> entities_id;         // "preparsedEntitiesId"
  std::shared_ptr<detail::EntityStore> entities;  // "entities", when given
  std::shared_ptr<detail::RequestData> request;   // principal, action, resource, context
};

// False when the call is not in the plain form (see above), names a schema, or lacks a
// member; then nothing in `out` is meaningful.
bool read_stateful_call_direct(std::string_view text, DirectCall& out);

// A Cedar JSON entity array (without a schema), hierarchy closed; nullptr when not taken
// (including a conflicting duplicate or a cycle: the DOM path words those errors).
std::shared_ptr<detail::EntityStore> read_entities_direct(std::string_view text);

}  // namespace cordon::cedar
