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
  auto at = std::lower_bound(data_, data_ + size_, &uid, uid_less);
  return at != data_ + size_ && **at == uid;
}

bool AncestorSet::operator==(const AncestorSet& o) const {
  return std::equal(data_, data_ + size_, o.data_, o.data_ + o.size_, uid_equal);
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
    // Other entities' ancestor sets may point into the replaced entity's parents: the list
    // is kept (a moved vector keeps its elements where they are).
    retired_parents_.push_back(std::move(entities_[existing].parents));
    entities_[existing] = std::move(entity);
    return;
  }
  append() = std::move(entity);
  file_last();
}

void EntityStore::clear() {
  // Up to this many entities, a store's memory is worth keeping for the next call's.
  constexpr size_t kKeptEntities = 64;
  if (entities_.empty()) {
    base = nullptr;
    return;
  }
  if (entities_.size() > kKeptEntities || slots_.size() > 2 * kKeptEntities) {
    *this = EntityStore();
    return;
  }
  base = nullptr;
  entities_.clear();
  std::fill(slots_.begin(), slots_.end(), Slot{});
  ancestor_pool_.clear();
  retired_parents_.clear();
}

namespace {

std::shared_ptr<EntityStore>& kept_call_store() {
  thread_local std::shared_ptr<EntityStore> kept;
  return kept;
}

}  // namespace

std::shared_ptr<EntityStore> take_call_store() {
  std::shared_ptr<EntityStore>& kept = kept_call_store();
  // Still held by whoever kept the last call's entities: theirs, and a new one here.
  if (!kept || kept.use_count() != 1) kept = std::make_shared<EntityStore>();
  kept->clear();
  return kept;
}

void release_call_store() {
  std::shared_ptr<EntityStore>& kept = kept_call_store();
  if (kept && kept.use_count() == 1) kept->clear();
}

namespace {

// The walk's scratch, kept from one store to the next: most calls' stores are small, and
// three allocations each were a noticeable part of building them.
struct ClosingScratch {
  std::vector<uint8_t> state;
  struct Step {
    uint32_t entity;
    uint32_t next_parent;
  };
  std::vector<Step> path;
  // Each parent met on the path, in order: its entity in this store (own) or in a base
  // store, or none. A finished entity's parents are the last `parents.size()` of them.
  struct Parent {
    const Entity* entity;
    bool own;
  };
  std::vector<Parent> parents;

  // A server's threads keep the scratch of small stores, not of the largest ever closed.
  void trim() {
    constexpr size_t kKept = 4096;
    if (state.capacity() > kKept) state = {};
    if (path.capacity() > kKept) path = {};
    if (parents.capacity() > kKept) parents = {};
  }
};

ClosingScratch& closing_scratch() {
  thread_local ClosingScratch scratch;
  return scratch;
}

}  // namespace

std::optional<cedar::EntityUid> EntityStore::compute_ancestors() {
  ancestor_pool_.clear();
  std::vector<uint8_t>& state = closing_scratch().state;
  state.assign(entities_.size(), unvisited);
  return close(state);
}

std::optional<cedar::EntityUid> EntityStore::compute_ancestors_of(
    const std::vector<cedar::EntityUid>& uids) {
  std::vector<uint8_t>& state = closing_scratch().state;
  state.assign(entities_.size(), done);
  for (const auto& uid : uids)
    if (uint32_t at = index_of(uid); at != kNone) state[at] = unvisited;
  return close(state);
}

std::optional<cedar::EntityUid> EntityStore::close(std::vector<uint8_t>& state) {
  // Each entity's ancestors are its parents and their ancestors, so every set is built
  // once from sets already built: a depth-first walk (an explicit stack, so that deep
  // hierarchies cannot overflow the call stack) finishes the parents before the child.
  // Meeting an entity still on the walk's path is a cycle.
  ClosingScratch& scratch = closing_scratch();
  scratch.path.clear();
  scratch.parents.clear();
  std::optional<cedar::EntityUid> cycle;
  auto& pool = ancestor_pool_;
  // A finished entity's set: its parents and their sets, sorted, at the pool's end.
  auto finish = [&](Entity& entity) {
    const ClosingScratch::Parent* parents =
        scratch.parents.data() + scratch.parents.size() - entity.parents.size();
    size_t needed = entity.parents.size();
    for (size_t i = 0; i < entity.parents.size(); ++i)
      if (parents[i].entity) needed += parents[i].entity->ancestors.size_;
    pool.reserve(pool.size() + needed);  // so that copying from the pool cannot move it
    const size_t start = pool.size();
    for (size_t i = 0; i < entity.parents.size(); ++i) {
      pool.push_back(&entity.parents[i]);
      if (const Entity* parent = parents[i].entity) {
        const AncestorSet& set = parent->ancestors;
        auto from = parents[i].own ? pool.data() + set.offset_ : set.data_;
        pool.insert(pool.end(), from, from + set.size_);
      }
    }
    std::sort(pool.begin() + start, pool.end(), uid_less);
    pool.erase(std::unique(pool.begin() + start, pool.end(), uid_equal), pool.end());
    entity.ancestors.offset_ = static_cast<uint32_t>(start);
    entity.ancestors.size_ = static_cast<uint32_t>(pool.size() - start);
    scratch.parents.resize(scratch.parents.size() - entity.parents.size());
  };
  for (uint32_t first = 0; first < entities_.size() && !cycle; ++first) {
    if (state[first] != unvisited) continue;
    state[first] = on_path;
    scratch.path.push_back({first, 0});
    while (!scratch.path.empty()) {
      auto& step = scratch.path.back();
      Entity& entity = entities_[step.entity];
      if (step.next_parent < entity.parents.size()) {
        const cedar::EntityUid& parent_uid = entity.parents[step.next_parent++];
        uint32_t parent = index_of(parent_uid);
        if (parent == kNone) {
          scratch.parents.push_back({base ? base->find(parent_uid) : nullptr, false});
          continue;
        }
        scratch.parents.push_back({&entities_[parent], true});
        if (state[parent] == on_path) {
          cycle = entities_[parent].uid;
          break;
        }
        if (state[parent] == unvisited) {
          state[parent] = on_path;
          scratch.path.push_back({parent, 0});
        }
        continue;
      }
      finish(entity);
      state[step.entity] = done;
      scratch.path.pop_back();
    }
  }
  // The spans' addresses, now that the pool is complete (an entity left unfinished by a
  // cycle has whatever span it had; the store is refused then).
  for (uint32_t i = 0; i < entities_.size(); ++i) {
    AncestorSet& set = entities_[i].ancestors;
    if (state[i] != done) set.offset_ = set.size_ = 0;
    set.data_ = pool.data() + set.offset_;
  }
  scratch.trim();
  return cycle;
}

}  // namespace cordon::detail
