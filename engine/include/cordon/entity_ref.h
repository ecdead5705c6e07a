// An entity reference by type and id, e.g. {"Photo", "vacation.jpg"}.
//
//   auto ref = cordon::parse_entity_ref(R"(Photos::Photo::"a.jpg")");
//   // ref->type == "Photos::Photo", ref->id == "a.jpg"
//   cordon::is_entity_type_name("Photos::Photo");  // true
//   cordon::is_entity_type_name("Photo::");        // false
#pragma once

#include <string>
#include <string_view>

#include "cordon/error.h"

namespace cordon {

struct EntityRef {
  std::string type;
  std::string id;
};

// Reads an entity reference written as Cedar text, as requests may give it: `User::"alice"`.
Result<EntityRef> parse_entity_ref(std::string_view text);

// Whether `type` is an entity type name exactly as Cedar writes it (`User`, `A::B`, no
// spaces or comments): what the JSON form {"type": ..., "id": ...} requires of its type.
bool is_entity_type_name(std::string_view type);

}  // namespace cordon
