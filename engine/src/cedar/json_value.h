// Reading Cedar values from JSON (Cedar's entity and context JSON format).
//
// Integers are exact 64-bit values; floats are rejected; {"__entity": {...}} and
// {"__extn": {"fn": ..., "arg": ...}} escapes become entity and extension values.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cedar/value.h"
#include "cordon/error.h"

namespace cordon::cedar {

inline constexpr int kMaxJsonDepth = 200;       // nesting of one Cedar value
// Nesting of any JSON document the engine reads: room for the JSON policy format of the
// tallest expression the text parser accepts (two JSON levels per operator).
inline constexpr int kMaxJsonParseDepth = 2 * 1000 + 64;

// Parses JSON text; errors name the line and column.
Result<nlohmann::json> parse_json(std::string_view text, std::string_view file_name,
                                  const char* what);

// An entity reference: {"type","id"}, {"__entity":{"type","id"}}, or, when
// `allow_text` is set, Cedar text such as "User::\"alice\"".
bool entity_uid_from_json(const nlohmann::json& j, EntityUid& out, std::string& error,
                          bool allow_text = false);

// A Cedar value from JSON, without a schema.
bool value_from_json(const nlohmann::json& j, Value& out, std::string& error, int depth = 0);

// A record value from a JSON object (context, attrs, tags).
bool record_from_json(const nlohmann::json& j, Value& out, std::string& error, int depth = 0);

}  // namespace cordon::cedar
