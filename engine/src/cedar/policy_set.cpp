#include "cordon/policy_set.h"

#include <set>

#include "cedar/est.h"
#include "cedar/json_value.h"
#include "cedar/parser.h"
#include "cedar/policy_set_data.h"
#include "cedar/policy_set_json.h"

namespace cordon {

using nlohmann::json;

PolicySet::PolicySet() : data_(std::make_shared<const detail::PolicySetData>()) {}
PolicySet::PolicySet(std::shared_ptr<const detail::PolicySetData> data) : data_(std::move(data)) {
  data_->index();  // built now, so the first decision does not pay for it
}

namespace {

Error policy_error(std::string message, SourceLocation location = {}) {
  Error err;
  err.kind = ErrorKind::parse;
  err.message = std::move(message);
  err.location = std::move(location);
  return err;
}

// Builds a policy set one policy at a time, refusing duplicate ids.
class Builder {
 public:
  Builder() : data_(std::make_shared<detail::PolicySetData>()) {}
  explicit Builder(const detail::PolicySetData& from)
      : data_(std::make_shared<detail::PolicySetData>(from)) {
    for (const auto& p : data_->policies) ids_.insert(p.id);
    for (const auto& t : data_->templates) ids_.insert(t.id);
  }

  std::optional<Error> add(std::string id, std::shared_ptr<const cedar::PolicyBody> body,
                           bool must_be_template, bool must_be_static) {
    if (!ids_.insert(id).second)
      return policy_error("duplicate policy id `" + id + "`", body->location);
    if (must_be_template && !body->is_template())
      return policy_error("`" + id + "` is in `templates` but has no slot", body->location);
    if (must_be_static && body->is_template())
      return policy_error("`" + id + "` has a slot, so it must be given in `templates`",
                          body->location);
    cedar::Policy policy;
    policy.id = std::move(id);
    policy.body = std::move(body);
    (policy.body->is_template() ? data_->templates : data_->policies).push_back(std::move(policy));
    return std::nullopt;
  }

  std::optional<Error> link(const std::string& template_id, const std::string& new_id,
                            const std::map<std::string, cedar::EntityUid>& slots) {
    const cedar::Policy* tmpl = nullptr;
    for (const auto& t : data_->templates)
      if (t.id == template_id) tmpl = &t;
    if (!tmpl) return policy_error("no template with id `" + template_id + "`");
    if (!ids_.insert(new_id).second) return policy_error("duplicate policy id `" + new_id + "`");
    cedar::Policy linked;
    linked.id = new_id;
    linked.body = tmpl->body;
    linked.template_id = template_id;
    for (const auto& [slot, uid] : slots) {
      if (slot == "?principal" && tmpl->body->has_principal_slot())
        linked.principal_slot = uid;
      else if (slot == "?resource" && tmpl->body->has_resource_slot())
        linked.resource_slot = uid;
      else
        return policy_error("template `" + template_id + "` has no slot `" + slot + "`");
    }
    if (tmpl->body->has_principal_slot() && !linked.principal_slot)
      return policy_error("linking `" + new_id + "`: no value for `?principal`");
    if (tmpl->body->has_resource_slot() && !linked.resource_slot)
      return policy_error("linking `" + new_id + "`: no value for `?resource`");
    data_->policies.push_back(std::move(linked));
    return std::nullopt;
  }

  PolicySet build() { return PolicySet(std::move(data_)); }

 private:
  std::shared_ptr<detail::PolicySetData> data_;
  std::set<std::string, std::less<>> ids_;
};

// One policy given as text (exactly one) or in the JSON policy format.
Result<std::shared_ptr<const cedar::PolicyBody>> single_policy(const json& j,
                                                               const std::string& where) {
  if (j.is_string()) {
    auto parsed = cedar::parse_policies(j.get<std::string>(), where);
    if (!parsed) return parsed.error();
    if (parsed->size() != 1)
      return policy_error(where + ": expected exactly one policy, found " +
                          std::to_string(parsed->size()));
    return parsed.value()[0].body;
  }
  return cedar::policy_from_est(j, where);
}

}  // namespace

Result<PolicySet> policy_set_from_json_value(const json& j) {
  Builder builder;
  if (j.is_string()) {
    auto parsed = cedar::parse_policies(j.get<std::string>(), {});
    if (!parsed) return parsed.error();
    for (auto& p : parsed.value())
      if (auto e = builder.add(std::move(p.id), std::move(p.body), false, false)) return *e;
    return builder.build();
  }
  if (!j.is_object())
    return policy_error(
        "policies must be Cedar text or {\"staticPolicies\", \"templates\", \"templateLinks\"}");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    if (key != "staticPolicies" && key != "templates" && key != "templateLinks")
      return policy_error("unknown key `" + key +
                          "` in policies (expected staticPolicies, templates, templateLinks)");
  }
  if (auto it = j.find("staticPolicies"); it != j.end() && !it->is_null()) {
    const json& s = *it;
    if (s.is_string()) {
      // As cedar-wasm: a template (a policy with a slot) belongs in `templates`.
      auto parsed = cedar::parse_policies(s.get<std::string>(), {});
      if (!parsed) return parsed.error();
      for (auto& p : parsed.value())
        if (auto e = builder.add(std::move(p.id), std::move(p.body), false, true)) return *e;
    } else if (s.is_array()) {
      for (size_t i = 0; i < s.size(); ++i) {
        std::string id = "policy" + std::to_string(i);
        auto body = single_policy(s[i], "staticPolicies[" + std::to_string(i) + "]");
        if (!body) return body.error();
        if (auto e = builder.add(id, std::move(body).value(), false, true)) return *e;
      }
    } else if (s.is_object()) {
      for (auto p = s.begin(); p != s.end(); ++p) {
        auto body = single_policy(p.value(), "staticPolicies." + p.key());
        if (!body) return body.error();
        if (auto e = builder.add(p.key(), std::move(body).value(), false, true)) return *e;
      }
    } else {
      return policy_error("`staticPolicies` must be text, an array or an object of policies");
    }
  }
  if (auto it = j.find("templates"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return policy_error("`templates` must be an object of templates by id");
    for (auto t = it->begin(); t != it->end(); ++t) {
      auto body = single_policy(t.value(), "templates." + t.key());
      if (!body) return body.error();
      if (auto e = builder.add(t.key(), std::move(body).value(), true, false)) return *e;
    }
  }
  if (auto it = j.find("templateLinks"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return policy_error("`templateLinks` must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const json& l = (*it)[i];
      std::string where = "templateLinks[" + std::to_string(i) + "]";
      if (!l.is_object() || !l.contains("templateId") || !l.contains("newId") ||
          !l.at("templateId").is_string() || !l.at("newId").is_string() ||
          (l.contains("values") && !l.at("values").is_object()))
        return policy_error(where + ": expected {\"templateId\", \"newId\", \"values\"}");
      for (auto k = l.begin(); k != l.end(); ++k)
        if (k.key() != "templateId" && k.key() != "newId" && k.key() != "values")
          return policy_error(where + ": unknown key `" + k.key() + "`");
      std::map<std::string, cedar::EntityUid> slots;
      if (l.contains("values")) {
        for (auto v = l.at("values").begin(); v != l.at("values").end(); ++v) {
          cedar::EntityUid uid;
          std::string err;
          if (!cedar::entity_uid_from_json(v.value(), uid, err, /*allow_text=*/true))
            return policy_error(where + ".values." + v.key() + ": " + err);
          slots.emplace(v.key(), std::move(uid));
        }
      }
      if (auto e = builder.link(l.at("templateId").get<std::string>(),
                                l.at("newId").get<std::string>(), slots))
        return *e;
    }
  }
  return builder.build();
}

Result<PolicySet> PolicySet::parse(std::string_view text, std::string_view file_name) {
  auto parsed = cedar::parse_policies(text, file_name);
  if (!parsed) return parsed.error();
  Builder builder;
  for (auto& p : parsed.value())
    if (auto e = builder.add(std::move(p.id), std::move(p.body), false, false)) return *e;
  return builder.build();
}

Result<PolicySet> PolicySet::from_json(std::string_view text) {
  auto parsed = cedar::parse_json(text, {}, "policies");
  if (!parsed) return parsed.error();
  return policy_set_from_json_value(parsed.value());
}

Result<PolicySet> PolicySet::link(std::string_view template_id, std::string_view new_id,
                                  const std::map<std::string, EntityRef>& slots) const {
  Builder builder(*data_);
  std::map<std::string, cedar::EntityUid> uids;
  for (const auto& [slot, ref] : slots) uids.emplace(slot, cedar::EntityUid{ref.type, ref.id});
  if (auto e = builder.link(std::string(template_id), std::string(new_id), uids)) return *e;
  return builder.build();
}

std::string PolicySet::to_json() const {
  nlohmann::ordered_json out;
  out["staticPolicies"] = nlohmann::ordered_json::object();
  out["templates"] = nlohmann::ordered_json::object();
  out["templateLinks"] = nlohmann::ordered_json::array();
  for (const auto& p : data_->policies) {
    if (!p.template_id.empty()) {
      nlohmann::ordered_json link;
      link["templateId"] = p.template_id;
      link["newId"] = p.id;
      link["values"] = nlohmann::ordered_json::object();
      if (p.principal_slot) link["values"]["?principal"] = cedar::uid_to_json(*p.principal_slot);
      if (p.resource_slot) link["values"]["?resource"] = cedar::uid_to_json(*p.resource_slot);
      out["templateLinks"].push_back(std::move(link));
    } else {
      out["staticPolicies"][p.id] = cedar::policy_to_est(*p.body);
    }
  }
  for (const auto& t : data_->templates) out["templates"][t.id] = cedar::policy_to_est(*t.body);
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

size_t PolicySet::size() const {
  return data_->policies.size();
}

std::vector<std::string> PolicySet::ids() const {
  std::vector<std::string> out;
  out.reserve(data_->policies.size());
  for (const auto& p : data_->policies) out.push_back(p.id);
  return out;
}

std::vector<std::string> PolicySet::template_ids() const {
  std::vector<std::string> out;
  for (const auto& t : data_->templates) out.push_back(t.id);
  return out;
}

}  // namespace cordon
