// The domain calls as JSON text in and JSON text out, shared by every binding so
// that the three builds answer byte for byte the same. Each answer is
// {"type":"success", ...} or {"type":"failure","errors":[{"message",...}]}, where each error is
// cedar-wasm's DetailedError with "code" set to the error's kind ("domain", "json", "bundle",
// "signature", "io", "limit", ...: cordon::to_string(ErrorKind)) and "message" its to_string()
// (file:line:col first, where there is a location).
#pragma once

#include <string>
#include <string_view>

#include "cordon/bundle.h"

namespace cordon::domain_json {

// {"files": {"bundle.json": "...", ...}, "options"?: {"requireSignature": "none"|"hmac-sha256"|
// "ed25519", "verificationKey": "...", "scrubHashKey": "..."}}
Result<Bundle> load_bundle(std::string_view call_json);

// The "options" member of a load_bundle call on its own, for callers that read the bundle's
// files themselves (the native directory reader): {"requireSignature"?, "verificationKey"?,
// "scrubHashKey"?}. Errors are located in a document named "options".
Result<BundleLoadOptions> load_options(std::string_view options_json);

// The answer to a load: {"type":"success","bundle":{"name","revision","digest"}}, or the
// failure answer of its error.
std::string load_answer(const Result<Bundle>& loaded);

// {"type":"failure","errors":[<error>]}: the failure answer every domain call gives.
std::string failure_answer(const Error& error);

// A RouteRequest → {"type":"success","decision":{...RouteDecision...}}
std::string decide_route(const Bundle& bundle, std::string_view request_json);

// {"payload": <json>, "viewer": {session}, "surface": "...", "profile": "..."}
//   → {"type":"success","result":{...MaskedPayload, payload as JSON...}}
std::string apply_field_mask(const Bundle& bundle, std::string_view call_json);

// {"event": <json>, "profile": "..."} → {"type":"success","result":{...}}
std::string scrub_telemetry(const Bundle& bundle, std::string_view call_json);

// {"workflow": "...", "actor": {session}, "facts": {...}} → {"type":"success","result":{...}}
std::string check_gate(const Bundle& bundle, std::string_view call_json);

// {"surface"?: "...", "format"?: "json"|"markdown"|"csv"|"html"} → {"type":"success","matrix":...}
std::string access_matrix(const Bundle& bundle, std::string_view call_json);

}  // namespace cordon::domain_json
