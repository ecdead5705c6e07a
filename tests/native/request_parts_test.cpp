// Unit tests of the pieces a binding builds a request from without JSON text
// (cordon/entity_ref.h, cordon/context_builder.h) and of Response::answer_json: each must
// give exactly what the JSON form gives.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "cedar/parser.h"
#include "cedar/policy_set_data.h"
#include "cordon/authorizer.h"
#include "cordon/context_builder.h"
#include "cordon/entity_ref.h"
#include "cordon/json_api.h"
#include "cordon/policy_set.h"
#include "cordon/request.h"

namespace {

using cordon::ContextBuilder;
using cordon::EntityRef;
using cordon::Request;

const EntityRef kAlice{"User", "alice"}, kView{"Action", "view"}, kPhoto{"Photo", "a"};

TEST(EntityRefText, ReadsCedarText) {
  auto ref = cordon::parse_entity_ref(R"(Photos::Photo::"a \"b\" \u{e9}")");
  ASSERT_TRUE(ref.ok()) << ref.error().to_string();
  EXPECT_EQ(ref->type, "Photos::Photo");
  EXPECT_EQ(ref->id, "a \"b\" \xC3\xA9");
  EXPECT_TRUE(cordon::parse_entity_ref(R"(User :: "alice")").ok());  // as Cedar reads it
  for (const char* bad : {"alice", R"(User::"alice)", R"(if::"a")", R"(User::"a" x)", ""})
    EXPECT_FALSE(cordon::parse_entity_ref(bad).ok()) << bad;
}

TEST(EntityRefText, TypeNamesAsTheJsonFormRequiresThem) {
  for (const char* good : {"User", "Photos::Photo", "A::B::C", "_x1"})
    EXPECT_TRUE(cordon::is_entity_type_name(good)) << good;
  for (const char* bad : {"", "if", "User::", " User", "User ", "A :: B", "1x", "A::if", "A::B::"})
    EXPECT_FALSE(cordon::is_entity_type_name(bad)) << bad;
}

// The check without a parser must agree with the parser on every text: names glued from
// identifiers, reserved words, separators, spaces, digits and a comment.
TEST(EntityRefText, TypeNameCheckAgreesWithTheParser) {
  const char* pieces[] = {"User", "_a9", "if",    "in", "__cedar", "::", ":",   " ",
                          "1",    "x",   "//c\n", "\t", "Z_",      "is", "::A", "é"};
  uint64_t state = 7;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    for (uint64_t n = (state >> 60) % 6, bits = state; n > 0; --n, bits >>= 5)
      text += pieces[(bits >> 8) % (sizeof pieces / sizeof *pieces)];
    auto parsed = cordon::cedar::parse_entity_type(text);
    bool by_parser = parsed.ok() && parsed.value() == text;
    EXPECT_EQ(cordon::cedar::is_canonical_entity_type(text), by_parser) << '"' << text << '"';
  }
}

// The same context, built and read from JSON text, must be the same value.
void expect_same_context(ContextBuilder& built, const std::string& json) {
  ASSERT_TRUE(built.complete()) << json;
  auto from_builder = Request::make(kAlice, kView, kPhoto, std::move(built));
  auto from_text = Request::make(kAlice, kView, kPhoto, json);
  ASSERT_TRUE(from_builder.ok()) << from_builder.error().to_string();
  ASSERT_TRUE(from_text.ok()) << from_text.error().to_string();
  EXPECT_TRUE(from_builder->data().context == from_text->data().context) << json;
  EXPECT_TRUE(from_builder->data().principal == from_text->data().principal);
}

TEST(ContextBuilderTest, BuildsWhatTheJsonFormReads) {
  ContextBuilder empty;
  empty.begin_record();
  empty.end_record();
  expect_same_context(empty, "{}");

  ContextBuilder context;
  context.begin_record();
  context.key("mfa");
  context.boolean(true);
  context.key("n");
  context.integer(INT64_MIN);
  context.key("groups");
  context.begin_set();
  context.string("staff");
  context.string("admin");
  context.string("staff");
  context.begin_record();
  context.end_record();
  context.end_set();
  context.key("nested");
  context.begin_record();
  context.key("");
  context.string("\xC3\xA9\n");
  context.end_record();
  context.end_record();
  expect_same_context(context,
                      R"({"mfa": true, "n": -9223372036854775808,
                          "groups": ["staff", "admin", "staff", {}],
                          "nested": {"": "\u00e9\n"}})");
}

TEST(ContextBuilderTest, DecidesAsTheJsonForm) {
  auto policies = cordon::PolicySet::parse(
      R"(permit(principal, action, resource) when { context.groups.contains("staff") };)");
  ASSERT_TRUE(policies.ok());
  ContextBuilder context;
  context.begin_record();
  context.key("groups");
  context.begin_set();
  context.string("staff");
  context.end_set();
  context.end_record();
  auto request = Request::make(kAlice, kView, kPhoto, std::move(context));
  ASSERT_TRUE(request.ok());
  auto response = cordon::is_authorized(*request, *policies, cordon::Entities());
  EXPECT_EQ(response.decision, cordon::Decision::allow);
  EXPECT_EQ(response.answer_json(),
            cordon::json_api::is_authorized(R"({"principal": "User::\"alice\"",
                "action": "Action::\"view\"", "resource": "Photo::\"a\"",
                "context": {"groups": ["staff"]}, "entities": [],
                "policies": {"staticPolicies":
                  "permit(principal, action, resource) when { context.groups.contains(\"staff\") };"}})"));
}

TEST(ContextBuilderTest, EscapesMeanWhatTheJsonFormMeans) {
  ContextBuilder context;
  context.begin_record();
  context.key("__entity");  // the context's own keys are plain names
  context.string("x");
  context.key("who");
  context.begin_record();
  context.key("__entity");
  context.begin_record();
  context.key("type");
  context.string("User");
  context.key("id");
  context.string("alice");
  context.end_record();
  context.end_record();
  context.key("limits");
  context.begin_set();
  context.begin_record();
  context.key("__extn");
  context.begin_record();
  context.key("fn");
  context.string("decimal");
  context.key("arg");
  context.string("1.5");
  context.end_record();
  context.end_record();
  context.begin_record();
  context.key("__extn");
  context.begin_record();
  context.key("fn");
  context.string("ip");
  context.key("args");
  context.begin_set();
  context.string("10.0.0.1");
  context.end_set();
  context.end_record();
  context.end_record();
  context.end_set();
  context.end_record();
  expect_same_context(context, R"({"__entity": "x",
      "who": {"__entity": {"type": "User", "id": "alice"}},
      "limits": [{"__extn": {"fn": "decimal", "arg": "1.5"}},
                 {"__extn": {"fn": "ip", "args": ["10.0.0.1"]}}]})");
}

TEST(ContextBuilderTest, RefusesEscapesTheJsonFormRefuses) {
  // {"x": {"a": 1, "__entity": ...}}: an escape after another key.
  ContextBuilder after_key;
  after_key.begin_record();
  after_key.key("x");
  after_key.begin_record();
  after_key.key("a");
  after_key.integer(1);
  after_key.key("__entity");
  EXPECT_FALSE(after_key.ok());
  // {"x": {"__extn": {"fn": "nope", "arg": "1"}}} and {"x": {"__expr": "1"}}.
  for (const char* escape : {"__extn", "__expr"}) {
    ContextBuilder context;
    context.begin_record();
    context.key("x");
    context.begin_record();
    context.key(escape);
    context.begin_record();
    context.key("fn");
    context.string("nope");
    context.key("arg");
    context.string("1");
    context.end_record();
    context.end_record();
    context.end_record();
    EXPECT_FALSE(context.ok()) << escape;
    EXPECT_FALSE(
        Request::make(kAlice, kView, kPhoto,
                      std::string(R"({"x": {")") + escape + R"(": {"fn": "nope", "arg": "1"}}})")
            .ok());
  }
}

TEST(ContextBuilderTest, ClearedBuildsAnew) {
  ContextBuilder context;
  context.begin_record();
  context.key("n");
  context.key("n");
  EXPECT_FALSE(context.ok());
  for (int round = 0; round < 3; ++round) {
    context.clear();
    context.begin_record();
    context.key("n");
    context.integer(round);
    context.end_record();
    expect_same_context(context, R"({"n": )" + std::to_string(round) + "}");
  }
}

TEST(ContextBuilderTest, RefusesWhatItDoesNotBuild) {
  ContextBuilder duplicate;
  duplicate.begin_record();
  duplicate.key("a");
  duplicate.integer(1);
  duplicate.key("a");
  duplicate.integer(2);
  duplicate.end_record();
  EXPECT_FALSE(duplicate.ok());

  ContextBuilder scalar;
  scalar.integer(1);
  EXPECT_FALSE(scalar.ok());
  ContextBuilder set;
  set.begin_set();
  set.end_set();
  EXPECT_FALSE(set.complete());
  ContextBuilder without_key;
  without_key.begin_record();
  without_key.integer(1);
  EXPECT_FALSE(without_key.ok());
  ContextBuilder unfinished;
  unfinished.begin_record();
  EXPECT_TRUE(unfinished.ok());
  EXPECT_FALSE(unfinished.complete());
  EXPECT_FALSE(Request::make(kAlice, kView, kPhoto, std::move(unfinished)).ok());
  ContextBuilder mismatched;
  mismatched.begin_record();
  mismatched.end_set();
  EXPECT_FALSE(mismatched.ok());
}

TEST(ContextBuilderTest, NestingAsDeepAsTheJsonReaderReads) {
  // {"x": {"x": ... {}}} with `levels` records inside the context: the JSON reader reads
  // values nested up to 200 levels.
  for (int levels : {199, 200, 201}) {
    ContextBuilder context;
    std::string json;
    context.begin_record();
    for (int i = 0; i < levels; ++i) {
      context.key("x");
      context.begin_record();
      json += R"({"x": )";
    }
    json += "{}";
    for (int i = 0; i <= levels; ++i) context.end_record();
    json += std::string(levels, '}');
    auto from_text = Request::make(kAlice, kView, kPhoto, json);
    EXPECT_EQ(context.complete(), from_text.ok()) << levels;
    if (context.complete()) expect_same_context(context, json);
  }
}

}  // namespace
