// Entities is the immutable entity store a request is evaluated against: each
// entity's attributes, tags and ancestors (the transitive closure of its parents,
// computed once at load).
//
//   auto store = cordon::Entities::from_json(R"([
//       {"uid": {"type": "User", "id": "alice"}, "attrs": {"dept": "eng"},
//        "parents": [{"type": "Role", "id": "staff"}]}
//   ])");
//
// Integers are read as exact 64-bit values; a duplicate entity is an error.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "cordon/error.h"

namespace cordon {

namespace detail {
struct EntityStore;
}

class Schema;

class Entities {
 public:
  // An empty store.
  Entities();

  // Reads Cedar's entities JSON format (an array of {uid, attrs, parents, tags}).
  static Result<Entities> from_json(std::string_view json, std::string_view file_name = {});

  // Reads the same format as Cedar does with a schema (nullptr: as without one): entity
  // references and extension values may omit their escapes, every entity must conform to
  // its declared type, and the schema's actions join the store with their hierarchy.
  static Result<Entities> from_json(std::string_view json, std::string_view file_name,
                                    const Schema* schema);

  size_t size() const;

  const detail::EntityStore& store() const { return *store_; }

 // For the engine's own use: wraps already-built internal data.
  explicit Entities(std::shared_ptr<const detail::EntityStore> store);

 private:
  std::shared_ptr<const detail::EntityStore> store_;
};

}  // namespace cordon
