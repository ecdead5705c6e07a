// The JSON shapes of @cedar-policy/cedar-wasm's answers, built in one place so
// every build prints them byte for byte the same.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/authorizer.h"
#include "cordon/error.h"

namespace cordon::cedar {

using ordered_json = nlohmann::ordered_json;

// DetailedError: {"message", "help", "code", "url", "severity", "sourceLocations"?}.
ordered_json detailed_error(const std::string& message);
ordered_json detailed_error(const Error& error);

// Response: {"decision", "diagnostics": {"reason", "errors"}}.
ordered_json response_to_json(const Response& response);

// {"type":"success","response":...,"warnings":[]}
std::string success_answer(const Response& response);
// The same success in the compact form of the WebAssembly wrapper's object API
// (wasm/js/call-text.js), which builds the answer object from it without reading JSON:
// "A" (allow) or "D" (deny), then '"' and each reason id. Only for a success without errors
// whose ids are UTF-8 needing no JSON escapes; otherwise success_answer's text, which starts
// with '{'.
std::string compact_success_answer(const Response& response);
// {"type":"success"} (CheckParseAnswer)
std::string check_parse_success();
// {"type":"failure","errors":[...],"warnings":[]}
std::string failure_answer(const std::vector<Error>& errors, bool with_warnings = true);

}  // namespace cordon::cedar
