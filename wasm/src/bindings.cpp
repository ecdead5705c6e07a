// Embind bindings of the npm package cordon-policy: JSON text in, JSON text out.
//
// Only type conversion lives here; every decision, default and error message
// comes from cordon::json_api and cordon::domain_json, so the WASM build answers
// byte for byte like the native and Python builds. The JavaScript wrapper
// (wasm/js/cordon.mjs) turns the text into objects and back:
//
//   const module = await createCordonModule({...});
//   module.isAuthorizedJson('{"principal": ..., "policies": ..., "entities": []}');
//   // '{"type":"success","response":{"decision":"allow",...},"warnings":[]}'
//   const bundle = new module.Bundle('{"files": {"bundle.json": "...", ...}}');
//   bundle.loadAnswer();   // '{"type":"success","bundle":{"name":...}}' or a failure
//   bundle.route('{"method": "GET", ...}');   // '{"type":"success","decision":{...}}'
//   bundle.delete();       // embind objects live in the module's memory until deleted
#include <emscripten/bind.h>

#include <optional>
#include <string>
#include <utility>

#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/json_api.h"
#include "cordon/verify_json.h"
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

std::string preparse_entities_json(const std::string& id, const std::string& entities_json) {
  return policy_store().preparse_entities(id, entities_json);
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

// A load_bundle call and its outcome: the bundle when it loaded, and the load answer
// either way. The constructor never throws; the domain calls of a bundle that did not
// load answer its load failure (the wrapper never makes them).
class BundleHandle {
 public:
  explicit BundleHandle(const std::string& call_json) {
    cordon::Result<cordon::Bundle> loaded = cordon::domain_json::load_bundle(call_json);
    answer_ = cordon::domain_json::load_answer(loaded);
    if (loaded) bundle_.emplace(std::move(loaded).value());
  }

  bool loaded() const { return bundle_.has_value(); }
  std::string load_answer() const { return answer_; }

  std::string route(const std::string& request_json) const {
    return bundle_ ? cordon::domain_json::decide_route(*bundle_, request_json) : answer_;
  }
  std::string mask(const std::string& call_json) const {
    return bundle_ ? cordon::domain_json::apply_field_mask(*bundle_, call_json) : answer_;
  }
  std::string scrub(const std::string& call_json) const {
    return bundle_ ? cordon::domain_json::scrub_telemetry(*bundle_, call_json) : answer_;
  }
  std::string gate(const std::string& call_json) const {
    return bundle_ ? cordon::domain_json::check_gate(*bundle_, call_json) : answer_;
  }
  std::string matrix(const std::string& call_json) const {
    return bundle_ ? cordon::domain_json::access_matrix(*bundle_, call_json) : answer_;
  }

 private:
  std::optional<cordon::Bundle> bundle_;
  std::string answer_;
};

// The verification calls (cordon/verify_json.h): stateless, JSON text in and out.
std::string verify_webhook_json(const std::string& call_json) {
  return cordon::verify_json::verify_webhook(call_json);
}
std::string sign_webhook_json(const std::string& call_json) {
  return cordon::verify_json::sign_webhook(call_json);
}
std::string check_outbound_url_json(const std::string& call_json) {
  return cordon::verify_json::check_outbound_url(call_json);
}
std::string check_credential_json(const std::string& call_json) {
  return cordon::verify_json::check_credential(call_json);
}
std::string credential_digest_json(const std::string& call_json) {
  return cordon::verify_json::credential_digest(call_json);
}

// An in-memory replay store (one per WebAssembly instance that makes it): webhook
// verification that accepts each delivery once while the instance lives.
class ReplayStoreHandle {
 public:
  explicit ReplayStoreHandle(double capacity) : store_(static_cast<size_t>(capacity)) {}
  std::string verify_webhook(const std::string& call_json) {
    return cordon::verify_json::verify_webhook(call_json, store_);
  }
  double size() const { return static_cast<double>(store_.size()); }

 private:
  cordon::MemoryReplayStore store_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(cordon) {
  emscripten::function("isAuthorizedJson", &is_authorized_json);
  emscripten::function("preparsePolicySetJson", &preparse_policy_set_json);
  emscripten::function("preparseEntitiesJson", &preparse_entities_json);
  emscripten::function("statefulIsAuthorizedJson", &stateful_is_authorized_json);
  emscripten::function("version", &engine_version);
  emscripten::function("cedarLanguageVersion", &cedar_language_version);

  emscripten::class_<BundleHandle>("Bundle")
      .constructor<const std::string&>()
      .function("loaded", &BundleHandle::loaded)
      .function("loadAnswer", &BundleHandle::load_answer)
      .function("route", &BundleHandle::route)
      .function("mask", &BundleHandle::mask)
      .function("scrub", &BundleHandle::scrub)
      .function("gate", &BundleHandle::gate)
      .function("matrix", &BundleHandle::matrix);

  emscripten::function("verifyWebhookJson", &verify_webhook_json);
  emscripten::function("signWebhookJson", &sign_webhook_json);
  emscripten::function("checkOutboundUrlJson", &check_outbound_url_json);
  emscripten::function("checkCredentialJson", &check_credential_json);
  emscripten::function("credentialDigestJson", &credential_digest_json);
  emscripten::class_<ReplayStoreHandle>("ReplayStore")
      .constructor<double>()
      .function("verifyWebhook", &ReplayStoreHandle::verify_webhook)
      .function("size", &ReplayStoreHandle::size);
}
