#include "cordon/entities.h"

#include <set>

#include "cedar/direct_json.h"
#include "cedar/entities_json.h"
#include "cedar/entity_store.h"
#include "cedar/json_value.h"
#include "cedar/schema.h"

namespace cordon {

using nlohmann::json;

Entities::Entities() : store_(std::make_shared<const detail::EntityStore>()) {}
Entities::Entities(std::shared_ptr<const detail::EntityStore> store) : store_(std::move(store)) {}

namespace cedar {

Error entity_error(std::string_view file_name, size_t index, std::string message) {
  Error err;
  err.kind = ErrorKind::entity;
  err.message = "entity #" + std::to_string(index) + ": " + message;
  err.location.file = std::string(file_name);
  return err;
}

std::optional<Error> check_entities_array(const json& doc, std::string_view file_name) {
  if (doc.is_array()) return std::nullopt;
  Error err;
  err.kind = ErrorKind::entity;
  err.message = "entities must be a JSON array of {\"uid\", \"attrs\", \"parents\"} objects";
  err.location.file = std::string(file_name);
  return err;
}

Result<EntityJsonItem> read_entity_item(const json& item, std::string_view file_name,
                                        size_t index) {
  if (!item.is_object()) return entity_error(file_name, index, "expected a JSON object");
  EntityJsonItem out;
  std::string error;
  bool has_uid = false, has_parents = false;
  for (auto it = item.begin(); it != item.end(); ++it) {
    const std::string& key = it.key();
    if (key == "uid") {
      if (!entity_uid_from_json(it.value(), out.entity.uid, error))
        return entity_error(file_name, index, "in `uid`: " + error);
      has_uid = true;
    } else if (key == "attrs") {
      out.attrs = &it.value();
    } else if (key == "tags") {
      out.tags = &it.value();
    } else if (key == "parents") {
      if (!it.value().is_array())
        return entity_error(file_name, index, "`parents` must be an array of entity references");
      for (const auto& p : it.value()) {
        EntityUid parent;
        if (!entity_uid_from_json(p, parent, error))
          return entity_error(file_name, index, "in `parents`: " + error);
        out.entity.parents.push_back(std::move(parent));
      }
      has_parents = true;
    } else {
      return entity_error(file_name, index,
                          "unknown key `" + key + "` (expected uid, attrs, parents, tags)");
    }
  }
  // As Cedar's entity JSON: `attrs` and `parents` are required, even when empty.
  if (!has_uid) return entity_error(file_name, index, "missing `uid`");
  if (!out.attrs) return entity_error(file_name, index, "missing `attrs` (write {} for none)");
  if (!has_parents) return entity_error(file_name, index, "missing `parents` (write [] for none)");
  if (!out.attrs->is_object())
    return entity_error(file_name, index, "in `attrs`: expected a JSON object");
  if (out.tags && !out.tags->is_object())
    return entity_error(file_name, index, "in `tags`: expected a JSON object");
  return out;
}

Result<bool> file_last_entity(detail::EntityStore& store, std::string_view file_name,
                              size_t index) {
  const detail::Entity* existing = store.file_last();
  if (!existing) return true;
  auto parents = [](const detail::Entity& e) {
    return std::set<EntityUid>(e.parents.begin(), e.parents.end());
  };
  const detail::Entity& repeat = store.last();
  bool same = existing->attrs == repeat.attrs && existing->tags == repeat.tags &&
              parents(*existing) == parents(repeat);
  store.drop_last();
  if (!same)
    return entity_error(file_name, index,
                        "duplicate entity " + existing->uid.to_cedar() +
                            " with different attributes, tags or parents");
  return false;
}

Result<bool> add_entity(detail::EntityStore& store, detail::Entity entity,
                        std::string_view file_name, size_t index) {
  store.append() = std::move(entity);
  return file_last_entity(store, file_name, index);
}

std::optional<Error> close_hierarchy(detail::EntityStore& store, std::string_view file_name) {
  auto cycle = store.compute_ancestors();
  if (!cycle) return std::nullopt;
  Error err;
  err.kind = ErrorKind::entity;
  err.message = "the entity hierarchy has a cycle containing " + cycle->to_cedar();
  err.location.file = std::string(file_name);
  return err;
}

}  // namespace cedar

Result<Entities> Entities::from_json(std::string_view text, std::string_view file_name) {
  if (auto store = cedar::read_entities_direct(text)) return Entities(std::move(store));
  auto parsed = cedar::parse_json(text, file_name, "entities");
  if (!parsed) return parsed.error();
  return entities_from_json_value(parsed.value(), file_name);
}

Result<Entities> Entities::from_json(std::string_view text, std::string_view file_name,
                                     const Schema* schema) {
  if (!schema) return from_json(text, file_name);
  auto parsed = cedar::parse_json(text, file_name, "entities");
  if (!parsed) return parsed.error();
  return entities_from_json_value(parsed.value(), file_name, *schema);
}

Result<Entities> entities_from_json_value(const json& doc, std::string_view file_name) {
  if (auto err = cedar::check_entities_array(doc, file_name)) return *err;
  auto store = std::make_shared<detail::EntityStore>();
  std::string error;
  size_t index = 0;
  for (const auto& element : doc) {
    auto item = cedar::read_entity_item(element, file_name, index);
    if (!item) return item.error();
    detail::Entity& entity = item->entity;
    if (!cedar::record_from_json(*item->attrs, entity.attrs, error))
      return cedar::entity_error(file_name, index, "in `attrs`: " + error);
    if (item->tags && !cedar::record_from_json(*item->tags, entity.tags, error))
      return cedar::entity_error(file_name, index, "in `tags`: " + error);
    auto added = cedar::add_entity(*store, std::move(entity), file_name, index);
    if (!added) return added.error();
    ++index;
  }
  if (auto err = cedar::close_hierarchy(*store, file_name)) return *err;
  return Entities(std::move(store));
}

size_t Entities::size() const {
  return store_->size();
}

}  // namespace cordon
