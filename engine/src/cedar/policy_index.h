// Policies filed by their scope, so that a request evaluates only the policies whose scope
// can match it instead of every policy of the set.
//
// Each policy is filed once, under the most selective scope constraint that names an entity:
// principal (== E, in E, is T in E), else resource, else action (== A, in A, in [A, ...]); else
// under the entity type of an `is T` constraint; else in the unconstrained list. A request
// looks up its principal, resource and action and each of their ancestors, as the request's own
// entity store gives them (stores differ per request), so the index holds no entity data.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cedar/ast.h"
#include "cedar/value.h"

namespace cordon::detail {
struct EntityStore;
struct RequestData;
}  // namespace cordon::detail

namespace cordon::cedar {

class PolicyIndex {
 public:
  explicit PolicyIndex(const std::vector<Policy>& policies);

  // Appends to `out` the positions (in the vector the index was built from) of the policies
  // whose scope may match `request`, each exactly once, in no particular order. The evaluator
  // still checks the whole scope; the index only leaves out policies that cannot match.
  void candidates(const detail::RequestData& request, const detail::EntityStore& entities,
                  std::vector<uint32_t>& out) const;

  // Whether the index was built from this very vector in its current state.
  bool built_for(const std::vector<Policy>& policies) const {
    return policies.data() == base_ && policies.size() == count_;
  }

 private:
  struct Buckets {
    std::vector<uint32_t> principal_eq, principal_in;
    std::vector<uint32_t> resource_eq, resource_in;
    std::vector<uint32_t> action_eq, action_in;
    bool action_in_shared = false;  // holds a policy also filed under another action
  };

  std::unordered_map<EntityUid, Buckets, EntityUidHash> by_entity_;
  std::unordered_map<std::string, std::vector<uint32_t>> principal_is_, resource_is_;
  std::vector<uint32_t> unconstrained_;
  const Policy* base_ = nullptr;
  size_t count_ = 0;
};

// Holds the index of a policy vector, built once on first use and shared by every thread;
// rebuilt if the vector changed since (PolicySetData is a plain struct that some callers fill
// in place before use). Copies start empty and build their own.
class PolicyIndexCache {
 public:
  PolicyIndexCache() = default;
  PolicyIndexCache(const PolicyIndexCache&) {}
  PolicyIndexCache& operator=(const PolicyIndexCache&);

  const PolicyIndex& get(const std::vector<Policy>& policies) const;

 private:
  mutable std::mutex mutex_;
  mutable std::atomic<const PolicyIndex*> index_{nullptr};
  // Every index built, the current one last; an outdated one stays alive until the cache goes.
  mutable std::vector<std::unique_ptr<const PolicyIndex>> built_;
};

}  // namespace cordon::cedar
