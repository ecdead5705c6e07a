// The authorizer answers a Request against a PolicySet and Entities, with
// Cedar's semantics: a forbid that is satisfied overrides every permit, no
// satisfied permit means deny, and a policy that errors is skipped and reported.
//
//   cordon::Response answer = cordon::is_authorized(*request, *policies, *entities);
//   if (answer.decision == cordon::Decision::allow) ...
//   answer.reason;   // ids of the policies that determined the decision
//   answer.errors;   // {policy id, message} for each policy that errored
#pragma once

#include <string>
#include <vector>

#include "cordon/entities.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"

namespace cordon {

enum class Decision { allow, deny };

struct PolicyError {
  std::string policy_id;
  std::string message;
};

struct Response {
  Decision decision = Decision::deny;
  std::vector<std::string> reason;  // sorted policy ids
  std::vector<PolicyError> errors;  // sorted by policy id

  // cedar-wasm's response object:
  // {"decision":"allow","diagnostics":{"reason":[...],"errors":[{"policyId":..,"error":{"message":..}}]}}
  std::string to_json() const;

  // cedar-wasm's AuthorizationAnswer holding it, as the JSON API answers a decided call:
  // {"type":"success","response":<to_json()>,"warnings":[]}
  std::string answer_json() const;
};

Response is_authorized(const Request& request, const PolicySet& policies, const Entities& entities);

}  // namespace cordon
