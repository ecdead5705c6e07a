// The entity store behind cordon::Entities: attributes, tags and the transitive
// closure of each entity's parents, computed once when the store is built.
//
// A call's entities are read into a store and thrown away with it, so building one is
// most of a call's cost in WebAssembly: entities are read in place at the end of a deque
// (never moved), filed in an open-addressing index, and each ancestor set is a sorted
// list of pointers to uids the store already holds (no copied strings, no hash nodes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "cedar/value.h"

namespace cordon::detail {

// An entity's ancestors: uids sorted by value, each once, as a span of the store's pool of
// ancestor lists (one allocation for all of them). The pointers address uids in `parents`
// lists of this store or of its base, which never change once the store is built.
class AncestorSet {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = cedar::EntityUid;
    using difference_type = std::ptrdiff_t;
    using pointer = const cedar::EntityUid*;
    using reference = const cedar::EntityUid&;

    explicit const_iterator(const cedar::EntityUid* const* at) : at_(at) {}
    const cedar::EntityUid& operator*() const { return **at_; }
    const_iterator& operator++() { return ++at_, *this; }
    bool operator!=(const const_iterator& o) const { return at_ != o.at_; }
    bool operator==(const const_iterator& o) const { return at_ == o.at_; }

   private:
    const cedar::EntityUid* const* at_;
  };

  bool contains(const cedar::EntityUid& uid) const;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const_iterator begin() const { return const_iterator(data_); }
  const_iterator end() const { return const_iterator(data_ + size_); }
  bool operator==(const AncestorSet& o) const;  // the same uids

 private:
  friend struct EntityStore;
  const cedar::EntityUid* const* data_ = nullptr;
  uint32_t offset_ = 0;  // in the pool, while the store computes the sets
  uint32_t size_ = 0;
};

struct Entity {
  cedar::EntityUid uid;
  cedar::Value attrs = cedar::Value::empty_record();
  cedar::Value tags = cedar::Value::empty_record();
  std::vector<cedar::EntityUid> parents;
  AncestorSet ancestors;  // transitive
};

struct EntityStore {
  EntityStore() = default;
  // Ancestor sets point into the store: it moves, it is never copied.
  EntityStore(const EntityStore&) = delete;
  EntityStore& operator=(const EntityStore&) = delete;
  EntityStore(EntityStore&&) = default;
  EntityStore& operator=(EntityStore&&) = default;

  // Entities not found here are looked up in `base`: a request-time overlay (the
  // session's user) on top of a bundle's static entities, without copying them.
  const EntityStore* base = nullptr;

  const Entity* find(const cedar::EntityUid& uid) const {
    if (const Entity* own = find_own(uid)) return own;
    return base ? base->find(uid) : nullptr;
  }

  // Cedar's `in` on entities: equal, or `ancestor` is among `uid`'s ancestors.
  bool is_in(const cedar::EntityUid& uid, const cedar::EntityUid& ancestor) const {
    if (uid == ancestor) return true;
    const Entity* e = find(uid);
    return e && e->ancestors.contains(ancestor);
  }

  // Building, one entity at a time: append() gives a new last entity to read into, and
  // file_last() files it under its uid. When an entity with that uid is already filed,
  // file_last() files nothing and returns that one; the caller compares and drops the last.
  Entity& append() { return entities_.emplace_back(); }
  const Entity* file_last();
  const Entity& last() const { return entities_.back(); }
  void drop_last() { entities_.pop_back(); }

  // Adds the entity, replacing the one with its uid if there is one. Ancestor sets
  // computed before stay valid; they are not recomputed.
  void insert_or_assign(Entity entity);

  // Fills every entity's ancestors from the parents. Returns an entity on a cycle
  // (Cedar refuses cyclic hierarchies), or nothing.
  std::optional<cedar::EntityUid> compute_ancestors();
  // The same for the entities named only; the others keep the ancestors they have.
  std::optional<cedar::EntityUid> compute_ancestors_of(const std::vector<cedar::EntityUid>& uids);

  // Empties the store. A small store keeps its memory (the deque's blocks, the index and
  // the ancestor pool) for the next entities; a larger one gives it back.
  void clear();

  size_t size() const { return entities_.size(); }
  // This store's own entities, in the order they were added.
  std::deque<Entity>::const_iterator begin() const { return entities_.begin(); }
  std::deque<Entity>::const_iterator end() const { return entities_.end(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Slot {
    uint32_t hash = 0;
    uint32_t entity = kNone;  // index in entities_
  };

  const Entity* find_own(const cedar::EntityUid& uid) const {
    uint32_t at = index_of(uid);
    return at == kNone ? nullptr : &entities_[at];
  }
  enum : uint8_t { unvisited, on_path, done };  // an entity's state in close()
  std::optional<cedar::EntityUid> close(std::vector<uint8_t>& state);
  uint32_t index_of(const cedar::EntityUid& uid) const;
  uint32_t index_of(const cedar::EntityUid& uid, uint32_t hash) const;
  void file(uint32_t hash, uint32_t entity);
  void grow();

  std::deque<Entity> entities_;
  std::vector<Slot> slots_;  // a power of two of them, at most half in use
  std::vector<const cedar::EntityUid*> ancestor_pool_;          // every AncestorSet's span
  std::vector<std::vector<cedar::EntityUid>> retired_parents_;  // see insert_or_assign
};

// A store for one call's entities. Each thread keeps the store it last gave out, and
// reuses its memory for the next call once nothing else holds it: the store, its deque
// blocks, index and pool were a quarter of a small call's allocations.
std::shared_ptr<EntityStore> take_call_store();
// Empties the thread's kept store if nothing else holds it any more: for the end of a
// call, so that its entities are not kept until the next one.
void release_call_store();

}  // namespace cordon::detail
