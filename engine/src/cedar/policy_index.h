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
struct Entity;
struct RequestData;
}  // namespace cordon::detail

namespace cordon::cedar {

// Which scope constraint of a candidate the index has already established (the one the policy
// is filed under), so the evaluator need not check it again.
enum class ScopeProof : uint8_t { none, principal, resource, action };

class PolicyIndex {
 public:
  // A candidate: the policy's position in the vector the index was built from, and in the two
  // top bits the constraint proven (a ScopeProof). Policy sets stay far below 2^30 policies.
  static constexpr int kProofShift = 30;
  static uint32_t position(uint32_t candidate) { return candidate & ((1u << kProofShift) - 1); }
  static ScopeProof proof(uint32_t candidate) {
    return static_cast<ScopeProof>(candidate >> kProofShift);
  }

  explicit PolicyIndex(const std::vector<Policy>& policies);

  // Appends to `out` the candidates (see position, proof) whose scope may match `request`, each
  // policy exactly once, in no particular order. The `*_entity` arguments are the request's
  // entities as the request's store has them (null when absent): their ancestors are looked up.
  // The evaluator still checks the rest of the scope and the conditions.
  void candidates(const detail::RequestData& request, const detail::Entity* principal_entity,
                  const detail::Entity* action_entity, const detail::Entity* resource_entity,
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
