// Reading a policy set from an already-parsed JSON value (used by the JSON API).
#pragma once

#include <nlohmann/json.hpp>

#include "cordon/policy_set.h"

namespace cordon {

Result<PolicySet> policy_set_from_json_value(const nlohmann::json& j);

}  // namespace cordon
