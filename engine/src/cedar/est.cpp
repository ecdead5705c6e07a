#include "cedar/est.h"

#include "cedar/extensions.h"
#include "cedar/json_value.h"
#include "cedar/parser.h"
#include "cedar/schema.h"

namespace cordon::cedar {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

struct BinaryOp {
  const char* name;
  ExprKind kind;
};

// Operators written {"op": {"left": .., "right": ..}}.
constexpr BinaryOp kBinaryOps[] = {
    {"==", ExprKind::equal},
    {"!=", ExprKind::not_equal},
    {"in", ExprKind::in},
    {"<", ExprKind::less},
    {"<=", ExprKind::less_equal},
    {">", ExprKind::greater},
    {">=", ExprKind::greater_equal},
    {"&&", ExprKind::logical_and},
    {"||", ExprKind::logical_or},
    {"+", ExprKind::add},
    {"-", ExprKind::subtract},
    {"*", ExprKind::multiply},
    {"contains", ExprKind::contains},
    {"containsAll", ExprKind::contains_all},
    {"containsAny", ExprKind::contains_any},
    {"getTag", ExprKind::get_tag},
    {"hasTag", ExprKind::has_tag},
};

class EstReader {
 public:
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  bool fail(const std::string& where, const std::string& message) {
    if (error_.empty()) error_ = where + ": " + message;
    return false;
  }

  ExprPtr expr(const json& j, const std::string& where, int depth = 0) {
    if (depth > static_cast<int>(kMaxExpressionHeight)) {
      fail(where,
           "expression nested deeper than " + std::to_string(kMaxExpressionHeight) + " levels");
      return nullptr;
    }
    if (!j.is_object() || j.size() != 1) {
      fail(where, "an expression must be a JSON object with exactly one key");
      return nullptr;
    }
    const std::string& op = j.begin().key();
    const json& body = j.begin().value();
    std::string here = where + "." + op;
    auto e = std::make_unique<Expr>();
    auto operand = [&](const char* key) -> ExprPtr {
      if (!body.is_object() || !body.contains(key)) {
        fail(here, std::string("missing `") + key + "`");
        return nullptr;
      }
      return expr(body.at(key), here + "." + key, depth + 1);
    };
    auto only_keys = [&](std::initializer_list<const char*> keys) {
      if (!body.is_object()) return fail(here, "expected an object");
      for (auto it = body.begin(); it != body.end(); ++it) {
        bool ok = false;
        for (const char* k : keys) ok = ok || it.key() == k;
        if (!ok) return fail(here, "unknown key `" + it.key() + "`");
      }
      return true;
    };

    if (op == "Value") {
      e->kind = ExprKind::literal;
      std::string err;
      if (!value_from_json(body, e->literal, err)) {
        fail(here, err);
        return nullptr;
      }
      return ExprPtr(e.release());
    }
    if (op == "Var") {
      static const std::pair<const char*, Var> vars[] = {{"principal", Var::principal},
                                                         {"action", Var::action},
                                                         {"resource", Var::resource},
                                                         {"context", Var::context}};
      for (const auto& [n, v] : vars) {
        if (body.is_string() && body.get<std::string>() == n) {
          e->kind = ExprKind::variable;
          e->var = v;
          return ExprPtr(e.release());
        }
      }
      fail(here, "expected one of principal, action, resource, context");
      return nullptr;
    }
    if (op == "Slot") {
      fail(here, "template slots may only appear in the policy scope");
      return nullptr;
    }
    for (const auto& b : kBinaryOps) {
      if (op == b.name) {
        if (!only_keys({"left", "right"})) return nullptr;
        e->kind = b.kind;
        ExprPtr l = operand("left");
        if (!l) return nullptr;
        ExprPtr r = operand("right");
        if (!r) return nullptr;
        e->args.push_back(std::move(l));
        e->args.push_back(std::move(r));
        return ExprPtr(e.release());
      }
    }
    if (op == "!" || op == "neg" || op == "isEmpty") {
      if (!only_keys({"arg"})) return nullptr;
      e->kind = op == "!"     ? ExprKind::logical_not
                : op == "neg" ? ExprKind::negate
                              : ExprKind::is_empty;
      ExprPtr a = operand("arg");
      if (!a) return nullptr;
      e->args.push_back(std::move(a));
      return ExprPtr(e.release());
    }
    if (op == "." || op == "has") {
      if (!only_keys({"left", "attr"})) return nullptr;
      ExprPtr l = operand("left");
      if (!l) return nullptr;
      const json* attr = body.contains("attr") ? &body.at("attr") : nullptr;
      std::vector<std::string> path;
      if (attr && attr->is_string()) {
        path.push_back(attr->get<std::string>());
      } else if (op == "has" && attr && attr->is_array() && !attr->empty()) {
        for (const auto& a : *attr) {
          if (!a.is_string()) {
            fail(here, "`attr` must be strings");
            return nullptr;
          }
          path.push_back(a.get<std::string>());
        }
      } else {
        fail(here, "`attr` must be a string");
        return nullptr;
      }
      if (op == ".") {
        e->kind = ExprKind::get_attribute;
        e->name = path[0];
        e->args.push_back(std::move(l));
        return ExprPtr(e.release());
      }
      if (path.size() > kMaxHasPathLength) {
        fail(here, "`has` path longer than " + std::to_string(kMaxHasPathLength) + " attributes");
        return nullptr;
      }
      ExprPtr chain = expand_has_path(*l, path, 0, 0);
      if (!chain) {
        fail(here, "expression too large: `has` paths expand to more than " +
                       std::to_string(kMaxHasExpansionNodes) + " nodes");
        return nullptr;
      }
      if (chain->height > kMaxExpressionHeight) {
        fail(here,
             "expression nested deeper than " + std::to_string(kMaxExpressionHeight) + " levels");
        return nullptr;
      }
      return chain;
    }
    if (op == "like") {
      if (!only_keys({"left", "pattern"})) return nullptr;
      ExprPtr l = operand("left");
      if (!l) return nullptr;
      e->kind = ExprKind::like;
      const json* pattern = body.contains("pattern") ? &body.at("pattern") : nullptr;
      if (!pattern || !pattern->is_array()) {
        fail(here, "`pattern` must be an array");
        return nullptr;
      }
      for (const auto& p : *pattern) {
        if (p.is_string() && p.get<std::string>() == "Wildcard") {
          if (e->pattern.empty() || !e->pattern.back().wildcard) e->pattern.push_back({true, {}});
        } else if (p.is_object() && p.size() == 1 && p.contains("Literal") &&
                   p.at("Literal").is_string()) {
          std::string lit = p.at("Literal").get<std::string>();
          if (!e->pattern.empty() && !e->pattern.back().wildcard)
            e->pattern.back().literal += lit;
          else
            e->pattern.push_back({false, lit});
        } else {
          fail(here, "pattern elements are \"Wildcard\" or {\"Literal\": text}");
          return nullptr;
        }
      }
      e->args.push_back(std::move(l));
      return ExprPtr(e.release());
    }
    if (op == "is") {
      if (!only_keys({"left", "entity_type", "in"})) return nullptr;
      ExprPtr l = operand("left");
      if (!l) return nullptr;
      if (!body.contains("entity_type") || !body.at("entity_type").is_string() ||
          !parse_entity_type(body.at("entity_type").get<std::string>())) {
        fail(here, "`entity_type` must be an entity type name");
        return nullptr;
      }
      e->kind = ExprKind::is_type;
      e->name = body.at("entity_type").get<std::string>();
      e->args.push_back(std::move(l));
      if (body.contains("in")) {
        ExprPtr r = operand("in");
        if (!r) return nullptr;
        e->args.push_back(std::move(r));
      }
      return ExprPtr(e.release());
    }
    if (op == "if-then-else") {
      if (!only_keys({"if", "then", "else"})) return nullptr;
      e->kind = ExprKind::if_then_else;
      for (const char* k : {"if", "then", "else"}) {
        ExprPtr a = operand(k);
        if (!a) return nullptr;
        e->args.push_back(std::move(a));
      }
      return ExprPtr(e.release());
    }
    if (op == "Set") {
      if (!body.is_array()) {
        fail(here, "expected an array");
        return nullptr;
      }
      e->kind = ExprKind::set;
      for (size_t i = 0; i < body.size(); ++i) {
        ExprPtr a = expr(body[i], here + "[" + std::to_string(i) + "]", depth + 1);
        if (!a) return nullptr;
        e->args.push_back(std::move(a));
      }
      return ExprPtr(e.release());
    }
    if (op == "Record") {
      if (!body.is_object()) {
        fail(here, "expected an object");
        return nullptr;
      }
      e->kind = ExprKind::record;
      for (auto it = body.begin(); it != body.end(); ++it) {
        ExprPtr a = expr(it.value(), here + "." + it.key(), depth + 1);
        if (!a) return nullptr;
        e->keys.push_back(it.key());
        e->args.push_back(std::move(a));
      }
      return ExprPtr(e.release());
    }
    if (is_extension_function(op) || is_extension_method(op)) {
      if (!body.is_array()) {
        fail(here, "extension call arguments must be an array");
        return nullptr;
      }
      e->kind = ExprKind::call;
      e->name = op;
      for (size_t i = 0; i < body.size(); ++i) {
        ExprPtr a = expr(body[i], here + "[" + std::to_string(i) + "]", depth + 1);
        if (!a) return nullptr;
        e->args.push_back(std::move(a));
      }
      return ExprPtr(e.release());
    }
    fail(where, "unknown operator `" + op + "`");
    return nullptr;
  }

  bool uid(const json& j, EntityUid& out, const std::string& where) {
    std::string err;
    if (!entity_uid_from_json(j, out, err)) return fail(where, err);
    return true;
  }

  bool scope(const json& j, const char* var, ScopeConstraint& c, const std::string& where) {
    std::string here = where + "." + var;
    // As Cedar: the action scope names only actions, entities of type Action or NS::Action.
    auto action_only = [&](const EntityUid& u, const std::string& at) {
      return std::string(var) != "action" || is_action_type(u.type) ||
             fail(at, "expected an entity of type `Action` in the action constraint, found `" +
                          u.to_cedar() + "`");
    };
    if (!j.is_object() || !j.contains("op") || !j.at("op").is_string())
      return fail(here, "expected {\"op\": ...}");
    std::string op = j.at("op").get<std::string>();
    bool is_action = std::string(var) == "action";
    std::string slot_name = std::string("?") + var;
    auto target = [&](const json& t) {
      if (t.contains("slot")) {
        if (is_action || !t.at("slot").is_string() || t.at("slot").get<std::string>() != slot_name)
          return fail(here, "only `" + slot_name + "` may be used as a slot here");
        c.slot = true;
        return true;
      }
      if (!t.contains("entity")) return fail(here, "expected `entity` or `slot`");
      return uid(t.at("entity"), c.entity, here + ".entity") && action_only(c.entity, here);
    };
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (k != "op" && k != "entity" && k != "entities" && k != "slot" && k != "entity_type" &&
          k != "in")
        return fail(here, "unknown key `" + k + "`");
    }
    if (op == "All") {
      c.op = ScopeConstraint::Op::any;
      return j.size() == 1 || fail(here, "`All` takes no other keys");
    }
    if (op == "==") {
      c.op = ScopeConstraint::Op::equal;
      return target(j);
    }
    if (op == "in") {
      if (is_action && j.contains("entities")) {
        c.op = ScopeConstraint::Op::in_set;
        if (!j.at("entities").is_array()) return fail(here, "`entities` must be an array");
        for (const auto& e : j.at("entities")) {
          EntityUid u;
          if (!uid(e, u, here + ".entities") || !action_only(u, here)) return false;
          c.entities.push_back(std::move(u));
        }
        return true;
      }
      c.op = ScopeConstraint::Op::in;
      return target(j);
    }
    if (op == "is" && !is_action) {
      if (!j.contains("entity_type") || !j.at("entity_type").is_string() ||
          !parse_entity_type(j.at("entity_type").get<std::string>()))
        return fail(here, "`entity_type` must be an entity type name");
      c.entity_type = j.at("entity_type").get<std::string>();
      c.op = ScopeConstraint::Op::is;
      if (j.contains("in")) {
        c.op = ScopeConstraint::Op::is_in;
        if (!j.at("in").is_object()) return fail(here, "`in` must be an object");
        return target(j.at("in"));
      }
      return true;
    }
    return fail(here, "unknown operator `" + op + "`");
  }

 private:
  std::string error_;
};

// ---- writing ----

ordered_json scope_to_est(const ScopeConstraint& c, const char* var) {
  ordered_json out;
  auto target = [&](ordered_json& where) {
    if (c.slot)
      where["slot"] = std::string("?") + var;
    else
      where["entity"] = uid_to_json(c.entity);
  };
  switch (c.op) {
    case ScopeConstraint::Op::any:
      out["op"] = "All";
      break;
    case ScopeConstraint::Op::equal:
      out["op"] = "==";
      target(out);
      break;
    case ScopeConstraint::Op::in:
      out["op"] = "in";
      target(out);
      break;
    case ScopeConstraint::Op::in_set: {
      out["op"] = "in";
      out["entities"] = ordered_json::array();
      for (const auto& e : c.entities) out["entities"].push_back(uid_to_json(e));
      break;
    }
    case ScopeConstraint::Op::is:
      out["op"] = "is";
      out["entity_type"] = c.entity_type;
      break;
    case ScopeConstraint::Op::is_in: {
      out["op"] = "is";
      out["entity_type"] = c.entity_type;
      ordered_json in;
      target(in);
      out["in"] = std::move(in);
      break;
    }
  }
  return out;
}

ordered_json expr_to_est(const Expr& e) {
  ordered_json out;
  auto binary = [&](const char* op) {
    out[op]["left"] = expr_to_est(*e.args[0]);
    out[op]["right"] = expr_to_est(*e.args[1]);
  };
  for (const auto& b : kBinaryOps) {
    if (e.kind == b.kind) {
      binary(b.name);
      return out;
    }
  }
  switch (e.kind) {
    case ExprKind::literal:
      out["Value"] = value_to_json(e.literal);
      break;
    case ExprKind::variable:
      out["Var"] = var_name(e.var);
      break;
    case ExprKind::slot:
      out["Slot"] = std::string("?") + var_name(e.var);
      break;
    case ExprKind::logical_not:
      out["!"]["arg"] = expr_to_est(*e.args[0]);
      break;
    case ExprKind::negate:
      out["neg"]["arg"] = expr_to_est(*e.args[0]);
      break;
    case ExprKind::is_empty:
      out["isEmpty"]["arg"] = expr_to_est(*e.args[0]);
      break;
    case ExprKind::get_attribute:
      out["."]["left"] = expr_to_est(*e.args[0]);
      out["."]["attr"] = e.name;
      break;
    case ExprKind::has_attribute:
      out["has"]["left"] = expr_to_est(*e.args[0]);
      out["has"]["attr"] = e.name;
      break;
    case ExprKind::like: {
      out["like"]["left"] = expr_to_est(*e.args[0]);
      ordered_json pattern = ordered_json::array();
      for (const auto& p : e.pattern) {
        if (p.wildcard)
          pattern.push_back("Wildcard");
        else
          for (size_t i = 0; i < p.literal.size();) {
            // One element per character, as Cedar writes patterns.
            unsigned char c = static_cast<unsigned char>(p.literal[i]);
            size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
            pattern.push_back({{"Literal", p.literal.substr(i, n)}});
            i += n;
          }
      }
      out["like"]["pattern"] = std::move(pattern);
      break;
    }
    case ExprKind::is_type:
      out["is"]["left"] = expr_to_est(*e.args[0]);
      out["is"]["entity_type"] = e.name;
      if (e.args.size() > 1) out["is"]["in"] = expr_to_est(*e.args[1]);
      break;
    case ExprKind::if_then_else:
      out["if-then-else"]["if"] = expr_to_est(*e.args[0]);
      out["if-then-else"]["then"] = expr_to_est(*e.args[1]);
      out["if-then-else"]["else"] = expr_to_est(*e.args[2]);
      break;
    case ExprKind::set: {
      ordered_json items = ordered_json::array();
      for (const auto& a : e.args) items.push_back(expr_to_est(*a));
      out["Set"] = std::move(items);
      break;
    }
    case ExprKind::record: {
      ordered_json fields = ordered_json::object();
      for (size_t i = 0; i < e.args.size(); ++i) fields[e.keys[i]] = expr_to_est(*e.args[i]);
      out["Record"] = std::move(fields);
      break;
    }
    case ExprKind::call: {
      ordered_json items = ordered_json::array();
      for (const auto& a : e.args) items.push_back(expr_to_est(*a));
      out[e.name] = std::move(items);
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace

ordered_json uid_to_json(const EntityUid& uid) {
  ordered_json out;
  out["type"] = uid.type;
  out["id"] = uid.id;
  return out;
}

ordered_json value_to_json(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::boolean:
      return v.as_bool();
    case Value::Kind::integer:
      return v.as_integer();
    case Value::Kind::string:
      return v.as_string();
    case Value::Kind::entity: {
      ordered_json out;
      out["__entity"] = uid_to_json(v.as_entity());
      return out;
    }
    case Value::Kind::set: {
      ordered_json out = ordered_json::array();
      for (const auto& e : v.as_set()) out.push_back(value_to_json(e));
      return out;
    }
    case Value::Kind::record: {
      ordered_json out = ordered_json::object();
      for (const auto& [k, f] : v.as_record()) out[k] = value_to_json(f);
      return out;
    }
    case Value::Kind::extension: {
      const ExtensionValue& ext = v.as_extension();
      auto escape = [](const char* fn, std::string arg) {
        ordered_json out;
        out["__extn"]["fn"] = fn;
        out["__extn"]["arg"] = std::move(arg);
        return out;
      };
      if (ext.type == ExtensionValue::Type::datetime) {
        // A datetime is written as the epoch offset by a duration, as Cedar does.
        ordered_json out;
        out["__extn"]["fn"] = "offset";
        out["__extn"]["args"] =
            ordered_json::array({escape("datetime", "1970-01-01"),
                                 escape("duration", std::to_string(ext.number) + "ms")});
        return out;
      }
      if (ext.type == ExtensionValue::Type::duration)
        return escape("duration", std::to_string(ext.number) + "ms");
      // decimal("1.5000") and ip("10.0.0.0/8"): the argument is the quoted text.
      std::string text = ext.to_cedar();
      auto open = text.find("(\"");
      return escape(ext.type == ExtensionValue::Type::decimal ? "decimal" : "ip",
                    text.substr(open + 2, text.size() - open - 4));
    }
  }
  return nullptr;
}

Result<std::shared_ptr<const PolicyBody>> policy_from_est(const json& j, const std::string& where) {
  EstReader reader;
  auto body = std::make_shared<PolicyBody>();
  auto fail = [&](const std::string& message) {
    Error err;
    err.kind = ErrorKind::parse;
    err.message = message;
    return err;
  };
  if (!j.is_object()) return fail(where + ": a policy must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "effect" && k != "principal" && k != "action" && k != "resource" &&
        k != "conditions" && k != "annotations")
      return fail(where + ": unknown key `" + k + "`");
  }
  if (!j.contains("effect") || !j.at("effect").is_string() ||
      (j.at("effect") != "permit" && j.at("effect") != "forbid"))
    return fail(where + ".effect: expected \"permit\" or \"forbid\"");
  body->effect = j.at("effect") == "permit" ? Effect::permit : Effect::forbid;
  struct {
    const char* name;
    ScopeConstraint* c;
  } scopes[] = {
      {"principal", &body->principal}, {"action", &body->action}, {"resource", &body->resource}};
  for (auto& s : scopes) {
    if (!j.contains(s.name)) return fail(where + ": missing `" + s.name + "`");
    if (!reader.scope(j.at(s.name), s.name, *s.c, where)) return fail(reader.error());
  }
  if (j.contains("conditions")) {
    const json& conditions = j.at("conditions");
    if (!conditions.is_array()) return fail(where + ".conditions: expected an array");
    for (size_t i = 0; i < conditions.size(); ++i) {
      const json& c = conditions[i];
      std::string here = where + ".conditions[" + std::to_string(i) + "]";
      if (!c.is_object() || c.size() != 2 || !c.contains("kind") || !c.contains("body") ||
          !c.at("kind").is_string() || (c.at("kind") != "when" && c.at("kind") != "unless"))
        return fail(here + ": expected {\"kind\": \"when\"|\"unless\", \"body\": ...}");
      Condition cond;
      cond.is_when = c.at("kind") == "when";
      cond.expr = reader.expr(c.at("body"), here + ".body");
      if (!cond.expr) return fail(reader.error());
      body->conditions.push_back(std::move(cond));
    }
  }
  if (j.contains("annotations")) {
    const json& annotations = j.at("annotations");
    if (!annotations.is_object()) return fail(where + ".annotations: expected an object");
    for (auto it = annotations.begin(); it != annotations.end(); ++it) {
      if (!it.value().is_string() && !it.value().is_null())
        return fail(where + ".annotations." + it.key() + ": expected a string");
      body->annotations.emplace_back(it.key(),
                                     it.value().is_null() ? "" : it.value().get<std::string>());
    }
  }
  return std::shared_ptr<const PolicyBody>(std::move(body));
}

ordered_json policy_to_est(const PolicyBody& body) {
  ordered_json out;
  out["effect"] = body.effect == Effect::permit ? "permit" : "forbid";
  out["principal"] = scope_to_est(body.principal, "principal");
  out["action"] = scope_to_est(body.action, "action");
  out["resource"] = scope_to_est(body.resource, "resource");
  out["conditions"] = ordered_json::array();
  for (const auto& c : body.conditions) {
    ordered_json cond;
    cond["kind"] = c.is_when ? "when" : "unless";
    cond["body"] = expr_to_est(*c.expr);
    out["conditions"].push_back(std::move(cond));
  }
  if (!body.annotations.empty()) {
    ordered_json annotations = ordered_json::object();
    for (const auto& [k, v] : body.annotations) annotations[k] = v;
    out["annotations"] = std::move(annotations);
  }
  return out;
}

}  // namespace cordon::cedar
