// The DOM-free readers of the JSON API (engine/src/cedar/direct_json.h) against the DOM path
// they stand in for: whatever they take must read exactly as the DOM path reads it, and
// whatever the DOM path refuses they must leave to it. The oracles are the DOM path itself:
// entities_from_json_value for entity arrays, and the stateless is_authorized (never
// direct) for whole calls, on the same text and on thousands of mutations of it.
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cedar/direct_json.h"
#include "cedar/entities_json.h"
#include "cedar/entity_store.h"
#include "cedar/json_value.h"
#include "cordon/json_api.h"

namespace {

namespace cedar = cordon::cedar;
namespace detail = cordon::detail;

// Every form the direct reader takes: escapes in keys and strings, __entity and __extn
// (arg and args), a key named __entity at the top of attrs (a plain attribute there), sets
// with repeats, the extreme integers, tags, an exact repeat of an entity, a hierarchy.
const char* const kEntities = R"([
 {"uid": {"type": "User", "id": "alice"},
  "attrs": {"age": 30, "name": "Al\u00e9 \"x\"\n", "k\u0065y": [3, 1, 3],
            "boss": {"__entity": {"type": "User", "id": "bob"}},
            "ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}},
            "limit": {"__extn": {"args": ["1.5"], "fn": "decimal"}},
            "nested": {"deep": {"min": -9223372036854775808, "max": 9223372036854775807}},
            "__entity": {"type": "A", "id": "b"}, "__other": {}},
  "parents": [{"type": "Group", "id": "admins"}, {"__entity": {"type": "Group", "id": "staff"}}],
  "tags": {"t": true, "f": false}},
 {"uid": {"__entity": {"id": "admins", "type": "Group"}}, "attrs": {}, "parents": [{"type": "Group", "id": "staff"}]},
 {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": []},
 {"parents": [], "attrs": {}, "uid": {"type": "Group", "id": "staff"}},
 {"uid": {"type": "Ns::Doc", "id": ""}, "attrs": {"owner": {"__entity": {"type": "User", "id": "alice"}}, "empty": {}, "none": []}, "parents": []}
])";

std::set<cedar::EntityUid> as_set(const std::vector<cedar::EntityUid>& uids) {
  return {uids.begin(), uids.end()};
}

// The two stores hold the same entities with the same attributes, tags, parents and
// ancestors.
void expect_same_store(const detail::EntityStore& direct, const detail::EntityStore& dom,
                       const std::string& text) {
  ASSERT_EQ(direct.size(), dom.size()) << text;
  for (const auto& expected : dom) {
    const cedar::EntityUid& uid = expected.uid;
    const detail::Entity* got = direct.find(uid);
    ASSERT_NE(got, nullptr) << uid.to_cedar() << " in " << text;
    EXPECT_EQ(got->attrs, expected.attrs)
        << uid.to_cedar() << ": " << got->attrs.to_cedar() << " vs " << expected.attrs.to_cedar();
    EXPECT_EQ(got->tags, expected.tags) << uid.to_cedar();
    EXPECT_EQ(as_set(got->parents), as_set(expected.parents)) << uid.to_cedar();
    EXPECT_EQ(got->ancestors, expected.ancestors) << uid.to_cedar();
  }
}

// The DOM path's store for text, or nullptr when it refuses the text.
std::shared_ptr<const detail::EntityStore> dom_store(const std::string& text) {
  auto parsed = cedar::parse_json(text, {}, "entities");
  if (!parsed) return nullptr;
  auto entities = cordon::entities_from_json_value(*parsed, {});
  if (!entities) return nullptr;
  auto owner = std::make_shared<cordon::Entities>(std::move(entities).value());
  return std::shared_ptr<const detail::EntityStore>(owner, &owner->store());
}

// The direct reader agrees with the DOM path on text: it refuses what the DOM refuses and
// reads what it takes the same way. Returns whether it took the text.
bool check_agrees(const std::string& text) {
  auto direct = cedar::read_entities_direct(text);
  auto dom = dom_store(text);
  if (!dom) {
    EXPECT_EQ(direct, nullptr) << "taken, but the DOM path refuses: " << text;
    return false;
  }
  if (direct) expect_same_store(*direct, *dom, text);
  return direct != nullptr;
}

// Deterministic edits of text: a byte replaced by one of JSON's own characters, removed,
// or doubled.
std::vector<std::string> mutations(const std::string& text, size_t count, unsigned seed) {
  static const std::string alphabet = "{}[]\",:\\ 0-19.eEtrufalsn_u\xc3\xa9\x80";
  std::mt19937 random(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    std::string m = text;
    const size_t at = random() % m.size();
    switch (random() % 3) {
      case 0:
        m[at] = alphabet[random() % alphabet.size()];
        break;
      case 1:
        m.erase(at, 1);
        break;
      default:
        m.insert(at, 1, m[at]);
    }
    out.push_back(std::move(m));
  }
  return out;
}

TEST(DirectJson, ReadsEveryPlainFormAsTheDomPathDoes) {
  EXPECT_TRUE(check_agrees(kEntities));
  EXPECT_TRUE(check_agrees("[]"));
  EXPECT_TRUE(check_agrees(" [ ] \n"));
}

TEST(DirectJson, LeavesWhatTheDomPathRefusesToIt) {
  const char* refused[] = {
      "",
      "{}",
      "[] x",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}}])",
      R"([{"uid": {"type": "User", "id": "a"}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [], "x": 1}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [], "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a", "id": "b"}, "attrs": {}, "parents": []}])",
      R"([{"uid": {"type": "User::", "id": "a"}, "attrs": {}, "parents": []}])",
      R"([{"uid": {"type": " User", "id": "a"}, "attrs": {}, "parents": []}])",
      R"([{"uid": "User::\"a\"", "attrs": {}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": null}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1.0}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1e2}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 9223372036854775808}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1, "x": 1}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"y": 1, "__entity": {"type": "A", "id": "b"}}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"__entity": {"type": "A", "id": "b"}, "y": 1}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"__expr": "1"}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"__extn": {"fn": "ip"}}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"__extn": {"fn": "nope", "arg": "1"}}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"__extn": {"fn": "ip", "arg": "bad"}}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": {"__extn": {"fn": "ip", "arg": "1.2.3.4", "args": []}}}, "parents": []}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {"x": "\ud800"}, "parents": []}])",
      "[{\"uid\": {\"type\": \"User\", \"id\": \"a\\u0000\xff\"}, \"attrs\": {}, \"parents\": []}]",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [{"type": "User", "id": "a"}]}])",
      R"([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": []},
          {"uid": {"type": "User", "id": "a"}, "attrs": {"x": 1}, "parents": []}])",
  };
  for (const char* text : refused) {
    EXPECT_EQ(cedar::read_entities_direct(text), nullptr) << text;
    EXPECT_EQ(dom_store(text), nullptr) << "the DOM path takes it: " << text;
  }
}

TEST(DirectJson, LeavesAByteOrderMarkToTheDomPath) {
  // nlohmann skips a leading byte order mark; the direct reader does not know one.
  EXPECT_EQ(cedar::read_entities_direct("\xef\xbb\xbf[]"), nullptr);
  EXPECT_NE(dom_store("\xef\xbb\xbf[]"), nullptr);
}

TEST(DirectJson, AgreesWithTheDomPathOnMutatedEntities) {
  size_t taken = 0, refused_by_both = 0;
  for (const std::string& text : mutations(kEntities, 4000, 20261205)) {
    if (check_agrees(text))
      ++taken;
    else if (!dom_store(text))
      ++refused_by_both;
  }
  // The mutations exercise both sides: some still read, many do not.
  EXPECT_GT(taken, 100u);
  EXPECT_GT(refused_by_both, 1000u);
}

// A statefulIsAuthorized call (direct when plain) and the same call made stateless (always
// read into a DOM) answer alike, failures included. The two differ only in their first
// member, padded to the same length so that error locations agree too.
TEST(DirectJson, StatefulCallsAnswerAsTheDomPathDoes) {
  const std::string policies =
      R"({"staticPolicies": "permit(principal in Group::\"staff\", action, resource) when { context.n > 1 && principal.age > 3 };\nforbid(principal, action, resource) when { principal.nope };"})";
  cordon::json_api::PolicyStore store;
  ASSERT_EQ(store.preparse_policy_set("p", policies), R"({"type":"success"})");
  const std::string stateless_head = R"({"policies":)" + policies + ",";
  std::string stateful_head = R"({"preparsedPolicySetId":"p")";
  stateful_head += std::string(stateless_head.size() - stateful_head.size() - 1, ' ') + ",";
  ASSERT_EQ(stateful_head.size(), stateless_head.size());
  const std::string rest =
      R"("principal": "User::\"alice\"", "action": {"type": "Action", "id": "view"},
 "resource": {"__entity": {"type": "Ns::Doc", "id": ""}},
 "context": {"n": 2, "ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}}, "validateRequest": false,
 "entities": )" +
      std::string(kEntities) + "}";
  auto both = [&](const std::string& tail) {
    return std::make_pair(store.stateful_is_authorized(stateful_head + tail),
                          cordon::json_api::is_authorized(stateless_head + tail));
  };
  auto [direct, dom] = both(rest);
  EXPECT_EQ(direct, dom);
  EXPECT_NE(direct.find(R"("decision":"allow")"), std::string::npos) << direct;
  EXPECT_NE(direct.find(R"("policyId":"policy1")"), std::string::npos) << direct;
  size_t successes = 0;
  for (const std::string& tail : mutations(rest, 3000, 7)) {
    auto [got, expected] = both(tail);
    EXPECT_EQ(got, expected) << tail;
    successes += got.rfind(R"({"type":"success")", 0) == 0;
  }
  EXPECT_GT(successes, 100u);
}

// The compact answer of the WebAssembly wrapper's object API (json_api.h) rebuilt as the
// JSON success text it stands for: "A" or "D", then '"' and each reason id.
std::string json_of_compact(const std::string& compact) {
  std::string out = R"({"type":"success","response":{"decision":")";
  out += compact[0] == 'A' ? "allow" : "deny";
  out += R"(","diagnostics":{"reason":[)";
  for (size_t at = 1; at < compact.size();) {
    size_t next = compact.find('"', at + 1);
    if (next == std::string::npos) next = compact.size();
    if (at > 1) out += ',';
    out += '"' + compact.substr(at + 1, next - at - 1) + '"';
    at = next;
  }
  return out + R"(],"errors":[]}},"warnings":[]})";
}

// Compact where it can be (a success without errors, ids needing no escapes), and the JSON
// answer itself everywhere else: either way it says what the JSON answer says.
TEST(DirectJson, CompactAnswersSayWhatTheJsonAnswersSay) {
  cordon::json_api::PolicyStore store;
  const std::string permit = R"(permit(principal == User::\"alice\", action, resource);)";
  const std::string sets[] = {
      R"({"staticPolicies": {"a": ")" + permit + R"(", "b c": ")" + permit + R"(", "": ")" +
          permit + R"("}})",
      R"({"staticPolicies": {"q\"uote": ")" + permit + R"("}})",
      R"({"staticPolicies": {"tab\t": ")" + permit + R"(", "\u00e9\u2713": ")" + permit + R"("}})",
      R"({"staticPolicies": "forbid(principal, action, resource) when { principal.nope };"})",
      R"({"staticPolicies": ""})",
  };
  size_t compact = 0, json = 0;
  for (size_t i = 0; i < std::size(sets); ++i) {
    const std::string id = "s" + std::to_string(i);
    ASSERT_EQ(store.preparse_policy_set(id, sets[i]), R"({"type":"success"})") << sets[i];
    for (const char* principal : {"alice", "bob"}) {
      for (const char* entities : {"[]", "[{}]", R"([{"uid": {"type": "User", "id": "alice"},
          "attrs": {}, "parents": []}])"}) {
        const std::string call = R"({"principal": {"type": "User", "id": ")" +
                                 std::string(principal) +
                                 R"("}, "action": {"type": "Action", "id": "view"},
            "resource": {"type": "Doc", "id": "d"}, "context": {}, "preparsedPolicySetId": ")" +
                                 id + R"(", "entities": )" + entities + "}";
        const std::string expected = store.stateful_is_authorized(call);
        const std::string got = store.stateful_is_authorized_compact(call);
        ASSERT_FALSE(got.empty());
        if (got[0] == '{') {
          EXPECT_EQ(got, expected) << call;
          ++json;
        } else {
          EXPECT_EQ(json_of_compact(got), expected) << got;
          ++compact;
        }
      }
    }
  }
  EXPECT_GT(compact, 10u);
  EXPECT_GT(json, 10u);  // escaped ids, an erroring policy, malformed entities
}

}  // namespace
