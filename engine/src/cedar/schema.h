// Cedar schemas inside the engine.
//
// Two formats (Cedar schema text, schema_text.cpp; JSON, schema.cpp) are first read into
// the same syntax tree (SchemaSyntax), whose type names are still written as in the
// source. build_schema() then resolves every name the way Cedar does (a name is a common
// type, then an entity type, in the current namespace, then in the empty namespace;
// `__cedar::` names the built-in types), inlines common types and produces SchemaData:
// entity types and actions with fully resolved attribute types.
//
// schema_values.cpp reads entities and context guided by that data and validates requests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cedar/policy_set_data.h"
#include "cedar/value.h"
#include "cordon/entities.h"
#include "cordon/error.h"
#include "cordon/request.h"
#include "cordon/schema.h"

namespace cordon::cedar {

// ---------------------------------------------------------------------------------------
// The resolved model.

struct SchemaType;
using SchemaTypePtr = std::shared_ptr<const SchemaType>;

struct AttributeType {
  SchemaTypePtr type;
  bool required = true;
};

// A fully resolved type. Common types are inlined (shared, so a type used many times is
// stored once) and entity type names are fully qualified.
struct SchemaType {
  enum class Kind : uint8_t {
    boolean,
    long_,
    string,
    set,
    record,
    entity,
    extension,
  };
  Kind kind = Kind::boolean;
  SchemaTypePtr element;                                           // set
  std::map<std::string, AttributeType, std::less<>> attributes;    // record (always closed)
  std::string entity_type;                                         // entity
  ExtensionValue::Type extension = ExtensionValue::Type::decimal;  // extension
};

// Cedar's name for a type in messages: long, [long], `User`, { "a" => (required) long }.
std::string describe_type(const SchemaType& type);

struct EntityTypeSchema {
  std::string name;
  std::set<std::string> member_of;       // direct parent types (`in [...]`, memberOfTypes)
  std::set<std::string> ancestor_types;  // the transitive closure of member_of
  SchemaTypePtr shape;                   // a record
  SchemaTypePtr tags;                    // null when the type has no tags
  bool is_enum = false;
  std::vector<std::string> enum_ids;  // the allowed ids of an enumerated type
};

struct ActionSchema {
  EntityUid uid;
  std::vector<EntityUid> member_of;       // direct parents, in declaration order
  std::set<EntityUid> ancestors;          // transitive
  std::set<std::string> principal_types;  // empty: applies to no principal
  std::set<std::string> resource_types;
  SchemaTypePtr context;  // a record
};

// Whether an entity type names actions: Cedar treats every type whose last component
// is `Action` as an action type.
bool is_action_type(std::string_view type);

// ---------------------------------------------------------------------------------------
// The syntax tree both formats produce. Names are as written; offsets point into the
// source text (0 with length 0 when unknown, as in the JSON format).

struct SourceSpan {
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct SyntaxName {
  std::string text;  // e.g. "User" or "Photos::Album"
  SourceSpan span;
};

struct SyntaxType;
// Shared: one declaration `entity A, B { ... }` gives both types the same shape.
using SyntaxTypePtr = std::shared_ptr<const SyntaxType>;

struct SyntaxAttribute {
  std::string name;
  SyntaxTypePtr type;
  bool required = true;
};

struct SyntaxType {
  enum class Kind : uint8_t {
    boolean,           // JSON "Boolean"
    long_,             // JSON "Long"
    string,            // JSON "String"
    set,               // Set<T>, JSON "Set"
    record,            // { ... }, JSON "Record"
    entity,            // must name an entity type (JSON "Entity")
    common,            // must name a common type (JSON {"type": "Name"}, a text context path)
    entity_or_common,  // a name in the text format, JSON "EntityOrCommon"
    extension,         // JSON "Extension"
  };
  Kind kind = Kind::record;
  SyntaxName name;  // entity, common, entity_or_common, extension
  SyntaxTypePtr element;
  std::vector<SyntaxAttribute> attributes;  // in source order; a repeated name: the last wins
  bool additional_attributes = false;
  SourceSpan span;
};

struct SyntaxEntityType {
  SyntaxName name;
  std::vector<SyntaxName> member_of;
  SyntaxTypePtr shape;  // null: no attributes
  SyntaxTypePtr tags;   // null: no tags
  bool is_enum = false;
  std::vector<std::string> enum_ids;
};

struct SyntaxActionRef {
  std::optional<SyntaxName> type;  // absent: `Action` of the current namespace
  std::string id;
  SourceSpan span;
};

struct SyntaxAction {
  SyntaxName name;
  std::vector<SyntaxActionRef> member_of;
  std::vector<SyntaxName> principal_types;
  std::vector<SyntaxName> resource_types;
  SyntaxTypePtr context;  // null: the empty record
};

struct SyntaxCommonType {
  SyntaxName name;
  SyntaxTypePtr type;
};

struct SyntaxNamespace {
  SyntaxName name;  // empty text: the empty namespace
  std::vector<SyntaxCommonType> common_types;
  std::vector<SyntaxEntityType> entity_types;
  std::vector<SyntaxAction> actions;
};

struct SchemaSyntax {
  std::vector<SyntaxNamespace> namespaces;
};

// The nesting of types, records and annotations that either format accepts.
inline constexpr int kMaxSchemaNesting = 200;

// Parses the Cedar schema text format (schema_text.cpp).
Result<SchemaSyntax> parse_schema_text(std::string_view text, std::string_view file_name);

// Reads the JSON schema format from a parsed JSON value (schema.cpp).
Result<SchemaSyntax> schema_syntax_from_json(const nlohmann::json& doc, std::string_view file_name);

// Resolves names and builds the schema. `text` and `file_name` are for error locations.
Result<Schema> build_schema(const SchemaSyntax& syntax, std::string_view text,
                            std::string_view file_name);

// A schema given in a cedar-wasm call: a JSON string holds Cedar schema text, a JSON
// object is the JSON schema format.
Result<Schema> schema_from_json_value(const nlohmann::json& value);

// ---------------------------------------------------------------------------------------
// Schema-directed reading and checking of values (schema_values.cpp).

// Reads a JSON value the way Cedar does when the schema says it has type `type`: an
// entity accepts {"type","id"} or {"__entity": ...}; an extension accepts a plain value
// for its constructor (e.g. "1.5" for a decimal) or an `__extn` escape (with or without
// the `__extn` key); records check their attributes; sets read their elements. Whether
// the value then has the type is checked by check_value_type().
bool read_value_as(const nlohmann::json& j, const SchemaType& type, Value& out, std::string& error,
                   int depth = 0);

// Whether `value` conforms to `type` (Cedar's entity and context type check). On failure
// `error` says why, e.g. "type mismatch: value was expected to have type long, but it
// actually has type string: `"1"`".
bool check_value_type(const Value& value, const SchemaType& type, std::string& error);

}  // namespace cordon::cedar

namespace cordon::detail {

struct SchemaData {
  std::map<std::string, cedar::EntityTypeSchema, std::less<>> entity_types;
  std::map<cedar::EntityUid, cedar::ActionSchema> actions;

  const cedar::EntityTypeSchema* entity_type(std::string_view name) const {
    auto it = entity_types.find(name);
    return it == entity_types.end() ? nullptr : &it->second;
  }
  const cedar::ActionSchema* action(const cedar::EntityUid& uid) const {
    auto it = actions.find(uid);
    return it == actions.end() ? nullptr : &it->second;
  }
};

}  // namespace cordon::detail

namespace cordon {

// Threading the schema through entities and requests (schema_values.cpp).

// Cedar's entities JSON read with a schema: every entity must conform to its declared
// type, and the schema's action entities (with their hierarchy) are added to the store.
Result<Entities> entities_from_json_value(const nlohmann::json& doc, std::string_view file_name,
                                          const Schema& schema);

// The context of a request for `action`, read as the action's context type says.
Result<cedar::Value> context_from_json_value(const nlohmann::json& context, const Schema& schema,
                                             const cedar::EntityUid& action);

// A request from a JSON object {"principal", "action", "resource", "context"} with a
// schema: the context is read with the schema; with `validate`, the request must also
// pass validate_request() (cedar-wasm's validateRequest).
Result<Request> request_from_json_value(const nlohmann::json& j, const Schema& schema,
                                        bool validate);

// Cedar's request validation: the principal and resource types are declared and allowed
// by the action's appliesTo, the action is declared, the context has the action's type.
std::optional<Error> validate_request(const detail::RequestData& request, const Schema& schema);

}  // namespace cordon
