#include "cedar/entity_store.h"

#include <algorithm>

namespace cordon::detail {

namespace {

bool uid_less(const cedar::EntityUid* a, const cedar::EntityUid* b) {
  return *a < *b;
}
bool uid_equal(const cedar::EntityUid* a, const cedar::EntityUid* b) {
  return *a == *b;
}

}  // namespace

bool AncestorSet::contains(const cedar::EntityUid& uid) const {
  auto at = std::lower_bound(sorted_.begin(), sorted_.end(), &uid, uid_less);
  return at != sorted_.end() && **at == uid;
}

bool AncestorSet::operator==(const AncestorSet& o) const {
  return std::equal(sorted_.begin(), sorted_.end(), o.sorted_.begin(), o.sorted_.end(), uid_equal);
}

uint32_t EntityStore::index_of(const cedar::EntityUid& uid) const {
  if (slots_.empty()) return kNone;
  return index_of(uid, static_cast<uint32_t>(cedar::EntityUidHash{}(uid)));
}

uint32_t EntityStore::index_of(const cedar::EntityUid& uid, uint32_t hash) const {
  if (slots_.empty()) return kNone;
  const size_t mask = slots_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.entity == kNone) return kNone;
    if (slot.hash == hash && entities_[slot.entity].uid == uid) return slot.entity;
  }
}

void EntityStore::file(uint32_t hash, uint32_t entity) {
  const size_t mask = slots_.size() - 1;
  size_t at = hash & mask;
  while (slots_[at].entity != kNone) at = (at + 1) & mask;
  slots_[at] = {hash, entity};
}

void EntityStore::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 8 : old.size() * 2, Slot{});
  for (const Slot& slot : old)
    if (slot.entity != kNone) file(slot.hash, slot.entity);
}

const Entity* EntityStore::file_last() {
  const Entity& entity = entities_.back();
  const auto hash = static_cast<uint32_t>(cedar::EntityUidHash{}(entity.uid));
  if (uint32_t existing = index_of(entity.uid, hash); existing != kNone)
    return &entities_[existing];
  if (2 * entities_.size() > slots_.size()) grow();
  file(hash, static_cast<uint32_t>(entities_.size() - 1));
  return nullptr;
}

void EntityStore::insert_or_assign(Entity entity) {
  if (uint32_t existing = index_of(entity.uid); existing != kNone) {
    entities_[existing] = std::move(entity);
    return;
  }
  append() = std::move(entity);
  file_last();
}

std::optional<cedar::EntityUid> EntityStore::compute_ancestors() {
  std::vector<uint8_t> state(entities_.size(), unvisited);
  return close(state);
}

std::optional<cedar::EntityUid> EntityStore::compute_ancestors_of(
    const std::vector<cedar::EntityUid>& uids) {
  std::vector<uint8_t> state(entities_.size(), done);
  for (const auto& uid : uids)
    if (uint32_t at = index_of(uid); at != kNone) state[at] = unvisited;
  return close(state);
}

std::optional<cedar::EntityUid> EntityStore::close(std::vector<uint8_t>& state) {
  // Each entity's ancestors are its parents and their ancestors, so every set is built
  // once from sets already built: a depth-first walk (an explicit stack, so that deep
  // hierarchies cannot overflow the call stack) finishes a parent before its child takes
  // the parent's set. Meeting an entity still on the walk's path is a cycle.
  struct Step {
    uint32_t entity;
    uint32_t next_parent;
  };
  std::vector<Step> path;
  // A parent's share of its child's set: the parent itself and its ancestors.
  auto take = [](AncestorSet& child, const cedar::EntityUid& parent, const Entity* known) {
    child.sorted_.push_back(&parent);
    if (known)
      child.sorted_.insert(child.sorted_.end(), known->ancestors.sorted_.begin(),
                           known->ancestors.sorted_.end());
  };
  for (uint32_t first = 0; first < entities_.size(); ++first) {
    if (state[first] != unvisited) continue;
    state[first] = on_path;
    entities_[first].ancestors.sorted_.clear();
    path.push_back({first, 0});
    while (!path.empty()) {
      Entity& entity = entities_[path.back().entity];
      uint32_t& next = path.back().next_parent;
      if (next < entity.parents.size()) {
        const cedar::EntityUid& parent_uid = entity.parents[next++];
        uint32_t parent = index_of(parent_uid);
        if (parent == kNone) {
          take(entity.ancestors, parent_uid, base ? base->find(parent_uid) : nullptr);
        } else if (state[parent] == done) {
          take(entity.ancestors, parent_uid, &entities_[parent]);
        } else if (state[parent] == on_path) {
          return entities_[parent].uid;
        } else {  // the parent's set first; the child takes it when the parent is done
          state[parent] = on_path;
          entities_[parent].ancestors.sorted_.clear();
          path.push_back({parent, 0});
        }
        continue;
      }
      auto& sorted = entity.ancestors.sorted_;
      std::sort(sorted.begin(), sorted.end(), uid_less);
      sorted.erase(std::unique(sorted.begin(), sorted.end(), uid_equal), sorted.end());
      state[path.back().entity] = done;
      path.pop_back();
      if (!path.empty()) {
        Entity& child = entities_[path.back().entity];
        take(child.ancestors, child.parents[path.back().next_parent - 1], &entity);
      }
    }
  }
  return std::nullopt;
}

}  // namespace cordon::detail
