#include "cordon/entities.h"

#include <set>

#include "cedar/entity_store.h"
#include "cedar/entities_json.h"
#include "cedar/json_value.h"
#include "cedar/schema.h"

namespace cordon {

using nlohmann::json;

Entities::Entities() : store_(std::make_shared<const detail::EntityStore>()) {}
Entities::Entities(std::shared_ptr<const detail::EntityStore> store) : store_(std::move(store)) {}

namespace {

Error entity_error(std::string_view file_name, size_t index, std::string message) {
  Error err;
  err.kind = ErrorKind::entity;
  err.message = "entity #" + std::to_string(index) + ": " + message;
  err.location.file = std::string(file_name);
  return err;
}

bool same_entity(const detail::Entity& a, const detail::Entity& b) {
  auto parents = [](const detail::Entity& e) {
    return std::set<cedar::EntityUid>(e.parents.begin(), e.parents.end());
  };
  return a.attrs == b.attrs && a.tags == b.tags && parents(a) == parents(b);
}

}  // namespace

Result<Entities> Entities::from_json(std::string_view text, std::string_view file_name) {
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
  if (!doc.is_array()) {
    Error err;
    err.kind = ErrorKind::entity;
    err.message = "entities must be a JSON array of {\"uid\", \"attrs\", \"parents\"} objects";
    err.location.file = std::string(file_name);
    return err;
  }
  auto store = std::make_shared<detail::EntityStore>();
  std::string error;
  size_t index = 0;
  for (const auto& item : doc) {
    if (!item.is_object()) return entity_error(file_name, index, "expected a JSON object");
    detail::Entity entity;
    bool has_uid = false;
    for (auto it = item.begin(); it != item.end(); ++it) {
      const std::string& key = it.key();
      if (key == "uid") {
        if (!cedar::entity_uid_from_json(it.value(), entity.uid, error))
          return entity_error(file_name, index, "in `uid`: " + error);
        has_uid = true;
      } else if (key == "attrs") {
        if (!cedar::record_from_json(it.value(), entity.attrs, error))
          return entity_error(file_name, index, "in `attrs`: " + error);
      } else if (key == "tags") {
        if (!cedar::record_from_json(it.value(), entity.tags, error))
          return entity_error(file_name, index, "in `tags`: " + error);
      } else if (key == "parents") {
        if (!it.value().is_array())
          return entity_error(file_name, index, "`parents` must be an array of entity references");
        for (const auto& p : it.value()) {
          cedar::EntityUid parent;
          if (!cedar::entity_uid_from_json(p, parent, error))
            return entity_error(file_name, index, "in `parents`: " + error);
          entity.parents.push_back(std::move(parent));
        }
      } else {
        return entity_error(file_name, index,
                            "unknown key `" + key + "` (expected uid, attrs, parents, tags)");
      }
    }
    if (!has_uid) return entity_error(file_name, index, "missing `uid`");
    cedar::EntityUid uid = entity.uid;
    auto [existing, inserted] = store->entities.emplace(uid, entity);
    // An exact repeat is harmless (Cedar accepts it); a conflicting one is an error.
    if (!inserted && !same_entity(existing->second, entity))
      return entity_error(file_name, index, "duplicate entity " + uid.to_cedar() +
                                                " with different attributes, tags or parents");
    ++index;
  }
  if (auto cycle = store->compute_ancestors()) {
    Error err;
    err.kind = ErrorKind::entity;
    err.message = "the entity hierarchy has a cycle containing " + cycle->to_cedar();
    err.location.file = std::string(file_name);
    return err;
  }
  return Entities(std::move(store));
}

size_t Entities::size() const { return store_->entities.size(); }

}  // namespace cordon
