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

// A call's document must be an object with only the `known` keys.
Result<LocatedJson> only_known_keys(Result<LocatedJson> doc,
                                    std::initializer_list<const char*> known) {
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

// Parses a call: UTF-8 JSON (RFC 8259), an object with only the `known` keys. Members named
// in `raw` are checked but not built (LocatedJson::raw gives their text).
Result<LocatedJson> parse_call(std::string_view text, std::initializer_list<const char*> known,
                               const std::vector<std::string_view>& raw = {}) {
  if (!domain::is_valid_utf8(text)) {
    Error err;
    err.kind = ErrorKind::json;
    err.message = "the call is not UTF-8 text";
    return err;
  }
  return only_known_keys(LocatedJson::parse(text, "call", raw), known);
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

// JSON's white space from `at` on.
size_t skip_space(std::string_view text, size_t at) {
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t'))
    ++at;
  return at;
}

// `token` at `at`, after white space: the offset after it, or npos.
size_t after_token(std::string_view text, size_t at, std::string_view token) {
  at = skip_space(text, at);
  return text.substr(at, token.size()) == token ? at + token.size() : std::string_view::npos;
}

// Where the event starts and which profile the call names, when its text shows them plainly:
// `{"event": EVENT, ..., "profile": "NAME"}` or `{"profile": "NAME", "event": EVENT, ...}`
// (names without escapes). Only a guess, to scrub the event before the call is read: the
// call's reading then says whether it was right.
struct Layout {
  size_t event = std::string_view::npos;
  std::string_view profile;
};
Layout plain_layout(std::string_view call) {
  Layout layout;
  // A plain string at `at` (no escapes): its text, and `at` moved past it.
  auto plain_string = [&call](size_t& at, std::string_view& value) {
    at = skip_space(call, at);
    if (at >= call.size() || call[at] != '"') return false;
    const size_t end = call.find_first_of("\"\\", at + 1);
    if (end == std::string_view::npos || call[end] != '"') return false;
    value = call.substr(at + 1, end - at - 1);
    at = end + 1;
    return true;
  };
  size_t at = after_token(call, 0, "{");
  if (at == std::string_view::npos) return layout;
  if (size_t event = after_token(call, at, "\"event\""); event != std::string_view::npos) {
    event = after_token(call, event, ":");
    if (event == std::string_view::npos) return layout;
    // The profile, from the end: `, "profile": "NAME" }`.
    size_t end = call.size();
    while (end > 0 && (call[end - 1] == ' ' || call[end - 1] == '\n' || call[end - 1] == '\r' ||
                       call[end - 1] == '\t'))
      --end;
    if (end == 0 || call[end - 1] != '}') return layout;
    const size_t close = call.rfind('"', end - 1);
    if (close == std::string_view::npos || close == 0) return layout;
    const size_t open = call.rfind('"', close - 1);
    if (open == std::string_view::npos ||
        call.substr(open + 1, close - open - 1).find('\\') != std::string_view::npos)
      return layout;
    size_t colon = open;
    while (colon > 0 && (call[colon - 1] == ' ' || call[colon - 1] == '\n' ||
                         call[colon - 1] == '\r' || call[colon - 1] == '\t'))
      --colon;
    const std::string_view key = "\"profile\":";
    if (colon < key.size() || call.substr(colon - key.size(), key.size()) != key) return layout;
    layout.event = skip_space(call, event);
    layout.profile = call.substr(open + 1, close - open - 1);
    return layout;
  }
  std::string_view key, profile;
  if (!plain_string(at, key) || key != "profile") return layout;
  at = after_token(call, at, ":");
  if (at == std::string_view::npos || !plain_string(at, profile)) return layout;
  at = after_token(call, at, ",");
  if (at == std::string_view::npos) return layout;
  at = after_token(call, at, "\"event\"");
  if (at == std::string_view::npos) return layout;
  at = after_token(call, at, ":");
  if (at == std::string_view::npos) return layout;
  layout.event = skip_space(call, at);
  layout.profile = profile;
  return layout;
}

// The scrub call's profile: the call has an event and names a declared profile. Both ways
// of reading the call check it here, so that they accept exactly the same calls.
Result<std::string> checked_scrub_profile(const Bundle& bundle, const LocatedJson& doc) {
  if (!doc.root().contains("event")) return call_error(doc, "", "the call needs `event`");
  auto profile = string_member(doc, "profile");
  if (!profile) return profile.error();
  if (bundle.data().scrub) {
    if (auto error = check_declared(doc, "profile", *profile,
                                    keys_of(bundle.data().scrub->profiles), "scrub profile"))
      return *error;
  }
  return profile;
}

// The scrub call with its event read once, not twice. When the call's text shows where the
// event starts and which profile it names (plain_layout), the event is scrubbed first, which
// finds where it ends, and the call is read around it; otherwise the call is read first with
// the event only delimited (LocatedJson::parse_first_try), then the event is scrubbed.
// Scrubbing reads the event as strictly as reading the call would (grammar, duplicate keys,
// depth, 64-bit integers). Nothing on any failure: the answer is then the full read's, which
// says which error comes first and where.
std::optional<std::string> scrub_telemetry_reading_event_once(const Bundle& bundle,
                                                              std::string_view call_json) {
  if (!domain::is_valid_utf8(call_json)) return std::nullopt;
  const std::initializer_list<const char*> known = {"event", "profile"};
  const std::vector<std::string_view> raw = {"event"};
  std::optional<ScrubbedEvent> scrubbed;
  size_t event_end = 0;  // where the event scrubbed first ends
  Result<LocatedJson> doc = Error{};
  const Layout layout = plain_layout(call_json);
  if (layout.event != std::string_view::npos) {
    size_t length = 0;
    auto result = telemetry::scrub_leading_event(bundle, call_json.substr(layout.event),
                                                 layout.profile, length);
    if (result) {
      scrubbed = std::move(*result);
      event_end = layout.event + length;
      doc = only_known_keys(
          LocatedJson::parse_first_try(call_json, "call", raw, layout.event, event_end), known);
    }
  }
  if (!scrubbed) doc = only_known_keys(LocatedJson::parse_first_try(call_json, "call", raw), known);
  if (!doc) return std::nullopt;
  auto profile = checked_scrub_profile(bundle, *doc);
  if (!profile) return std::nullopt;
  const std::string_view event = *doc->raw("event");
  // The event scrubbed first must be the call's event, with the profile the call names.
  if (scrubbed && (*profile != layout.profile || event.data() != call_json.data() + layout.event ||
                   event.size() != event_end - layout.event))
    scrubbed.reset();
  if (!scrubbed) {
    auto result = telemetry::scrub_event(bundle, event, *profile, true);
    if (!result) return std::nullopt;
    scrubbed = std::move(*result);
  }
  // success_with's text, with the scrubbed event copied once (not into to_json()'s string
  // and then into the answer).
  std::string answer = "{\"type\":\"success\",\"result\":";
  telemetry::append_json(*scrubbed, answer, 1);
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
  auto profile = checked_scrub_profile(bundle, *doc);
  if (!profile) return failure(profile.error());
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
