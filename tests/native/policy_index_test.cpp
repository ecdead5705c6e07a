// The scope index of the authorizer (engine/src/cedar/policy_index.h): a decision that
// evaluates only the policies the index offers must equal one that evaluates every policy.
// The oracle here is that full scan, written out in the test with the evaluator.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cedar/authorize.h"
#include "cedar/entity_store.h"
#include "cedar/evaluator.h"
#include "cedar/policy_index.h"
#include "cedar/policy_set_data.h"
#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"

namespace {

using cordon::Decision;
using cordon::Entities;
using cordon::PolicySet;
using cordon::Request;
using cordon::Response;
namespace detail = cordon::detail;
namespace cedar = cordon::cedar;

// Every policy evaluated, in order: what the authorizer did before it had an index.
Response full_scan(const detail::RequestData& request, const detail::PolicySetData& policies,
                   const detail::EntityStore& entities) {
  cedar::Evaluator evaluator(request, entities);
  std::vector<std::string> permits, forbids;
  Response response;
  for (const auto& policy : policies.policies) {
    switch (evaluator.evaluate(policy)) {
      case cedar::Satisfied::yes:
        (policy.body->effect == cedar::Effect::forbid ? forbids : permits).push_back(policy.id);
        break;
      case cedar::Satisfied::error:
        response.errors.push_back(
            {policy.id, "error while evaluating policy `" + policy.id + "`: " + evaluator.error()});
        break;
      case cedar::Satisfied::no:
        break;
    }
  }
  if (!forbids.empty()) {
    response.decision = Decision::deny;
    response.reason = forbids;
  } else if (!permits.empty()) {
    response.decision = Decision::allow;
    response.reason = permits;
  }
  std::sort(response.reason.begin(), response.reason.end());
  std::sort(response.errors.begin(), response.errors.end(),
            [](const auto& a, const auto& b) { return a.policy_id < b.policy_id; });
  return response;
}

void expect_same(const Response& indexed, const Response& scanned, const std::string& what) {
  EXPECT_EQ(indexed.decision, scanned.decision) << what;
  EXPECT_EQ(indexed.reason, scanned.reason) << what;
  ASSERT_EQ(indexed.errors.size(), scanned.errors.size()) << what;
  for (size_t i = 0; i < indexed.errors.size(); ++i) {
    EXPECT_EQ(indexed.errors[i].policy_id, scanned.errors[i].policy_id) << what;
    EXPECT_EQ(indexed.errors[i].message, scanned.errors[i].message) << what;
  }
}

// Small sets are scanned whole (the index leaves every policy a candidate): enough policies
// that never match, on entities that exist nowhere, make the index file and look up.
std::string padded(const std::string& text) {
  std::string out = text;
  for (int i = 0; i < 8; ++i)
    out += "\npermit(principal == User::\"filler" + std::to_string(i) +
           "\", action, resource in Folder::\"nowhere\");";
  return out;
}

PolicySet parse(const std::string& text) {
  auto p = PolicySet::parse(padded(text));
  EXPECT_TRUE(p) << (p ? "" : p.error().to_string());
  return p ? *p : PolicySet();
}

// The policy-set JSON form with the same padding in `staticPolicies`.
cordon::Result<PolicySet> from_json_padded(const std::string& text) {
  auto j = nlohmann::json::parse(text);
  if (!j.contains("staticPolicies"))
    j["staticPolicies"] = padded("");
  else
    for (int i = 0; i < 8; ++i)
      j["staticPolicies"].push_back("permit(principal == User::\"filler" + std::to_string(i) +
                                    "\", action, resource in Folder::\"nowhere\");");
  return PolicySet::from_json(j.dump());
}

Entities entities(const std::string& json) {
  auto e = Entities::from_json(json);
  EXPECT_TRUE(e) << (e ? "" : e.error().to_string());
  return *e;
}

Request request(const std::string& p, const std::string& a, const std::string& r,
                const std::string& context = "{}") {
  auto split = [](const std::string& s) {
    auto colon = s.find("::");
    return cordon::EntityRef{s.substr(0, colon), s.substr(colon + 2)};
  };
  auto q = Request::make(split(p), split(a), split(r), context);
  EXPECT_TRUE(q) << (q ? "" : q.error().to_string());
  return *q;
}

// Decides with the index and with the full scan; they must agree. Returns the answer.
Response decide(const Request& q, const PolicySet& policies, const Entities& es) {
  Response indexed = cordon::is_authorized(q, policies, es);
  expect_same(indexed, full_scan(q.data(), policies.data(), es.store()), indexed.to_json());
  return indexed;
}

constexpr char kOrg[] = R"([
  {"uid": {"type": "User", "id": "alice"}, "attrs": {"name": "A"},
   "parents": [{"type": "Group", "id": "eng"}]},
  {"uid": {"type": "Group", "id": "eng"}, "attrs": {}, "parents": [{"type": "Group", "id": "all"}]},
  {"uid": {"type": "Group", "id": "all"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Doc", "id": "d1"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}},
   "parents": [{"type": "Folder", "id": "f"}]},
  {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "view"}]},
  {"uid": {"type": "Action", "id": "list"}, "attrs": {}, "parents": [{"type": "Action", "id": "view"}]},
  {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "any"}]}
])";

TEST(PolicyIndex, PoliciesOnAncestorsMatch) {
  auto ps = parse(R"(
    permit(principal in Group::"all", action, resource);
    permit(principal in Group::"eng", action, resource in Folder::"f");
    permit(principal == Group::"eng", action, resource);
    permit(principal, action, resource in Folder::"f") when { resource.owner == principal };
    permit(principal, action, resource in Folder::"other");
  )");
  auto es = entities(kOrg);
  auto answer = decide(request("User::alice", "Action::read", "Doc::d1"), ps, es);
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (std::vector<std::string>{"policy0", "policy1", "policy3"}));
}

TEST(PolicyIndex, ActionGroupsAndSetsEvaluateEachPolicyOnce) {
  // Policy 0 is filed under both `read` and `view`, which the request reaches both of.
  auto ps = parse(R"(
    forbid(principal, action in [Action::"read", Action::"view", Action::"read"], resource)
      when { principal.missing };
    permit(principal, action in Action::"any", resource);
    permit(principal, action == Action::"view", resource);
    permit(principal, action in [], resource);
  )");
  auto es = entities(kOrg);
  auto answer = decide(request("User::alice", "Action::read", "Doc::d1"), ps, es);
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (std::vector<std::string>{"policy1"}));
  ASSERT_EQ(answer.errors.size(), 1u);
  EXPECT_EQ(answer.errors[0].policy_id, "policy0");
  answer = decide(request("User::alice", "Action::view", "Doc::d1"), ps, es);
  EXPECT_EQ(answer.reason, (std::vector<std::string>{"policy1", "policy2"}));
  EXPECT_EQ(answer.errors.size(), 1u);
}

TEST(PolicyIndex, UnknownEntitiesHaveNoAncestors) {
  auto ps = parse(R"(
    permit(principal in Group::"eng", action, resource);
    permit(principal == User::"ghost", action, resource) when { principal has name };
    forbid(principal is User, action, resource) when { principal.name == "x" };
    permit(principal, action == Action::"nope", resource is Doc);
  )");
  auto es = entities(kOrg);
  auto answer = decide(request("User::ghost", "Action::nope", "Doc::none"), ps, es);
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (std::vector<std::string>{"policy3"}));
  ASSERT_EQ(answer.errors.size(), 1u);
  EXPECT_EQ(answer.errors[0].policy_id, "policy2");
}

TEST(PolicyIndex, TemplateLinksAreIndexedByTheirSlotValues) {
  auto ps = from_json_padded(R"({
    "templates": {"t": "permit(principal in ?principal, action, resource == ?resource);",
                  "u": "forbid(principal, action, resource in ?resource);"},
    "templateLinks": [
      {"templateId": "t", "newId": "eng-d1", "values": {"?principal": {"type": "Group", "id": "eng"},
                                                        "?resource": {"type": "Doc", "id": "d1"}}},
      {"templateId": "t", "newId": "all-d2", "values": {"?principal": {"type": "Group", "id": "all"},
                                                        "?resource": {"type": "Doc", "id": "d2"}}}]
  })");
  ASSERT_TRUE(ps) << ps.error().to_string();
  auto es = entities(kOrg);
  auto answer = decide(request("User::alice", "Action::read", "Doc::d1"), *ps, es);
  EXPECT_EQ(answer.reason, (std::vector<std::string>{"eng-d1"}));
  // A link added later is in the new set's index.
  auto linked = ps->link("u", "no-f", {{"?resource", {"Folder", "f"}}});
  ASSERT_TRUE(linked) << linked.error().to_string();
  answer = decide(request("User::alice", "Action::read", "Doc::d1"), *linked, es);
  EXPECT_EQ(answer.decision, Decision::deny);
  EXPECT_EQ(answer.reason, (std::vector<std::string>{"no-f"}));
  // The original set is unchanged.
  EXPECT_EQ(decide(request("User::alice", "Action::read", "Doc::d1"), *ps, es).decision,
            Decision::allow);
}

TEST(PolicyIndex, JsonPoliciesAreIndexed) {
  auto ps = from_json_padded(R"({"staticPolicies": [
    {"effect": "permit", "principal": {"op": "in", "entity": {"type": "Group", "id": "eng"}},
     "action": {"op": "in", "entities": [{"type": "Action", "id": "view"}]},
     "resource": {"op": "All"}, "conditions": []}]})");
  ASSERT_TRUE(ps) << ps.error().to_string();
  auto es = entities(kOrg);
  EXPECT_EQ(decide(request("User::alice", "Action::list", "Doc::d1"), *ps, es).decision,
            Decision::allow);
  EXPECT_EQ(decide(request("User::bob", "Action::list", "Doc::d1"), *ps, es).decision,
            Decision::deny);
}

// The route layer's way: the session's user in an overlay store on top of a bundle's entities,
// a new overlay per request, the same policy set (and index) for all of them.
TEST(PolicyIndex, PerRequestOverlaysDecideWithTheirOwnAncestors) {
  auto ps = parse(R"(
    permit(principal in Group::"eng", action, resource);
    forbid(principal in Group::"banned", action, resource);
  )");
  auto base = entities(kOrg);
  auto overlay = [&](std::vector<cedar::EntityUid> parents) {
    detail::EntityStore store;
    store.base = &base.store();
    detail::Entity user;
    user.uid = {"User", "sam"};
    user.parents = std::move(parents);
    store.insert_or_assign(std::move(user));
    store.compute_ancestors();
    return store;
  };
  auto q = request("User::sam", "Action::read", "Doc::d1");
  for (int round = 0; round < 2; ++round) {
    auto in_eng = overlay({{"Group", "eng"}});
    Response a = cedar::authorize(q.data(), ps.data(), in_eng);
    expect_same(a, full_scan(q.data(), ps.data(), in_eng), "eng");
    EXPECT_EQ(a.reason, (std::vector<std::string>{"policy0"}));
    auto banned = overlay({{"Group", "eng"}, {"Group", "banned"}});
    Response b = cedar::authorize(q.data(), ps.data(), banned);
    expect_same(b, full_scan(q.data(), ps.data(), banned), "banned");
    EXPECT_EQ(b.reason, (std::vector<std::string>{"policy1"}));
    auto none = overlay({});
    EXPECT_EQ(cedar::authorize(q.data(), ps.data(), none).decision, Decision::deny);
  }
}

// As the route table builds its policy set: a plain PolicySetData filled in place, copied,
// and grown after a first decision.
TEST(PolicyIndex, DataFilledInPlaceIsIndexedWhenItChanges) {
  auto source = parse(R"(
    permit(principal in Group::"eng", action, resource);
    forbid(principal, action == Action::"read", resource);
  )");
  auto es = entities(kOrg);
  auto q = request("User::alice", "Action::read", "Doc::d1");
  // Policies 2.. are the padding, which never matches: enough of them that the index files.
  detail::PolicySetData data;
  for (size_t i = 2; i < source.data().policies.size(); ++i)
    data.policies.push_back(source.data().policies[i]);
  data.policies.push_back(source.data().policies[0]);
  EXPECT_EQ(cedar::authorize(q.data(), data, es.store()).decision, Decision::allow);
  data.policies.push_back(source.data().policies[1]);
  Response grown = cedar::authorize(q.data(), data, es.store());
  EXPECT_EQ(grown.decision, Decision::deny);
  expect_same(grown, full_scan(q.data(), data, es.store()), "grown");
  detail::PolicySetData copy = data;
  copy.policies.pop_back();
  EXPECT_EQ(cedar::authorize(q.data(), copy, es.store()).decision, Decision::allow);
  detail::PolicySetData assigned = copy;
  assigned.policies.back() = source.data().policies[1];
  EXPECT_EQ(cedar::authorize(q.data(), assigned, es.store()).decision, Decision::deny);
  assigned = copy;  // same size and storage, other last policy: the index must not be reused
  auto list = request("User::alice", "Action::list", "Doc::d1");
  EXPECT_EQ(cedar::authorize(list.data(), assigned, es.store()).decision, Decision::allow);
  EXPECT_EQ(cedar::authorize(q.data(), assigned, es.store()).decision, Decision::allow);
}

// Random policy sets, hierarchies and requests: the index never changes an answer.
TEST(PolicyIndex, RandomRequestsMatchTheFullScan) {
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  const std::vector<std::string> principals = {"User::\"a\"",     "User::\"b\"",    "User::\"c\"",
                                               "User::\"ghost\"", "Group::\"g1\"",  "Group::\"g2\"",
                                               "Group::\"g3\"",   "Group::\"gone\""};
  const std::vector<std::string> resources = {"Doc::\"x\"",     "Doc::\"y\"",     "Doc::\"z\"",
                                              "Folder::\"f1\"", "Folder::\"f2\"", "Doc::\"gone\""};
  const std::vector<std::string> actions = {"Action::\"read\"", "Action::\"write\"",
                                            "Action::\"del\"",  "Action::\"rw\"",
                                            "Action::\"all\"",  "Action::\"gone\""};
  const std::vector<std::string> types_p = {"User", "Group", "Doc"};
  const std::vector<std::string> types_r = {"Doc", "Folder", "User"};
  const std::vector<std::string> conditions = {"",
                                               "",
                                               "when { context.flag }",
                                               "unless { context.flag }",
                                               "when { principal has name }",
                                               "when { principal.name == \"a\" }",
                                               "when { resource.owner == principal }",
                                               "when { principal in resource.readers }",
                                               "when { action in Action::\"rw\" }"};
  auto scope = [&](const char* var, const std::vector<std::string>& uids,
                   const std::vector<std::string>& types, bool allow_slot) {
    std::string v = var;
    switch (rng() % 7) {
      case 0:
        return v;
      case 1:
        return v + " == " + pick(uids);
      case 2:
        return v + " in " + pick(uids);
      case 3:
        return v + " is " + pick(types);
      case 4:
        return v + " is " + pick(types) + " in " + pick(uids);
      case 5:
        if (allow_slot) return v + " in ?" + v;
        return v + " == " + pick(uids);
      default:
        return v;
    }
  };
  auto action_scope = [&]() -> std::string {
    switch (rng() % 5) {
      case 0:
        return "action";
      case 1:
        return "action == " + pick(actions);
      case 2:
        return "action in " + pick(actions);
      default: {
        std::string s = "action in [";
        int n = rng() % 4;
        for (int i = 0; i < n; ++i) s += (i ? ", " : "") + pick(actions);
        return s + "]";
      }
    }
  };
  for (int round = 0; round < 40; ++round) {
    // Entities: a random acyclic hierarchy, some referenced entities absent.
    std::string es = "[";
    auto add = [&](const std::string& type, const std::string& id, const std::string& attrs,
                   const std::string& parents) {
      if (es.size() > 1) es += ",";
      es += "{\"uid\":{\"type\":\"" + type + "\",\"id\":\"" + id + "\"},\"attrs\":" + attrs +
            ",\"parents\":[" + parents + "]}";
    };
    auto ref = [](const std::string& type, const std::string& id) {
      return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"}";
    };
    auto maybe = [&](const std::string& type, const std::string& id) {
      return rng() % 2 ? ref(type, id) : std::string();
    };
    auto join = [](std::vector<std::string> v) {
      std::string s;
      for (auto& x : v)
        if (!x.empty()) s += (s.empty() ? "" : ",") + x;
      return s;
    };
    add("User", "a", R"({"name": "a"})", join({maybe("Group", "g1"), maybe("Group", "g2")}));
    add("User", "b", "{}", join({maybe("Group", "g2"), maybe("Group", "gone")}));
    add("User", "c", R"({"name": "c"})", join({maybe("Group", "g3")}));
    add("Group", "g1", "{}", join({maybe("Group", "g2"), maybe("Group", "g3")}));
    add("Group", "g2", "{}", join({maybe("Group", "g3")}));
    add("Group", "g3", "{}", "");
    add("Doc", "x",
        R"({"owner": {"__entity": {"type": "User", "id": "a"}}, "readers": [{"__entity": {"type": "Group", "id": "g2"}}]})",
        join({maybe("Folder", "f1"), maybe("Folder", "f2")}));
    add("Doc", "y", R"({"owner": {"__entity": {"type": "User", "id": "b"}}})",
        join({maybe("Folder", "f2")}));
    add("Folder", "f1", "{}", join({maybe("Folder", "f2")}));
    add("Folder", "f2", "{}", "");
    add("Action", "read", "{}", join({maybe("Action", "rw"), maybe("Action", "all")}));
    add("Action", "write", "{}", join({maybe("Action", "rw")}));
    add("Action", "del", "{}", join({maybe("Action", "all")}));
    add("Action", "rw", "{}", join({maybe("Action", "all")}));
    add("Action", "all", "{}", "");
    es += "]";
    auto store = entities(es);

    nlohmann::json statics = nlohmann::json::object(), templates = nlohmann::json::object();
    nlohmann::json links = nlohmann::json::array();
    auto uid_json = [](const std::string& u) {  // Type::"id" -> {"type", "id"}
      auto colon = u.find("::");
      return nlohmann::json{{"type", u.substr(0, colon)},
                            {"id", u.substr(colon + 3, u.size() - colon - 4)}};
    };
    int policies = 1 + rng() % 30;
    for (int i = 0; i < policies; ++i) {
      std::string p = std::string(rng() % 3 ? "permit" : "forbid") + "(" +
                      scope("principal", principals, types_p, true) + ", " + action_scope() + ", " +
                      scope("resource", resources, types_r, true) + ") " + pick(conditions) + ";";
      std::string id = "p" + std::to_string(i);
      if (p.find('?') == std::string::npos) {
        statics[id] = p;
        continue;
      }
      templates[id] = p;
      for (int l = 0; l < 3; ++l) {
        nlohmann::json values = nlohmann::json::object();
        if (p.find("?principal") != std::string::npos)
          values["?principal"] = uid_json(pick(principals));
        if (p.find("?resource") != std::string::npos)
          values["?resource"] = uid_json(pick(resources));
        links.push_back(
            {{"templateId", id}, {"newId", id + "-" + std::to_string(l)}, {"values", values}});
      }
    }
    nlohmann::json set = {
        {"staticPolicies", statics}, {"templates", templates}, {"templateLinks", links}};
    auto ps = PolicySet::from_json(set.dump());
    ASSERT_TRUE(ps) << ps.error().to_string() << "\n" << set.dump();

    for (int r = 0; r < 100; ++r) {
      auto strip = [](const std::string& u) {
        auto colon = u.find("::");
        return u.substr(0, colon) + "::" + u.substr(colon + 3, u.size() - colon - 4);
      };
      auto q = request(strip(pick(principals)), strip(pick(actions)), strip(pick(resources)),
                       rng() % 2 ? R"({"flag": true})" : R"({"flag": false})");
      decide(q, *ps, store);
    }
  }
}

}  // namespace
