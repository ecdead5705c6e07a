#include "telemetry/scrub_profiles.h"

#include <algorithm>

#include "cedar/json_value.h"
#include "cordon/masks.h"
#include "crypto/crypto.h"
#include "masks/field_masks.h"
#include "masks/json_path.h"

namespace cordon {

using Json = nlohmann::json;
using json::LocatedJson;

namespace telemetry {

std::string normalize_key(std::string_view key) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  std::string out;
  out.reserve(key.size() + 4);
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (upper(c)) {
      // A hump: "firstName" -> first_name; "APIKey" -> api_key (before the last capital of
      // a run that a lower-case letter follows).
      bool hump =
          i > 0 && (lower_or_digit(key[i - 1]) || (upper(key[i - 1]) && i + 1 < key.size() &&
                                                   key[i + 1] >= 'a' && key[i + 1] <= 'z'));
      if (hump && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == '-' || c == ' ') {
      out += '_';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace telemetry

namespace domain {

namespace {

std::optional<telemetry::Method> method_from(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  const std::string& s = j.get_ref<const std::string&>();
  if (s == "remove") return telemetry::Method::remove;
  if (s == "replace") return telemetry::Method::replace;
  if (s == "mask") return telemetry::Method::mask;
  if (s == "hash") return telemetry::Method::hash;
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<const ScrubProfiles>> parse_scrub_profiles(const LocatedJson& doc,
                                                                  const BundleContext&) {
  auto out = std::make_shared<ScrubProfiles>();
  const Json& root = doc.root();
  if (!root.is_object() || !root.contains("profiles") || !root.at("profiles").is_object())
    return doc.error("", "scrub must be {\"profiles\": {name: profile}}");
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it.key() != "profiles")
      return doc.key_error("/" + it.key(), "unknown key `" + it.key() + "` (expected profiles)");
  for (auto p = root.at("profiles").begin(); p != root.at("profiles").end(); ++p) {
    std::string where = LocatedJson::child("/profiles", p.key());
    if (!p.value().is_object()) return doc.error(where, "a profile is an object");
    telemetry::ScrubProfile profile;
    profile.name = p.key();
    bool hashes = false;
    for (auto k = p.value().begin(); k != p.value().end(); ++k) {
      std::string at = LocatedJson::child(where, k.key());
      if (k.key() == "replacement") {
        if (!k.value().is_string()) return doc.error(at, "`replacement` must be a string");
        profile.replacement = k.value().get<std::string>();
      } else if (k.key() == "keys") {
        if (!k.value().is_array()) return doc.error(at, "`keys` must be an array of key rules");
        for (size_t i = 0; i < k.value().size(); ++i) {
          const Json& r = k.value()[i];
          std::string rule_at = LocatedJson::child(at, i);
          if (!r.is_object()) return doc.error(rule_at, "a key rule is {match, names, method}");
          telemetry::KeyRule rule;
          for (auto f = r.begin(); f != r.end(); ++f) {
            std::string field_at = LocatedJson::child(rule_at, f.key());
            if (f.key() == "match") {
              const Json& m = f.value();
              if (m == "exact") rule.match = telemetry::KeyRule::Match::exact;
              else if (m == "prefix") rule.match = telemetry::KeyRule::Match::prefix;
              else if (m == "suffix") rule.match = telemetry::KeyRule::Match::suffix;
              else if (m == "contains") rule.match = telemetry::KeyRule::Match::contains;
              else
                return doc.error(field_at,
                                 "`match` must be \"exact\", \"prefix\", \"suffix\" or \"contains\"");
            } else if (f.key() == "names") {
              if (!f.value().is_array() || f.value().empty())
                return doc.error(field_at, "`names` must be a non-empty array of strings");
              for (const auto& n : f.value()) {
                if (!n.is_string() || n.get<std::string>().empty())
                  return doc.error(field_at, "`names` must be non-empty strings");
                std::string name = telemetry::normalize_key(n.get<std::string>());
                size_t dot = name.find('.');
                if (dot != std::string::npos && (dot == 0 || dot + 1 == name.size() ||
                                                 name.find('.', dot + 1) != std::string::npos))
                  return doc.error(field_at, "a dotted name is `parent.key`, both non-empty");
                rule.names.push_back(std::move(name));
              }
            } else if (f.key() == "except") {
              if (!f.value().is_array())
                return doc.error(field_at, "`except` must be an array of key names");
              for (const auto& n : f.value()) {
                if (!n.is_string() || n.get<std::string>().empty())
                  return doc.error(field_at, "`except` must be non-empty strings");
                rule.except.push_back(telemetry::normalize_key(n.get<std::string>()));
              }
            } else if (f.key() == "method") {
              auto m = method_from(f.value());
              if (!m) return doc.error(field_at, "`method` must be remove, replace, mask or hash");
              rule.method = *m;
            } else {
              return doc.key_error(field_at, "unknown key `" + f.key() +
                                                 "` (expected match, names, except, method)");
            }
          }
          if (rule.names.empty()) return doc.error(rule_at, "a key rule needs `names`");
          hashes = hashes || rule.method == telemetry::Method::hash;
          profile.keys.push_back(std::move(rule));
        }
      } else if (k.key() == "values") {
        if (!k.value().is_array()) return doc.error(at, "`values` must be an array of detectors");
        for (size_t i = 0; i < k.value().size(); ++i) {
          const Json& r = k.value()[i];
          std::string rule_at = LocatedJson::child(at, i);
          if (!r.is_object() || !r.contains("detector") || !r.at("detector").is_string())
            return doc.error(rule_at, "a value rule is {detector, method}");
          telemetry::DetectorRule rule;
          for (auto f = r.begin(); f != r.end(); ++f) {
            std::string field_at = LocatedJson::child(rule_at, f.key());
            if (f.key() == "detector") {
              auto d = telemetry::detector_from_name(f.value().get<std::string>());
              if (!d)
                return doc.error(field_at, "unknown detector `" + f.value().get<std::string>() +
                                               "` (" + telemetry::kDetectorNames + ")");
              rule.detector = *d;
            } else if (f.key() == "method") {
              auto m = method_from(f.value());
              if (!m) return doc.error(field_at, "`method` must be remove, replace, mask or hash");
              rule.method = *m;
            } else {
              return doc.key_error(field_at,
                                   "unknown key `" + f.key() + "` (expected detector, method)");
            }
          }
          hashes = hashes || rule.method == telemetry::Method::hash;
          profile.values.push_back(rule);
        }
      } else {
        return doc.key_error(at, "unknown key `" + k.key() +
                                     "` (expected replacement, keys, values)");
      }
    }
    profile.hashes = hashes;
    out->profiles.emplace(p.key(), std::move(profile));
  }
  return std::shared_ptr<const ScrubProfiles>(std::move(out));
}

}  // namespace domain

namespace {

using telemetry::KeyRule;
using telemetry::Method;
using telemetry::ScrubProfile;

class Scrubber {
 public:
  Scrubber(const ScrubProfile& profile, const std::string& hash_key, ScrubbedEvent& out)
      : profile_(profile), hash_key_(hash_key), out_(out) {}

  // Scrubs `node` in place. `parent` is the key of the object member that holds it.
  void walk(Json& node, masks::Pointer& at, const std::string& parent = "") {
    if (node.is_object()) {
      std::vector<std::string> remove;
      for (auto it = node.begin(); it != node.end(); ++it) {
        at.emplace_back(it.key());
        if (const KeyRule* rule = key_rule(it.key(), parent)) {
          if (rule->method == Method::remove) remove.push_back(it.key());
          else apply_to_value(it.value(), rule->method, at);
        } else {
          walk(it.value(), at, it.key());
        }
        at.pop_back();
      }
      for (const auto& k : remove) {
        at.emplace_back(k);
        out_.removed.push_back(masks::to_json_pointer(at));
        at.pop_back();
        node.erase(k);
      }
    } else if (node.is_array()) {
      const KeyRule* flag = nullptr;  // the previous element was a flag such as "--api-key"
      for (size_t i = 0; i < node.size(); ++i) {
        at.emplace_back(i);
        Json& element = node[i];
        if (flag && element.is_string()) {
          apply_to_value(element, flag->method == Method::remove ? Method::replace : flag->method,
                         at);
          flag = nullptr;
          at.pop_back();
          continue;
        }
        flag = nullptr;
        // A header pair ["Authorization", "Bearer ..."]: the first element names the second.
        if (element.is_array() && element.size() == 2 && element[0].is_string()) {
          if (const KeyRule* rule = key_rule(element[0].get_ref<const std::string&>(), parent)) {
            at.emplace_back(size_t{1});
            apply_to_value(element[1], rule->method == Method::remove ? Method::replace
                                                                       : rule->method,
                           at);
            at.pop_back();
            at.pop_back();
            continue;
          }
        }
        // A command-line flag ("--api-key", "-p") names the element after it.
        if (element.is_string()) {
          const std::string& text = element.get_ref<const std::string&>();
          size_t dashes = text.find_first_not_of('-');
          if (dashes >= 1 && dashes <= 2 && dashes < text.size() &&
              text.find_first_of("= ") == std::string::npos)
            flag = key_rule(std::string_view(text).substr(dashes), "");
        }
        walk(element, at, parent);
        at.pop_back();
      }
    } else if (node.is_string()) {
      std::string text = node.get<std::string>();
      if (scrub_text(text)) {
        node = std::move(text);
        out_.replaced.push_back(masks::to_json_pointer(at));
      }
    }
  }

 private:
  const KeyRule* key_rule(std::string_view key, std::string_view parent) const {
    const std::string normalized = telemetry::normalize_key(key);
    std::string qualified =
        parent.empty() ? "" : telemetry::normalize_key(parent) + "." + normalized;
    for (const auto& rule : profile_.keys) {
      if (std::find(rule.except.begin(), rule.except.end(), normalized) != rule.except.end())
        continue;
      for (const auto& name : rule.names) {
        // `parent.key` names compare with the qualified key; they never match without a parent.
        bool dotted = name.find('.') != std::string::npos;
        if (dotted && qualified.empty()) continue;
        const std::string& k = dotted ? qualified : normalized;
        bool hit = false;
        switch (rule.match) {
          case KeyRule::Match::exact: hit = k == name; break;
          case KeyRule::Match::prefix: hit = k.compare(0, name.size(), name) == 0; break;
          case KeyRule::Match::suffix:
            hit = k.size() >= name.size() && k.compare(k.size() - name.size(), name.size(), name) == 0;
            break;
          case KeyRule::Match::contains: hit = k.find(name) != std::string::npos; break;
        }
        if (hit) return &rule;
      }
    }
    return nullptr;
  }

  std::string transform(std::string_view value, Method method) const {
    switch (method) {
      case Method::remove: return "";
      case Method::replace: return profile_.replacement;
      case Method::mask: {
        std::string out(value);
        for (char& c : out)
          if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              static_cast<unsigned char>(c) >= 0x80)
            c = '*';
        return out;
      }
      case Method::hash:
        return "hmac-sha256:" +
               crypto::hex_encode(crypto::hmac_sha256(hash_key_, value)).substr(0, 16);
    }
    return profile_.replacement;
  }

  // A value under a matching key: the whole value goes, whatever its type.
  void apply_to_value(Json& value, Method method, masks::Pointer& at) {
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    value = method == Method::remove ? Json(profile_.replacement) : Json(transform(text, method));
    out_.replaced.push_back(masks::to_json_pointer(at));
  }

  // Free text: `name=value` / `name: value` / `"name": "value"` pairs whose name a key rule
  // matches (URLs, headers written as text, log lines, JSON text), then every detector.
  // A string with percent-escapes (a URL inside a query string, `jo%40x.org`) is then
  // scrubbed again decoded; when that finds more, the decoded, scrubbed text replaces it.
  // Returns whether the text changed.
  bool scrub_text(std::string& text) const {
    bool changed = scrub_plain_text(text);
    std::string decoded;
    if (percent_decode(text, decoded) && scrub_plain_text(decoded)) {
      text = std::move(decoded);
      changed = true;
    }
    return changed;
  }

  bool scrub_plain_text(std::string& text) const {
    bool changed = scrub_named_values(text);
    for (const auto& rule : profile_.values) {
      auto matches = telemetry::find_all(rule.detector, text);
      if (matches.empty()) continue;
      std::string out;
      size_t last = 0;
      for (const auto& m : matches) {
        out.append(text, last, m.begin - last);
        out += transform(std::string_view(text).substr(m.begin, m.end - m.begin), rule.method);
        last = m.end;
      }
      out.append(text, last, std::string::npos);
      text = std::move(out);
      changed = true;
    }
    return changed;
  }

  // Decodes %XX escapes (not `+`). False when there are none, or when the decoded bytes
  // are not UTF-8 (a scrubbed event stays valid JSON text).
  static bool percent_decode(const std::string& text, std::string& out) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    out.clear();
    bool any = false;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
        out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
        i += 2;
        any = true;
      } else {
        out += text[i];
      }
    }
    return any && valid_utf8(out);
  }

  static bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      size_t n = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
      if (n == 0 || i + n > s.size()) return false;
      uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
      for (size_t k = 1; k < n; ++k) {
        unsigned char d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (d & 0x3F);
      }
      if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return false;
      i += n;
    }
    return true;
  }

  bool scrub_named_values(std::string& text) const {
    if (profile_.keys.empty()) return false;
    bool changed = false;
    auto name_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    };
    size_t i = 0;
    while (i < text.size()) {
      if (!name_char(text[i]) || (i > 0 && name_char(text[i - 1]))) {
        ++i;
        continue;
      }
      size_t name_end = i;
      while (name_end < text.size() && name_char(text[name_end])) ++name_end;
      size_t v = name_end;
      // JSON text: the name's closing quote, matching the one before it.
      if (v < text.size() && i > 0 && (text[v] == '"' || text[v] == '\'') && text[i - 1] == text[v])
        ++v;
      bool separator = false;
      if (v < text.size() && text[v] == '=') {
        ++v;
        separator = true;
      } else if (v < text.size() && text[v] == ':') {
        ++v;
        while (v < text.size() && text[v] == ' ') ++v;
        separator = true;
      }
      const KeyRule* rule =
          separator ? key_rule(std::string_view(text).substr(i, name_end - i), "") : nullptr;
      if (!rule) {
        i = name_end;
        continue;
      }
      char quote = 0;
      if (v < text.size() && (text[v] == '"' || text[v] == '\'')) quote = text[v++];
      // "Authorization: Bearer x": the credential is what follows the scheme.
      for (const char* scheme : {"bearer ", "basic ", "token "}) {
        size_t n = std::char_traits<char>::length(scheme);
        if (telemetry::normalize_key(std::string_view(text).substr(v, n)) ==
            telemetry::normalize_key(scheme).substr(0, n - 1) + "_")
          v += n;
      }
      size_t end = v;
      if (quote) {
        // A quoted value runs to its closing quote (a backslash escapes one character).
        while (end < text.size() && text[end] != quote) end += text[end] == '\\' ? 2 : 1;
        end = std::min(end, text.size());
      } else if (v < text.size() && (text[v] == '{' || text[v] == '[')) {
        end = v;  // JSON text's object or array: its own pairs are scrubbed one by one
      } else {
        while (end < text.size() && text[end] != '&' && text[end] != ';' && text[end] != ',' &&
               text[end] != '"' && text[end] != '\'' && text[end] != '\n' && text[end] != ' ')
          ++end;
      }
      if (end > v) {
        std::string replacement = transform(std::string_view(text).substr(v, end - v),
                                            rule->method == Method::remove ? Method::replace
                                                                           : rule->method);
        text.replace(v, end - v, replacement);
        end = v + replacement.size();
        changed = true;
      }
      i = std::max(end, name_end);
    }
    return changed;
  }

  const ScrubProfile& profile_;
  const std::string& hash_key_;
  ScrubbedEvent& out_;
};

}  // namespace

Result<ScrubbedEvent> scrub_telemetry(const Bundle& bundle, std::string_view event_json,
                                      std::string_view profile) {
  const auto& data = bundle.data();
  auto fail = [](std::string message) {
    Error err;
    err.kind = ErrorKind::domain;
    err.message = std::move(message);
    return err;
  };
  if (!data.scrub) return fail("bundle `" + data.manifest.name + "` has no scrub profiles");
  auto it = data.scrub->profiles.find(std::string(profile));
  if (it == data.scrub->profiles.end())
    return fail("unknown scrub profile `" + std::string(profile) + "`");
  // Keyed hashing only: without a key, a hashing profile refuses rather than weakening.
  if (it->second.hashes && data.scrub_hash_key.empty())
    return fail("scrub profile `" + std::string(profile) +
                "` hashes values, but no scrub hash key was given when the bundle was loaded");
  auto parsed = cedar::parse_json(event_json, {}, "the event");
  if (!parsed) return parsed.error();
  Json doc = std::move(parsed).value();
  // Bounded nesting, measured without recursion.
  std::vector<std::pair<const Json*, int>> stack{{&doc, 1}};
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth > masks::kMaxPayloadDepth)
      return fail("the event is nested deeper than " + std::to_string(masks::kMaxPayloadDepth) +
                  " levels");
    if (node->is_structured())
      for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  ScrubbedEvent out;
  Scrubber scrubber(it->second, data.scrub_hash_key, out);
  masks::Pointer at;
  scrubber.walk(doc, at);
  out.event_json = doc.dump();
  return out;
}

std::string ScrubbedEvent::to_json() const {
  nlohmann::ordered_json out;
  out["event"] = nlohmann::ordered_json::parse(event_json);
  out["removed"] = removed;
  out["replaced"] = replaced;
  return out.dump();
}

}  // namespace cordon
