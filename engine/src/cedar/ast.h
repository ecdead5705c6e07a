// The Cedar abstract syntax tree: expressions, scope constraints and policies.
//
// Text (parser.h) and JSON (est.h) both produce this tree; the evaluator walks it.
// Trees are immutable once built and shared between a template and its links.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cedar/value.h"
#include "cordon/error.h"

namespace cordon::cedar {

enum class Var : uint8_t { principal, action, resource, context };
const char* var_name(Var v);

enum class ExprKind : uint8_t {
  literal,      // literal
  variable,     // var
  slot,         // var (principal or resource): ?principal / ?resource
  logical_not,  // args[0]
  negate,       // args[0]
  equal,        // args[0] == args[1]
  not_equal,
  less,
  less_equal,
  greater,
  greater_equal,
  in,  // args[0] in args[1]
  logical_and,
  logical_or,
  add,
  subtract,
  multiply,
  contains,  // args[0].contains(args[1])
  contains_all,
  contains_any,
  is_empty,       // args[0].isEmpty()
  get_tag,        // args[0].getTag(args[1])
  has_tag,        // args[0].hasTag(args[1])
  get_attribute,  // args[0].name / args[0]["name"]
  has_attribute,  // args[0] has name
  like,           // args[0] like pattern
  is_type,        // args[0] is name [in args[1]]
  if_then_else,   // if args[0] then args[1] else args[2]
  set,            // [args...]
  record,         // {keys[i]: args[i]}
  call,           // extension function or method `name`(args...), receiver first for methods
};

// One element of a `like` pattern: a run of literal bytes or a wildcard.
struct PatternElement {
  bool wildcard = false;
  std::string literal;
};

struct Expr;
using ExprPtr = std::unique_ptr<const Expr>;

struct Expr {
  ExprKind kind = ExprKind::literal;
  Var var = Var::principal;
  Value literal;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<std::string> keys;
  std::vector<PatternElement> pattern;
  uint32_t offset = 0;  // where the expression starts in its source text
  uint32_t length = 0;
  uint32_t height = 1;  // longest path to a leaf; bounded so evaluation cannot overflow the stack
};

// A deep copy of an expression (used where one subtree must appear twice, as in `e has a.b`).
inline ExprPtr clone_expr(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->kind = e.kind;
  c->var = e.var;
  c->literal = e.literal;
  c->name = e.name;
  c->keys = e.keys;
  c->pattern = e.pattern;
  c->offset = e.offset;
  c->length = e.length;
  c->height = e.height;
  for (const auto& a : e.args) c->args.push_back(clone_expr(*a));
  return ExprPtr(c.release());
}

// The number of nodes of `e`, counting no further than `limit`.
inline size_t count_nodes(const Expr& e, size_t limit) {
  size_t n = 1;
  for (const auto& a : e.args) {
    if (n >= limit) break;
    n += count_nodes(*a, limit - n);
  }
  return n;
}

// How many nodes the expansion of `has` paths may create in one expression: each path copies
// its base once per step, so nested paths grow geometrically; past this they are an error.
inline constexpr size_t kMaxHasExpansionNodes = 100000;

// `base has a.b.c` written out as Cedar defines it: `base has a && base.a has b &&
// base.a.b has c`, with `base` copied where needed. Every node is placed at offset/length
// and gets its true height (the caller checks the bound). Null when the copies would exceed
// kMaxHasExpansionNodes.
inline ExprPtr expand_has_path(const Expr& base, const std::vector<std::string>& path,
                               uint32_t offset, uint32_t length) {
  const size_t steps = path.size();
  if (count_nodes(base, kMaxHasExpansionNodes) * steps + steps * steps > kMaxHasExpansionNodes)
    return nullptr;
  auto node = [&](ExprKind kind, std::string name, std::vector<ExprPtr> args) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->name = std::move(name);
    e->offset = offset;
    e->length = length;
    for (auto& a : args) e->height = std::max<uint32_t>(e->height, a->height + 1);
    e->args = std::move(args);
    return ExprPtr(e.release());
  };
  auto one = [](ExprPtr e) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(e));
    return v;
  };
  ExprPtr result;
  for (size_t i = 0; i < path.size(); ++i) {
    ExprPtr target = clone_expr(base);
    for (size_t j = 0; j < i; ++j)
      target = node(ExprKind::get_attribute, path[j], one(std::move(target)));
    ExprPtr step = node(ExprKind::has_attribute, path[i], one(std::move(target)));
    if (!result) {
      result = std::move(step);
    } else {
      std::vector<ExprPtr> both;
      both.push_back(std::move(result));
      both.push_back(std::move(step));
      result = node(ExprKind::logical_and, {}, std::move(both));
    }
  }
  return result;
}

enum class Effect : uint8_t { permit, forbid };

// A scope constraint on principal, action or resource.
struct ScopeConstraint {
  enum class Op : uint8_t { any, equal, in, is, is_in, in_set };
  Op op = Op::any;
  std::string entity_type;          // is, is_in
  bool slot = false;                // equal/in/is_in against ?principal or ?resource
  EntityUid entity;                 // equal, in, is_in (when not a slot)
  std::vector<EntityUid> entities;  // in_set (action in [..])
};

struct Condition {
  bool is_when = true;
  ExprPtr expr;
};

// What a policy says, shared between a template and the policies linked from it.
struct PolicyBody {
  Effect effect = Effect::permit;
  ScopeConstraint principal;
  ScopeConstraint action;
  ScopeConstraint resource;
  std::vector<Condition> conditions;
  std::vector<std::pair<std::string, std::string>> annotations;
  SourceLocation location;
  bool has_principal_slot() const { return principal.slot; }
  bool has_resource_slot() const { return resource.slot; }
  bool is_template() const { return principal.slot || resource.slot; }
  const std::string* annotation(std::string_view key) const {
    for (const auto& [k, v] : annotations)
      if (k == key) return &v;
    return nullptr;
  }
};

// A policy ready to evaluate: a body plus, for a template link, the slot values.
struct Policy {
  std::string id;
  std::shared_ptr<const PolicyBody> body;
  std::optional<EntityUid> principal_slot;
  std::optional<EntityUid> resource_slot;
  std::string template_id;  // empty unless linked from a template
};

}  // namespace cordon::cedar
