// The entity store behind cordon::Entities: attributes, tags and the transitive
// closure of each entity's parents, computed once when the store is built.
#pragma once

#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cedar/value.h"

namespace cordon::detail {

struct Entity {
  cedar::EntityUid uid;
  cedar::Value attrs = cedar::Value::empty_record();
  cedar::Value tags = cedar::Value::empty_record();
  std::vector<cedar::EntityUid> parents;
  std::unordered_set<cedar::EntityUid, cedar::EntityUidHash> ancestors;  // transitive
};

struct EntityStore {
  std::unordered_map<cedar::EntityUid, Entity, cedar::EntityUidHash> entities;
  // Entities not found here are looked up in `base`: a request-time overlay (the
  // session's user) on top of a bundle's static entities, without copying them.
  const EntityStore* base = nullptr;

  const Entity* find(const cedar::EntityUid& uid) const {
    auto it = entities.find(uid);
    if (it != entities.end()) return &it->second;
    return base ? base->find(uid) : nullptr;
  }

  // Cedar's `in` on entities: equal, or `ancestor` is among `uid`'s ancestors.
  bool is_in(const cedar::EntityUid& uid, const cedar::EntityUid& ancestor) const {
    if (uid == ancestor) return true;
    const Entity* e = find(uid);
    return e && e->ancestors.count(ancestor) > 0;
  }

  // Fills every entity's ancestors from the parents. Returns an entity on a cycle
  // (Cedar refuses cyclic hierarchies), or nothing.
  std::optional<cedar::EntityUid> compute_ancestors();
};

}  // namespace cordon::detail
