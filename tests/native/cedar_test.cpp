// Unit tests of cordon's public Cedar API (engine/include/cordon/*.h): parsing policies,
// entities and requests, and the authorizer's semantics (forbid overrides permit, default
// deny, erroring policies skipped and reported, `in`, `is`, `has`, attributes, limits).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/error.h"
#include "cordon/json_api.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"
#include "cordon/version.h"

namespace {

using cordon::Decision;
using cordon::Entities;
using cordon::ErrorKind;
using cordon::PolicySet;
using cordon::Request;
using cordon::Response;

using Ids = std::vector<std::string>;

// A small organisation: alice is in team eng, which is in dept rnd; bob is in nothing.
constexpr char kEntities[] = R"([
  {"uid": {"type": "User", "id": "alice"},
   "attrs": {"dept": "eng", "level": 5, "active": true,
             "address": {"city": "Lyon", "zip": "69001"},
             "badge": 9007199254740993},
   "parents": [{"type": "Team", "id": "eng"}]},
  {"uid": {"type": "User", "id": "bob"}, "attrs": {"level": 2}, "parents": []},
  {"uid": {"type": "Admin", "id": "root"}, "attrs": {}, "parents": [{"type": "Team", "id": "eng"}]},
  {"uid": {"type": "Team", "id": "eng"}, "attrs": {}, "parents": [{"type": "Dept", "id": "rnd"}]},
  {"uid": {"type": "Dept", "id": "rnd"}, "attrs": {}, "parents": []},
  {"uid": {"type": "Photo", "id": "x"}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}},
   "parents": []},
  {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "read"}]},
  {"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []}
])";

PolicySet parse_policies(const std::string& text) {
  cordon::Result<PolicySet> set = PolicySet::parse(text, "test.cedar");
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().to_string());
  return set.ok() ? *set : PolicySet();
}

Entities load_entities(const std::string& json = kEntities) {
  cordon::Result<Entities> entities = Entities::from_json(json, "test.entities.json");
  EXPECT_TRUE(entities.ok()) << (entities.ok() ? "" : entities.error().to_string());
  return entities.ok() ? *entities : Entities();
}

Request make_request(const std::string& principal_type, const std::string& principal_id,
                     const std::string& action, const std::string& context_json = "{}") {
  cordon::Result<Request> request = Request::make({principal_type, principal_id},
                                                  {"Action", action}, {"Photo", "x"}, context_json);
  EXPECT_TRUE(request.ok()) << (request.ok() ? "" : request.error().to_string());
  return *request;
}

// Decides `User::"<principal>"` doing `view` on Photo::"x" (or the given request).
Response decide(const std::string& policies, const Request& request) {
  return cordon::is_authorized(request, parse_policies(policies), load_entities());
}

Response decide(const std::string& policies, const std::string& principal = "alice") {
  return decide(policies, make_request("User", principal, "view"));
}

Ids error_ids(const Response& response) {
  Ids ids;
  for (const cordon::PolicyError& error : response.errors) ids.push_back(error.policy_id);
  return ids;
}

// --- parsing policies ---

TEST(PolicyParse, ErrorCarriesFileLineColumnAndWhatWasExpected) {
  const auto set = PolicySet::parse(
      "permit(principal, action, resource);\n"
      "permit(principal action, resource);\n",
      "app.cedar");
  ASSERT_FALSE(set.ok());
  const cordon::Error& error = set.error();
  EXPECT_EQ(error.kind, ErrorKind::parse);
  EXPECT_EQ(error.location.file, "app.cedar");
  EXPECT_EQ(error.location.line, 2u);
  // The unexpected token is `action`, at column 18 of line 2.
  EXPECT_EQ(error.location.column, 18u);
  EXPECT_NE(error.message.find("expected"), std::string::npos) << error.message;
  const std::string text = error.to_string();
  EXPECT_EQ(text.rfind("app.cedar:2:18: parse error: ", 0), 0u) << text;
}

TEST(PolicyParse, MissingSemicolonIsAnError) {
  const auto set = PolicySet::parse("permit(principal, action, resource)", "a.cedar");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().kind, ErrorKind::parse);
  EXPECT_EQ(set.error().location.line, 1u);
  EXPECT_NE(set.error().message.find("expected"), std::string::npos) << set.error().message;
}

TEST(PolicyParse, UnknownEffectAndBadScopeAreErrors) {
  EXPECT_FALSE(PolicySet::parse("allow(principal, action, resource);").ok());
  EXPECT_FALSE(PolicySet::parse("permit(principal, action);").ok());
  EXPECT_FALSE(PolicySet::parse("permit(principal == 1, action, resource);").ok());
  EXPECT_FALSE(PolicySet::parse("permit(principal, action, resource) when { 1 + };").ok());
  EXPECT_FALSE(PolicySet::parse("permit(principal, action, resource) when { \"abc };").ok());
}

TEST(PolicyParse, EmptyTextAndCommentsGiveAnEmptySet) {
  const auto empty = PolicySet::parse("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
  const auto comments = PolicySet::parse("// nothing here\n  // still nothing\n");
  ASSERT_TRUE(comments.ok());
  EXPECT_EQ(comments->size(), 0u);
}

TEST(PolicyParse, IdsArePositionalEvenWhenAnnotated) {
  const auto set = PolicySet::parse(
      "permit(principal, action, resource);\n"
      "@id(\"owner-can-edit\") permit(principal, action, resource);\n"
      "forbid(principal, action, resource);\n");
  ASSERT_TRUE(set.ok()) << set.error().to_string();
  EXPECT_EQ(set->ids(), (Ids{"policy0", "policy1", "policy2"}));
}

TEST(PolicyParse, HundredThousandNestedParenthesesIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '(') + "true" + std::string(100000, ')');
  const auto set = PolicySet::parse("permit(principal, action, resource) when { " + deep + " };");
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(set.error().kind == ErrorKind::limit || set.error().kind == ErrorKind::parse)
      << set.error().to_string();
}

TEST(PolicyParse, DeepUnaryChainsAreErrorsNotCrashes) {
  const std::string nots = std::string(100000, '!') + "true";
  EXPECT_FALSE(PolicySet::parse("permit(principal, action, resource) when { " + nots + " };").ok());
  const std::string records = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(
      PolicySet::parse("permit(principal, action, resource) when { " + records + " };").ok());
}

TEST(PolicyParse, MalformedPolicyThroughJsonApiIsAFailure) {
  const std::string answer = cordon::json_api::is_authorized(R"({
      "principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
      "resource": {"type": "Photo", "id": "x"}, "context": {},
      "policies": {"staticPolicies": "permit(principal, action"}, "entities": []})");
  EXPECT_EQ(answer.rfind(R"({"type":"failure","errors":[{"message":)", 0), 0u) << answer;
}

// --- entities ---

TEST(EntitiesJson, LoadsEntitiesWithParentsAndAttributes) {
  const auto entities = Entities::from_json(kEntities);
  ASSERT_TRUE(entities.ok()) << entities.error().to_string();
  EXPECT_EQ(entities->size(), 8u);
  EXPECT_EQ(Entities().size(), 0u);
}

TEST(EntitiesJson, MalformedJsonIsAJsonErrorNamingTheFile) {
  const auto entities = Entities::from_json(R"([{"uid": {"type": "User", "id": "a"},)", "e.json");
  ASSERT_FALSE(entities.ok());
  EXPECT_EQ(entities.error().kind, ErrorKind::json);
  EXPECT_EQ(entities.error().location.file, "e.json");
  EXPECT_EQ(entities.error().to_string().rfind("e.json:", 0), 0u) << entities.error().to_string();
}

TEST(EntitiesJson, ExactRepeatIsAcceptedAsInCedar) {
  const auto entities = Entities::from_json(R"([
      {"uid": {"type": "User", "id": "a"}, "attrs": {"n": 1}, "parents": []},
      {"uid": {"type": "User", "id": "a"}, "attrs": {"n": 1}, "parents": []}])");
  ASSERT_TRUE(entities.ok()) << entities.error().to_string();
  EXPECT_EQ(entities->size(), 1u);
}

TEST(EntitiesJson, ConflictingDuplicateEntityIsAnError) {
  const auto entities = Entities::from_json(R"([
      {"uid": {"type": "User", "id": "a"}, "attrs": {"n": 1}, "parents": []},
      {"uid": {"type": "User", "id": "a"}, "attrs": {"n": 2}, "parents": []}])");
  ASSERT_FALSE(entities.ok());
  EXPECT_EQ(entities.error().kind, ErrorKind::entity);
  EXPECT_NE(entities.error().message.find("a"), std::string::npos) << entities.error().message;
}

TEST(EntitiesJson, CyclicHierarchyIsAnError) {
  const auto entities = Entities::from_json(R"([
      {"uid": {"type": "G", "id": "a"}, "attrs": {}, "parents": [{"type": "G", "id": "b"}]},
      {"uid": {"type": "G", "id": "b"}, "attrs": {}, "parents": [{"type": "G", "id": "a"}]}])");
  ASSERT_FALSE(entities.ok());
  EXPECT_NE(entities.error().message.find("cycle"), std::string::npos) << entities.error().message;
}

TEST(EntitiesJson, WrongShapesAreErrors) {
  EXPECT_FALSE(Entities::from_json(R"({"uid": {"type": "User", "id": "a"}})").ok());
  EXPECT_FALSE(Entities::from_json(R"([{"attrs": {}, "parents": []}])").ok());
  EXPECT_FALSE(
      Entities::from_json(R"([{"uid": "not an entity", "attrs": {}, "parents": []}])").ok());
  EXPECT_FALSE(
      Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "attrs": [], "parents": []}])")
          .ok());
  EXPECT_FALSE(
      Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [7]}])")
          .ok());
}

TEST(EntitiesJson, DeeplyNestedAttributeIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto entities = Entities::from_json(
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": )" + deep + R"(}, "parents": []}])");
  EXPECT_FALSE(entities.ok());
}

// --- requests ---

TEST(RequestJson, AcceptsTheThreeEntityReferenceForms) {
  const auto request = Request::from_json(R"({
      "principal": "User::\"alice\"",
      "action": {"__entity": {"type": "Action", "id": "view"}},
      "resource": {"type": "Photo", "id": "x"},
      "context": {}})");
  ASSERT_TRUE(request.ok()) << request.error().to_string();
  const Response answer = cordon::is_authorized(
      *request, parse_policies(R"(permit(principal == User::"alice", action == Action::"view",
                                          resource == Photo::"x");)"),
      load_entities());
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy0"}));
}

TEST(RequestJson, MalformedRequestsAreErrors) {
  EXPECT_FALSE(Request::from_json("{not json").ok());
  EXPECT_FALSE(Request::from_json(R"({"action": {"type": "Action", "id": "v"},
      "resource": {"type": "Photo", "id": "x"}})")
                   .ok());  // no principal
  EXPECT_FALSE(Request::from_json(R"({"principal": 5, "action": {"type": "Action", "id": "v"},
      "resource": {"type": "Photo", "id": "x"}})")
                   .ok());
  EXPECT_FALSE(Request::from_json(R"({"principal": {"type": "User", "id": "a"},
      "action": {"type": "Action", "id": "v"}, "resource": {"type": "Photo", "id": "x"},
      "context": [1, 2]})")
                   .ok());
  EXPECT_FALSE(Request::make({"User", "a"}, {"Action", "v"}, {"Photo", "x"}, "[]").ok());
}

// --- authorization semantics ---

TEST(Authorize, DefaultIsDeny) {
  const Response none = decide("");
  EXPECT_EQ(none.decision, Decision::deny);
  EXPECT_TRUE(none.reason.empty());
  EXPECT_TRUE(none.errors.empty());

  const Response unmatched = decide(R"(permit(principal == User::"bob", action, resource);)");
  EXPECT_EQ(unmatched.decision, Decision::deny);
  EXPECT_TRUE(unmatched.reason.empty());
}

TEST(Authorize, PermitAllows) {
  const Response answer = decide(R"(permit(principal == User::"alice", action, resource);)");
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy0"}));
}

TEST(Authorize, ForbidOverridesPermit) {
  const Response answer = decide(R"(
      permit(principal, action, resource);
      forbid(principal == User::"alice", action, resource);
      permit(principal == User::"alice", action, resource);)");
  EXPECT_EQ(answer.decision, Decision::deny);
  // When a forbid decides, the reason lists the forbids only.
  EXPECT_EQ(answer.reason, (Ids{"policy1"}));

  const Response bob = decide(R"(
      permit(principal, action, resource);
      forbid(principal == User::"alice", action, resource);)",
                              "bob");
  EXPECT_EQ(bob.decision, Decision::allow);
  EXPECT_EQ(bob.reason, (Ids{"policy0"}));
}

TEST(Authorize, ReasonListsEverySatisfiedPermitSorted) {
  const Response answer = decide(R"(
      @id("z-last") permit(principal, action, resource);
      permit(principal in Team::"eng", action, resource);
      @id("a-first") permit(principal, action == Action::"view", resource);)");
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy0", "policy1", "policy2"}));
}

TEST(Authorize, ErroringPolicyIsSkippedAndReportedById) {
  const Response answer = decide(R"(
      permit(principal, action, resource) when { principal.nickname == "al" };
      permit(principal, action, resource) when { principal.dept == "eng" };)");
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy1"}));
  EXPECT_EQ(error_ids(answer), (Ids{"policy0"}));
  ASSERT_EQ(answer.errors.size(), 1u);
  EXPECT_FALSE(answer.errors[0].message.empty());
}

TEST(Authorize, ErroringForbidDoesNotDeny) {
  const Response answer = decide(R"(
      forbid(principal, action, resource) when { 1 && true };
      permit(principal, action, resource);)");
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy1"}));
  EXPECT_EQ(error_ids(answer), (Ids{"policy0"}));
}

TEST(Authorize, ErrorsAreReportedEvenWhenDenied) {
  const Response answer = decide(R"(
      permit(principal, action, resource) when { principal.level + "x" == 1 };
      @id("overflow") permit(principal, action, resource) when { 9223372036854775807 + 1 > 0 };)");
  EXPECT_EQ(answer.decision, Decision::deny);
  EXPECT_TRUE(answer.reason.empty());
  EXPECT_EQ(error_ids(answer), (Ids{"policy0", "policy1"}));
}

TEST(Authorize, TransitiveInThroughTheHierarchy) {
  EXPECT_EQ(decide(R"(permit(principal in Dept::"rnd", action, resource);)").decision,
            Decision::allow);
  EXPECT_EQ(decide(R"(permit(principal in Dept::"rnd", action, resource);)", "bob").decision,
            Decision::deny);
  // An entity is `in` itself.
  EXPECT_EQ(decide(R"(permit(principal in User::"alice", action, resource);)").decision,
            Decision::allow);
  // Action groups: view is in read.
  EXPECT_EQ(decide(R"(permit(principal, action in Action::"read", resource);)").decision,
            Decision::allow);
  EXPECT_EQ(decide(R"(permit(principal, action in [Action::"edit", Action::"read"], resource);)")
                .decision,
            Decision::allow);
  EXPECT_EQ(
      decide(R"(permit(principal, action, resource) when { principal in Dept::"rnd" };)").decision,
      Decision::allow);
}

TEST(Authorize, IsAndIsIn) {
  EXPECT_EQ(decide(R"(permit(principal is User, action, resource);)").decision, Decision::allow);
  EXPECT_EQ(decide(R"(permit(principal is Admin, action, resource);)").decision, Decision::deny);
  const std::string is_in = R"(permit(principal is User in Team::"eng", action, resource);)";
  EXPECT_EQ(decide(is_in, "alice").decision, Decision::allow);
  EXPECT_EQ(decide(is_in, "bob").decision, Decision::deny);
  EXPECT_EQ(decide(is_in, make_request("Admin", "root", "view")).decision, Decision::deny);
  EXPECT_EQ(decide(R"(permit(principal, action, resource) when { resource is Photo };)").decision,
            Decision::allow);
}

TEST(Authorize, HasChecksAttributesWithoutErrors) {
  const Response answer = decide(R"(
      permit(principal, action, resource) when { principal has dept };
      permit(principal, action, resource) when { principal has address.city };
      permit(principal, action, resource) when { principal has nickname };)");
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy0", "policy1"}));
  EXPECT_TRUE(answer.errors.empty());
  // `has` on an attribute guards the access: bob has no dept, and there is no error.
  const Response guarded = decide(
      R"(permit(principal, action, resource) when { principal has dept && principal.dept == "eng" };)",
      "bob");
  EXPECT_EQ(guarded.decision, Decision::deny);
  EXPECT_TRUE(guarded.errors.empty());
}

TEST(Authorize, AttributeAccessAndLiterals) {
  EXPECT_EQ(decide(R"(permit(principal, action, resource) when {
                principal.dept == "eng" && principal.level >= 5 && principal.active &&
                principal.address.city == "Lyon" && resource.owner == principal };)")
                .decision,
            Decision::allow);
  EXPECT_EQ(decide(R"(permit(principal, action, resource) when { principal.level > 5 };)").decision,
            Decision::deny);
  EXPECT_EQ(
      decide(R"(permit(principal, action, resource) unless { principal.dept != "eng" };)").decision,
      Decision::allow);
  EXPECT_EQ(decide(R"(permit(principal, action, resource) when { !(principal.active) || false };)")
                .decision,
            Decision::deny);
}

TEST(Authorize, ContextIsReadable) {
  const Request request =
      make_request("User", "alice", "view", R"({"mfa": true, "ip": "10.0.0.1"})");
  EXPECT_EQ(decide(R"(permit(principal, action, resource) when { context.mfa && context has ip };)",
                   request)
                .decision,
            Decision::allow);
  const Response missing =
      decide(R"(permit(principal, action, resource) when { context.country == "FR" };)", request);
  EXPECT_EQ(missing.decision, Decision::deny);
  EXPECT_EQ(error_ids(missing), (Ids{"policy0"}));
}

TEST(Authorize, MissingAttributeIsAnErrorForThatPolicyOnly) {
  const Response answer = decide(R"(
      permit(principal, action, resource) when { principal.dept == "eng" };
      permit(principal, action, resource);)",
                                 "bob");
  EXPECT_EQ(answer.decision, Decision::allow);
  EXPECT_EQ(answer.reason, (Ids{"policy1"}));
  EXPECT_EQ(error_ids(answer), (Ids{"policy0"}));
}

TEST(Authorize, IntegersBeyondTwoToThe53AreExact) {
  EXPECT_EQ(
      decide(R"(permit(principal, action, resource) when { principal.badge == 9007199254740993 };)")
          .decision,
      Decision::allow);
  EXPECT_EQ(
      decide(R"(permit(principal, action, resource) when { principal.badge == 9007199254740992 };)")
          .decision,
      Decision::deny);
}

TEST(Authorize, ResponseJsonHasCedarWasmShape) {
  const Response answer = decide(R"(permit(principal, action, resource);)");
  EXPECT_EQ(answer.to_json(),
            R"({"decision":"allow","diagnostics":{"reason":["policy0"],"errors":[]}})");
}

// --- json_api ---

TEST(JsonApi, AnswersAFullCall) {
  const std::string answer = cordon::json_api::is_authorized(R"({
      "principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
      "resource": {"type": "Photo", "id": "a.jpg"}, "context": {},
      "policies": {"staticPolicies": "permit(principal, action, resource);"}, "entities": []})");
  EXPECT_EQ(
      answer,
      R"({"type":"success","response":{"decision":"allow","diagnostics":{"reason":["policy0"],"errors":[]}},"warnings":[]})");
}

TEST(JsonApi, MalformedCallIsAFailureNotAnException) {
  for (const char* call : {"", "{", "[]", "null", R"({"principal": 1})"}) {
    const std::string answer = cordon::json_api::is_authorized(call);
    EXPECT_EQ(answer.rfind(R"({"type":"failure")", 0), 0u) << call << " -> " << answer;
  }
}

TEST(JsonApi, PolicyStoreAnswersByPreparsedId) {
  cordon::json_api::PolicyStore store;
  EXPECT_EQ(store.preparse_policy_set(
                "main",
                R"({"staticPolicies": "permit(principal == User::\"alice\", action, resource);"})"),
            R"({"type":"success"})");
  const std::string call_alice = R"({"principal": {"type": "User", "id": "alice"},
      "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "x"},
      "context": {}, "preparsedPolicySetId": "main", "entities": []})";
  EXPECT_NE(store.stateful_is_authorized(call_alice).find(R"("decision":"allow")"),
            std::string::npos);
  const std::string call_unknown = R"({"principal": {"type": "User", "id": "alice"},
      "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "x"},
      "context": {}, "preparsedPolicySetId": "nope", "entities": []})";
  EXPECT_EQ(store.stateful_is_authorized(call_unknown).rfind(R"({"type":"failure")", 0), 0u);
  EXPECT_EQ(store.preparse_policy_set("bad", R"({"staticPolicies": "permit("})")
                .rfind(R"({"type":"failure")", 0),
            0u);
}

TEST(JsonApi, PreparsedEntitiesAnswerAsEntitiesInTheCall) {
  cordon::json_api::PolicyStore store;
  ASSERT_EQ(store.preparse_policy_set(
                "main", R"({"staticPolicies": "permit(principal in Group::\"staff\", action, )"
                        R"(resource) when { principal.level > 2 };"})"),
            R"({"type":"success"})");
  const std::string entities = R"([{"uid": {"type": "User", "id": "alice"}, "attrs": {"level": 3},)"
                               R"( "parents": [{"type": "Group", "id": "staff"}]},)"
                               R"( {"uid": {"type": "User", "id": "bob"}, "attrs": {"level": 1},)"
                               R"( "parents": [{"type": "Group", "id": "staff"}]}])";
  ASSERT_EQ(store.preparse_entities("people", entities), R"({"type":"success"})");
  const auto call = [](const char* user, const std::string& entities_member) {
    return std::string(R"({"principal": {"type": "User", "id": ")") + user +
           R"("}, "action": {"type": "Action", "id": "view"},)"
           R"( "resource": {"type": "Photo", "id": "x"}, "context": {},)"
           R"( "preparsedPolicySetId": "main", )" +
           entities_member + "}";
  };
  for (const char* user : {"alice", "bob", "carol"}) {
    EXPECT_EQ(store.stateful_is_authorized(call(user, R"("preparsedEntitiesId": "people")")),
              store.stateful_is_authorized(call(user, R"("entities": )" + entities)))
        << user;
  }
  EXPECT_NE(store.stateful_is_authorized(call("alice", R"("preparsedEntitiesId": "people")"))
                .find(R"("decision":"allow")"),
            std::string::npos);
  // Unknown ids, both forms at once, and entities that do not parse are refused.
  for (const std::string& bad :
       {call("alice", R"("preparsedEntitiesId": "nobody")"),
        call("alice", R"("preparsedEntitiesId": "people", "entities": [])"),
        call("alice", R"("preparsedEntitiesId": 7)"),
        call("alice", R"("preparsedEntitiesId": "people", "preparsedSchemaName": "s")")})
    EXPECT_EQ(store.stateful_is_authorized(bad).rfind(R"({"type":"failure")", 0), 0u) << bad;
  EXPECT_EQ(store.preparse_entities("broken", R"([{"uid": 1}])").rfind(R"({"type":"failure")", 0),
            0u);
}

TEST(Version, NamesEngineAndCedarLanguage) {
  EXPECT_STRNE(cordon::version(), "");
  EXPECT_EQ(std::string(cordon::cedar_language_version()).rfind("4.", 0), 0u)
      << cordon::cedar_language_version();
}

}  // namespace
