// Reading entities and context with a schema, and validating requests, as Cedar does.
//
// Reading is guided by the declared types: where an entity is expected, {"type","id"}
// needs no `__entity` escape; where an extension value is expected, a plain "1.5" is
// passed to the constructor (decimal("1.5")); records reject unknown attributes. The
// values read are then checked against their types, entity by entity: required
// attributes, attribute and tag types, the types of parents (the transitive closure of
// `in [...]`), ids of enumerated types, and that referenced actions are declared.
// Finally the schema's action entities, with their hierarchy, join the store.
#include <algorithm>
#include <set>

#include "cedar/entities_json.h"
#include "cedar/entity_store.h"
#include "cedar/extensions.h"
#include "cedar/json_value.h"
#include "cedar/parser.h"
#include "cedar/request_json.h"
#include "cedar/schema.h"

namespace cordon {

using nlohmann::json;

namespace cedar {

namespace {

const char* constructor_of(ExtensionValue::Type type) {
  switch (type) {
    case ExtensionValue::Type::decimal:
      return "decimal";
    case ExtensionValue::Type::ipaddr:
      return "ip";
    case ExtensionValue::Type::datetime:
      return "datetime";
    case ExtensionValue::Type::duration:
      return "duration";
  }
  return "decimal";
}

bool is_plain_key(std::string_view k) {
  if (k.empty()) return false;
  for (size_t i = 0; i < k.size(); ++i) {
    char c = k[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// A value as Cedar prints it in messages: records as {key: value}.
void display_into(const Value& v, std::string& out, int depth) {
  if (depth > 32 || out.size() > 2000) {
    out += "...";
    return;
  }
  switch (v.kind()) {
    case Value::Kind::set: {
      out += "[";
      bool first = true;
      for (const auto& e : v.as_set()) {
        if (!first) out += ", ";
        first = false;
        display_into(e, out, depth + 1);
      }
      out += "]";
      return;
    }
    case Value::Kind::record: {
      out += "{";
      bool first = true;
      for (const auto& [k, e] : v.as_record()) {
        if (!first) out += ", ";
        first = false;
        out += is_plain_key(k) ? k : "\"" + escape_string(k) + "\"";
        out += ": ";
        display_into(e, out, depth + 1);
      }
      out += "}";
      return;
    }
    default:
      out += v.to_cedar();
  }
}

std::string display(const Value& v) {
  std::string out;
  display_into(v, out, 0);
  return out;
}

std::string mismatch(const SchemaType& expected, const Value& actual) {
  return "type mismatch: value was expected to have type " + describe_type(expected) +
         ", but it actually has type " + type_name(actual) + ": `" + display(actual) + "`";
}

// An entity reference where the schema expects one: {"type","id"}, optionally inside
// {"__entity": ...}. Like Cedar, other keys beside these are ignored.
bool typed_entity_uid(const json& j, EntityUid& out, std::string& error) {
  const json* fields = &j;
  if (j.is_object()) {
    auto escaped = j.find("__entity");
    if (escaped != j.end()) fields = &*escaped;
  }
  if (fields->is_object()) {
    auto type = fields->find("type");
    auto id = fields->find("id");
    if (type != fields->end() && id != fields->end() && type->is_string() && id->is_string()) {
      out.type = type->get<std::string>();
      out.id = id->get<std::string>();
      auto parsed = parse_entity_type(out.type);
      if (!parsed.ok() || parsed.value() != out.type) {
        error = "invalid entity type name `" + out.type + "`";
        return false;
      }
      return true;
    }
  }
  error = "expected a literal entity reference, but got `" + j.dump() + "`";
  return false;
}

}  // namespace

bool read_value_as(const json& j, const SchemaType& type, Value& out, std::string& error,
                   int depth) {
  if (depth > kMaxJsonDepth) {
    error = "value nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return false;
  }
  switch (type.kind) {
    case SchemaType::Kind::entity: {
      EntityUid uid;
      if (!typed_entity_uid(j, uid, error)) return false;
      out = Value::entity(std::move(uid));
      return true;
    }
    case SchemaType::Kind::extension: {
      if (j.is_object() && j.contains("__extn")) return value_from_json(j, out, error, depth);
      if (j.is_object() && j.contains("fn") && j.contains("arg")) {
        // The `__extn` escape may leave out its key where an extension is expected.
        json escaped = {{"__extn", {{"fn", j.at("fn")}, {"arg", j.at("arg")}}}};
        return value_from_json(escaped, out, error, depth);
      }
      Value arg;
      if (!value_from_json(j, arg, error, depth + 1)) return false;
      return call_extension(constructor_of(type.extension), {arg}, out, error);
    }
    case SchemaType::Kind::set: {
      if (!j.is_array()) {
        Value actual;
        if (!value_from_json(j, actual, error, depth)) return false;
        error = mismatch(type, actual);
        return false;
      }
      SetElements elements;
      elements.reserve(j.size());
      for (const auto& e : j) {
        Value v;
        if (!read_value_as(e, *type.element, v, error, depth + 1)) return false;
        elements.push_back(std::move(v));
      }
      out = Value::set(std::move(elements));
      return true;
    }
    case SchemaType::Kind::record: {
      if (!j.is_object()) {
        Value actual;
        if (!value_from_json(j, actual, error, depth)) return false;
        error = mismatch(type, actual);
        return false;
      }
      RecordFields fields;
      for (const auto& [name, attr] : type.attributes) {
        auto it = j.find(name);
        if (it == j.end()) {
          if (attr.required) {
            error = "expected the record to have an attribute `" + name + "`, but it does not";
            return false;
          }
          continue;
        }
        Value v;
        if (!read_value_as(*it, *attr.type, v, error, depth + 1)) return false;
        fields.emplace(name, std::move(v));
      }
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (type.attributes.find(it.key()) == type.attributes.end()) {
          error = "record attribute `" + it.key() + "` should not exist according to the schema";
          return false;
        }
      }
      out = Value::record(std::move(fields));
      return true;
    }
    default:
      return value_from_json(j, out, error, depth);
  }
}

bool check_value_type(const Value& value, const SchemaType& type, std::string& error) {
  bool ok = false;
  switch (type.kind) {
    case SchemaType::Kind::boolean:
      ok = value.is_bool();
      break;
    case SchemaType::Kind::long_:
      ok = value.is_integer();
      break;
    case SchemaType::Kind::string:
      ok = value.is_string();
      break;
    case SchemaType::Kind::entity:
      ok = value.is_entity() && value.as_entity().type == type.entity_type;
      break;
    case SchemaType::Kind::extension:
      ok = value.is_extension() && value.as_extension().type == type.extension;
      break;
    case SchemaType::Kind::set:
      if (!value.is_set()) break;
      for (const auto& e : value.as_set())
        if (!check_value_type(e, *type.element, error)) return false;
      return true;
    case SchemaType::Kind::record: {
      if (!value.is_record()) break;
      const RecordFields& fields = value.as_record();
      ok = true;
      for (const auto& [name, attr] : type.attributes)
        if (attr.required && fields.find(name) == fields.end()) ok = false;
      for (const auto& [name, v] : fields)
        if (type.attributes.find(name) == type.attributes.end()) ok = false;
      if (!ok) break;
      for (const auto& [name, v] : fields)
        if (!check_value_type(v, *type.attributes.find(name)->second.type, error)) return false;
      return true;
    }
  }
  if (!ok) error = mismatch(type, value);
  return ok;
}

namespace {

// Cedar's checks of an entity reference against the schema: an action must be declared,
// and an enumerated type's id must be one of its ids.
bool check_entity_uid(const EntityUid& uid, const detail::SchemaData& schema, std::string& error) {
  if (is_action_type(uid.type)) {
    if (schema.action(uid)) return true;
    error = "found action entity `" + uid.to_cedar() +
            "`, but it was not declared as an action in the schema";
    return false;
  }
  const EntityTypeSchema* et = schema.entity_type(uid.type);
  if (!et || !et->is_enum ||
      std::find(et->enum_ids.begin(), et->enum_ids.end(), uid.id) != et->enum_ids.end())
    return true;
  error = "entity `" + uid.to_cedar() + "` is of an enumerated entity type, but `\"" +
          escape_string(uid.id) + "\"` is not declared as a valid eid (valid eids: ";
  for (size_t i = 0; i < et->enum_ids.size(); ++i)
    error += (i ? ", \"" : "\"") + escape_string(et->enum_ids[i]) + "\"";
  error += ")";
  return false;
}

bool check_entity_uids_in(const Value& v, const detail::SchemaData& schema, std::string& error) {
  switch (v.kind()) {
    case Value::Kind::entity:
      return check_entity_uid(v.as_entity(), schema, error);
    case Value::Kind::set:
      for (const auto& e : v.as_set())
        if (!check_entity_uids_in(e, schema, error)) return false;
      return true;
    case Value::Kind::record:
      for (const auto& [k, e] : v.as_record())
        if (!check_entity_uids_in(e, schema, error)) return false;
      return true;
    default:
      return true;
  }
}

}  // namespace
}  // namespace cedar

// ---------------------------------------------------------------------------------------
// Entities

namespace {

using cedar::entity_error;

Error request_error(std::string message) {
  Error err;
  err.kind = ErrorKind::request;
  err.message = std::move(message);
  return err;
}

// Checks one non-action entity against its declared type (Cedar's conformance check).
bool conforms(const detail::Entity& e, const cedar::EntityTypeSchema& type,
              const detail::SchemaData& schema, std::string& error) {
  const std::string uid = "`" + e.uid.to_cedar() + "`";
  if (!cedar::check_entity_uid(e.uid, schema, error)) return false;
  const cedar::RecordFields& attrs = e.attrs.as_record();
  for (const auto& [name, attr] : type.shape->attributes) {
    if (attr.required && attrs.find(name) == attrs.end()) {
      error = "expected entity " + uid + " to have attribute `" + name + "`, but it does not";
      return false;
    }
  }
  for (const auto& [name, v] : attrs) {
    const cedar::SchemaType& expected = *type.shape->attributes.find(name)->second.type;
    if (!cedar::check_value_type(v, expected, error)) {
      error = "in attribute `" + name + "` on " + uid + ", " + error;
      return false;
    }
    if (!cedar::check_entity_uids_in(v, schema, error)) return false;
  }
  for (const auto& parent : e.parents) {
    if (!type.ancestor_types.count(parent.type)) {
      error = uid + " is not allowed to have an ancestor of type `" + parent.type +
              "` according to the schema";
      return false;
    }
    if (!cedar::check_entity_uid(parent, schema, error)) return false;
  }
  for (const auto& [name, v] : e.tags.as_record()) {
    if (!cedar::check_value_type(v, *type.tags, error)) {
      error = "in tag `" + name + "` on " + uid + ", " + error;
      return false;
    }
    if (!cedar::check_entity_uids_in(v, schema, error)) return false;
  }
  return true;
}

}  // namespace

Result<Entities> entities_from_json_value(const json& doc, std::string_view file_name,
                                          const Schema& schema) {
  const detail::SchemaData& s = schema.data();
  if (auto err = cedar::check_entities_array(doc, file_name)) return *err;
  struct Read {
    size_t index;
    cedar::EntityUid uid;
    const cedar::EntityTypeSchema* type;  // null for an action
  };
  std::vector<Read> read;
  auto store = std::make_shared<detail::EntityStore>();
  std::string error;
  size_t index = 0;
  // First every entity is read with its declared types, as Cedar deserializes...
  for (const auto& element : doc) {
    auto item = cedar::read_entity_item(element, file_name, index);
    if (!item) return item.error();
    detail::Entity& entity = item->entity;
    const json* attrs = item->attrs;
    const json* tags = item->tags;
    const std::string uid = "`" + entity.uid.to_cedar() + "`";
    const cedar::EntityTypeSchema* type = nullptr;
    if (!cedar::is_action_type(entity.uid.type)) {
      type = s.entity_type(entity.uid.type);
      if (!type)
        return entity_error(file_name, index,
                            "entity " + uid + " has type `" + entity.uid.type +
                                "` which is not declared in the schema");
    }
    if (!type) {
      if (!cedar::record_from_json(*attrs, entity.attrs, error))
        return entity_error(file_name, index, "in `attrs`: " + error);
    } else {
      cedar::RecordFields fields;
      for (auto it = attrs->begin(); it != attrs->end(); ++it) {
        auto attr = type->shape->attributes.find(it.key());
        if (attr == type->shape->attributes.end())
          return entity_error(file_name, index,
                              "attribute `" + it.key() + "` on " + uid +
                                  " should not exist according to the schema");
        cedar::Value v;
        if (!cedar::read_value_as(it.value(), *attr->second.type, v, error, 1))
          return entity_error(file_name, index,
                              "in attribute `" + it.key() + "` on " + uid + ", " + error);
        fields.emplace(it.key(), std::move(v));
      }
      entity.attrs = cedar::Value::record(std::move(fields));
    }
    if (tags) {
      if (!type) {
        if (!cedar::record_from_json(*tags, entity.tags, error))
          return entity_error(file_name, index, "in `tags`: " + error);
      } else if (!tags->empty()) {
        if (!type->tags)
          return entity_error(file_name, index,
                              "found a tag `" + tags->begin().key() + "` on " + uid +
                                  ", but no tags should exist on " + uid +
                                  " according to the schema");
        cedar::RecordFields fields;
        for (auto it = tags->begin(); it != tags->end(); ++it) {
          cedar::Value v;
          if (!cedar::read_value_as(it.value(), *type->tags, v, error, 1))
            return entity_error(file_name, index,
                                "in tag `" + it.key() + "` on " + uid + ", " + error);
          fields.emplace(it.key(), std::move(v));
        }
        entity.tags = cedar::Value::record(std::move(fields));
      }
    }
    cedar::EntityUid key = entity.uid;
    auto added = cedar::add_entity(*store, std::move(entity), file_name, index);
    if (!added) return added.error();
    if (*added) read.push_back({index, std::move(key), type});
    ++index;
  }
  // ...then each one is checked against its type.
  for (const auto& r : read) {
    if (r.type && !conforms(*store->find(r.uid), *r.type, s, error))
      return entity_error(file_name, r.index, "entity does not conform to the schema: " + error);
  }
  if (auto err = cedar::close_hierarchy(*store, file_name)) return *err;
  // An action given in the data must be exactly the schema's.
  for (const auto& r : read) {
    if (r.type) continue;
    const cedar::ActionSchema* action = s.action(r.uid);
    if (!action)
      return entity_error(file_name, r.index,
                          "found action entity `" + r.uid.to_cedar() +
                              "`, but it was not declared as an action in the schema");
    const detail::Entity& e = *store->find(r.uid);
    bool same = e.attrs.as_record().empty() && e.tags.as_record().empty() &&
                e.ancestors.size() == action->ancestors.size();
    for (const auto& a : action->ancestors) same = same && e.ancestors.contains(a);
    if (!same)
      return entity_error(file_name, r.index,
                          "definition of action `" + r.uid.to_cedar() +
                              "` does not match its schema declaration (to use the schema's "
                              "definition, omit it from the entities)");
  }
  // The schema's actions, with their hierarchy, are entities too.
  // Their ancestors are the schema's (its action hierarchy is closed and acyclic), found
  // again in the store; as in Cedar, the data's entities keep theirs.
  std::vector<cedar::EntityUid> actions;
  for (const auto& [uid, action] : s.actions) {
    detail::Entity e;
    e.uid = uid;
    e.parents = action.member_of;
    store->insert_or_assign(std::move(e));
    actions.push_back(uid);
  }
  store->compute_ancestors_of(actions);
  return Entities(std::move(store));
}

// ---------------------------------------------------------------------------------------
// Requests

Result<cedar::Value> context_from_json_value(const json& context, const Schema& schema,
                                             const cedar::EntityUid& action) {
  const cedar::ActionSchema* declared = schema.data().action(action);
  if (!declared)
    return request_error("action `" + action.to_cedar() +
                         "` does not exist in the supplied schema");
  cedar::Value out;
  std::string error;
  if (!cedar::read_value_as(context, *declared->context, out, error))
    return request_error("while parsing context, " + error);
  return out;
}

Result<Request> request_from_json_value(const json& j, const Schema& schema, bool validate) {
  if (!j.is_object()) return request_error("a request must be a JSON object");
  // principal, action and resource are read as without a schema.
  json slots = json::object();
  for (const char* key : {"principal", "action", "resource"}) {
    auto it = j.find(key);
    if (it != j.end()) slots[key] = *it;
  }
  auto base = request_from_json_value(slots);
  if (!base) return base.error();
  auto data = std::make_shared<detail::RequestData>(base->data());
  auto context = j.find("context");
  static const json kEmpty = json::object();
  auto value = context_from_json_value(context == j.end() || context->is_null() ? kEmpty : *context,
                                       schema, data->action.as_entity());
  if (!value) return value.error();
  data->context = std::move(value).value();
  if (validate) {
    if (auto error = validate_request(*data, schema)) return *error;
  }
  return Request(std::move(data));
}

std::optional<Error> validate_request(const detail::RequestData& request, const Schema& schema) {
  const detail::SchemaData& s = schema.data();
  std::string error;
  const cedar::EntityUid& principal = request.principal.as_entity();
  const cedar::EntityUid& action = request.action.as_entity();
  const cedar::EntityUid& resource = request.resource.as_entity();
  // The principal and resource types must be declared, whatever the action.
  auto declared_type = [&](const char* what, const cedar::EntityUid& uid) -> std::optional<Error> {
    if (!s.entity_type(uid.type))
      return request_error(std::string(what) + " type `" + uid.type +
                           "` is not declared in the schema");
    if (!cedar::check_entity_uid(uid, s, error)) return request_error(error);
    return std::nullopt;
  };
  if (auto e = declared_type("principal", principal)) return e;
  if (auto e = declared_type("resource", resource)) return e;
  const cedar::ActionSchema* declared = s.action(action);
  if (!declared)
    return request_error("request's action `" + action.to_cedar() +
                         "` is not declared in the schema");
  auto allowed_type = [&](const char* what, const cedar::EntityUid& uid,
                          const std::set<std::string>& allowed) -> std::optional<Error> {
    if (allowed.count(uid.type)) return std::nullopt;
    std::string message =
        std::string(what) + " type `" + uid.type + "` is not valid for `" + action.to_cedar() + "`";
    if (allowed.empty()) {
      message += " (no " + std::string(what) + " types are valid for it)";
    } else {
      message += " (valid " + std::string(what) + " types: ";
      bool first = true;
      for (const auto& t : allowed) {
        message += (first ? "`" : ", `") + t + "`";
        first = false;
      }
      message += ")";
    }
    return request_error(std::move(message));
  };
  if (auto e = allowed_type("principal", principal, declared->principal_types)) return e;
  if (auto e = allowed_type("resource", resource, declared->resource_types)) return e;
  if (!cedar::check_value_type(request.context, *declared->context, error))
    return request_error("context `" + cedar::display(request.context) + "` is not valid for `" +
                         action.to_cedar() + "`");
  if (!cedar::check_entity_uids_in(request.context, s, error)) return request_error(error);
  return std::nullopt;
}

}  // namespace cordon
