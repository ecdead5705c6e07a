// Reading a request from an already-parsed JSON object (used by the JSON API).
#pragma once

#include <nlohmann/json.hpp>

#include "cordon/request.h"

namespace cordon {

Result<Request> request_from_json_value(const nlohmann::json& j);

}  // namespace cordon
