// Deep nesting is an error, never a crash: every reader of the public API is given
// 100,000 nested parentheses, brackets or braces (far past any depth limit, deep enough
// to overflow the stack of a recursive reader without one) and must answer with an Error
// or a failure answer. Covers policy text, Cedar's JSON policy format, entity JSON and
// entity references, context JSON, whole json_api calls, both schema formats, and long
// operator chains (flat text that parses into an equally deep tree).
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/error.h"
#include "cordon/json_api.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"
#include "cordon/schema.h"

namespace {

using cordon::Entities;
using cordon::PolicySet;
using cordon::Request;
using cordon::Schema;

constexpr int kDepth = 100000;

// `open` repeated `depth` times, then `inner`, then `close` repeated `depth` times.
std::string nest(std::string_view open, std::string_view inner, std::string_view close,
                 int depth = kDepth) {
  std::string out;
  out.reserve((open.size() + close.size()) * depth + inner.size());
  for (int i = 0; i < depth; ++i) out += open;
  out += inner;
  for (int i = 0; i < depth; ++i) out += close;
  return out;
}

std::string policy_when(std::string_view condition) {
  return "permit(principal, action, resource) when { " + std::string(condition) + " };";
}

std::string request_with_context(std::string_view context) {
  return R"({"principal": {"type": "User", "id": "alice"},
             "action": {"type": "Action", "id": "view"},
             "resource": {"type": "Photo", "id": "a"}, "context": )" +
         std::string(context) + "}";
}

// A call with every member valid except `member`, whose JSON is `member_json`.
std::string call_with(std::string_view member, std::string_view member_json) {
  const std::pair<std::string_view, std::string_view> members[] = {
      {"principal", R"({"type": "User", "id": "alice"})"},
      {"action", R"({"type": "Action", "id": "view"})"},
      {"resource", R"({"type": "Photo", "id": "a"})"},
      {"context", "{}"},
      {"policies", R"({"staticPolicies": "permit(principal, action, resource);"})"},
      {"entities", "[]"},
      {"schema", "null"}};
  std::string call = "{";
  for (const auto& [name, value] : members) {
    if (call.size() > 1) call += ", ";
    call += "\"" + std::string(name) + "\": " + std::string(name == member ? member_json : value);
  }
  return call + "}";
}

void expect_failure_answer(const std::string& answer) {
  EXPECT_EQ(answer.rfind(R"({"type":"failure",)", 0), 0u) << answer.substr(0, 300);
}

// The same shapes, a few levels deep, are accepted: the deep cases below fail for their
// depth, not for their shape.
TEST(Nesting, ShallowShapesAreAccepted) {
  const int shallow = 5;
  EXPECT_TRUE(PolicySet::parse(policy_when(nest("(", "true", ")", shallow))).ok());
  EXPECT_TRUE(PolicySet::parse(policy_when(nest("[", "1", "]", shallow) + ".isEmpty()")).ok());
  EXPECT_TRUE(PolicySet::parse(policy_when(nest("{a: ", "1", "}", shallow) + " has a")).ok());
  EXPECT_TRUE(Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
      "attrs": {"deep": )" + nest("[", "1", "]", shallow) +
                                  "}}]")
                  .ok());
  EXPECT_TRUE(Request::from_json(request_with_context(nest(R"({"a": )", "1", "}", shallow))).ok());
  EXPECT_EQ(
      cordon::json_api::is_authorized(call_with("context", "{}")).rfind(R"({"type":"success",)", 0),
      0u);
  EXPECT_TRUE(
      Schema::parse("entity User { a: " + nest("{ a: ", "Long", " }", shallow) + " };").ok());
  EXPECT_TRUE(Schema::parse("entity User { a: " + nest("Set<", "Long", ">", shallow) + " };").ok());
  std::string shape =
      nest(R"({"type": "Record", "attributes": {"a": )", R"({"type": "Long"})", "}}", shallow);
  EXPECT_TRUE(Schema::parse(R"({"": {"entityTypes": {"User": {"shape": )" + shape +
                            R"(}}, "actions": {}}})")
                  .ok());
}

// ---- policy text ----

TEST(Nesting, PolicyTextParentheses) {
  auto set = PolicySet::parse(policy_when(nest("(", "true", ")")));
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("nested deeper"), std::string::npos)
      << set.error().to_string();
}

TEST(Nesting, PolicyTextSetLiterals) {
  auto set = PolicySet::parse(policy_when(nest("[", "1", "]") + ".isEmpty()"));
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("nested deeper"), std::string::npos)
      << set.error().to_string();
}

TEST(Nesting, PolicyTextRecordLiterals) {
  auto set = PolicySet::parse(policy_when(nest("{a: ", "1", "}") + " has a"));
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("nested deeper"), std::string::npos)
      << set.error().to_string();
}

TEST(Nesting, PolicyTextUnterminatedParentheses) {
  // Nothing ever closes: the reader must stop at its limit, not at the end of the text.
  auto set = PolicySet::parse(policy_when(std::string(kDepth, '(')));
  EXPECT_FALSE(set.ok());
}

TEST(Nesting, PolicyTextInScopeAndAnnotations) {
  EXPECT_FALSE(PolicySet::parse("permit(principal in " + nest("[", "User::\"a\"", "]") +
                                ", action, resource);")
                   .ok());
  EXPECT_FALSE(
      PolicySet::parse("@id(" + nest("(", "\"a\"", ")") + ") permit(principal, action, resource);")
          .ok());
}

// ---- Cedar's JSON policy format ----

TEST(Nesting, PolicyJsonArrays) {
  EXPECT_FALSE(PolicySet::from_json(nest("[", "", "]")).ok());
  EXPECT_FALSE(PolicySet::from_json(nest("{\"a\":", "1", "}")).ok());
}

TEST(Nesting, PolicyJsonExpression) {
  // {"!": {"arg": {"!": {"arg": ... true ...}}}}, in a policy's `when` condition.
  std::string body = nest(R"({"!": {"arg": )", R"({"Value": true})", "}}");
  std::string policy = R"({"effect": "permit", "principal": {"op": "All"},
      "action": {"op": "All"}, "resource": {"op": "All"},
      "conditions": [{"kind": "when", "body": )" +
                       body + "}]}";
  EXPECT_FALSE(PolicySet::from_json(R"({"staticPolicies": {"p": )" + policy + "}}").ok());
}

TEST(Nesting, PolicyJsonEntityReferences) {
  const std::string deep = nest("[", "1", "]");
  EXPECT_FALSE(PolicySet::from_json(R"({"staticPolicies": {"p": {"effect": "permit",
      "principal": {"op": "==", "entity": )" +
                                    deep + R"(}, "action": {"op": "All"},
      "resource": {"op": "All"}, "conditions": []}}})")
                   .ok());
  EXPECT_FALSE(PolicySet::from_json(
                   R"({"templates": {"t": "permit(principal == ?principal, action, resource);"},
      "templateLinks": [{"templateId": "t", "newId": "l", "values": {"?principal": )" +
                   deep + "}}]}")
                   .ok());
}

// ---- long operator chains ----
// Not nested brackets, but the same depth once parsed: `a || a || ...` and `x.a.a.a...` are
// left-deep trees. They must be rejected, or parse, evaluate and round-trip through JSON.

void expect_chain_is_safe(const std::string& condition) {
  auto set = PolicySet::parse(policy_when(condition));
  if (!set.ok()) return;
  auto request = Request::make({"User", "alice"}, {"Action", "view"}, {"Photo", "a"}, "{}");
  ASSERT_TRUE(request.ok());
  (void)cordon::is_authorized(*request, *set, Entities());
  auto again = PolicySet::from_json(set->to_json());
  EXPECT_TRUE(again.ok()) << again.error().to_string().substr(0, 300);
}

std::string chain(std::string_view first, std::string_view link, int length = kDepth) {
  std::string out(first);
  out.reserve(first.size() + link.size() * length);
  for (int i = 0; i < length; ++i) out += link;
  return out;
}

TEST(Nesting, PolicyTextOperatorChains) {
  expect_chain_is_safe(chain("true", " || true"));
  expect_chain_is_safe(chain("true", " && true"));
  expect_chain_is_safe(chain("1", " + 1") + " == 0");
  expect_chain_is_safe(chain("1", " * 1") + " == 0");
}

TEST(Nesting, PolicyTextMemberChains) {
  expect_chain_is_safe(chain("context", ".a"));
  expect_chain_is_safe(chain("context", "[\"a\"]"));
  expect_chain_is_safe(chain("[1]", ".contains(1)"));
}

std::string nested_has(int levels, int path_length) {
  std::string path = "a1";
  for (int i = 2; i <= path_length; ++i) path += ".a" + std::to_string(i);
  std::string e = "context";
  for (int i = 0; i < levels; ++i) e = "(" + e + " has " + path + ")";
  return "permit(principal, action, resource) when { " + e + " };";
}

TEST(Nesting, NestedHasPathsAreBoundedInSizeAndHeight) {
  // `e has a.b` copies `e` once per step, so nesting such tests grows the tree geometrically:
  // 150 levels of a two-step path would be 2^150 nodes. Past a budget it is an error.
  for (const auto& [levels, length] : {std::pair{150, 2}, std::pair{30, 40}, std::pair{20, 3}}) {
    const auto set = PolicySet::parse(nested_has(levels, length));
    ASSERT_FALSE(set.ok()) << levels << " x " << length;
    EXPECT_NE(set.error().message.find("expression too large"), std::string::npos)
        << set.error().to_string();
  }
  // A tall but small tree is refused by the height bound instead.
  const auto tall = PolicySet::parse("permit(principal, action, resource) when { " +
                                     chain("context", ".a", 990) + " has a.b.c.d.e.f.g.h.i.j };");
  ASSERT_FALSE(tall.ok());
  EXPECT_NE(tall.error().message.find("nested deeper than"), std::string::npos)
      << tall.error().to_string();
  // Modest nesting is fine.
  EXPECT_TRUE(PolicySet::parse(nested_has(5, 3)).ok());
  EXPECT_TRUE(PolicySet::parse(nested_has(1, 64)).ok());
}

TEST(Nesting, PolicyTextChainsPastTheJsonLimit) {
  // A few hundred links: past the JSON policy format's depth limit, far from the stack's.
  expect_chain_is_safe(chain("true", " || true", 300));
  expect_chain_is_safe(chain("context", ".a", 300));
}

// ---- entity JSON ----

TEST(Nesting, EntitiesDocument) {
  EXPECT_FALSE(Entities::from_json(nest("[", "", "]")).ok());
  EXPECT_FALSE(Entities::from_json(nest("{\"a\":", "1", "}")).ok());
}

TEST(Nesting, EntityAttributeSets) {
  auto entities = Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
      "attrs": {"deep": )" + nest("[", "1", "]") +
                                      "}}]");
  ASSERT_FALSE(entities.ok());
  EXPECT_NE(entities.error().message.find("nested deeper"), std::string::npos)
      << entities.error().to_string();
}

TEST(Nesting, EntityAttributeRecords) {
  auto entities = Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
      "attrs": {"deep": )" + nest(R"({"a": )", "1", "}") +
                                      "}}]");
  ASSERT_FALSE(entities.ok());
  EXPECT_NE(entities.error().message.find("nested deeper"), std::string::npos)
      << entities.error().to_string();
}

TEST(Nesting, EntityTags) {
  EXPECT_FALSE(Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
      "attrs": {}, "tags": {"t": )" +
                                   nest("[", "1", "]") + "}}]")
                   .ok());
}

TEST(Nesting, EntityUnterminatedJson) {
  EXPECT_FALSE(Entities::from_json(std::string(kDepth, '[')).ok());
  EXPECT_FALSE(Entities::from_json(std::string(kDepth, '{')).ok());
}

// Where an entity reference {"type", "id"} is expected, a deep value is an error too
// (its error message must not try to print the whole value).
TEST(Nesting, EntityReferences) {
  const std::string deep = nest("[", "1", "]");
  EXPECT_FALSE(
      Entities::from_json(R"([{"uid": )" + deep + R"(, "attrs": {}, "parents": []}])").ok());
  EXPECT_FALSE(Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "attrs": {},
      "parents": [)" + deep + "]}]")
                   .ok());
  EXPECT_FALSE(Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
      "attrs": {"owner": {"__entity": )" +
                                   deep + "}}}]")
                   .ok());
}

TEST(Nesting, EntityReferencesWithSchema) {
  auto schema = Schema::parse("entity User { manager: User };");
  ASSERT_TRUE(schema.ok()) << schema.error().to_string();
  const std::string deep = nest("[", "1", "]");
  EXPECT_FALSE(
      Entities::from_json(R"([{"uid": )" + deep + R"(, "attrs": {}, "parents": []}])", {}, &*schema)
          .ok());
  EXPECT_FALSE(Entities::from_json(R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
      "attrs": {"manager": )" + deep + "}}]",
                                   {}, &*schema)
                   .ok());
}

// ---- context JSON ----

TEST(Nesting, ContextSets) {
  auto request =
      Request::from_json(request_with_context(R"({"deep": )" + nest("[", "1", "]") + "}"));
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.error().message.find("nested deeper"), std::string::npos)
      << request.error().to_string();
}

TEST(Nesting, ContextRecords) {
  auto request = Request::from_json(request_with_context(nest(R"({"a": )", "1", "}")));
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.error().message.find("nested deeper"), std::string::npos)
      << request.error().to_string();
}

TEST(Nesting, ContextGivenToMake) {
  auto request = Request::make({"User", "alice"}, {"Action", "view"}, {"Photo", "a"},
                               R"({"deep": )" + nest("[", "1", "]") + "}");
  EXPECT_FALSE(request.ok());
}

TEST(Nesting, ContextEntityWithSchema) {
  auto schema = Schema::parse(
      "entity User; action view appliesTo { principal: User, resource: User, "
      "context: { owner: User } };");
  ASSERT_TRUE(schema.ok()) << schema.error().to_string();
  auto request = Request::from_json(R"({"principal": {"type": "User", "id": "a"},
      "action": {"type": "Action", "id": "view"}, "resource": {"type": "User", "id": "b"},
      "context": {"owner": )" + nest("[", "1", "]") +
                                        "}}",
                                    *schema);
  EXPECT_FALSE(request.ok());
}

TEST(Nesting, RequestEntityReferences) {
  const std::string deep = nest("[", "1", "]");
  EXPECT_FALSE(Request::from_json(R"({"principal": )" + deep + R"(,
      "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "a"}})")
                   .ok());
  EXPECT_FALSE(Request::from_json(R"({"principal": {"type": "User", "id": "a"},
      "action": {"type": "Action", "id": "view"}, "resource": )" +
                                  nest(R"({"__entity": )", "1", "}") + "}")
                   .ok());
}

TEST(Nesting, RequestDocument) {
  EXPECT_FALSE(Request::from_json(nest("[", "", "]")).ok());
  EXPECT_FALSE(Request::from_json(std::string(kDepth, '{')).ok());
}

// ---- whole calls (cedar-wasm's isAuthorized) ----

TEST(Nesting, CallMembers) {
  expect_failure_answer(cordon::json_api::is_authorized(nest("[", "", "]")));
  expect_failure_answer(
      cordon::json_api::is_authorized(call_with("context", nest(R"({"a": )", "1", "}"))));
  expect_failure_answer(cordon::json_api::is_authorized(
      call_with("entities", R"([{"uid": {"type": "User", "id": "a"}, "parents": [],
          "attrs": {"deep": )" + nest("[", "1", "]") +
                                "}}]")));
  expect_failure_answer(cordon::json_api::is_authorized(
      call_with("policies", "{\"staticPolicies\": " + nest("[", "", "]") + "}")));
  expect_failure_answer(
      cordon::json_api::is_authorized(call_with("principal", nest(R"({"__entity": )", "1", "}"))));
}

TEST(Nesting, CallPolicyText) {
  // Policy text inside the JSON call: the JSON is flat, the Cedar in the string is deep.
  expect_failure_answer(cordon::json_api::is_authorized(call_with(
      "policies", "{\"staticPolicies\": \"" + policy_when(nest("(", "true", ")")) + "\"}")));
}

// ---- schemas ----

TEST(Nesting, SchemaTextRecords) {
  auto schema = Schema::parse("entity User { a: " + nest("{ a: ", "Long", " }") + " };");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("nested deeper"), std::string::npos)
      << schema.error().to_string();
}

TEST(Nesting, SchemaTextSets) {
  auto schema = Schema::parse("entity User { a: " + nest("Set<", "Long", ">") + " };");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("nested deeper"), std::string::npos)
      << schema.error().to_string();
}

TEST(Nesting, SchemaTextActionContext) {
  EXPECT_FALSE(Schema::parse("entity User; action view appliesTo { principal: User, "
                             "resource: User, context: " +
                             nest("{ a: ", "Long", " }") + " };")
                   .ok());
}

TEST(Nesting, SchemaTextUnterminated) {
  EXPECT_FALSE(Schema::parse("entity User { a: " + std::string(kDepth, '{')).ok());
  EXPECT_FALSE(Schema::parse(std::string(kDepth, '(')).ok());
  EXPECT_FALSE(Schema::parse(std::string(kDepth, '[')).ok());
}

TEST(Nesting, SchemaJsonDocument) {
  EXPECT_FALSE(Schema::parse(nest("{\"a\":", "1", "}")).ok());
  EXPECT_FALSE(Schema::from_json(nest("[", "", "]")).ok());
}

TEST(Nesting, SchemaJsonRecordTypes) {
  // {"type": "Record", "attributes": {"a": {"type": "Record", "attributes": ... }}}
  std::string shape =
      nest(R"({"type": "Record", "attributes": {"a": )", R"({"type": "Long"})", "}}");
  auto schema = Schema::parse(R"({"": {"entityTypes": {"User": {"shape": )" + shape +
                              R"(}}, "actions": {}}})");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("nested deeper"), std::string::npos)
      << schema.error().to_string();
}

TEST(Nesting, SchemaJsonSetTypes) {
  std::string type = nest(R"({"type": "Set", "element": )", R"({"type": "Long"})", "}");
  auto schema = Schema::parse(R"({"": {"entityTypes": {"User": {"shape": {"type": "Record",
      "attributes": {"a": )" + type +
                              R"(}}}}, "actions": {}}})");
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.error().message.find("nested deeper"), std::string::npos)
      << schema.error().to_string();
}

TEST(Nesting, SchemaInCall) {
  expect_failure_answer(cordon::json_api::is_authorized(
      call_with("schema", "\"entity User { a: " + nest("{ a: ", "Long", " }") + " };\"")));
  expect_failure_answer(
      cordon::json_api::is_authorized(call_with("schema", nest("{\"a\":", "1", "}"))));
}

}  // namespace
