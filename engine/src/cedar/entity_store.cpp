#include "cedar/entity_store.h"

namespace cordon::detail {

std::optional<cedar::EntityUid> EntityStore::compute_ancestors() {
  std::optional<cedar::EntityUid> cycle;
  // Depth-first from each entity over parent edges; an explicit stack keeps deep
  // hierarchies from overflowing the call stack, and the visited set handles cycles.
  std::vector<const cedar::EntityUid*> stack;
  for (auto& [uid, entity] : entities) {
    auto& seen = entity.ancestors;
    seen.clear();
    stack.clear();
    for (const auto& p : entity.parents) stack.push_back(&p);
    while (!stack.empty()) {
      const cedar::EntityUid* next = stack.back();
      stack.pop_back();
      if (!seen.insert(*next).second) continue;
      if (const Entity* parent = find(*next)) {
        for (const auto& p : parent->parents) {
          if (!seen.count(p)) stack.push_back(&p);
        }
      }
    }
    if (!cycle && seen.count(uid)) cycle = uid;
  }
  return cycle;
}

}  // namespace cordon::detail
