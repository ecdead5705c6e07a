// Unit tests of cordon::Schema (engine/include/cordon/schema.h): both schema formats,
// Cedar's name resolution, schema errors and limits, entities and context read with a
// schema (escapes left out, attributes type-checked, actions added from the schema),
// request validation, and the schema members of the JSON API (cedar-wasm's "schema",
// "validateRequest", preparseSchema and "preparsedSchemaName").
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cordon/authorizer.h"
#include "cordon/entities.h"
#include "cordon/error.h"
#include "cordon/json_api.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"
#include "cordon/schema.h"

namespace {

using cordon::Decision;
using cordon::Entities;
using cordon::ErrorKind;
using cordon::PolicySet;
using cordon::Request;
using cordon::Schema;

using Names = std::vector<std::string>;

constexpr char kPhotoSchema[] = R"(
// A photo-sharing application.
namespace Photos {
  type Place = { city: String, zip?: String };

  @doc("a person")
  entity User in [Team] {
    name: String,
    home?: Place,
    manager?: User,
    level?: Long,
    trusted?: Bool,
    budget?: decimal,
    ip?: ipaddr,
    since?: datetime,
    session?: duration,
    labels?: Set<String>,
    friends?: Set<User>,
  } tags String;
  entity Team in [Org];
  entity Org;
  entity Photo in [Album] { owner: User, color?: Color };
  entity Album;
  entity Color enum ["red", "green"];

  action view, edit in [manage] appliesTo {
    principal: [User],
    resource: [Photo, Album],
    context: { mfa: Bool, source?: ipaddr },
  };
  action manage;
  action paint appliesTo { principal: User, resource: Color };
}
)";

Schema parse_schema(const std::string& text) {
  cordon::Result<Schema> schema = Schema::parse(text, "test.cedarschema");
  EXPECT_TRUE(schema.ok()) << (schema.ok() ? "" : schema.error().to_string());
  return schema.ok() ? *schema : Schema();
}

std::string schema_error(const std::string& text) {
  cordon::Result<Schema> schema = Schema::parse(text, "bad.cedarschema");
  EXPECT_FALSE(schema.ok()) << "expected an error for: " << text;
  return schema.ok() ? "" : schema.error().to_string();
}

std::string entities_error(const Schema& schema, const std::string& json) {
  cordon::Result<Entities> entities = Entities::from_json(json, "e.json", &schema);
  EXPECT_FALSE(entities.ok()) << "expected an error for: " << json;
  return entities.ok() ? "" : entities.error().message;
}

Entities load(const Schema& schema, const std::string& json) {
  cordon::Result<Entities> entities = Entities::from_json(json, "e.json", &schema);
  EXPECT_TRUE(entities.ok()) << (entities.ok() ? "" : entities.error().to_string());
  return entities.ok() ? *entities : Entities();
}

Decision decide(const Schema& schema, const std::string& policy, const std::string& request,
                const std::string& entities = "[]") {
  cordon::Result<PolicySet> policies = PolicySet::parse(policy, "test.cedar");
  EXPECT_TRUE(policies.ok()) << (policies.ok() ? "" : policies.error().to_string());
  cordon::Result<Request> req = Request::from_json(request, schema);
  EXPECT_TRUE(req.ok()) << (req.ok() ? "" : req.error().to_string());
  if (!policies.ok() || !req.ok()) return Decision::deny;
  cordon::Response answer = cordon::is_authorized(*req, *policies, load(schema, entities));
  EXPECT_TRUE(answer.errors.empty()) << answer.errors[0].message;
  return answer.decision;
}

std::string request_error(const Schema& schema, const std::string& request, bool validate = true) {
  cordon::Result<Request> req = Request::from_json(request, schema, validate);
  EXPECT_FALSE(req.ok()) << "expected an error for: " << request;
  return req.ok() ? "" : req.error().message;
}

constexpr char kViewRequest[] = R"({
  "principal": {"type": "Photos::User", "id": "alice"},
  "action": {"type": "Photos::Action", "id": "view"},
  "resource": {"type": "Photos::Photo", "id": "p1"},
  "context": {"mfa": true, "source": "10.1.2.3"}})";

// ---- The two formats

TEST(SchemaText, DeclaresEntityTypesAndActions) {
  Schema schema = parse_schema(kPhotoSchema);
  EXPECT_EQ(schema.entity_types(), (Names{"Photos::Album", "Photos::Color", "Photos::Org",
                                          "Photos::Photo", "Photos::Team", "Photos::User"}));
  EXPECT_EQ(schema.actions(), (Names{R"(Photos::Action::"edit")", R"(Photos::Action::"manage")",
                                     R"(Photos::Action::"paint")", R"(Photos::Action::"view")"}));
}

TEST(SchemaText, AcceptsCedarSyntaxVariants) {
  // Keywords as names, `=` before a shape, trailing commas, string names, comments,
  // annotations, unqualified and `__cedar::` built-in types, an empty appliesTo-less action.
  Schema schema = parse_schema(R"(
    entity entity, namespace = { Set: Set<__cedar::Long>, "two words": String, in_: Bool, };
    @id("x") action "read file" appliesTo { principal: entity, resource: [namespace], };
    action list attributes {};  // no appliesTo: applies to nothing
    entity Stamp { at: datetime, took: __cedar::duration, ip: ipaddr, amount: decimal };
  )");
  EXPECT_EQ(schema.entity_types(), (Names{"Stamp", "entity", "namespace"}));
  EXPECT_EQ(schema.actions(), (Names{R"(Action::"list")", R"(Action::"read file")"}));
}

TEST(SchemaJson, MatchesTheTextFormat) {
  Schema schema = parse_schema(R"({
    "Photos": {
      "commonTypes": {"Place": {"type": "Record", "attributes": {"city": {"type": "String"}}}},
      "entityTypes": {
        "User": {"memberOfTypes": ["Team"],
                 "shape": {"type": "Record", "attributes": {
                   "home": {"type": "Place", "required": false},
                   "budget": {"type": "Extension", "name": "decimal", "required": false},
                   "boss": {"type": "Entity", "name": "User", "required": false},
                   "tags": {"type": "Set", "element": {"type": "String"}, "required": false}}}},
        "Team": {},
        "Photo": {"shape": {"type": "Record", "attributes": {
                   "owner": {"type": "EntityOrCommon", "name": "User"}}}}
      },
      "actions": {
        "view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Photo"],
                               "context": {"type": "Record", "attributes": {
                                 "mfa": {"type": "Boolean"}}}},
                 "memberOf": [{"id": "manage"}]},
        "manage": {}
      }
    }
  })");
  EXPECT_EQ(schema.entity_types(), (Names{"Photos::Photo", "Photos::Team", "Photos::User"}));
  EXPECT_EQ(decide(schema, R"(permit(principal, action in Photos::Action::"manage", resource)
                              when { principal.budget == decimal("1.5") };)",
                   R"({"principal": {"type": "Photos::User", "id": "a"},
                       "action": {"type": "Photos::Action", "id": "view"},
                       "resource": {"type": "Photos::Photo", "id": "p"},
                       "context": {"mfa": true}})",
                   R"([{"uid": {"type": "Photos::User", "id": "a"},
                        "attrs": {"budget": "1.5"}, "parents": []}])"),
            Decision::allow);
}

TEST(SchemaJson, ParseDetectsTheFormat) {
  EXPECT_EQ(
      parse_schema("  \n {\"N\": {\"entityTypes\": {\"A\": {}}, \"actions\": {}}}").entity_types(),
      Names{"N::A"});
  EXPECT_EQ(parse_schema("entity A;").entity_types(), Names{"A"});
  // Each specific parser accepts only its own format.
  EXPECT_FALSE(Schema::from_cedar_text(R"({"": {"entityTypes": {}, "actions": {}}})").ok());
  EXPECT_FALSE(Schema::from_json("entity A;").ok());
}

TEST(SchemaJson, RejectsWhatCedarRejects) {
  EXPECT_NE(schema_error(R"({"": {"entityTypes": {}}})").find("missing field `actions`"),
            std::string::npos);
  EXPECT_NE(schema_error(R"({"": {"entityTypes": {}, "actions": {}, "extra": 1}})")
                .find("unknown field `extra`"),
            std::string::npos);
  EXPECT_NE(schema_error(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record"}}},
                                  "actions": {}}})")
                .find("missing field `attributes`"),
            std::string::npos);
  EXPECT_NE(schema_error(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record",
                                  "attributes": {}, "additionalAttributes": true}}},
                                  "actions": {}}})")
                .find("additionalAttributes"),
            std::string::npos);
  EXPECT_NE(schema_error(R"({"": {"entityTypes": {"A": {}, "A": {}}, "actions": {}}})")
                .find("duplicate key `A`"),
            std::string::npos);
  // {"type": "Name"} must name a common type, never an entity type.
  EXPECT_NE(schema_error(R"({"": {"entityTypes": {"A": {"shape": {"type": "Record",
                                  "attributes": {"a": {"type": "A"}}}}}, "actions": {}}})")
                .find("has not been declared as a common type"),
            std::string::npos);
}

// ---- Name resolution

TEST(SchemaNames, ANameMeansTheCurrentNamespaceThenTheEmptyOne) {
  Schema schema = parse_schema(R"(
    entity Shared;
    namespace App {
      entity Local;
      entity Thing { local: Local, shared: Shared, qualified: App::Local };
      action act appliesTo { principal: Thing, resource: Thing };
    }
  )");
  const char* request = R"({"principal": {"type": "App::Thing", "id": "t"},
                            "action": {"type": "App::Action", "id": "act"},
                            "resource": {"type": "App::Thing", "id": "t"}, "context": {}})";
  EXPECT_EQ(decide(schema,
                   R"(permit(principal, action, resource) when {
                        principal.local is App::Local && principal.shared is Shared &&
                        principal.qualified is App::Local };)",
                   request,
                   R"([{"uid": {"type": "App::Thing", "id": "t"}, "parents": [], "attrs": {
                        "local": {"type": "App::Local", "id": "l"},
                        "shared": {"type": "Shared", "id": "s"},
                        "qualified": {"type": "App::Local", "id": "q"}}}])"),
            Decision::allow);
}

TEST(SchemaNames, ACommonTypeWinsOverAnEntityTypeOfTheSameName) {
  Schema schema = parse_schema(R"(
    type Id = String;
    entity Id;
    entity User { id: Id };
  )");
  EXPECT_TRUE(load(schema, R"([{"uid": {"type": "User", "id": "u"}, "parents": [],
                                 "attrs": {"id": "a string"}}])")
                  .size() > 0);
}

TEST(SchemaNames, AnEntityTypeCanTakeABuiltInNameInTheEmptyNamespace) {
  // `String` now names the entity type; the built-in stays reachable as __cedar::String.
  Schema schema = parse_schema(R"(
    entity String;
    entity User { s: String, t: __cedar::String };
  )");
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "User", "id": "u"}, "parents": [],
                                        "attrs": {"s": "text", "t": "text"}}])")
                .find("expected a literal entity reference"),
            std::string::npos);
  load(schema, R"([{"uid": {"type": "User", "id": "u"}, "parents": [],
                    "attrs": {"s": {"type": "String", "id": "x"}, "t": "text"}}])");
}

TEST(SchemaNames, ActionTypesAreUsableAsAttributeTypes) {
  Schema schema = parse_schema("entity User { last: Action }; action read;");
  load(schema, R"([{"uid": {"type": "User", "id": "u"}, "parents": [],
                    "attrs": {"last": {"type": "Action", "id": "read"}}}])");
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "User", "id": "u"}, "parents": [],
                                        "attrs": {"last": {"type": "Action", "id": "nope"}}}])")
                .find("not declared as an action"),
            std::string::npos);
}

// ---- Schema errors

TEST(SchemaErrors, BadTextHasFileLineAndColumn) {
  cordon::Result<Schema> schema =
      Schema::parse("entity User {\n  name: String\n  age: Long\n};", "app.cedarschema");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::parse);
  EXPECT_EQ(schema.error().location.file, "app.cedarschema");
  EXPECT_EQ(schema.error().location.line, 3u);
  EXPECT_EQ(schema.error().location.column, 3u);
  EXPECT_NE(schema.error().message.find("unexpected token `age`"), std::string::npos);
}

TEST(SchemaErrors, UnknownTypesAreNamedWithTheirCandidates) {
  std::string error = schema_error("namespace N {\n  entity A { b: Missing };\n}");
  EXPECT_NE(error.find("bad.cedarschema:2:17"), std::string::npos) << error;
  EXPECT_NE(error.find("neither `N::Missing` nor `Missing`"), std::string::npos) << error;
  EXPECT_NE(schema_error("entity A in [B];").find("`B` has not been declared as an entity type"),
            std::string::npos);
  EXPECT_NE(schema_error("entity A { b: Boolean };").find("`Boolean` has not been declared"),
            std::string::npos);
  EXPECT_NE(schema_error("action a in [b];").find(R"(undeclared action: Action::"b")"),
            std::string::npos);
}

TEST(SchemaErrors, DuplicatesAndReservedNames) {
  EXPECT_NE(schema_error("entity A; entity A;").find("`A` is declared twice"), std::string::npos);
  EXPECT_NE(schema_error("action a; action \"a\";").find("`a` is declared twice"),
            std::string::npos);
  EXPECT_NE(schema_error("namespace N { } namespace N { }").find("duplicate namespace"),
            std::string::npos);
  EXPECT_NE(schema_error("entity Action;").find("`Action`"), std::string::npos);
  EXPECT_NE(schema_error("type Long = String;").find("reserved schema keyword"), std::string::npos);
  EXPECT_NE(schema_error("entity in;").find("`in` is a reserved identifier"), std::string::npos);
  EXPECT_NE(schema_error("namespace __cedar { entity A; }").find("__cedar"), std::string::npos);
  EXPECT_NE(schema_error("@a @a entity A;").find("duplicate annotations"), std::string::npos);
  // A namespace may not redeclare a name of the empty namespace.
  EXPECT_NE(schema_error("entity A; namespace N { entity A; }").find("illegally shadows"),
            std::string::npos);
}

TEST(SchemaErrors, AppliesToNeedsPrincipalAndResource) {
  EXPECT_NE(
      schema_error("entity A; action a appliesTo { resource: A };").find("missing `principal`"),
      std::string::npos);
  EXPECT_NE(
      schema_error("entity A; action a appliesTo { principal: [], resource: A };").find("is `[]`"),
      std::string::npos);
  EXPECT_NE(schema_error("entity A; type C = Long;"
                         "action a appliesTo { principal: A, resource: A, context: C };")
                .find("other than `Record`"),
            std::string::npos);
}

TEST(SchemaErrors, CyclesInCommonTypesAndActions) {
  EXPECT_NE(schema_error("type A = B; type B = { a: A };").find("cycle in common type"),
            std::string::npos);
  EXPECT_NE(schema_error("action a in [b]; action b in [a];").find("cycle in action hierarchy"),
            std::string::npos);
  // Entity types may form cycles.
  parse_schema("entity A in [B]; entity B in [A];");
}

TEST(SchemaErrors, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "entity A { x: ";
  for (int i = 0; i < 100000; ++i) deep += "Set<";
  deep += "Long";
  for (int i = 0; i < 100000; ++i) deep += ">";
  deep += " };";
  cordon::Result<Schema> schema = Schema::parse(deep);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().kind, ErrorKind::limit);

  std::string json = R"({"": {"entityTypes": {"A": {"shape": )";
  std::string close;
  for (int i = 0; i < 100000; ++i) {
    json += R"({"type": "Set", "element": )";
    close += "}";
  }
  json += R"({"type": "Long"})" + close + R"(}}, "actions": {}}})";
  EXPECT_FALSE(Schema::parse(json).ok());
}

TEST(SchemaErrors, LongChainsOfCommonTypesResolve) {
  // Resolved in dependency order, so a long chain does not recurse through every link.
  std::string text;
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    text += "type T" + std::to_string(i) + " = T" + std::to_string(i + 1) + ";\n";
  text += "type T" + std::to_string(n) + " = Long;\nentity A { x: T0 };";
  Schema schema = parse_schema(text);
  load(schema, R"([{"uid": {"type": "A", "id": "a"}, "attrs": {"x": 1}, "parents": []}])");
}

// ---- Entities read with a schema

TEST(SchemaEntities, EscapesMayBeLeftOut) {
  Schema schema = parse_schema(kPhotoSchema);
  const char* entities = R"([
    {"uid": {"type": "Photos::User", "id": "alice"}, "parents": [],
     "attrs": {"name": "Alice", "manager": {"type": "Photos::User", "id": "bob"},
               "budget": "12.5", "ip": "10.0.0.0/8", "since": "2024-01-01",
               "session": "1h30m", "friends": [{"__entity": {"type": "Photos::User", "id": "c"}}],
               "home": {"city": "Lyon"}}}])";
  EXPECT_EQ(decide(schema,
                   R"(permit(principal, action, resource) when {
                        principal.manager == Photos::User::"bob" &&
                        principal.budget.greaterThan(decimal("12.0")) &&
                        principal.ip.isInRange(ip("10.0.0.0/8")) &&
                        principal.since < datetime("2025-01-01") &&
                        principal.session > duration("1h") &&
                        principal.friends.contains(Photos::User::"c") &&
                        principal.home.city == "Lyon" &&
                        context.source.isIpv4() };)",
                   kViewRequest, entities),
            Decision::allow);
}

TEST(SchemaEntities, AttributesAreChecked) {
  Schema schema = parse_schema(kPhotoSchema);
  auto user = [](const std::string& attrs) {
    return R"([{"uid": {"type": "Photos::User", "id": "u"}, "parents": [], "attrs": )" + attrs +
           "}]";
  };
  EXPECT_NE(entities_error(schema, user("{}")).find("to have attribute `name`"), std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": "n", "nick": "x"})"))
                .find("attribute `nick` on `Photos::User::\"u\"` should not exist"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": 5})"))
                .find("expected to have type string, but it actually has type long"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": "n", "manager": {"type": "Photos::Team",
                                            "id": "t"}})"))
                .find("expected to have type `Photos::User`"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": "n", "home": {"zip": "1"}})"))
                .find("expected the record to have an attribute `city`"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": "n", "home": {"city": "c", "x": 1}})"))
                .find("record attribute `x` should not exist"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": "n", "budget": "one"})")).find("decimal"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, user(R"({"name": "n", "labels": [1]})"))
                .find("expected to have type string"),
            std::string::npos);
}

TEST(SchemaEntities, TypesParentsEnumsAndTagsAreChecked) {
  Schema schema = parse_schema(kPhotoSchema);
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::Ghost", "id": "g"},
                                        "attrs": {}, "parents": []}])")
                .find("not declared in the schema"),
            std::string::npos);
  // A parent's type must be among the declared ancestors (transitively: User -> Team -> Org).
  load(schema, R"([{"uid": {"type": "Photos::User", "id": "u"}, "attrs": {"name": "n"},
                    "parents": [{"type": "Photos::Org", "id": "o"}]}])");
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::User", "id": "u"},
                                        "attrs": {"name": "n"},
                                        "parents": [{"type": "Photos::Album", "id": "a"}]}])")
                .find("not allowed to have an ancestor of type `Photos::Album`"),
            std::string::npos);
  load(schema, R"([{"uid": {"type": "Photos::Color", "id": "red"}, "attrs": {}, "parents": []}])");
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::Color", "id": "blue"},
                                        "attrs": {}, "parents": []}])")
                .find("is of an enumerated entity type"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::User", "id": "u"},
                                        "attrs": {"name": "n"}, "parents": [],
                                        "tags": {"t": 1}}])")
                .find("in tag `t`"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::Team", "id": "t"},
                                        "attrs": {}, "parents": [], "tags": {"t": "x"}}])")
                .find("no tags should exist"),
            std::string::npos);
}

TEST(SchemaEntities, ActionsComeFromTheSchema) {
  Schema schema = parse_schema(kPhotoSchema);
  Entities entities = load(schema, "[]");
  EXPECT_EQ(entities.size(), 4u);  // the four actions
  EXPECT_EQ(decide(schema, R"(permit(principal, action in Photos::Action::"manage", resource);)",
                   kViewRequest),
            Decision::allow);
  // An action given in the data must match the schema's definition.
  load(schema, R"([{"uid": {"type": "Photos::Action", "id": "view"}, "attrs": {},
                    "parents": [{"type": "Photos::Action", "id": "manage"}]}])");
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::Action", "id": "view"},
                                        "attrs": {}, "parents": []}])")
                .find("does not match its schema declaration"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, R"([{"uid": {"type": "Photos::Action", "id": "fly"},
                                        "attrs": {}, "parents": []}])")
                .find("not declared as an action"),
            std::string::npos);
}

TEST(SchemaEntities, RepeatsAndCycles) {
  Schema schema = parse_schema("entity G in [G];");
  // An exact repeat is accepted, as in Cedar; a conflicting one or a cycle is not.
  load(schema, R"([{"uid": {"type": "G", "id": "a"}, "attrs": {}, "parents": []},
                   {"uid": {"type": "G", "id": "a"}, "attrs": {}, "parents": []}])");
  EXPECT_NE(entities_error(schema, R"([
                {"uid": {"type": "G", "id": "a"}, "attrs": {}, "parents": []},
                {"uid": {"type": "G", "id": "a"}, "attrs": {},
                 "parents": [{"type": "G", "id": "b"}]}])")
                .find("duplicate entity"),
            std::string::npos);
  EXPECT_NE(entities_error(schema, R"([
                {"uid": {"type": "G", "id": "a"}, "attrs": {},
                 "parents": [{"type": "G", "id": "b"}]},
                {"uid": {"type": "G", "id": "b"}, "attrs": {},
                 "parents": [{"type": "G", "id": "a"}]}])")
                .find("cycle"),
            std::string::npos);
}

// ---- Requests

TEST(SchemaRequests, ValidRequestsPass) {
  Schema schema = parse_schema(kPhotoSchema);
  cordon::Result<Request> request = Request::from_json(kViewRequest, schema);
  ASSERT_TRUE(request.ok()) << request.error().to_string();
  EXPECT_FALSE(request->validate(schema).has_value());
  cordon::Result<Request> made =
      Request::make({"Photos::User", "alice"}, {"Photos::Action", "edit"}, {"Photos::Album", "a"},
                    R"({"mfa": false})", schema);
  EXPECT_TRUE(made.ok()) << made.error().to_string();
}

TEST(SchemaRequests, ValidationFailures) {
  Schema schema = parse_schema(kPhotoSchema);
  auto with = [](const std::string& principal, const std::string& action,
                 const std::string& resource, const std::string& context) {
    return R"({"principal": )" + principal + R"(, "action": )" + action + R"(, "resource": )" +
           resource + R"(, "context": )" + context + "}";
  };
  const std::string user = R"({"type": "Photos::User", "id": "u"})";
  const std::string view = R"({"type": "Photos::Action", "id": "view"})";
  const std::string photo = R"({"type": "Photos::Photo", "id": "p"})";
  const std::string ok_context = R"({"mfa": true})";

  EXPECT_NE(request_error(schema, with(photo, view, photo, ok_context))
                .find("principal type `Photos::Photo` is not valid for"),
            std::string::npos);
  EXPECT_NE(request_error(schema, with(R"({"type": "Ghost", "id": "g"})", view, photo, ok_context))
                .find("principal type `Ghost` is not declared in the schema"),
            std::string::npos);
  EXPECT_NE(request_error(
                schema, with(user, R"({"type": "Photos::Action", "id": "fly"})", photo, ok_context))
                .find("does not exist in the supplied schema"),
            std::string::npos);
  EXPECT_NE(request_error(schema, with(user, view, photo, R"({"mfa": "yes"})"))
                .find("is not valid for `Photos::Action::\"view\"`"),
            std::string::npos);
  EXPECT_NE(request_error(schema, with(user, view, photo, "{}"))
                .find("expected the record to have an attribute `mfa`"),
            std::string::npos);
  EXPECT_NE(request_error(schema, with(user, view, photo, R"({"mfa": true, "x": 1})"))
                .find("record attribute `x` should not exist"),
            std::string::npos);
  EXPECT_NE(request_error(schema, with(user, R"({"type": "Photos::Action", "id": "paint"})",
                                       R"({"type": "Photos::Color", "id": "blue"})", "{}"))
                .find("is of an enumerated entity type"),
            std::string::npos);

  // Without validation the types are not checked, but the context is still read with the
  // action's context type.
  EXPECT_TRUE(
      Request::from_json(with(photo, view, photo, R"({"mfa": "yes"})"), schema, false).ok());
  EXPECT_NE(request_error(schema, with(user, view, photo, "{}"), false)
                .find("expected the record to have an attribute `mfa`"),
            std::string::npos);
}

// ---- The JSON API

std::string call_with(const std::string& members) {
  return R"({"principal": {"type": "User", "id": "alice"},
             "action": {"type": "Action", "id": "view"},
             "resource": {"type": "Photo", "id": "p"},
             "context": {"ip": "10.0.0.1"},
             "policies": {"staticPolicies":
               "permit(principal, action, resource) when { context.ip.isLoopback() == false };"},
             "entities": [])" +
         members + "}";
}

constexpr char kSmallSchema[] =
    R"("entity User; entity Photo; entity Other; action view appliesTo { principal: User, resource: Photo, context: { ip: ipaddr } };")";

TEST(SchemaJsonApi, SchemaAsTextOrJson) {
  EXPECT_NE(cordon::json_api::is_authorized(call_with(std::string(", \"schema\": ") + kSmallSchema))
                .find(R"("decision":"allow")"),
            std::string::npos);
  const std::string json_schema = R"(, "schema": {"": {"entityTypes": {"User": {}, "Photo": {}},
      "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Photo"],
        "context": {"type": "Record", "attributes": {"ip": {"type": "Extension",
                                                             "name": "ipaddr"}}}}}}}})";
  EXPECT_NE(cordon::json_api::is_authorized(call_with(json_schema)).find(R"("decision":"allow")"),
            std::string::npos);
  // Without a schema the context's "10.0.0.1" is a string, and the policy errors.
  std::string without = cordon::json_api::is_authorized(call_with(""));
  EXPECT_NE(without.find(R"("decision":"deny")"), std::string::npos) << without;
  EXPECT_NE(without.find(R"("policyId":"policy0")"), std::string::npos) << without;
}

TEST(SchemaJsonApi, ValidateRequestDefaultsToTrue) {
  std::string call = call_with(std::string(", \"schema\": ") + kSmallSchema);
  call.replace(call.find("\"User\""), 6, "\"Other\"");
  std::string answer = cordon::json_api::is_authorized(call);
  EXPECT_NE(answer.find(R"("type":"failure")"), std::string::npos) << answer;
  EXPECT_NE(answer.find("principal type `Other` is not valid"), std::string::npos) << answer;

  call.insert(call.size() - 1, ", \"validateRequest\": false");
  answer = cordon::json_api::is_authorized(call);
  EXPECT_NE(answer.find(R"("decision":"allow")"), std::string::npos) << answer;
}

TEST(SchemaJsonApi, BadSchemasFail) {
  std::string answer =
      cordon::json_api::is_authorized(call_with(R"(, "schema": "entity User { x: Nope };")"));
  EXPECT_NE(answer.find(R"("type":"failure")"), std::string::npos) << answer;
  EXPECT_NE(answer.find("failed to resolve type `Nope`"), std::string::npos) << answer;
}

TEST(SchemaJsonApi, PreparsedSchemas) {
  cordon::json_api::PolicyStore store;
  EXPECT_EQ(store.preparse_schema("app", kSmallSchema), R"({"type":"success"})");
  EXPECT_NE(store.preparse_schema("bad", R"("entity ;")").find(R"("type":"failure")"),
            std::string::npos);
  EXPECT_EQ(store.preparse_policy_set("ps", R"({"staticPolicies":
      "permit(principal, action, resource) when { context.ip.isLoopback() == false };"})"),
            R"({"type":"success"})");
  const std::string call = R"({"principal": {"type": "User", "id": "alice"},
      "action": {"type": "Action", "id": "view"}, "resource": {"type": "Photo", "id": "p"},
      "context": {"ip": "10.0.0.1"}, "entities": [], "preparsedPolicySetId": "ps")";
  EXPECT_NE(store.stateful_is_authorized(call + R"(, "preparsedSchemaName": "app"})")
                .find(R"("decision":"allow")"),
            std::string::npos);
  EXPECT_NE(store.stateful_is_authorized(call + R"(, "preparsedSchemaName": "nope"})")
                .find("preparsed schema 'nope' not found"),
            std::string::npos);
}

}  // namespace
