#include "cedar/policy_index.h"

#include <algorithm>

#include "cedar/entity_store.h"
#include "cedar/policy_set_data.h"

namespace cordon::cedar {

namespace {

// Below this many policies, evaluating each scope costs less than the index's lookups of the
// request's entities and their ancestors: every policy is a candidate.
constexpr size_t kScanBelow = 8;

// The entity a principal or resource constraint names, if it names one (a link's slot value
// for a template's `?principal` / `?resource`).
const EntityUid* scope_entity(const ScopeConstraint& c, const std::optional<EntityUid>& slot) {
  using Op = ScopeConstraint::Op;
  if (c.op != Op::equal && c.op != Op::in && c.op != Op::is_in) return nullptr;
  if (c.slot) return slot ? &*slot : nullptr;
  return &c.entity;
}

}  // namespace

PolicyIndex::PolicyIndex(const std::vector<Policy>& policies)
    : base_(policies.data()), count_(policies.size()) {
  using Op = ScopeConstraint::Op;
  for (uint32_t pos = 0; pos < policies.size(); ++pos) {
    const Policy& p = policies[pos];
    const PolicyBody& body = *p.body;
    // An unlinked slot never matches (the evaluator says so too): file nowhere.
    if ((body.principal.slot && !p.principal_slot) || (body.resource.slot && !p.resource_slot))
      continue;
    if (policies.size() < kScanBelow) {
      unconstrained_.push_back(pos);
      continue;
    }
    const uint32_t principal = pos | uint32_t(ScopeProof::principal) << kProofShift;
    const uint32_t resource = pos | uint32_t(ScopeProof::resource) << kProofShift;
    const uint32_t action = pos | uint32_t(ScopeProof::action) << kProofShift;
    if (const EntityUid* e = scope_entity(body.principal, p.principal_slot)) {
      Buckets& b = by_entity_[*e];
      (body.principal.op == Op::equal ? b.principal_eq : b.principal_in).push_back(principal);
    } else if (const EntityUid* e = scope_entity(body.resource, p.resource_slot)) {
      Buckets& b = by_entity_[*e];
      (body.resource.op == Op::equal ? b.resource_eq : b.resource_in).push_back(resource);
    } else if (body.action.op == Op::equal) {
      by_entity_[body.action.entity].action_eq.push_back(action);
    } else if (body.action.op == Op::in) {
      by_entity_[body.action.entity].action_in.push_back(action);
    } else if (body.action.op == Op::in_set) {
      // `action in []` matches nothing: filed nowhere. Otherwise under each distinct action.
      std::vector<const EntityUid*> distinct;
      for (const auto& a : body.action.entities)
        if (std::none_of(distinct.begin(), distinct.end(),
                         [&](const EntityUid* d) { return *d == a; }))
          distinct.push_back(&a);
      for (const EntityUid* a : distinct) {
        Buckets& b = by_entity_[*a];
        b.action_in.push_back(action);
        if (distinct.size() > 1) b.action_in_shared = true;
      }
    } else if (body.principal.op == Op::is) {
      principal_is_[body.principal.entity_type].push_back(principal);
    } else if (body.resource.op == Op::is) {
      resource_is_[body.resource.entity_type].push_back(resource);
    } else {
      unconstrained_.push_back(pos);
    }
  }
}

void PolicyIndex::candidates(const detail::RequestData& request,
                             const detail::Entity* principal_entity,
                             const detail::Entity* action_entity,
                             const detail::Entity* resource_entity,
                             std::vector<uint32_t>& out) const {
  out.insert(out.end(), unconstrained_.begin(), unconstrained_.end());
  auto by_type = [&](const std::unordered_map<std::string, std::vector<uint32_t>>& map,
                     const Value& var) {
    if (map.empty()) return;
    auto it = map.find(var.as_entity().type);
    if (it != map.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  };
  by_type(principal_is_, request.principal);
  by_type(resource_is_, request.resource);
  if (by_entity_.empty()) return;

  bool shared = false;
  // The request's entity and its ancestors: exactly the entities E for which `var in E` holds.
  auto visit = [&](const Value& var, const detail::Entity* entity,
                   std::vector<uint32_t> Buckets::*eq, std::vector<uint32_t> Buckets::*in) {
    const EntityUid& uid = var.as_entity();
    auto take = [&](const Buckets& b, bool self) {
      if (self) out.insert(out.end(), (b.*eq).begin(), (b.*eq).end());
      out.insert(out.end(), (b.*in).begin(), (b.*in).end());
      if (in == &Buckets::action_in && b.action_in_shared && !(b.*in).empty()) shared = true;
    };
    if (auto it = by_entity_.find(uid); it != by_entity_.end()) take(it->second, true);
    if (entity) {
      for (const EntityUid& ancestor : entity->ancestors) {
        if (ancestor == uid) continue;  // a cyclic hierarchy: already looked up
        if (auto it = by_entity_.find(ancestor); it != by_entity_.end()) take(it->second, false);
      }
    }
  };
  visit(request.principal, principal_entity, &Buckets::principal_eq, &Buckets::principal_in);
  visit(request.resource, resource_entity, &Buckets::resource_eq, &Buckets::resource_in);
  visit(request.action, action_entity, &Buckets::action_eq, &Buckets::action_in);
  if (shared) {
    // A policy filed under several actions may have been reached through more than one.
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

PolicyIndexCache& PolicyIndexCache::operator=(const PolicyIndexCache&) {
  // The vector this cache belongs to was replaced: build again on next use.
  std::lock_guard<std::mutex> lock(mutex_);
  index_.store(nullptr, std::memory_order_release);
  return *this;
}

const PolicyIndex& PolicyIndexCache::get(const std::vector<Policy>& policies) const {
  const PolicyIndex* index = index_.load(std::memory_order_acquire);
  if (index && index->built_for(policies)) return *index;
  std::lock_guard<std::mutex> lock(mutex_);
  index = index_.load(std::memory_order_relaxed);
  if (index && index->built_for(policies)) return *index;
  built_.push_back(std::make_unique<const PolicyIndex>(policies));
  index = built_.back().get();
  index_.store(index, std::memory_order_release);
  return *index;
}

}  // namespace cordon::cedar
