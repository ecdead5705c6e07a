// The domain calls as JSON text in, JSON text out (cordon/domain_json.h): each reads its
// call, hands typed values to the C++ call, and writes {"type":"success", ...} or
// {"type":"failure","errors":[...]}. Every binding goes through here, so the three
// builds answer byte for byte the same.
#include "cordon/domain_json.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <vector>

#include "cedar/answer_json.h"
#include "cedar/entity_store.h"
#include "cordon/gates.h"
#include "cordon/masks.h"
#include "cordon/routes.h"
#include "domain/bundle_data.h"
#include "json/located_json.h"
#include "masks/field_masks.h"
#include "routes/route_evaluation.h"
#include "routes/route_table.h"
#include "telemetry/scrub_profiles.h"

namespace cordon::domain_json {

using json::LocatedJson;
using nlohmann::ordered_json;
using Json = nlohmann::json;

namespace {

std::string failure(const Error& error) {
  ordered_json detailed = cedar::detailed_error(error);
  // The kind, so that a binding can raise a typed error without reading the message.
  detailed["code"] = to_string(error.kind);
  ordered_json out;
  out["type"] = "failure";
  out["errors"] = ordered_json::array({std::move(detailed)});
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

Error call_error(const LocatedJson& doc, const std::string& pointer, std::string message) {
  return doc.error(pointer, std::move(message), ErrorKind::domain);
}

// Parses a call: UTF-8 JSON (RFC 8259), an object with only the `known` keys. Members named
// in `raw` are checked but not built (LocatedJson::raw gives their text).
Result<LocatedJson> parse_call(std::string_view text, std::initializer_list<const char*> known,
                               const std::vector<std::string_view>& raw = {},
                               LocatedJson::Reading reading = LocatedJson::Reading::full) {
  if (!domain::is_valid_utf8(text)) {
    Error err;
    err.kind = ErrorKind::json;
    err.message = "the call is not UTF-8 text";
    return err;
  }
  auto doc = LocatedJson::parse(text, "call", raw, reading);
  if (!doc) return doc.error();
  const Json& root = doc->root();
  if (!root.is_object()) return call_error(*doc, "", "the call must be a JSON object");
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }) !=
        known.end())
      continue;
    std::string expected;
    for (const char* k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
    return doc->key_error(LocatedJson::child("", it.key()),
                          "unknown key `" + it.key() + "` (expected " + expected + ")",
                          ErrorKind::domain);
  }
  return doc;
}

// A required (or defaulted) non-empty string member of the call.
Result<std::string> string_member(const LocatedJson& doc, const char* key,
                                  const char* fallback = nullptr) {
  const Json& root = doc.root();
  if (!root.contains(key)) {
    if (fallback) return std::string(fallback);
    return call_error(doc, "", "the call needs `" + std::string(key) + "`");
  }
  const Json& v = root.at(key);
  if (!v.is_string() || v.get_ref<const std::string&>().empty())
    return call_error(doc, LocatedJson::child("", key),
                      "`" + std::string(key) + "` must be a non-empty string");
  return v.get<std::string>();
}

Result<Session> session_member(const LocatedJson& doc, const char* key) {
  if (!doc.root().contains(key))
    return call_error(doc, "", "the call needs `" + std::string(key) + "` (a session)");
  return routes::session_from_json(doc, LocatedJson::child("", key));
}

// The session member `key` of a mask or gate call, whose roles must all be declared: an
// undeclared role is an error located at the role (the C++ calls report it unlocated).
Result<Session> declared_session(const Bundle& bundle, const LocatedJson& doc, const char* key) {
  auto session = session_member(doc, key);
  if (!session) return session;
  for (size_t i = 0; i < session->roles.size(); ++i) {
    const std::string& role = session->roles[i];
    if (bundle.data().entities.store().find(cedar::EntityUid{"Role", role})) continue;
    const std::string at = LocatedJson::child("/" + std::string(key) + "/roles", i);
    return call_error(doc, at,
                      "role `" + role + "` is not declared in bundle `" + bundle.name() + "`");
  }
  return session;
}

// `name`, the string member `key` of the call, must be one of `known` (what the bundle
// declares); otherwise an error located at the member that lists them.
std::optional<Error> check_declared(const LocatedJson& doc, const char* key,
                                    const std::string& name, const std::vector<std::string>& known,
                                    const std::string& what) {
  if (std::find(known.begin(), known.end(), name) != known.end()) return std::nullopt;
  std::string names;
  for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
  return call_error(doc, LocatedJson::child("", key),
                    "unknown " + what + " `" + name + "` (the bundle's " + what +
                        "s: " + (names.empty() ? std::string("none") : names) + ")");
}

template <class Map>
std::vector<std::string> keys_of(const Map& map) {
  std::vector<std::string> keys;
  for (const auto& entry : map) keys.push_back(entry.first);
  return keys;
}

// {"type":"success","<key>":<json text>}, for results that write their own JSON.
std::string success_with(const char* key, const std::string& json_text) {
  // Sized once: the text can be a scrubbed event of megabytes, which a chain of `+` copied
  // twice (the last append doubling the buffer).
  const std::string_view head = "{\"type\":\"success\",\"";
  std::string out;
  out.reserve(head.size() + std::strlen(key) + json_text.size() + 3);
  out.append(head).append(key).append("\":").append(json_text).push_back('}');
  return out;
}

// Reads the options object at `pointer` of `doc` (an object of strings, checked here).
Result<BundleLoadOptions> options_from(const LocatedJson& doc, const std::string& pointer) {
  BundleLoadOptions options;
  const Json& o = doc.root().at(Json::json_pointer(pointer));
  if (!o.is_object()) return call_error(doc, pointer, "`options` must be an object");
  for (auto it = o.begin(); it != o.end(); ++it) {
    const std::string at = LocatedJson::child(pointer, it.key());
    // Never echo these values: they are keys.
    if (!it.value().is_string()) return call_error(doc, at, "`" + it.key() + "` must be a string");
    const std::string& value = it.value().get_ref<const std::string&>();
    if (it.key() == "requireSignature") {
      if (value == "none")
        options.require_signature = SignatureAlgorithm::none;
      else if (value == "hmac-sha256")
        options.require_signature = SignatureAlgorithm::hmac_sha256;
      else if (value == "ed25519")
        options.require_signature = SignatureAlgorithm::ed25519;
      else
        return call_error(doc, at,
                          "`requireSignature` must be \"none\", \"hmac-sha256\" or \"ed25519\"");
    } else if (it.key() == "verificationKey") {
      options.verification_key = value;
    } else if (it.key() == "scrubHashKey") {
      options.scrub_hash_key = value;
    } else {
      return doc.key_error(at,
                           "unknown option `" + it.key() +
                               "` (expected requireSignature, verificationKey, scrubHashKey)",
                           ErrorKind::domain);
    }
  }
  return options;
}

}  // namespace

Result<Bundle> load_bundle(std::string_view call_json) {
  auto doc = parse_call(call_json, {"files", "options"});
  if (!doc) return doc.error();
  const Json& root = doc->root();
  if (!root.contains("files") || !root.at("files").is_object())
    return call_error(*doc, "", "the call needs `files`: {path: contents}");
  BundleFiles files;
  for (auto it = root.at("files").begin(); it != root.at("files").end(); ++it) {
    if (!it.value().is_string())
      return call_error(*doc, LocatedJson::child("/files", it.key()),
                        "the contents of `" + it.key() + "` must be a string");
    files.emplace(it.key(), it.value().get<std::string>());
  }
  BundleLoadOptions options;
  if (root.contains("options")) {
    auto read = options_from(*doc, "/options");
    if (!read) return read.error();
    options = std::move(read).value();
  }
  return Bundle::load(files, options);
}

Result<BundleLoadOptions> load_options(std::string_view options_json) {
  if (!domain::is_valid_utf8(options_json)) {
    Error err;
    err.kind = ErrorKind::json;
    err.message = "the options are not UTF-8 text";
    return err;
  }
  auto doc = LocatedJson::parse(options_json, "options");
  if (!doc) return doc.error();
  return options_from(*doc, "");
}

std::string load_answer(const Result<Bundle>& loaded) {
  if (!loaded) return failure(loaded.error());
  ordered_json out;
  out["type"] = "success";
  out["bundle"]["name"] = loaded->name();
  out["bundle"]["revision"] = loaded->revision();
  out["bundle"]["digest"] = loaded->digest();
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string failure_answer(const Error& error) {
  return failure(error);
}

std::string decide_route(const Bundle& bundle, std::string_view request_json) {
  if (!domain::is_valid_utf8(request_json)) {
    Error err;
    err.kind = ErrorKind::json;
    err.message = "the route request is not UTF-8 text";
    return failure(err);
  }
  auto request = RouteRequest::from_json(request_json);
  if (!request) return failure(request.error());
  ordered_json out;
  out["type"] = "success";
  out["decision"] = routes::decision_to_json(cordon::decide_route(bundle, *request));
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string apply_field_mask(const Bundle& bundle, std::string_view call_json) {
  auto doc = parse_call(call_json, {"payload", "viewer", "surface", "profile"});
  if (!doc) return failure(doc.error());
  if (!doc->root().contains("payload"))
    return failure(call_error(*doc, "", "the call needs `payload`"));
  auto viewer = declared_session(bundle, *doc, "viewer");
  if (!viewer) return failure(viewer.error());
  auto surface = string_member(*doc, "surface");
  if (!surface) return failure(surface.error());
  if (auto error =
          check_declared(*doc, "surface", *surface, bundle.data().manifest.surfaces, "surface"))
    return failure(*error);
  auto profile = string_member(*doc, "profile");
  if (!profile) return failure(profile.error());
  if (bundle.data().fields) {
    if (auto error = check_declared(*doc, "profile", *profile,
                                    keys_of(bundle.data().fields->profiles), "field-mask profile"))
      return failure(*error);
  }
  auto result = cordon::apply_field_mask(bundle, doc->root().at("payload").dump(), *viewer,
                                         *surface, *profile);
  if (!result) return failure(result.error());
  return success_with("result", result->to_json());
}

namespace {

// The scrub call with its event only delimited while the call is read: scrubbing then reads
// the event as strictly as reading the call would have (grammar, duplicate keys, depth,
// 64-bit integers), so a valid event is read once, not twice. Nothing on any failure: the
// answer is then the checked read's, which says which error comes first and where.
std::optional<std::string> scrub_telemetry_reading_event_once(const Bundle& bundle,
                                                              std::string_view call_json) {
  auto doc =
      parse_call(call_json, {"event", "profile"}, {"event"}, LocatedJson::Reading::first_try);
  if (!doc || !doc->root().contains("event")) return std::nullopt;
  auto profile = string_member(*doc, "profile");
  if (!profile) return std::nullopt;
  if (bundle.data().scrub &&
      check_declared(*doc, "profile", *profile, keys_of(bundle.data().scrub->profiles),
                     "scrub profile"))
    return std::nullopt;
  auto result = telemetry::scrub_event(bundle, *doc->raw("event"), *profile, true);
  if (!result) return std::nullopt;
  // success_with's text, with the scrubbed event copied once (not into to_json()'s string
  // and then into the answer).
  std::string answer = "{\"type\":\"success\",\"result\":";
  telemetry::append_json(*result, answer, 1);
  answer += '}';
  return answer;
}

}  // namespace

std::string scrub_telemetry(const Bundle& bundle, std::string_view call_json) {
  if (auto answer = scrub_telemetry_reading_event_once(bundle, call_json))
    return *std::move(answer);
  // The event is scrubbed from its text in the call: never built as a DOM here.
  auto doc = parse_call(call_json, {"event", "profile"}, {"event"});
  if (!doc) return failure(doc.error());
  if (!doc->root().contains("event"))
    return failure(call_error(*doc, "", "the call needs `event`"));
  auto profile = string_member(*doc, "profile");
  if (!profile) return failure(profile.error());
  if (bundle.data().scrub) {
    if (auto error = check_declared(*doc, "profile", *profile,
                                    keys_of(bundle.data().scrub->profiles), "scrub profile"))
      return failure(*error);
  }
  auto result = telemetry::scrub_event(bundle, *doc->raw("event"), *profile, true);
  if (!result) return failure(result.error());
  return success_with("result", result->to_json());
}

std::string check_gate(const Bundle& bundle, std::string_view call_json) {
  auto doc = parse_call(call_json, {"workflow", "actor", "facts"});
  if (!doc) return failure(doc.error());
  auto workflow = string_member(*doc, "workflow");
  if (!workflow) return failure(workflow.error());
  if (auto error = check_declared(*doc, "workflow", *workflow,
                                  keys_of(bundle.data().manifest.workflows), "workflow"))
    return failure(*error);
  auto actor = declared_session(bundle, *doc, "actor");
  if (!actor) return failure(actor.error());
  std::string facts = "{}";
  if (doc->root().contains("facts")) {
    if (!doc->root().at("facts").is_object())
      return failure(call_error(*doc, "/facts", "`facts` must be an object"));
    facts = doc->root().at("facts").dump();
  }
  auto result = cordon::check_gate(bundle, *workflow, *actor, facts);
  if (!result) return failure(result.error());
  return success_with("result", result->to_json());
}

std::string access_matrix(const Bundle& bundle, std::string_view call_json) {
  auto doc = parse_call(call_json, {"surface", "format"});
  if (!doc) return failure(doc.error());
  auto surface = string_member(*doc, "surface", "desktop");
  if (!surface) return failure(surface.error());
  auto format = string_member(*doc, "format", "json");
  if (!format) return failure(format.error());
  const auto& surfaces = bundle.data().manifest.surfaces;
  if (std::find(surfaces.begin(), surfaces.end(), *surface) == surfaces.end()) {
    std::string known;
    for (const auto& s : surfaces) known += (known.empty() ? "" : ", ") + s;
    return failure(
        call_error(*doc, doc->root().contains("surface") ? "/surface" : "",
                   "unknown surface `" + *surface + "` (the bundle's surfaces: " + known + ")"));
  }
  AccessMatrix matrix = cordon::access_matrix(bundle, *surface);
  if (*format == "json") return success_with("matrix", matrix.to_json());
  std::string text;
  if (*format == "markdown")
    text = matrix.to_markdown();
  else if (*format == "csv")
    text = matrix.to_csv();
  else if (*format == "html")
    text = matrix.to_html();
  else
    return failure(call_error(*doc, "/format",
                              "`format` must be \"json\", \"markdown\", \"csv\" or \"html\""));
  ordered_json out;
  out["type"] = "success";
  out["matrix"] = text;
  return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace cordon::domain_json
