// Reading entities from an already-parsed JSON array (used by the JSON API and bundles).
// The schema-directed reader (schema_values.cpp) shares the item reading and the store
// building below; only the reading of attribute and tag values differs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cedar/entity_store.h"
#include "cordon/entities.h"

namespace cordon {

Result<Entities> entities_from_json_value(const nlohmann::json& doc, std::string_view file_name);

namespace cedar {

Error entity_error(std::string_view file_name, size_t index, std::string message);

// One item of an entities array with its keys checked (uid, attrs and parents required,
// tags optional, nothing else): uid and parents read, attrs and tags left for the caller.
struct EntityJsonItem {
  detail::Entity entity;
  const nlohmann::json* attrs = nullptr;
  const nlohmann::json* tags = nullptr;
};
Result<EntityJsonItem> read_entity_item(const nlohmann::json& item, std::string_view file_name,
                                        size_t index);

// The error for a document that is not an array of entities, or none.
std::optional<Error> check_entities_array(const nlohmann::json& doc, std::string_view file_name);

// Adds an entity read as item #index: an exact repeat is harmless (Cedar accepts it), a
// conflicting one is an error. Returns whether it was new.
Result<bool> add_entity(detail::EntityStore& store, detail::Entity entity,
                        std::string_view file_name, size_t index);

// add_entity for an entity read in place into store.append(): an exact repeat is dropped.
Result<bool> file_last_entity(detail::EntityStore& store, std::string_view file_name, size_t index);

// Computes the transitive closure; a cycle is an error.
std::optional<Error> close_hierarchy(detail::EntityStore& store, std::string_view file_name);

}  // namespace cedar
}  // namespace cordon
