#include "masks/field_masks.h"

#include <algorithm>

#include "cedar/answer_json.h"
#include "cedar/authorize.h"
#include "cedar/json_value.h"
#include "cordon/masks.h"
#include "domain/session_principal.h"

namespace cordon {

using Json = nlohmann::json;
using json::LocatedJson;

namespace domain {

Result<std::shared_ptr<const FieldMasks>> parse_field_masks(const LocatedJson& doc,
                                                            const BundleContext& context) {
  auto out = std::make_shared<FieldMasks>();
  const Json& root = doc.root();
  if (!root.is_object()) return doc.error("", "fields must be an object {\"classes\", \"profiles\"}");
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() != "classes" && it.key() != "profiles")
      return doc.key_error("/" + it.key(), "unknown key `" + it.key() +
                                               "` (expected classes, profiles)");
  }
  if (!root.contains("classes") || !root.at("classes").is_object())
    return doc.error("", "fields must have an object `classes`");
  for (auto c = root.at("classes").begin(); c != root.at("classes").end(); ++c) {
    std::string where = LocatedJson::child("/classes", c.key());
    if (!context.has_entity("FieldClass", c.key()))
      return doc.key_error(where, "field class `" + c.key() +
                                      "` is not declared as a FieldClass entity");
    const Json& spec = c.value();
    if (!spec.is_object()) return doc.error(where, "a field class is {\"selectors\", \"method\"}");
    masks::FieldClass fc;
    fc.name = c.key();
    for (auto k = spec.begin(); k != spec.end(); ++k) {
      std::string at = LocatedJson::child(where, k.key());
      if (k.key() == "selectors") {
        if (!k.value().is_array() || k.value().empty())
          return doc.error(at, "`selectors` must be a non-empty array of JSONPath strings");
        for (size_t i = 0; i < k.value().size(); ++i) {
          const Json& s = k.value()[i];
          if (!s.is_string()) return doc.error(LocatedJson::child(at, i), "expected a string");
          auto path = masks::JsonPath::parse(s.get<std::string>());
          if (!path) return doc.error(LocatedJson::child(at, i), path.error().message);
          fc.selectors.push_back(std::move(path).value());
        }
      } else if (k.key() == "method") {
        if (k.value() == "remove") fc.method = masks::MaskMethod::remove;
        else if (k.value() == "mask") fc.method = masks::MaskMethod::mask;
        else return doc.error(at, "`method` must be \"remove\" or \"mask\"");
      } else {
        return doc.key_error(at, "unknown key `" + k.key() + "` (expected selectors, method)");
      }
    }
    if (fc.selectors.empty()) return doc.error(where, "a field class needs `selectors`");
    out->classes.emplace(c.key(), std::move(fc));
  }
  if (root.contains("profiles")) {
    const Json& profiles = root.at("profiles");
    if (!profiles.is_object()) return doc.error("/profiles", "`profiles` must be an object");
    for (auto p = profiles.begin(); p != profiles.end(); ++p) {
      std::string where = LocatedJson::child("/profiles", p.key());
      if (!p.value().is_array())
        return doc.error(where, "a profile is an array of field class names");
      std::vector<std::string> classes;
      for (size_t i = 0; i < p.value().size(); ++i) {
        const Json& name = p.value()[i];
        if (!name.is_string() || !out->classes.count(name.get<std::string>()))
          return doc.error(LocatedJson::child(where, i),
                           "unknown field class " + name.dump() + " in profile `" + p.key() + "`");
        classes.push_back(name.get<std::string>());
      }
      out->profiles.emplace(p.key(), std::move(classes));
    }
  }
  return std::shared_ptr<const FieldMasks>(std::move(out));
}

}  // namespace domain

namespace {

Error mask_error(std::string message) {
  Error err;
  err.kind = ErrorKind::domain;
  err.message = std::move(message);
  return err;
}

int depth_of(const Json& j, int limit) {
  // Iterative, so a hostile payload cannot overflow the stack while being measured.
  std::vector<std::pair<const Json*, int>> stack{{&j, 1}};
  int deepest = 0;
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (deepest > limit) return deepest;
    if (node->is_structured())
      for (const auto& child : *node) stack.emplace_back(&child, depth + 1);
  }
  return deepest;
}

bool is_prefix(const masks::Pointer& prefix, const masks::Pointer& p) {
  return prefix.size() <= p.size() && std::equal(prefix.begin(), prefix.end(), p.begin());
}

Json* resolve(Json& doc, const masks::Pointer& p, size_t length) {
  Json* node = &doc;
  for (size_t i = 0; i < length; ++i) {
    if (const auto* index = std::get_if<size_t>(&p[i])) node = &(*node)[*index];
    else node = &(*node)[std::get<std::string>(p[i])];
  }
  return node;
}

}  // namespace

Result<MaskedPayload> apply_field_mask(const Bundle& bundle, std::string_view payload_json,
                                       const Session& viewer, std::string_view surface,
                                       std::string_view profile) {
  const auto& data = bundle.data();
  if (!data.fields) return mask_error("bundle `" + data.manifest.name + "` has no field classes");
  auto profile_it = data.fields->profiles.find(std::string(profile));
  if (profile_it == data.fields->profiles.end())
    return mask_error("unknown field-mask profile `" + std::string(profile) + "`");
  if (std::find(data.manifest.surfaces.begin(), data.manifest.surfaces.end(), surface) ==
      data.manifest.surfaces.end())
    return mask_error("unknown surface `" + std::string(surface) + "`");
  auto parsed = cedar::parse_json(payload_json, {}, "the payload");
  if (!parsed) return parsed.error();
  Json doc = std::move(parsed).value();
  if (depth_of(doc, masks::kMaxPayloadDepth) > masks::kMaxPayloadDepth)
    return mask_error("the payload is nested deeper than " +
                      std::to_string(masks::kMaxPayloadDepth) + " levels");

  auto principal = domain::session_principal(data, viewer);
  if (!principal) return principal.error();

  // One Cedar decision per field class, for the whole payload.
  MaskedPayload out;
  std::vector<std::pair<masks::Pointer, masks::MaskMethod>> hits;
  for (const auto& class_name : profile_it->second) {
    const masks::FieldClass& fc = data.fields->classes.at(class_name);
    detail::RequestData request;
    request.principal = principal->principal;
    request.action = cedar::Value::entity({"Action", "read_field"});
    request.resource = cedar::Value::entity({"FieldClass", class_name});
    request.context = cedar::Value::record(
        {{"surface", cedar::Value::string(std::string(surface))},
         {"browser", cedar::Value::boolean(data.manifest.browser_surfaces.count(
                         std::string(surface)) > 0)}});
    Response decision = cedar::authorize(request, data.policies.data(), principal->entities);
    if (decision.decision == Decision::allow) continue;  // errors deny: fail closed
    out.denied_classes.push_back(class_name);
    for (const auto& selector : fc.selectors)
      selector.for_each_match(doc, [&](const masks::Pointer& at) {
        if (!at.empty()) hits.emplace_back(at, fc.method);
      });
  }

  // Removal wins over masking, and a location inside a removed one is already gone.
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second < b.second;  // remove before mask
  });
  std::vector<std::pair<masks::Pointer, masks::MaskMethod>> kept;
  for (auto& hit : hits) {
    bool covered = false;
    for (const auto& k : kept)
      if (is_prefix(k.first, hit.first) && (k.second == masks::MaskMethod::remove ||
                                            k.first == hit.first))
        covered = true;
    if (!covered) kept.push_back(std::move(hit));
  }
  for (const auto& [at, method] : kept) {
    (method == masks::MaskMethod::remove ? out.removed : out.masked)
        .push_back(masks::to_json_pointer(at));
  }
  for (const auto& [at, method] : kept)
    if (method == masks::MaskMethod::mask) *resolve(doc, at, at.size()) = masks::kMaskedValue;
  // Remove from the last location backwards, so that array indexes stay valid.
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    if (it->second != masks::MaskMethod::remove) continue;
    Json* parent = resolve(doc, it->first, it->first.size() - 1);
    const auto& last = it->first.back();
    if (const auto* index = std::get_if<size_t>(&last)) parent->erase(*index);
    else parent->erase(std::get<std::string>(last));
  }
  out.payload_json = doc.dump();
  return out;
}

std::string MaskedPayload::to_json() const {
  nlohmann::ordered_json out;
  out["payload"] = nlohmann::ordered_json::parse(payload_json);
  out["removed"] = removed;
  out["masked"] = masked;
  out["deniedClasses"] = denied_classes;
  return out.dump();
}

}  // namespace cordon
