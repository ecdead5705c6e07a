// A Schema declares the entity types, their attributes and parents, and the actions
// with the principals, resources and context each one applies to. Given a schema,
// entities and context are read the way Cedar reads them with one (entity references
// and extension values may omit their `__entity` / `__extn` escapes, every attribute
// is type-checked) and a request can be validated against its action.
//
//   auto schema = cordon::Schema::parse(R"(
//       entity User in [Team] { age: Long, ip?: ipaddr };
//       entity Team;
//       entity Photo;
//       action view appliesTo { principal: User, resource: Photo, context: { mfa: Bool } };
//   )", "app.cedarschema");
//   if (!schema) return schema.error();  // app.cedarschema:2:27: parse error: ...
//   auto entities = cordon::Entities::from_json(json, "app.entities.json", &*schema);
//   auto request = cordon::Request::from_json(call, *schema);  // validated by default
//
// Both of Cedar's schema formats are accepted: the Cedar schema text format and the
// JSON schema format (text whose first non-space character is `{`).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/error.h"

namespace cordon {

namespace detail {
struct SchemaData;
}

class Schema {
 public:
  // A schema that declares nothing.
  Schema();

  // Parses either format: JSON when the first non-space character is `{`, else Cedar
  // schema text. file_name is only used in error locations.
  static Result<Schema> parse(std::string_view text, std::string_view file_name = {});

  // Parses the Cedar schema text format only.
  static Result<Schema> from_cedar_text(std::string_view text, std::string_view file_name = {});

  // Parses the JSON schema format only.
  static Result<Schema> from_json(std::string_view json, std::string_view file_name = {});

  // Fully qualified names of the declared entity types, sorted (e.g. "Photos::Photo").
  std::vector<std::string> entity_types() const;

  // The declared actions as Cedar text, sorted (e.g. `Photos::Action::"view"`).
  std::vector<std::string> actions() const;

  const detail::SchemaData& data() const { return *data_; }

  // For the engine's own use: wraps already-built internal data.
  explicit Schema(std::shared_ptr<const detail::SchemaData> data);

 private:
  std::shared_ptr<const detail::SchemaData> data_;
};

}  // namespace cordon
