// cordon::Schema: the JSON schema format, and build_schema(), which turns either format's
// syntax tree into the resolved model (schema.h) with Cedar's name resolution rules:
//
//  - A name written without `::` inside namespace N means N::name if that is declared,
//    else name in the empty namespace; a name with `::` is taken as written.
//  - At each of those candidates a common type wins over an entity type.
//  - `__cedar::Bool`, `Long`, `String`, `decimal`, `ipaddr`, `datetime` and `duration` are
//    built in; the empty namespace sees them without `__cedar::` unless it declares a type
//    of the same name itself.
//  - Each namespace with actions declares the entity type `N::Action`.
//  - A namespace may not redeclare a name of the empty namespace (Cedar's RFC 70).
#include <algorithm>
#include <deque>

#include "cedar/json_value.h"
#include "cedar/parser.h"
#include "cedar/schema.h"

namespace cordon {

using nlohmann::json;

namespace cedar {

// ---------------------------------------------------------------------------------------
// Model helpers

bool is_action_type(std::string_view type) {
  constexpr std::string_view kAction = "Action";
  if (type.size() < kAction.size() || type.substr(type.size() - kAction.size()) != kAction)
    return false;
  return type.size() == kAction.size() ||
         (type.size() > kAction.size() + 1 && type[type.size() - kAction.size() - 1] == ':');
}

namespace {

void describe_into(const SchemaType& t, std::string& out, int depth) {
  // Types built from common types can be deep and wide; messages stay short.
  if (depth > 16 || out.size() > 2000) {
    out += "...";
    return;
  }
  switch (t.kind) {
    case SchemaType::Kind::boolean:
      out += "bool";
      return;
    case SchemaType::Kind::long_:
      out += "long";
      return;
    case SchemaType::Kind::string:
      out += "string";
      return;
    case SchemaType::Kind::entity:
      out += "`" + t.entity_type + "`";
      return;
    case SchemaType::Kind::extension:
      out += extension_type_name(t.extension);
      return;
    case SchemaType::Kind::set:
      out += "[";
      describe_into(*t.element, out, depth + 1);
      out += "]";
      return;
    case SchemaType::Kind::record: {
      out += "{ ";
      bool first = true;
      for (const auto& [name, attr] : t.attributes) {
        if (!first) out += ", ";
        first = false;
        out += "\"" + escape_string(name) + "\" => ";
        out += attr.required ? "(required) " : "(optional) ";
        describe_into(*attr.type, out, depth + 1);
      }
      out += " }";
      return;
    }
  }
}

}  // namespace

std::string describe_type(const SchemaType& type) {
  std::string out;
  describe_into(type, out, 0);
  return out;
}

namespace {

// ---------------------------------------------------------------------------------------
// Names

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

bool is_reserved_identifier(std::string_view w) {
  return w == "true" || w == "false" || w == "if" || w == "then" || w == "else" || w == "in" ||
         w == "is" || w == "like" || w == "has";
}

// Splits "A::B::C" into its components; empty when the text is not such a path.
std::vector<std::string_view> path_components(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find("::", start);
    std::string_view part = s.substr(start, at == std::string_view::npos ? s.npos : at - start);
    if (!is_identifier(part) || is_reserved_identifier(part)) return {};
    parts.push_back(part);
    if (at == std::string_view::npos) return parts;
    start = at + 2;
  }
}

bool has_cedar_component(std::string_view path) {
  for (auto part : path_components(path))
    if (part == "__cedar") return true;
  return false;
}

std::string qualify(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "::" + name;
}

std::string action_type_of(const std::string& ns) {
  return qualify(ns, "Action");
}

std::string basename(std::string_view name) {
  size_t at = name.rfind("::");
  return std::string(at == std::string_view::npos ? name : name.substr(at + 2));
}

bool is_reserved_common_name(std::string_view n) {
  return n == "Bool" || n == "Boolean" || n == "Entity" || n == "Extension" || n == "Long" ||
         n == "Record" || n == "Set" || n == "String";
}

std::optional<ExtensionValue::Type> extension_type_named(std::string_view name) {
  if (name == "decimal") return ExtensionValue::Type::decimal;
  if (name == "ipaddr") return ExtensionValue::Type::ipaddr;
  if (name == "datetime") return ExtensionValue::Type::datetime;
  if (name == "duration") return ExtensionValue::Type::duration;
  return std::nullopt;
}

SchemaTypePtr primitive(SchemaType::Kind kind) {
  auto t = std::make_shared<SchemaType>();
  t->kind = kind;
  return t;
}

SchemaTypePtr extension_type(ExtensionValue::Type ext) {
  auto t = std::make_shared<SchemaType>();
  t->kind = SchemaType::Kind::extension;
  t->extension = ext;
  return t;
}

SchemaTypePtr empty_record() {
  static const SchemaTypePtr kEmpty = primitive(SchemaType::Kind::record);
  return kEmpty;
}

// ---------------------------------------------------------------------------------------
// The JSON schema format

const char* json_type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "floating point";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "sequence";
    case json::value_t::object:
      return "map";
    default:
      return "value";
  }
}

class JsonSchemaReader {
 public:
  explicit JsonSchemaReader(std::string_view file) : file_(file) {}

  Result<SchemaSyntax> read(const json& doc) {
    SchemaSyntax out;
    if (!doc.is_object()) {
      fail("invalid type: " + std::string(json_type_name(doc)) + ", expected a map");
      return error_;
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      SyntaxNamespace ns;
      ns.name.text = it.key();
      context_ = ns.name.text.empty() ? "in the empty namespace: "
                                      : "in namespace `" + ns.name.text + "`: ";
      if (!ns.name.text.empty() && path_components(ns.name.text).empty()) {
        fail("invalid namespace `" + ns.name.text + "`");
        return error_;
      }
      if (!namespace_definition(it.value(), ns)) return error_;
      out.namespaces.push_back(std::move(ns));
    }
    return out;
  }

 private:
  bool fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_.kind = ErrorKind::schema;
      error_.message = context_ + message;
      error_.location.file = std::string(file_);
    }
    return false;
  }

  bool expect_object(const json& j, const char* what) {
    if (j.is_object()) return true;
    return fail(std::string("invalid type: ") + json_type_name(j) + ", expected " + what);
  }

  bool unknown_field(const std::string& key, const char* expected) {
    return fail("unknown field `" + key + "`, expected one of " + expected);
  }

  bool annotations(const json& j) {
    if (!expect_object(j, "a map of annotations")) return false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!is_identifier(it.key())) return fail("invalid annotation key `" + it.key() + "`");
      if (!it.value().is_string()) return fail("annotation `" + it.key() + "` must be a string");
    }
    return true;
  }

  bool type_name(const json& j, SyntaxName& out, const char* what) {
    if (!j.is_string())
      return fail(std::string("invalid type: ") + json_type_name(j) + ", expected " + what);
    out.text = j.get<std::string>();
    if (path_components(out.text).empty())
      return fail("invalid " + std::string(what) + " `" + out.text + "`");
    return true;
  }

  bool name_list(const json& j, std::vector<SyntaxName>& out, const char* what) {
    if (!j.is_array())
      return fail(std::string("invalid type: ") + json_type_name(j) + ", expected a sequence");
    for (const auto& item : j) {
      out.emplace_back();
      if (!type_name(item, out.back(), what)) return false;
    }
    return true;
  }

  bool namespace_definition(const json& j, SyntaxNamespace& ns) {
    if (!expect_object(j, "a namespace definition")) return false;
    bool has_entities = false, has_actions = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const json& value = it.value();
      if (key == "commonTypes") {
        if (!expect_object(value, "a map of common types")) return false;
        for (auto c = value.begin(); c != value.end(); ++c) {
          SyntaxCommonType decl;
          decl.name.text = c.key();
          if (!is_identifier(decl.name.text) || is_reserved_identifier(decl.name.text))
            return fail("invalid common type name `" + decl.name.text + "`");
          if (!type(c.value(), decl.type, TypeSite::common_type, 0)) return false;
          ns.common_types.push_back(std::move(decl));
        }
      } else if (key == "entityTypes") {
        has_entities = true;
        if (!expect_object(value, "a map of entity types")) return false;
        for (auto e = value.begin(); e != value.end(); ++e) {
          if (!entity_type(e.key(), e.value(), ns)) return false;
        }
      } else if (key == "actions") {
        has_actions = true;
        if (!expect_object(value, "a map of actions")) return false;
        for (auto a = value.begin(); a != value.end(); ++a) {
          if (!action(a.key(), a.value(), ns)) return false;
        }
      } else if (key == "annotations") {
        if (!annotations(value)) return false;
        if (ns.name.text.empty() && !value.empty())
          return fail("annotations are not allowed on the empty namespace");
      } else {
        return unknown_field(key, "`commonTypes`, `entityTypes`, `actions`, `annotations`");
      }
    }
    if (!has_entities) return fail("missing field `entityTypes`");
    if (!has_actions) return fail("missing field `actions`");
    return true;
  }

  bool entity_type(const std::string& name, const json& j, SyntaxNamespace& ns) {
    SyntaxEntityType decl;
    decl.name.text = name;
    if (!is_identifier(name) || is_reserved_identifier(name))
      return fail("invalid entity type name `" + name + "`");
    if (!expect_object(j, "an entity type definition")) return false;
    std::vector<std::string> standard_fields;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const json& value = it.value();
      if (key == "memberOfTypes") {
        standard_fields.push_back(key);
        if (!name_list(value, decl.member_of, "entity type")) return false;
      } else if (key == "shape") {
        standard_fields.push_back(key);
        if (!type(value, decl.shape, TypeSite::plain, 0)) return false;
      } else if (key == "tags") {
        standard_fields.push_back(key);
        if (!type(value, decl.tags, TypeSite::plain, 0)) return false;
      } else if (key == "enum") {
        decl.is_enum = true;
        if (!value.is_array())
          return fail(std::string("invalid type: ") + json_type_name(value) +
                      ", expected a sequence");
        if (value.empty()) return fail("`enum` of `" + name + "` must list at least one id");
        for (const auto& id : value) {
          if (!id.is_string()) return fail("`enum` of `" + name + "` must list strings");
          decl.enum_ids.push_back(id.get<std::string>());
        }
      } else if (key == "annotations") {
        if (!annotations(value)) return false;
      } else {
        return unknown_field(key, "`memberOfTypes`, `shape`, `tags`, `enum`, `annotations`");
      }
    }
    if (decl.is_enum && !standard_fields.empty()) {
      std::string list;
      for (const auto& f : standard_fields) list += (list.empty() ? "" : ", ") + f;
      return fail("unexpected field: " + list);
    }
    ns.entity_types.push_back(std::move(decl));
    return true;
  }

  bool action(const std::string& name, const json& j, SyntaxNamespace& ns) {
    SyntaxAction decl;
    decl.name.text = name;
    if (!expect_object(j, "an action definition")) return false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const json& value = it.value();
      // These three are optional in Cedar, and null means absent.
      if ((key == "appliesTo" || key == "memberOf" || key == "attributes") && value.is_null())
        continue;
      if (key == "appliesTo") {
        if (!applies_to(value, decl)) return false;
      } else if (key == "memberOf") {
        if (!value.is_array())
          return fail(std::string("invalid type: ") + json_type_name(value) +
                      ", expected a sequence");
        for (const auto& parent : value) {
          if (!action_ref(parent, decl)) return false;
        }
      } else if (key == "attributes") {
        return fail("unsupported feature used in schema: action declared with attributes: [" +
                    name + "]");
      } else if (key == "annotations") {
        if (!annotations(value)) return false;
      } else {
        return unknown_field(key, "`attributes`, `appliesTo`, `memberOf`, `annotations`");
      }
    }
    ns.actions.push_back(std::move(decl));
    return true;
  }

  bool applies_to(const json& j, SyntaxAction& decl) {
    if (!expect_object(j, "an appliesTo definition")) return false;
    bool has_principals = false, has_resources = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      if (key == "principalTypes") {
        has_principals = true;
        if (!name_list(it.value(), decl.principal_types, "entity type")) return false;
      } else if (key == "resourceTypes") {
        has_resources = true;
        if (!name_list(it.value(), decl.resource_types, "entity type")) return false;
      } else if (key == "context") {
        if (!type(it.value(), decl.context, TypeSite::plain, 0)) return false;
      } else {
        return unknown_field(key, "`resourceTypes`, `principalTypes`, `context`");
      }
    }
    if (!has_resources) return fail("missing field `resourceTypes`");
    if (!has_principals) return fail("missing field `principalTypes`");
    return true;
  }

  bool action_ref(const json& j, SyntaxAction& decl) {
    if (!expect_object(j, "an action reference {\"id\", \"type\"}")) return false;
    SyntaxActionRef ref;
    bool has_id = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "id") {
        if (!it.value().is_string())
          return fail(std::string("invalid type: ") + json_type_name(it.value()) +
                      ", expected a string");
        ref.id = it.value().get<std::string>();
        has_id = true;
      } else if (it.key() == "type") {
        SyntaxName type;
        if (!type_name(it.value(), type, "action type")) return false;
        ref.type = std::move(type);
      } else {
        return unknown_field(it.key(), "`id`, `type`");
      }
    }
    if (!has_id) return fail("missing field `id`");
    decl.member_of.push_back(std::move(ref));
    return true;
  }

  // Where a type appears decides which extra fields it may carry.
  enum class TypeSite { plain, attribute, common_type };

  bool type(const json& j, SyntaxTypePtr& out, TypeSite site, int depth) {
    if (depth > kMaxSchemaNesting)
      return fail("types nested deeper than " + std::to_string(kMaxSchemaNesting) + " levels");
    if (!expect_object(j, "builtin type or reference to type defined in commonTypes")) return false;
    auto t = std::make_shared<SyntaxType>();
    const json* type_field = nullptr;
    const json* element = nullptr;
    const json* attributes = nullptr;
    const json* additional = nullptr;
    const json* name = nullptr;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      if (key == "type")
        type_field = &it.value();
      else if (key == "element")
        element = &it.value();
      else if (key == "attributes")
        attributes = &it.value();
      else if (key == "additionalAttributes")
        additional = &it.value();
      else if (key == "name")
        name = &it.value();
      else if (key == "required" && site == TypeSite::attribute) {
        if (!it.value().is_boolean())
          return fail(std::string("invalid type: ") + json_type_name(it.value()) +
                      ", expected a boolean");
      } else if (key == "annotations" && site != TypeSite::plain) {
        if (!annotations(it.value())) return false;
      } else {
        return unknown_field(key,
                             "`type`, `element`, `attributes`, `additionalAttributes`, `name`");
      }
    }
    if (!type_field) return fail("missing field `type`");
    if (!type_field->is_string())
      return fail(std::string("invalid type: ") + json_type_name(*type_field) +
                  ", expected a string");
    const std::string kind = type_field->get<std::string>();
    // Fields a kind does not use are errors, as in Cedar.
    auto only = [&](std::initializer_list<std::pair<const json*, const char*>> unused) {
      for (const auto& [field, field_name] : unused) {
        if (field) return unknown_field(field_name, ("the fields of `" + kind + "`").c_str());
      }
      return true;
    };
    if (kind == "String" || kind == "Long" || kind == "Boolean") {
      if (!only({{element, "element"},
                 {attributes, "attributes"},
                 {additional, "additionalAttributes"},
                 {name, "name"}}))
        return false;
      t->kind = kind == "String" ? SyntaxType::Kind::string
                : kind == "Long" ? SyntaxType::Kind::long_
                                 : SyntaxType::Kind::boolean;
    } else if (kind == "Set") {
      if (!only({{attributes, "attributes"}, {additional, "additionalAttributes"}, {name, "name"}}))
        return false;
      if (!element) return fail("missing field `element`");
      t->kind = SyntaxType::Kind::set;
      if (!type(*element, t->element, TypeSite::plain, depth + 1)) return false;
    } else if (kind == "Record") {
      if (!only({{element, "element"}, {name, "name"}})) return false;
      if (!attributes) return fail("missing field `attributes`");
      if (!expect_object(*attributes, "a map of attributes")) return false;
      t->kind = SyntaxType::Kind::record;
      if (additional) {
        if (!additional->is_boolean())
          return fail(std::string("invalid type: ") + json_type_name(*additional) +
                      ", expected a boolean");
        t->additional_attributes = additional->get<bool>();
      }
      for (auto a = attributes->begin(); a != attributes->end(); ++a) {
        SyntaxAttribute attr;
        attr.name = a.key();
        if (!type(a.value(), attr.type, TypeSite::attribute, depth + 1)) return false;
        auto required = a.value().find("required");
        if (required != a.value().end()) attr.required = required->get<bool>();
        t->attributes.push_back(std::move(attr));
      }
    } else if (kind == "Entity" || kind == "EntityOrCommon" || kind == "Extension") {
      if (!only({{element, "element"},
                 {attributes, "attributes"},
                 {additional, "additionalAttributes"}}))
        return false;
      if (!name) return fail("missing field `name`");
      if (kind == "Extension") {
        if (!name->is_string() || !is_identifier(name->get<std::string>()))
          return fail("invalid extension type `" +
                      (name->is_string() ? name->get<std::string>() : name->dump()) + "`");
        t->kind = SyntaxType::Kind::extension;
        t->name.text = name->get<std::string>();
      } else {
        t->kind = kind == "Entity" ? SyntaxType::Kind::entity : SyntaxType::Kind::entity_or_common;
        if (!type_name(*name, t->name, kind == "Entity" ? "entity type" : "entity or common type"))
          return false;
      }
    } else {
      // Any other name refers to a common type.
      if (!only({{element, "element"},
                 {attributes, "attributes"},
                 {additional, "additionalAttributes"},
                 {name, "name"}}))
        return false;
      t->kind = SyntaxType::Kind::common;
      if (!type_name(*type_field, t->name, "common type")) return false;
    }
    out = std::move(t);
    return true;
  }

  std::string_view file_;
  std::string context_;
  bool failed_ = false;
  Error error_;
};

// ---------------------------------------------------------------------------------------
// Resolution

enum class RefKind : uint8_t { common, entity, common_or_entity };

class SchemaBuilder {
 public:
  SchemaBuilder(const SchemaSyntax& syntax, std::string_view text, std::string_view file)
      : syntax_(syntax), text_(text), file_(file) {}

  Result<Schema> build() {
    if (!collect_declarations() || !check_shadowing()) return error_;
    add_builtins();
    if (!resolve_common_types() || !build_entity_types() || !build_actions() ||
        !close_action_hierarchy())
      return error_;
    close_entity_hierarchy();
    return Schema(std::shared_ptr<const detail::SchemaData>(std::move(data_)));
  }

 private:
  struct CommonDecl {
    const SyntaxType* type;
    std::string ns;
    SyntaxName name;
  };

  bool fail(const SourceSpan& span, std::string message, ErrorKind kind = ErrorKind::schema) {
    if (!failed_) {
      failed_ = true;
      error_.kind = kind;
      error_.message = std::move(message);
      if (span.length > 0)
        error_.location = locate(text_, file_, span.offset, span.length);
      else
        error_.location.file = std::string(file_);
    }
    return false;
  }

  bool collect_declarations() {
    for (const auto& ns : syntax_.namespaces) {
      const std::string& n = ns.name.text;
      if (has_cedar_component(n))
        return fail(ns.name.span, "use of the reserved `__cedar` namespace in `" + n + "`");
      for (const auto& c : ns.common_types) {
        if (c.name.text == "__cedar")
          return fail(c.name.span, "use of the reserved `__cedar` namespace");
        if (is_reserved_common_name(c.name.text))
          return fail(c.name.span,
                      "this uses a reserved schema keyword: `" + c.name.text +
                          "` (`Bool`, `Boolean`, `Entity`, `Extension`, `Long`, `Record`, `Set` "
                          "and `String` cannot name common types)");
        std::string fq = qualify(n, c.name.text);
        if (!commons_.emplace(fq, CommonDecl{c.type.get(), n, c.name}).second)
          return fail(c.name.span, "duplicate common type `" + fq + "`");
      }
      for (const auto& e : ns.entity_types) {
        if (e.name.text == "__cedar")
          return fail(e.name.span, "use of the reserved `__cedar` namespace");
        if (e.name.text == "Action")
          return fail(e.name.span, "entity type `Action` declared in `entityTypes` list");
        std::string fq = qualify(n, e.name.text);
        if (!entities_.insert(fq).second)
          return fail(e.name.span, "duplicate entity type `" + fq + "`");
      }
      for (const auto& a : ns.actions) {
        EntityUid uid{action_type_of(n), a.name.text};
        if (!action_defs_.insert(uid).second)
          return fail(a.name.span, "duplicate action `" + uid.to_cedar() + "`");
      }
    }
    return true;
  }

  // RFC 70: a namespace may not declare a type or action that the empty namespace declares.
  bool check_shadowing() {
    std::map<std::string, std::string> unqualified;  // basename -> declared name
    for (const auto& e : entities_)
      if (e.find("::") == std::string::npos) unqualified.emplace(e, e);
    for (const auto& [c, decl] : commons_)
      if (c.find("::") == std::string::npos) unqualified.emplace(c, c);
    auto shadow_error = [&](const std::string& shadowing, const std::string& shadowed) {
      return fail({}, "definition of `" + shadowing +
                          "` illegally shadows the existing "
                          "definition of `" +
                          shadowed + "`");
    };
    for (const auto& e : entities_) {
      if (e.find("::") == std::string::npos) continue;
      auto it = unqualified.find(basename(e));
      if (it != unqualified.end()) return shadow_error(e, it->second);
    }
    for (const auto& [c, decl] : commons_) {
      if (c.find("::") == std::string::npos) continue;
      auto it = unqualified.find(basename(c));
      if (it != unqualified.end()) return shadow_error(c, it->second);
    }
    std::set<std::string> unqualified_actions;
    for (const auto& a : action_defs_)
      if (a.type == "Action") unqualified_actions.insert(a.id);
    for (const auto& a : action_defs_) {
      if (a.type != "Action" && unqualified_actions.count(a.id))
        return shadow_error(a.to_cedar(), EntityUid{"Action", a.id}.to_cedar());
    }
    return true;
  }

  void add_builtins() {
    const std::pair<const char*, SchemaTypePtr> builtins[] = {
        {"Bool", primitive(SchemaType::Kind::boolean)},
        {"Long", primitive(SchemaType::Kind::long_)},
        {"String", primitive(SchemaType::Kind::string)},
        {"decimal", extension_type(ExtensionValue::Type::decimal)},
        {"ipaddr", extension_type(ExtensionValue::Type::ipaddr)},
        {"datetime", extension_type(ExtensionValue::Type::datetime)},
        {"duration", extension_type(ExtensionValue::Type::duration)},
    };
    for (const auto& [name, type] : builtins) {
      builtin_.emplace(std::string("__cedar::") + name, type);
      // The empty namespace sees the built-in name unless it declares that name itself.
      if (!entities_.count(name) && !commons_.count(name)) builtin_.emplace(name, type);
    }
    for (const auto& a : action_defs_) action_types_.insert(a.type);
  }

  bool is_common(const std::string& fq) const { return commons_.count(fq) || builtin_.count(fq); }
  bool is_entity(const std::string& fq) const {
    return entities_.count(fq) || action_types_.count(fq);
  }

  // The fully qualified name `name` refers to from namespace `ns`, or an error.
  bool resolve(const SyntaxName& name, const std::string& ns, RefKind kind, std::string& out,
               bool& is_common_type) {
    std::vector<std::string> candidates;
    if (name.text.find("::") == std::string::npos && !ns.empty())
      candidates = {qualify(ns, name.text), name.text};
    else
      candidates = {name.text};
    for (const auto& c : candidates) {
      if (kind != RefKind::entity && is_common(c)) {
        out = c;
        is_common_type = true;
        return true;
      }
      if (kind != RefKind::common && is_entity(c)) {
        out = c;
        is_common_type = false;
        return true;
      }
    }
    const char* as = kind == RefKind::common   ? "as a common type"
                     : kind == RefKind::entity ? "as an entity type"
                                               : "as a common or entity type";
    std::string why = candidates.size() == 1
                          ? "`" + candidates[0] + "` has not been declared " + as
                          : "neither `" + candidates[0] + "` nor `" + candidates[1] +
                                "` refers to anything that has been declared " + as;
    return fail(name.span, "failed to resolve type `" + name.text + "`: " + why);
  }

  static RefKind ref_kind(SyntaxType::Kind kind) {
    return kind == SyntaxType::Kind::common   ? RefKind::common
           : kind == SyntaxType::Kind::entity ? RefKind::entity
                                              : RefKind::common_or_entity;
  }
  static bool is_reference(SyntaxType::Kind kind) {
    return kind == SyntaxType::Kind::common || kind == SyntaxType::Kind::entity ||
           kind == SyntaxType::Kind::entity_or_common;
  }

  // Collects the user-declared common types that `t` refers to.
  bool common_dependencies(const SyntaxType& t, const std::string& ns, std::set<std::string>& out) {
    if (is_reference(t.kind)) {
      std::string fq;
      bool common = false;
      if (!resolve(t.name, ns, ref_kind(t.kind), fq, common)) return false;
      if (common && commons_.count(fq)) out.insert(fq);
      return true;
    }
    if (t.element && !common_dependencies(*t.element, ns, out)) return false;
    for (const auto& a : t.attributes)
      if (!common_dependencies(*a.type, ns, out)) return false;
    return true;
  }

  // Resolves common types in dependency order (Kahn's algorithm, no recursion across
  // declarations), so that a chain of any length cannot exhaust the stack.
  bool resolve_common_types() {
    std::map<std::string, std::set<std::string>> depends_on;
    std::map<std::string, std::vector<std::string>> used_by;
    for (const auto& [fq, decl] : commons_) {
      auto& deps = depends_on[fq];
      if (!common_dependencies(*decl.type, decl.ns, deps)) return false;
      for (const auto& d : deps) used_by[d].push_back(fq);
    }
    std::map<std::string, size_t> pending;
    std::deque<std::string> ready;
    for (const auto& [fq, deps] : depends_on) {
      pending[fq] = deps.size();
      if (deps.empty()) ready.push_back(fq);
    }
    while (!ready.empty()) {
      std::string fq = ready.front();
      ready.pop_front();
      const CommonDecl& decl = commons_.at(fq);
      SchemaTypePtr resolved;
      if (!convert(*decl.type, decl.ns, resolved, 0)) return false;
      builtin_.emplace(fq, std::move(resolved));
      for (const auto& user : used_by[fq])
        if (--pending[user] == 0) ready.push_back(user);
    }
    for (const auto& [fq, count] : pending) {
      if (count > 0)
        return fail(commons_.at(fq).name.span,
                    "cycle in common type references containing `" + fq + "`");
    }
    return true;
  }

  bool convert(const SyntaxType& t, const std::string& ns, SchemaTypePtr& out, int depth) {
    if (depth > kMaxSchemaNesting)
      return fail(t.span,
                  "types nested deeper than " + std::to_string(kMaxSchemaNesting) + " levels",
                  ErrorKind::limit);
    switch (t.kind) {
      case SyntaxType::Kind::boolean:
        out = primitive(SchemaType::Kind::boolean);
        return true;
      case SyntaxType::Kind::long_:
        out = primitive(SchemaType::Kind::long_);
        return true;
      case SyntaxType::Kind::string:
        out = primitive(SchemaType::Kind::string);
        return true;
      case SyntaxType::Kind::extension: {
        auto ext = extension_type_named(t.name.text);
        if (!ext) return fail(t.span, "unknown extension type `" + t.name.text + "`");
        out = extension_type(*ext);
        return true;
      }
      case SyntaxType::Kind::set: {
        auto set = std::make_shared<SchemaType>();
        set->kind = SchemaType::Kind::set;
        if (!convert(*t.element, ns, set->element, depth + 1)) return false;
        out = std::move(set);
        return true;
      }
      case SyntaxType::Kind::record: {
        if (t.additional_attributes)
          return fail(t.span,
                      "unsupported feature used in schema: records and entities with "
                      "`additionalAttributes` are experimental in Cedar");
        auto record = std::make_shared<SchemaType>();
        record->kind = SchemaType::Kind::record;
        for (const auto& a : t.attributes) {
          AttributeType attr;
          attr.required = a.required;
          if (!convert(*a.type, ns, attr.type, depth + 1)) return false;
          record->attributes.insert_or_assign(a.name, std::move(attr));  // a repeat wins
        }
        out = std::move(record);
        return true;
      }
      case SyntaxType::Kind::entity:
      case SyntaxType::Kind::common:
      case SyntaxType::Kind::entity_or_common: {
        std::string fq;
        bool common = false;
        if (!resolve(t.name, ns, ref_kind(t.kind), fq, common)) return false;
        if (common) {
          out = builtin_.at(fq);
        } else {
          auto entity = std::make_shared<SchemaType>();
          entity->kind = SchemaType::Kind::entity;
          entity->entity_type = fq;
          out = std::move(entity);
        }
        return true;
      }
    }
    return false;
  }

  bool declared_entity_types(const std::vector<SyntaxName>& names, const std::string& ns,
                             std::set<std::string>& out) {
    for (const auto& n : names) {
      std::string fq;
      bool common = false;
      if (!resolve(n, ns, RefKind::entity, fq, common)) return false;
      // `N::Action` resolves as a type name but is no declared entity type.
      if (!entities_.count(fq)) return fail(n.span, "undeclared entity type `" + fq + "`");
      out.insert(fq);
    }
    return true;
  }

  bool build_entity_types() {
    for (const auto& ns : syntax_.namespaces) {
      for (const auto& e : ns.entity_types) {
        EntityTypeSchema et;
        et.name = qualify(ns.name.text, e.name.text);
        et.is_enum = e.is_enum;
        et.enum_ids = e.enum_ids;
        if (!declared_entity_types(e.member_of, ns.name.text, et.member_of)) return false;
        if (e.shape) {
          if (!convert(*e.shape, ns.name.text, et.shape, 0)) return false;
          if (et.shape->kind != SchemaType::Kind::record)
            return fail(e.shape->span, "Shape for entity type " + et.name +
                                           " is declared with a type other than `Record`");
        } else {
          et.shape = empty_record();
        }
        if (e.tags && !convert(*e.tags, ns.name.text, et.tags, 0)) return false;
        std::string name = et.name;
        data_->entity_types.emplace(std::move(name), std::move(et));
      }
    }
    return true;
  }

  bool build_actions() {
    for (const auto& ns : syntax_.namespaces) {
      for (const auto& a : ns.actions) {
        ActionSchema action;
        action.uid = EntityUid{action_type_of(ns.name.text), a.name.text};
        if (!declared_entity_types(a.principal_types, ns.name.text, action.principal_types) ||
            !declared_entity_types(a.resource_types, ns.name.text, action.resource_types))
          return false;
        if (a.context) {
          if (!convert(*a.context, ns.name.text, action.context, 0)) return false;
          if (action.context->kind != SchemaType::Kind::record)
            return fail(a.context->span, "Context for action " + action.uid.to_cedar() +
                                             " is declared with a type other than `Record`");
        } else {
          action.context = empty_record();
        }
        for (const auto& ref : a.member_of) {
          EntityUid parent;
          if (!resolve_action(ref, ns.name.text, parent)) return false;
          action.member_of.push_back(std::move(parent));
        }
        EntityUid uid = action.uid;
        data_->actions.emplace(std::move(uid), std::move(action));
      }
    }
    return true;
  }

  bool resolve_action(const SyntaxActionRef& ref, const std::string& ns, EntityUid& out) {
    std::string type = ref.type ? ref.type->text : "Action";
    std::vector<std::string> candidates;
    if (type.find("::") == std::string::npos && !ns.empty())
      candidates = {qualify(ns, type), type};
    else
      candidates = {type};
    for (const auto& c : candidates) {
      EntityUid uid{c, ref.id};
      if (action_defs_.count(uid)) {
        out = std::move(uid);
        return true;
      }
    }
    return fail(ref.span, "undeclared action: " + EntityUid{type, ref.id}.to_cedar() +
                              " (any actions appearing as parents need to be declared)");
  }

  // Ancestors of every action; an action among its own ancestors is a cycle.
  bool close_action_hierarchy() {
    for (auto& [uid, action] : data_->actions) {
      std::vector<const EntityUid*> stack;
      for (const auto& p : action.member_of) stack.push_back(&p);
      while (!stack.empty()) {
        const EntityUid* next = stack.back();
        stack.pop_back();
        if (!action.ancestors.insert(*next).second) continue;
        if (const ActionSchema* parent = data_->action(*next))
          for (const auto& p : parent->member_of) stack.push_back(&p);
      }
      if (action.ancestors.count(uid))
        return fail({}, "cycle in action hierarchy containing `" + uid.to_cedar() + "`");
    }
    return true;
  }

  // Entity types may form cycles; the closure is what entity parents are checked against.
  void close_entity_hierarchy() {
    for (auto& [name, et] : data_->entity_types) {
      std::vector<std::string> stack(et.member_of.begin(), et.member_of.end());
      while (!stack.empty()) {
        std::string next = std::move(stack.back());
        stack.pop_back();
        if (!et.ancestor_types.insert(next).second) continue;
        if (const EntityTypeSchema* parent = data_->entity_type(next))
          for (const auto& p : parent->member_of) stack.push_back(p);
      }
    }
  }

  const SchemaSyntax& syntax_;
  std::string_view text_;
  std::string_view file_;
  bool failed_ = false;
  Error error_;

  std::map<std::string, CommonDecl> commons_;     // user-declared common types
  std::map<std::string, SchemaTypePtr> builtin_;  // resolved: built-ins, then user commons
  std::set<std::string> entities_;                // user-declared entity types
  std::set<std::string> action_types_;            // `N::Action` of namespaces with actions
  std::set<EntityUid> action_defs_;
  std::unique_ptr<detail::SchemaData> data_ = std::make_unique<detail::SchemaData>();
};

}  // namespace

Result<SchemaSyntax> schema_syntax_from_json(const json& doc, std::string_view file_name) {
  JsonSchemaReader reader(file_name);
  return reader.read(doc);
}

Result<Schema> build_schema(const SchemaSyntax& syntax, std::string_view text,
                            std::string_view file_name) {
  SchemaBuilder builder(syntax, text, file_name);
  return builder.build();
}

Result<Schema> schema_from_json_value(const json& value) {
  if (value.is_string()) return Schema::from_cedar_text(value.get<std::string>());
  auto syntax = schema_syntax_from_json(value, {});
  if (!syntax) return syntax.error();
  return build_schema(*syntax, {}, {});
}

}  // namespace cedar

// ---------------------------------------------------------------------------------------
// cordon::Schema

Schema::Schema() : data_(std::make_shared<const detail::SchemaData>()) {}
Schema::Schema(std::shared_ptr<const detail::SchemaData> data) : data_(std::move(data)) {}

Result<Schema> Schema::parse(std::string_view text, std::string_view file_name) {
  size_t first = text.find_first_not_of(" \t\r\n\f\v");
  if (first != std::string_view::npos && text[first] == '{') return from_json(text, file_name);
  return from_cedar_text(text, file_name);
}

Result<Schema> Schema::from_cedar_text(std::string_view text, std::string_view file_name) {
  auto syntax = cedar::parse_schema_text(text, file_name);
  if (!syntax) return syntax.error();
  return cedar::build_schema(*syntax, text, file_name);
}

Result<Schema> Schema::from_json(std::string_view json_text, std::string_view file_name) {
  // parse_json rejects a key repeated in one object, as Cedar does for schemas.
  auto doc = cedar::parse_json(json_text, file_name, "the schema");
  if (!doc) return doc.error();
  auto syntax = cedar::schema_syntax_from_json(*doc, file_name);
  if (!syntax) return syntax.error();
  return cedar::build_schema(*syntax, json_text, file_name);
}

std::vector<std::string> Schema::entity_types() const {
  std::vector<std::string> out;
  for (const auto& [name, et] : data_->entity_types) out.push_back(name);
  return out;
}

std::vector<std::string> Schema::actions() const {
  std::vector<std::string> out;
  for (const auto& [uid, action] : data_->actions) out.push_back(uid.to_cedar());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cordon
