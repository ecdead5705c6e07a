// Unit tests of the entity store (engine/src/cedar/entity_store.h): filing and finding by
// uid, repeats, and the ancestor sets, checked against a plain search of the parent graph
// on random hierarchies, with and without cycles, and through an overlay on a base store.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "cedar/entity_store.h"

namespace {

using cordon::cedar::EntityUid;
using cordon::detail::Entity;
using cordon::detail::EntityStore;

struct Rng {
  uint64_t state;
  uint32_t below(uint32_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>((state >> 33) % n);
  }
};

EntityUid uid_of(uint32_t n) {
  // Few types, ids of every length class (short strings, long ones past 8 bytes).
  return {n % 3 == 0 ? "A" : (n % 3 == 1 ? "Ns::Group" : "B"),
          "id-" + std::string(n % 11, 'x') + std::to_string(n)};
}

Entity entity_with(EntityUid uid, std::vector<EntityUid> parents) {
  Entity entity;
  entity.uid = std::move(uid);
  entity.parents = std::move(parents);
  return entity;
}

// Ancestors by a plain search of the parent lists, looking up parents in `stores` in order.
std::set<EntityUid> search_ancestors(const std::vector<EntityUid>& parents,
                                     const std::vector<const EntityStore*>& stores) {
  std::set<EntityUid> seen;
  std::vector<EntityUid> todo(parents.begin(), parents.end());
  while (!todo.empty()) {
    EntityUid next = todo.back();
    todo.pop_back();
    if (!seen.insert(next).second) continue;
    for (const EntityStore* store : stores)
      if (const Entity* e = store->find(next)) {
        todo.insert(todo.end(), e->parents.begin(), e->parents.end());
        break;
      }
  }
  return seen;
}

std::set<EntityUid> as_set(const cordon::detail::AncestorSet& ancestors) {
  return std::set<EntityUid>(ancestors.begin(), ancestors.end());
}

// Whether following parents from `start` comes back to it.
bool on_cycle(const EntityStore& store, const EntityUid& start) {
  const Entity* e = store.find(start);
  return e && search_ancestors(e->parents, {&store}).count(start) > 0;
}

// A random hierarchy of n entities; with `acyclic`, parents only have larger numbers.
// Some parents are not in the store (numbers n and up), as Cedar allows.
void fill(EntityStore& store, uint32_t n, bool acyclic, Rng& rng) {
  for (uint32_t i = 0; i < n; ++i) {
    Entity& e = store.append();
    e.uid = uid_of(i);
    for (uint32_t k = rng.below(4); k > 0; --k) {
      uint32_t parent = acyclic ? i + 1 + rng.below(n / 4 + 2) : rng.below(n + 3);
      e.parents.push_back(uid_of(parent));
    }
    ASSERT_EQ(store.file_last(), nullptr);
  }
}

TEST(EntityStore, FindsWhatItFiledAndReportsRepeats) {
  EntityStore store;
  for (uint32_t i = 0; i < 500; ++i) {
    store.append().uid = uid_of(i);
    ASSERT_EQ(store.file_last(), nullptr) << i;
  }
  EXPECT_EQ(store.size(), 500u);
  for (uint32_t i = 0; i < 500; ++i) {
    const Entity* e = store.find(uid_of(i));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->uid, uid_of(i));
  }
  EXPECT_EQ(store.find(uid_of(500)), nullptr);
  EXPECT_EQ(store.find(EntityUid{"A", ""}), nullptr);
  store.append().uid = uid_of(7);
  const Entity* existing = store.file_last();
  ASSERT_NE(existing, nullptr);
  EXPECT_EQ(existing, store.find(uid_of(7)));
  store.drop_last();
  EXPECT_EQ(store.size(), 500u);
  uint32_t order = 0;
  for (const Entity& e : store) EXPECT_EQ(e.uid, uid_of(order++));  // the order added
}

TEST(EntityStore, AncestorsAreTheTransitiveParents) {
  Rng rng{1};
  for (int round = 0; round < 60; ++round) {
    EntityStore store;
    uint32_t n = 1 + rng.below(120);
    fill(store, n, /*acyclic=*/true, rng);
    ASSERT_FALSE(store.compute_ancestors().has_value());
    for (const Entity& e : store) {
      EXPECT_EQ(as_set(e.ancestors), search_ancestors(e.parents, {&store}));
      EXPECT_EQ(e.ancestors.size(), as_set(e.ancestors).size());  // each once
      for (const EntityUid& a : search_ancestors(e.parents, {&store})) {
        EXPECT_TRUE(e.ancestors.contains(a));
        EXPECT_TRUE(store.is_in(e.uid, a));
      }
      EXPECT_FALSE(e.ancestors.contains(EntityUid{"A", "nowhere"}));
      EXPECT_TRUE(store.is_in(e.uid, e.uid));
    }
  }
}

TEST(EntityStore, ACycleIsFoundAndNamesAnEntityOnIt) {
  Rng rng{2};
  int cyclic = 0;
  for (int round = 0; round < 200; ++round) {
    EntityStore store;
    fill(store, 2 + rng.below(30), /*acyclic=*/false, rng);
    bool any_cycle = false;
    for (const Entity& e : store) any_cycle = any_cycle || on_cycle(store, e.uid);
    auto found = store.compute_ancestors();
    ASSERT_EQ(found.has_value(), any_cycle) << "round " << round;
    if (found) {
      ++cyclic;
      EXPECT_TRUE(on_cycle(store, *found)) << found->to_cedar();
    }
  }
  EXPECT_GT(cyclic, 20);  // the generator does make cycles
  EXPECT_LT(cyclic, 190);
}

TEST(EntityStore, AnOverlayTakesTheBaseStoresAncestors) {
  Rng rng{3};
  EntityStore base;
  fill(base, 80, /*acyclic=*/true, rng);
  ASSERT_FALSE(base.compute_ancestors().has_value());
  EntityStore overlay;
  overlay.base = &base;
  overlay.insert_or_assign(
      entity_with({"User", "u"}, {uid_of(3), uid_of(40), EntityUid{"Tenant", "t"}}));
  ASSERT_FALSE(overlay.compute_ancestors().has_value());
  EntityStore moved = std::move(overlay);  // the ancestor sets stay valid
  const Entity* found = moved.find(EntityUid{"User", "u"});
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(as_set(found->ancestors), search_ancestors(found->parents, {&moved, &base}));
  EXPECT_EQ(moved.find(uid_of(3)), base.find(uid_of(3)));
}

TEST(EntityStore, ReclosingSomeEntitiesKeepsTheOthers) {
  EntityStore store;
  store.insert_or_assign(entity_with({"A", "child"}, {{"Action", "group"}}));
  ASSERT_FALSE(store.compute_ancestors().has_value());
  store.insert_or_assign(entity_with({"Action", "group"}, {{"Action", "top"}}));
  store.compute_ancestors_of({{"Action", "group"}});
  EXPECT_EQ(as_set(store.find({"Action", "group"})->ancestors),
            (std::set<EntityUid>{{"Action", "top"}}));
  // The child was closed before its parent arrived, and is left as it was.
  EXPECT_EQ(as_set(store.find({"A", "child"})->ancestors),
            (std::set<EntityUid>{{"Action", "group"}}));
}

TEST(EntityStore, ReplacingAnEntityKeepsTheSetsThatPointIntoIt) {
  EntityStore store;
  store.insert_or_assign(entity_with({"G", "parent"}, {{"G", "a-grandparent-with-a-long-id"}}));
  store.insert_or_assign(entity_with({"U", "child"}, {{"G", "parent"}}));
  ASSERT_FALSE(store.compute_ancestors().has_value());
  store.insert_or_assign(entity_with({"G", "parent"}, {}));
  EXPECT_EQ(store.size(), 2u);
  EXPECT_TRUE(store.find({"G", "parent"})->parents.empty());
  // The child's set was computed before and still names the old grandparent.
  EXPECT_EQ(as_set(store.find({"U", "child"})->ancestors),
            (std::set<EntityUid>{{"G", "parent"}, {"G", "a-grandparent-with-a-long-id"}}));
}

TEST(EntityStore, ClearedStoresAreReusedEmptyAndStillCorrect) {
  Rng rng{5};
  EntityStore store;
  for (uint32_t n : {40u, 3u, 200u, 0u, 64u, 17u}) {
    store.clear();
    EXPECT_EQ(store.size(), 0u);
    EXPECT_EQ(store.find(uid_of(0)), nullptr);  // nothing of the last round is found
    fill(store, n, /*acyclic=*/true, rng);
    ASSERT_FALSE(store.compute_ancestors().has_value());
    for (const Entity& e : store)
      EXPECT_EQ(as_set(e.ancestors), search_ancestors(e.parents, {&store})) << n;
  }
}

TEST(EntityStore, ACallStoreIsReusedOnlyWhenNothingElseHoldsIt) {
  Rng rng{6};
  std::shared_ptr<EntityStore> first = cordon::detail::take_call_store();
  fill(*first, 10, /*acyclic=*/true, rng);
  ASSERT_FALSE(first->compute_ancestors().has_value());
  const EntityStore* address = first.get();

  // Still held (say, by entities a caller kept): neither emptied nor handed out again.
  cordon::detail::release_call_store();
  EXPECT_EQ(first->size(), 10u);
  std::shared_ptr<EntityStore> second = cordon::detail::take_call_store();
  EXPECT_NE(second.get(), address);
  EXPECT_EQ(second->size(), 0u);
  EXPECT_EQ(first->size(), 10u);
  EXPECT_NE(first->find(uid_of(3)), nullptr);

  // Given back: emptied at once, and its memory serves the next call.
  const EntityStore* kept = second.get();
  fill(*second, 5, /*acyclic=*/true, rng);
  second.reset();
  cordon::detail::release_call_store();
  std::shared_ptr<EntityStore> third = cordon::detail::take_call_store();
  EXPECT_EQ(third.get(), kept);
  EXPECT_EQ(third->size(), 0u);
  EXPECT_EQ(third->find(uid_of(1)), nullptr);
}

}  // namespace
