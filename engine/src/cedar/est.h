// Cedar's JSON policy format (the "EST"), read into the AST and written from it,
// and the policy-set JSON form {staticPolicies, templates, templateLinks}.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cedar/ast.h"
#include "cordon/error.h"

namespace cordon::cedar {

// Reads one policy (or template) in the JSON format; `where` names it in errors.
Result<std::shared_ptr<const PolicyBody>> policy_from_est(const nlohmann::json& j,
                                                          const std::string& where);

// Writes a policy (or template) body in the JSON format.
nlohmann::ordered_json policy_to_est(const PolicyBody& body);

// Writes an entity reference as {"type", "id"}.
nlohmann::ordered_json uid_to_json(const EntityUid& uid);

// Writes a value in Cedar's JSON value format (__entity and __extn escapes).
nlohmann::ordered_json value_to_json(const Value& v);

}  // namespace cordon::cedar
