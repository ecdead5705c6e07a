#include "cedar/evaluator.h"

#include "cedar/extensions.h"

namespace cordon::cedar {

const char* var_name(Var v) {
  switch (v) {
    case Var::principal: return "principal";
    case Var::action: return "action";
    case Var::resource: return "resource";
    case Var::context: return "context";
  }
  return "?";
}

bool matches_pattern(std::string_view text, const std::vector<PatternElement>& pattern) {
  // Greedy matching with backtracking to the last wildcard: linear in practice, and
  // never exponential (the classic glob algorithm).
  size_t t = 0, p = 0;
  size_t star_p = SIZE_MAX, star_t = 0;
  while (true) {
    if (p < pattern.size() && pattern[p].wildcard) {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      const std::string& lit = pattern[p].literal;
      if (t + lit.size() <= text.size() && text.compare(t, lit.size(), lit) == 0) {
        t += lit.size();
        ++p;
        continue;
      }
    } else if (t == text.size()) {
      return true;
    }
    if (star_p == SIZE_MAX || star_t >= text.size()) return false;
    // Let the last wildcard absorb one more byte and retry.
    p = star_p + 1;
    t = ++star_t;
  }
}

namespace {
const detail::Entity* find_var(const Value& var, const detail::EntityStore& entities) {
  return var.is_entity() ? entities.find(var.as_entity()) : nullptr;
}
}  // namespace

Evaluator::Evaluator(const detail::RequestData& request, const detail::EntityStore& entities)
    : request_(request),
      entities_(entities),
      principal_entity_(find_var(request.principal, entities)),
      action_entity_(find_var(request.action, entities)),
      resource_entity_(find_var(request.resource, entities)) {}

const detail::Entity* Evaluator::find(const EntityUid& uid) const {
  // The request's own entities are compared by address: a value naming one of them shares
  // its EntityUid when it came from a request variable.
  auto same = [&](const Value& var) { return var.is_entity() && &var.as_entity() == &uid; };
  if (same(request_.principal)) return principal_entity_;
  if (same(request_.resource)) return resource_entity_;
  if (same(request_.action)) return action_entity_;
  return entities_.find(uid);
}

bool Evaluator::is_in(const EntityUid& uid, const EntityUid& ancestor) const {
  if (uid == ancestor) return true;
  const detail::Entity* e = find(uid);
  return e && e->ancestors.contains(ancestor);
}

bool Evaluator::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool Evaluator::type_error(const char* expected, const Value& got) {
  return fail(std::string("type error: expected ") + expected + ", got " + type_name(got));
}

bool Evaluator::eval_bool(const Expr& e, bool& out) {
  Value scratch;
  const Value* v;
  if (!eval_ref(e, scratch, v)) return false;
  if (!v->is_bool()) return type_error("bool", *v);
  out = v->as_bool();
  return true;
}

bool Evaluator::eval_integer(const Expr& e, int64_t& out) {
  Value scratch;
  const Value* v;
  if (!eval_ref(e, scratch, v)) return false;
  if (!v->is_integer()) return type_error("long", *v);
  out = v->as_integer();
  return true;
}

bool Evaluator::eval_ref(const Expr& e, Value& scratch, const Value*& out) {
  switch (e.kind) {
    case ExprKind::literal:
      out = &e.literal;
      return true;
    case ExprKind::variable:
      switch (e.var) {
        case Var::principal:
          out = &request_.principal;
          return true;
        case Var::action:
          out = &request_.action;
          return true;
        case Var::resource:
          out = &request_.resource;
          return true;
        case Var::context:
          out = &request_.context;
          return true;
      }
      return fail("unknown variable");
    case ExprKind::get_attribute: {
      Value target_scratch;
      const Value* target;
      if (!eval_ref(*e.args[0], target_scratch, target)) return false;
      const Value* found;
      if (!attribute(*target, e.name, found)) return false;
      if (target == &target_scratch) {
        // `found` lives inside the temporary target: keep a copy that outlives it.
        scratch = *found;
        out = &scratch;
      } else {
        out = found;
      }
      return true;
    }
    default:
      if (!eval(e, scratch)) return false;
      out = &scratch;
      return true;
  }
}

bool Evaluator::in(const Value& lhs, const Value& rhs, bool& out) {
  if (!lhs.is_entity()) return type_error("entity", lhs);
  const EntityUid& uid = lhs.as_entity();
  if (rhs.is_entity()) {
    out = is_in(uid, rhs.as_entity());
    return true;
  }
  if (rhs.is_set()) {
    out = false;
    for (const auto& element : rhs.as_set()) {
      if (!element.is_entity()) return type_error("set of entities", element);
    }
    for (const auto& element : rhs.as_set()) {
      if (is_in(uid, element.as_entity())) {
        out = true;
        break;
      }
    }
    return true;
  }
  return type_error("entity or set of entities", rhs);
}

bool Evaluator::attribute(const Value& target, const std::string& name, const Value*& out) {
  if (target.is_entity()) {
    const auto* entity = find(target.as_entity());
    if (!entity)
      return fail("entity `" + target.as_entity().to_cedar() + "` does not exist");
    const auto& attrs = entity->attrs.as_record();
    auto it = attrs.find(name);
    if (it == attrs.end())
      return fail("`" + target.as_entity().to_cedar() + "` does not have the attribute `" + name +
                  "`");
    out = &it->second;
    return true;
  }
  if (target.is_record()) {
    const auto& fields = target.as_record();
    auto it = fields.find(name);
    if (it == fields.end()) return fail("record does not have the attribute `" + name + "`");
    out = &it->second;
    return true;
  }
  return type_error("entity or record", target);
}

bool Evaluator::has_attribute(const Value& target, const std::string& name, bool& out) {
  if (target.is_entity()) {
    const auto* entity = find(target.as_entity());
    out = entity && entity->attrs.as_record().count(name) > 0;
    return true;
  }
  if (target.is_record()) {
    out = target.as_record().count(name) > 0;
    return true;
  }
  return type_error("entity or record", target);
}

bool Evaluator::compare(ExprKind kind, const Value& a, const Value& b, bool& out) {
  int c;
  if (a.is_integer() && b.is_integer()) {
    c = a.as_integer() < b.as_integer() ? -1 : a.as_integer() > b.as_integer() ? 1 : 0;
  } else {
    // Datetimes and durations; every other mix is a type error worded by the extension.
    std::string err;
    if (!compare_extension(a, b, c, err)) return fail(err);
  }
  switch (kind) {
    case ExprKind::less: out = c < 0; break;
    case ExprKind::less_equal: out = c <= 0; break;
    case ExprKind::greater: out = c > 0; break;
    default: out = c >= 0; break;
  }
  return true;
}

bool Evaluator::eval(const Expr& e, Value& out) {
  switch (e.kind) {
    case ExprKind::literal: out = e.literal; return true;
    case ExprKind::variable:
      switch (e.var) {
        case Var::principal: out = request_.principal; return true;
        case Var::action: out = request_.action; return true;
        case Var::resource: out = request_.resource; return true;
        case Var::context: out = request_.context; return true;
      }
      return fail("unknown variable");
    case ExprKind::slot: return fail("template slot in an expression");
    case ExprKind::logical_not: {
      bool b;
      if (!eval_bool(*e.args[0], b)) return false;
      out = Value::boolean(!b);
      return true;
    }
    case ExprKind::negate: {
      int64_t i;
      if (!eval_integer(*e.args[0], i)) return false;
      if (i == INT64_MIN) return fail("integer overflow while negating " + std::to_string(i));
      out = Value::integer(-i);
      return true;
    }
    case ExprKind::equal:
    case ExprKind::not_equal: {
      Value sa, sb;
      const Value *a, *b;
      if (!eval_ref(*e.args[0], sa, a) || !eval_ref(*e.args[1], sb, b)) return false;
      bool same = *a == *b;
      out = Value::boolean(e.kind == ExprKind::equal ? same : !same);
      return true;
    }
    case ExprKind::less:
    case ExprKind::less_equal:
    case ExprKind::greater:
    case ExprKind::greater_equal: {
      Value sa, sb;
      const Value *a, *b;
      if (!eval_ref(*e.args[0], sa, a) || !eval_ref(*e.args[1], sb, b)) return false;
      bool r;
      if (!compare(e.kind, *a, *b, r)) return false;
      out = Value::boolean(r);
      return true;
    }
    case ExprKind::in: {
      Value sa, sb;
      const Value *a, *b;
      if (!eval_ref(*e.args[0], sa, a) || !eval_ref(*e.args[1], sb, b)) return false;
      bool r;
      if (!in(*a, *b, r)) return false;
      out = Value::boolean(r);
      return true;
    }
    case ExprKind::logical_and:
    case ExprKind::logical_or: {
      bool l;
      if (!eval_bool(*e.args[0], l)) return false;
      bool short_circuit = e.kind == ExprKind::logical_and ? !l : l;
      if (short_circuit) {
        out = Value::boolean(l);
        return true;
      }
      bool r;
      if (!eval_bool(*e.args[1], r)) return false;
      out = Value::boolean(r);
      return true;
    }
    case ExprKind::add:
    case ExprKind::subtract:
    case ExprKind::multiply: {
      int64_t a, b, r;
      if (!eval_integer(*e.args[0], a) || !eval_integer(*e.args[1], b)) return false;
      bool overflow = e.kind == ExprKind::add        ? __builtin_add_overflow(a, b, &r)
                      : e.kind == ExprKind::subtract ? __builtin_sub_overflow(a, b, &r)
                                                     : __builtin_mul_overflow(a, b, &r);
      if (overflow) {
        const char* op = e.kind == ExprKind::add ? "+" : e.kind == ExprKind::subtract ? "-" : "*";
        return fail("integer overflow while computing " + std::to_string(a) + " " + op + " " +
                    std::to_string(b));
      }
      out = Value::integer(r);
      return true;
    }
    case ExprKind::contains: {
      Value s_set, s_item;
      const Value *set, *item;
      if (!eval_ref(*e.args[0], s_set, set) || !eval_ref(*e.args[1], s_item, item)) return false;
      if (!set->is_set()) return type_error("set", *set);
      out = Value::boolean(set->set_contains(*item));
      return true;
    }
    case ExprKind::contains_all:
    case ExprKind::contains_any: {
      Value sa, sb;
      const Value *a, *b;
      if (!eval_ref(*e.args[0], sa, a) || !eval_ref(*e.args[1], sb, b)) return false;
      if (!a->is_set()) return type_error("set", *a);
      if (!b->is_set()) return type_error("set", *b);
      bool all = e.kind == ExprKind::contains_all;
      bool result = all;
      for (const auto& item : b->as_set()) {
        bool found = a->set_contains(item);
        if (all && !found) {
          result = false;
          break;
        }
        if (!all && found) {
          result = true;
          break;
        }
      }
      out = Value::boolean(result);
      return true;
    }
    case ExprKind::is_empty: {
      Value scratch;
      const Value* set;
      if (!eval_ref(*e.args[0], scratch, set)) return false;
      if (!set->is_set()) return type_error("set", *set);
      out = Value::boolean(set->as_set().empty());
      return true;
    }
    case ExprKind::get_tag:
    case ExprKind::has_tag: {
      Value s_target, s_key;
      const Value *target, *key;
      if (!eval_ref(*e.args[0], s_target, target) || !eval_ref(*e.args[1], s_key, key))
        return false;
      if (!target->is_entity()) return type_error("entity", *target);
      if (!key->is_string()) return type_error("string", *key);
      const auto* entity = find(target->as_entity());
      if (e.kind == ExprKind::has_tag) {
        out = Value::boolean(entity && entity->tags.as_record().count(key->as_string()) > 0);
        return true;
      }
      if (!entity) return fail("entity `" + target->as_entity().to_cedar() + "` does not exist");
      const auto& tags = entity->tags.as_record();
      auto it = tags.find(key->as_string());
      if (it == tags.end())
        return fail("`" + target->as_entity().to_cedar() + "` does not have the tag `" +
                    key->as_string() + "`");
      out = it->second;
      return true;
    }
    case ExprKind::get_attribute: {
      Value scratch;
      const Value* v;
      if (!eval_ref(e, scratch, v)) return false;
      out = *v;
      return true;
    }
    case ExprKind::has_attribute: {
      Value scratch;
      const Value* target;
      if (!eval_ref(*e.args[0], scratch, target)) return false;
      bool r;
      if (!has_attribute(*target, e.name, r)) return false;
      out = Value::boolean(r);
      return true;
    }
    case ExprKind::like: {
      Value scratch;
      const Value* text;
      if (!eval_ref(*e.args[0], scratch, text)) return false;
      if (!text->is_string()) return type_error("string", *text);
      out = Value::boolean(matches_pattern(text->as_string(), e.pattern));
      return true;
    }
    case ExprKind::is_type: {
      Value scratch;
      const Value* target;
      if (!eval_ref(*e.args[0], scratch, target)) return false;
      if (!target->is_entity()) return type_error("entity", *target);
      bool r = target->as_entity().type == e.name;
      if (r && e.args.size() > 1) {
        // `e is T in x` is `e is T && e in x`: x is evaluated only when the type matches.
        Value s_group;
        const Value* group;
        if (!eval_ref(*e.args[1], s_group, group)) return false;
        bool inside;
        if (!in(*target, *group, inside)) return false;
        r = r && inside;
      }
      out = Value::boolean(r);
      return true;
    }
    case ExprKind::if_then_else: {
      bool c;
      if (!eval_bool(*e.args[0], c)) return false;
      return eval(*e.args[c ? 1 : 2], out);
    }
    case ExprKind::set: {
      SetElements elements;
      elements.reserve(e.args.size());
      for (const auto& a : e.args) {
        Value v;
        if (!eval(*a, v)) return false;
        elements.push_back(std::move(v));
      }
      out = Value::set(std::move(elements));
      return true;
    }
    case ExprKind::record: {
      RecordFields fields;
      for (size_t i = 0; i < e.args.size(); ++i) {
        Value v;
        if (!eval(*e.args[i], v)) return false;
        fields.emplace(e.keys[i], std::move(v));
      }
      out = Value::record(std::move(fields));
      return true;
    }
    case ExprKind::call: {
      // Extension functions take one or two arguments: those stay on the stack.
      constexpr size_t kInline = 4;
      const size_t n = e.args.size();
      Value inline_scratch[kInline];
      const Value* inline_args[kInline];
      std::vector<Value> heap_scratch(n > kInline ? n : 0);
      std::vector<const Value*> heap_args(n > kInline ? n : 0);
      Value* scratch = n > kInline ? heap_scratch.data() : inline_scratch;
      const Value** args = n > kInline ? heap_args.data() : inline_args;
      for (size_t i = 0; i < n; ++i)
        if (!eval_ref(*e.args[i], scratch[i], args[i])) return false;
      std::string err;
      if (!call_extension(e.name, args, n, out, err)) return fail(std::move(err));
      return true;
    }
  }
  return fail("unknown expression");
}

bool Evaluator::scope_matches(const ScopeConstraint& c, const Value& var,
                              const std::optional<EntityUid>& slot) const {
  const EntityUid& uid = var.as_entity();
  const EntityUid* target = &c.entity;
  if (c.slot) {
    if (!slot) return false;  // an unlinked template never matches
    target = &*slot;
  }
  switch (c.op) {
    case ScopeConstraint::Op::any: return true;
    case ScopeConstraint::Op::equal: return uid == *target;
    case ScopeConstraint::Op::in:
      return is_in(uid, *target);
    case ScopeConstraint::Op::is: return uid.type == c.entity_type;
    case ScopeConstraint::Op::is_in:
      return uid.type == c.entity_type && is_in(uid, *target);
    case ScopeConstraint::Op::in_set:
      for (const auto& e : c.entities) {
        if (is_in(uid, e)) return true;
      }
      return false;
  }
  return false;
}

Satisfied Evaluator::evaluate(const Policy& policy, ScopeProof proven) {
  policy_ = &policy;
  const PolicyBody& body = *policy.body;
  static const std::optional<EntityUid> no_slot;
  auto matches = [&](ScopeProof which, const ScopeConstraint& c, const Value& var,
                     const std::optional<EntityUid>& slot) {
    // The index found the policy through this constraint's entity or type: only the type
    // test of `is T in E` is left to check.
    if (proven == which)
      return c.op != ScopeConstraint::Op::is_in || var.as_entity().type == c.entity_type;
    return scope_matches(c, var, slot);
  };
  if (!matches(ScopeProof::principal, body.principal, request_.principal, policy.principal_slot) ||
      !matches(ScopeProof::action, body.action, request_.action, no_slot) ||
      !matches(ScopeProof::resource, body.resource, request_.resource, policy.resource_slot)) {
    return Satisfied::no;
  }
  for (const auto& condition : body.conditions) {
    bool b;
    if (!eval_bool(*condition.expr, b)) return Satisfied::error;
    if (b != condition.is_when) return Satisfied::no;
  }
  return Satisfied::yes;
}

}  // namespace cordon::cedar
