// The verification calls as JSON text (cordon/verify_json.h): each reads its call with
// located errors ("call:1:12: verification error: ..."), hands typed values to the C++ call
// and writes the result. Every binding goes through here.
#include "cordon/verify_json.h"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <vector>

#include "cordon/credentials.h"
#include "cordon/domain_json.h"
#include "cordon/outbound_url.h"
#include "cordon/secret_bytes.h"
#include "cordon/webhook.h"
#include "json/located_json.h"
#include "text/utf8.h"

namespace cordon::verify_json {

using json::LocatedJson;
using nlohmann::ordered_json;
using Json = nlohmann::json;

namespace {

std::string dump(const ordered_json& value) {
  return value.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string success_result(ordered_json result) {
  ordered_json out;
  out["type"] = "success";
  out["result"] = std::move(result);
  return dump(out);
}

Error call_error(const LocatedJson& doc, const std::string& pointer, std::string message) {
  return doc.error(pointer, std::move(message), ErrorKind::verification);
}

// Wipes every string in `value` (the secrets of a call), in place.
void scrub_strings(Json& value) {
  if (value.is_string()) {
    SecretBytes::scrub(value.get_ref<std::string&>());
  } else if (value.is_array() || value.is_object()) {
    for (Json& item : value) scrub_strings(item);
  }
}

// A parsed call whose secret members are wiped when it goes away.
class Call {
 public:
  Call(LocatedJson doc, std::initializer_list<const char*> secret_keys)
      : doc_(std::move(doc)), secret_keys_(secret_keys) {}
  Call(Call&&) = default;
  ~Call() {
    // root() is const for readers; the document itself is ours, so wiping it is sound.
    Json& root = const_cast<Json&>(doc_.root());
    if (!root.is_object()) return;
    for (const char* key : secret_keys_) {
      auto found = root.find(key);
      if (found != root.end()) scrub_strings(*found);
    }
  }
  const LocatedJson& doc() const { return doc_; }
  const Json& root() const { return doc_.root(); }

 private:
  LocatedJson doc_;
  std::vector<const char*> secret_keys_;
};

Result<Call> parse_call(std::string_view text, std::initializer_list<const char*> known,
                        std::initializer_list<const char*> secret_keys = {}) {
  if (!text::is_valid_utf8(text)) {
    Error err;
    err.kind = ErrorKind::json;
    err.message = "the call is not UTF-8 text";
    return err;
  }
  auto doc = LocatedJson::parse(text, "call");
  if (!doc) return doc.error();
  Call call(std::move(doc).value(), secret_keys);
  const Json& root = call.root();
  if (!root.is_object()) return call_error(call.doc(), "", "the call must be a JSON object");
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }) !=
        known.end())
      continue;
    std::string expected;
    for (const char* k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
    return call.doc().key_error(LocatedJson::child("", it.key()),
                                "unknown key `" + it.key() + "` (expected " + expected + ")",
                                ErrorKind::verification);
  }
  return call;
}

// A string member; nullopt with `error` set when it is absent (and required) or not a string.
std::optional<std::string_view> string_member(const Call& call, const char* key, bool required,
                                              std::optional<Error>& error) {
  const Json& root = call.root();
  if (!root.contains(key)) {
    if (required)
      error = call_error(call.doc(), "", "the call needs `" + std::string(key) + "` (a string)");
    return std::nullopt;
  }
  const Json& value = root.at(key);
  if (!value.is_string()) {
    // Never echo the value: it may be a secret.
    error = call_error(call.doc(), LocatedJson::child("", key),
                       "`" + std::string(key) + "` must be a string");
    return std::nullopt;
  }
  return std::string_view(value.get_ref<const std::string&>());
}

// An integer member within [low, high]; `fallback` when absent.
std::optional<int64_t> integer_member(const Call& call, const char* key, int64_t low, int64_t high,
                                      int64_t fallback, std::optional<Error>& error) {
  const Json& root = call.root();
  if (!root.contains(key)) return fallback;
  const Json& value = root.at(key);
  const bool in_range = (value.is_number_integer() && !value.is_number_unsigned() &&
                         value.get<int64_t>() >= low && value.get<int64_t>() <= high) ||
                        (value.is_number_unsigned() && value.get<uint64_t>() <= uint64_t(high) &&
                         int64_t(value.get<uint64_t>()) >= low);
  if (!in_range) {
    error = call_error(call.doc(), LocatedJson::child("", key),
                       "`" + std::string(key) + "` must be an integer from " + std::to_string(low) +
                           " to " + std::to_string(high));
    return std::nullopt;
  }
  return value.is_number_unsigned() ? int64_t(value.get<uint64_t>()) : value.get<int64_t>();
}

int64_t clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<webhook::Scheme> scheme_member(const Call& call, std::optional<Error>& error) {
  std::optional<std::string_view> text = string_member(call, "scheme", false, error);
  if (error) return std::nullopt;
  if (!text || *text == "stripe") return webhook::Scheme::stripe;
  if (*text == "generic") return webhook::Scheme::generic;
  error = call_error(call.doc(), "/scheme", "`scheme` must be \"stripe\" or \"generic\"");
  return std::nullopt;
}

constexpr int64_t kMaxNow = 999999999999;  // what a 12-digit timestamp can be compared with

std::string verify(std::string_view call_json, ReplayStore* store) {
  auto call = parse_call(call_json,
                         {"scheme", "payload", "signature", "timestamp", "secrets", "now",
                          "toleranceSeconds", "replayScope"},
                         {"secrets"});
  if (!call) return domain_json::failure_answer(call.error());
  std::optional<Error> error;
  const std::optional<webhook::Scheme> scheme = scheme_member(*call, error);
  if (error) return domain_json::failure_answer(*error);
  const auto payload = string_member(*call, "payload", true, error);
  if (error) return domain_json::failure_answer(*error);
  // A missing header is a refused delivery, not a malformed call: the header comes from
  // whoever sent the request.
  const auto signature = string_member(*call, "signature", false, error);
  if (error) return domain_json::failure_answer(*error);
  const auto timestamp = string_member(*call, "timestamp", false, error);
  if (error) return domain_json::failure_answer(*error);
  if (timestamp && *scheme == webhook::Scheme::stripe)
    return domain_json::failure_answer(call_error(
        call->doc(), "/timestamp", "`timestamp` is for the generic scheme (stripe's is in `t=`)"));
  const auto replay_scope = string_member(*call, "replayScope", false, error);
  if (error) return domain_json::failure_answer(*error);
  const auto now = integer_member(*call, "now", 0, kMaxNow, -1, error);
  if (error) return domain_json::failure_answer(*error);
  const auto tolerance = integer_member(*call, "toleranceSeconds", 0, 86400, 300, error);
  if (error) return domain_json::failure_answer(*error);

  std::vector<SecretBytes> secrets;
  if (!call->root().contains("secrets") || !call->root().at("secrets").is_array())
    return domain_json::failure_answer(
        call_error(call->doc(), call->root().contains("secrets") ? "/secrets" : "",
                   "the call needs `secrets`: an array of strings (empty: none configured)"));
  const Json& secret_list = call->root().at("secrets");
  for (size_t i = 0; i < secret_list.size(); ++i) {
    if (!secret_list[i].is_string())
      return domain_json::failure_answer(call_error(call->doc(), LocatedJson::child("/secrets", i),
                                                    "each secret must be a string"));
    secrets.push_back(SecretBytes::from(secret_list[i].get_ref<const std::string&>()));
  }

  webhook::Delivery delivery;
  delivery.scheme = *scheme;
  delivery.payload = *payload;
  delivery.signature_header = signature.value_or("");
  delivery.timestamp_header = timestamp.value_or("");
  webhook::VerifyOptions options;
  options.now = *now >= 0 ? *now : clock_now();
  options.tolerance_seconds = *tolerance;
  options.replay_store = store;
  options.replay_scope = std::string(replay_scope.value_or(""));
  webhook::Verdict verdict = webhook::verify(delivery, secrets, options);

  // A missing header reads as an empty one; say so rather than "the header is empty".
  if (!signature && *scheme == webhook::Scheme::stripe &&
      verdict.outcome == webhook::Outcome::malformed)
    verdict.message = "the delivery has no signature header";

  return webhook_answer(verdict);
}

}  // namespace

std::string verify_webhook(std::string_view call_json) {
  return verify(call_json, nullptr);
}

std::string verify_webhook(std::string_view call_json, ReplayStore& store) {
  return verify(call_json, &store);
}

std::string sign_webhook(std::string_view call_json) {
  auto call = parse_call(call_json, {"scheme", "secret", "timestamp", "payload"}, {"secret"});
  if (!call) return domain_json::failure_answer(call.error());
  std::optional<Error> error;
  const std::optional<webhook::Scheme> scheme = scheme_member(*call, error);
  if (error) return domain_json::failure_answer(*error);
  const auto secret = string_member(*call, "secret", true, error);
  if (error) return domain_json::failure_answer(*error);
  if (secret->empty())
    return domain_json::failure_answer(
        call_error(call->doc(), "/secret", "`secret` must not be empty"));
  const auto payload = string_member(*call, "payload", true, error);
  if (error) return domain_json::failure_answer(*error);
  if (!call->root().contains("timestamp"))
    return domain_json::failure_answer(
        call_error(call->doc(), "", "the call needs `timestamp` (Unix seconds)"));
  const auto timestamp = integer_member(*call, "timestamp", 0, kMaxNow, 0, error);
  if (error) return domain_json::failure_answer(*error);
  ordered_json out;
  out["type"] = "success";
  out["signature"] = webhook::sign(*scheme, *secret, *timestamp, *payload);
  return dump(out);
}

std::string check_outbound_url(std::string_view call_json) {
  auto call = parse_call(call_json, {"url", "allowedPorts"});
  if (!call) return domain_json::failure_answer(call.error());
  std::optional<Error> error;
  const auto url = string_member(*call, "url", true, error);
  if (error) return domain_json::failure_answer(*error);
  OutboundUrlPolicy policy;
  if (call->root().contains("allowedPorts")) {
    const Json& ports = call->root().at("allowedPorts");
    if (!ports.is_array())
      return domain_json::failure_answer(call_error(
          call->doc(), "/allowedPorts", "`allowedPorts` must be an array of port numbers"));
    for (size_t i = 0; i < ports.size(); ++i) {
      if (!ports[i].is_number_integer() || ports[i].get<int64_t>() < 1 ||
          ports[i].get<int64_t>() > 65535)
        return domain_json::failure_answer(call_error(call->doc(),
                                                      LocatedJson::child("/allowedPorts", i),
                                                      "a port is an integer from 1 to 65535"));
      policy.allowed_ports.push_back(uint16_t(ports[i].get<int64_t>()));
    }
  }
  return url_answer(cordon::check_outbound_url(*url, policy));
}

std::string check_credential(std::string_view call_json) {
  auto call = parse_call(call_json, {"digest", "authorization", "presented"},
                         {"authorization", "presented"});
  if (!call) return domain_json::failure_answer(call.error());
  std::optional<Error> error;
  std::string_view digest;
  if (!call->root().contains("digest"))
    return domain_json::failure_answer(call_error(
        call->doc(), "", "the call needs `digest` (\"sha256:<hex>\", or null when unset)"));
  if (!call->root().at("digest").is_null()) {
    const auto text = string_member(*call, "digest", true, error);
    if (error) return domain_json::failure_answer(*error);
    digest = *text;
  }
  const auto authorization = string_member(*call, "authorization", false, error);
  if (error) return domain_json::failure_answer(*error);
  const auto presented = string_member(*call, "presented", false, error);
  if (error) return domain_json::failure_answer(*error);
  if (authorization.has_value() == presented.has_value())
    return domain_json::failure_answer(call_error(
        call->doc(), "", "the call needs one of `authorization` (a header) or `presented`"));
  const CredentialCheck check =
      authorization ? check_bearer(*authorization, digest) : check_secret(*presented, digest);
  return credential_answer(check);
}

std::string credential_digest(std::string_view call_json) {
  auto call = parse_call(call_json, {"token"}, {"token"});
  if (!call) return domain_json::failure_answer(call.error());
  std::optional<Error> error;
  const auto token = string_member(*call, "token", true, error);
  if (error) return domain_json::failure_answer(*error);
  Result<std::string> digest = cordon::credential_digest(*token);
  if (!digest)
    return domain_json::failure_answer(call_error(call->doc(), "/token", digest.error().message));
  ordered_json out;
  out["type"] = "success";
  out["digest"] = *digest;
  return dump(out);
}

std::string webhook_answer(const webhook::Verdict& verdict) {
  ordered_json result;
  result["verified"] = verdict.verified;
  result["outcome"] = webhook::to_string(verdict.outcome);
  result["message"] = verdict.message;
  const bool parsed = verdict.outcome != webhook::Outcome::unset &&
                      verdict.outcome != webhook::Outcome::misconfigured &&
                      verdict.outcome != webhook::Outcome::malformed;
  result["timestamp"] = parsed ? ordered_json(verdict.timestamp) : ordered_json();
  const bool matched = !verdict.replay_key.empty();
  result["replayKey"] = matched ? ordered_json(verdict.replay_key) : ordered_json();
  result["replayExpiresAt"] = matched ? ordered_json(verdict.replay_expires_at) : ordered_json();
  result["secretIndex"] = matched ? ordered_json(verdict.secret_index) : ordered_json();
  return success_result(std::move(result));
}

std::string url_answer(const OutboundUrlCheck& check) {
  ordered_json result;
  result["allowed"] = check.allowed;
  result["verdict"] = to_string(check.verdict);
  result["message"] = check.message;
  result["host"] = check.host.empty() ? ordered_json() : ordered_json(check.host);
  result["port"] = check.host.empty() ? ordered_json() : ordered_json(check.port);
  result["address"] = check.address ? ordered_json(check.address->to_string()) : ordered_json();
  result["addressClass"] =
      check.address ? ordered_json(to_string(classify_address(*check.address).address_class))
                    : ordered_json();
  if (!check.resolved.empty()) {
    ordered_json resolved = ordered_json::array();
    for (const IpAddress& address : check.resolved) resolved.push_back(address.to_string());
    result["resolved"] = std::move(resolved);
  }
  return success_result(std::move(result));
}

std::string credential_answer(const CredentialCheck& check) {
  ordered_json result;
  result["state"] = to_string(check.state);
  result["message"] = check.message;
  return success_result(std::move(result));
}

}  // namespace cordon::verify_json
