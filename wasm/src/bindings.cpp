// Embind bindings of the npm package cordon-policy: JSON text in, JSON text out.
//
// Only type conversion lives here; every decision, default and error message
// comes from cordon::json_api and cordon::domain_json, so the WASM build answers
// byte for byte like the native and Python builds. The JavaScript wrapper
// (wasm/js/cordon.mjs) turns the text into objects and back:
//
//   const module = await createCordonModule({...});
//   module.preparsePolicySetJson('p', '{"staticPolicies": "permit(principal, action,
//   resource);"}');
//   // The decisions are plain exports: they take (data, size) of UTF-8 call text in the
//   // module's memory and answer the address of a {data, size} span of the answer text
//   // (see keep_answer):
//   const span = module._cordon_stateful_is_authorized_at(data, size);
//   const bundle = new module.Bundle('{"files": {"bundle.json": "...", ...}}');
//   bundle.loadAnswer();   // '{"type":"success","bundle":{"name":...}}' or a failure
//   bundle.routeAt(data, size);   // {"type":"success","decision":{...}} as a span
//   bundle.delete();       // embind objects live in the module's memory until deleted
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <optional>
#include <string>
#include <string_view>
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

// The hot calls' text crosses into the module as UTF-8 that the wrapper writes straight into
// the module's memory (TextEncoder.encodeInto), and the answer goes back as a {data, size}
// span that the wrapper decodes in place (TextDecoder): embind's std::string copies a call
// byte by byte in JavaScript and scans its answer byte by byte again, which cost more than
// deciding a small call. The span stays valid until the next such call.
struct AnswerSpan {
  uint32_t data;
  uint32_t size;
};

uintptr_t keep_answer(std::string answer) {
  static std::string kept;
  static AnswerSpan span;
  kept = std::move(answer);
  span = {static_cast<uint32_t>(reinterpret_cast<uintptr_t>(kept.data())),
          static_cast<uint32_t>(kept.size())};
  return reinterpret_cast<uintptr_t>(&span);
}

std::string_view text_at(uintptr_t data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

std::string preparse_policy_set_json(const std::string& id, const std::string& policies_json) {
  return policy_store().preparse_policy_set(id, policies_json);
}

std::string preparse_entities_json(const std::string& id, const std::string& entities_json) {
  return policy_store().preparse_entities(id, entities_json);
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

  uintptr_t route_at(uintptr_t data, size_t size) const {
    return keep_answer(bundle_ ? cordon::domain_json::decide_route(*bundle_, text_at(data, size))
                               : answer_);
  }
  uintptr_t mask_at(uintptr_t data, size_t size) const {
    return keep_answer(
        bundle_ ? cordon::domain_json::apply_field_mask(*bundle_, text_at(data, size)) : answer_);
  }
  uintptr_t scrub_at(uintptr_t data, size_t size) const {
    return keep_answer(bundle_ ? cordon::domain_json::scrub_telemetry(*bundle_, text_at(data, size))
                               : answer_);
  }
  uintptr_t gate_at(uintptr_t data, size_t size) const {
    return keep_answer(bundle_ ? cordon::domain_json::check_gate(*bundle_, text_at(data, size))
                               : answer_);
  }
  uintptr_t matrix_at(uintptr_t data, size_t size) const {
    return keep_answer(bundle_ ? cordon::domain_json::access_matrix(*bundle_, text_at(data, size))
                               : answer_);
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

// The decisions are plain exports (Module._cordon_...), called by the wrapper directly:
// embind's generic invoker (built without `new Function`, see -sDYNAMIC_EXECUTION=0) took
// 75 ns a call, more than decoding the answer.
extern "C" {
EMSCRIPTEN_KEEPALIVE uintptr_t cordon_is_authorized_at(uintptr_t data, size_t size) {
  return keep_answer(cordon::json_api::is_authorized(text_at(data, size)));
}
EMSCRIPTEN_KEEPALIVE uintptr_t cordon_stateful_is_authorized_at(uintptr_t data, size_t size) {
  return keep_answer(policy_store().stateful_is_authorized(text_at(data, size)));
}
// For the wrapper's object API: the compact answer of json_api.h.
EMSCRIPTEN_KEEPALIVE uintptr_t cordon_stateful_decision_at(uintptr_t data, size_t size) {
  return keep_answer(policy_store().stateful_is_authorized_compact(text_at(data, size)));
}
}

EMSCRIPTEN_BINDINGS(cordon) {
  emscripten::function("preparsePolicySetJson", &preparse_policy_set_json);
  emscripten::function("preparseEntitiesJson", &preparse_entities_json);
  emscripten::function("version", &engine_version);
  emscripten::function("cedarLanguageVersion", &cedar_language_version);

  emscripten::class_<BundleHandle>("Bundle")
      .constructor<const std::string&>()
      .function("loaded", &BundleHandle::loaded)
      .function("loadAnswer", &BundleHandle::load_answer)
      .function("routeAt", &BundleHandle::route_at)
      .function("maskAt", &BundleHandle::mask_at)
      .function("scrubAt", &BundleHandle::scrub_at)
      .function("gateAt", &BundleHandle::gate_at)
      .function("matrixAt", &BundleHandle::matrix_at);

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
