// libFuzzer target: Cedar schemas, in both formats (cordon::Schema::parse takes JSON
// when the first non-space character is `{`, else Cedar schema text).
//
// A schema that parses is also listed (entity types, actions) and used to read an
// empty entity list, which adds the schema's actions and their hierarchy to the store.
//
//   ./fuzz_schema_parser build/fuzz-seeds/schema -dict=tests/fuzz/cedar.dict
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cordon/entities.h"
#include "cordon/schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schema = cordon::Schema::parse(text, "fuzz.cedarschema");
  if (!schema) {
    (void)schema.error().to_string();
    return 0;
  }
  (void)schema->entity_types();
  (void)schema->actions();
  auto entities = cordon::Entities::from_json("[]", "fuzz.entities.json", &*schema);
  if (!entities) (void)entities.error().to_string();
  return 0;
}
