#include "cordon/authorizer.h"

#include <algorithm>

#include "cedar/answer_json.h"
#include "cedar/authorize.h"
#include "cedar/entity_store.h"
#include "cedar/evaluator.h"
#include "cedar/policy_set_data.h"

namespace cordon {

Response is_authorized(const Request& request, const PolicySet& policies,
                       const Entities& entities) {
  return cedar::authorize(request.data(), policies.data(), entities.store());
}

namespace cedar {

Response authorize(const detail::RequestData& request, const detail::PolicySetData& policies,
                   const detail::EntityStore& entities) {
  // Only the policies whose scope can match; reused per thread so a decision allocates no list.
  thread_local std::vector<uint32_t> candidates, permits, forbids;
  candidates.clear();
  permits.clear();
  forbids.clear();
  cedar::Evaluator evaluator(request, entities);
  policies.index().candidates(request, evaluator.principal_entity(), evaluator.action_entity(),
                              evaluator.resource_entity(), candidates);
  Response response;
  for (uint32_t candidate : candidates) {
    const uint32_t pos = cedar::PolicyIndex::position(candidate);
    const cedar::Policy& policy = policies.policies[pos];
    switch (evaluator.evaluate(policy, cedar::PolicyIndex::proof(candidate))) {
      case cedar::Satisfied::yes:
        (policy.body->effect == cedar::Effect::forbid ? forbids : permits).push_back(pos);
        break;
      case cedar::Satisfied::error:
        response.errors.push_back(
            {policy.id, "error while evaluating policy `" + policy.id + "`: " + evaluator.error()});
        break;
      case cedar::Satisfied::no:
        break;
    }
  }
  // Forbid overrides permit; with neither, the default is deny.
  const std::vector<uint32_t>* determining = nullptr;
  if (!forbids.empty()) {
    response.decision = Decision::deny;
    determining = &forbids;
  } else if (!permits.empty()) {
    response.decision = Decision::allow;
    determining = &permits;
  }
  if (determining) {
    response.reason.reserve(determining->size());
    for (uint32_t pos : *determining) response.reason.push_back(policies.policies[pos].id);
    std::sort(response.reason.begin(), response.reason.end());
  }
  std::sort(response.errors.begin(), response.errors.end(),
            [](const PolicyError& a, const PolicyError& b) { return a.policy_id < b.policy_id; });
  return response;
}

}  // namespace cedar

std::string Response::to_json() const {
  // Replace, never throw, on text that is not UTF-8 (a policy id from raw bytes, say).
  return cedar::response_to_json(*this).dump(-1, ' ', false,
                                             nlohmann::ordered_json::error_handler_t::replace);
}

std::string Response::answer_json() const {
  return cedar::success_answer(*this);
}

}  // namespace cordon
