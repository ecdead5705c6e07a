// Reading entities from an already-parsed JSON array (used by the JSON API).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "cordon/entities.h"

namespace cordon {

Result<Entities> entities_from_json_value(const nlohmann::json& doc, std::string_view file_name);

}  // namespace cordon
