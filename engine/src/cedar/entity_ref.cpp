#include "cordon/entity_ref.h"

#include "cedar/parser.h"

namespace cordon {

Result<EntityRef> parse_entity_ref(std::string_view text) {
  auto parsed = cedar::parse_entity_uid(text);
  if (!parsed) return parsed.error();
  return EntityRef{std::move(parsed->type), std::move(parsed->id)};
}

bool is_entity_type_name(std::string_view type) {
  return cedar::is_canonical_entity_type(type);
}

}  // namespace cordon
