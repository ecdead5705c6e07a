// The Cedar evaluator: decides whether one policy is satisfied by one request.
//
// Errors are values: a policy whose evaluation errors is neither satisfied nor
// unsatisfied, and the message says why (Cedar skips it and reports its id).
#pragma once

#include <string>

#include "cedar/ast.h"
#include "cedar/entity_store.h"
#include "cedar/policy_set_data.h"

namespace cordon::cedar {

enum class Satisfied : uint8_t { no, yes, error };

class Evaluator {
 public:
  Evaluator(const detail::RequestData& request, const detail::EntityStore& entities);

  // Scope first, then each condition in order, stopping at the first false. `proven` is the
  // scope constraint the policy index already established for this request (PolicyIndex).
  Satisfied evaluate(const Policy& policy, ScopeProof proven = ScopeProof::none);

  // The request's principal, action and resource in the store (null when absent).
  const detail::Entity* principal_entity() const { return principal_entity_; }
  const detail::Entity* action_entity() const { return action_entity_; }
  const detail::Entity* resource_entity() const { return resource_entity_; }

  // Evaluates one expression (slots must already be bound by `policy`, or absent).
  bool eval(const Expr& e, Value& out);

  // As eval, but where the value already exists (a literal, a request variable, an attribute
  // of either or of a stored entity) `out` points at it and nothing is copied; otherwise the
  // value is built in `scratch` and `out` points there.
  bool eval_ref(const Expr& e, Value& scratch, const Value*& out);

  const std::string& error() const { return error_; }

 private:
  bool scope_matches(const ScopeConstraint& c, const Value& var,
                     const std::optional<EntityUid>& slot) const;
  bool fail(std::string message);
  bool type_error(const char* expected, const Value& got);
  bool eval_bool(const Expr& e, bool& out);
  bool eval_integer(const Expr& e, int64_t& out);
  bool in(const Value& lhs, const Value& rhs, bool& out);
  bool is_in(const EntityUid& uid, const EntityUid& ancestor) const;
  const detail::Entity* find(const EntityUid& uid) const;
  bool attribute(const Value& target, const std::string& name, const Value*& out);
  bool has_attribute(const Value& target, const std::string& name, bool& out);
  bool compare(ExprKind kind, const Value& a, const Value& b, bool& out);

  const detail::RequestData& request_;
  const detail::EntityStore& entities_;
  // The request's principal, action and resource in the store (null when absent), looked up
  // once per request instead of once per `in`.
  const detail::Entity* principal_entity_;
  const detail::Entity* action_entity_;
  const detail::Entity* resource_entity_;
  const Policy* policy_ = nullptr;
  std::string error_;
};

// Cedar's `like`: `*` matches any sequence of characters.
bool matches_pattern(std::string_view text, const std::vector<PatternElement>& pattern);

}  // namespace cordon::cedar
