// Embind bindings of the npm package cordon-policy: JSON text in, JSON text out.
//
// Only type conversion lives here; every decision, default and error message
// comes from cordon::json_api, so the WASM build answers byte for byte like the
// native and Python builds. The JavaScript wrapper (wasm/js/cordon.mjs) turns
// the text into objects and back:
//
//   const module = await createCordonModule({...});
//   module.isAuthorizedJson('{"principal": ..., "policies": ..., "entities": []}');
//   // '{"type":"success","response":{"decision":"allow",...},"warnings":[]}'
#include <emscripten/bind.h>

#include <string>

#include "cordon/json_api.h"
#include "cordon/version.h"

namespace {

// One store per WebAssembly instance, like cedar-wasm's thread-local cache:
// preparsePolicySet fills it and statefulIsAuthorized reads it.
cordon::json_api::PolicyStore& policy_store() {
  static cordon::json_api::PolicyStore store;
  return store;
}

std::string is_authorized_json(const std::string& call_json) {
  return cordon::json_api::is_authorized(call_json);
}

std::string preparse_policy_set_json(const std::string& id, const std::string& policies_json) {
  return policy_store().preparse_policy_set(id, policies_json);
}

std::string stateful_is_authorized_json(const std::string& call_json) {
  return policy_store().stateful_is_authorized(call_json);
}

std::string engine_version() {
  return cordon::version();
}

std::string cedar_language_version() {
  return cordon::cedar_language_version();
}

}  // namespace

EMSCRIPTEN_BINDINGS(cordon) {
  emscripten::function("isAuthorizedJson", &is_authorized_json);
  emscripten::function("preparsePolicySetJson", &preparse_policy_set_json);
  emscripten::function("statefulIsAuthorizedJson", &stateful_is_authorized_json);
  emscripten::function("version", &engine_version);
  emscripten::function("cedarLanguageVersion", &cedar_language_version);
}
