// JSONPath selectors, the RFC 9535 subset that field classes use: the root `$`,
// names (`.name`, `['name']`), indexes (`[0]`, `[-1]`), wildcards (`.*`, `[*]`)
// and descendants (`..name`, `..*`, `..[0]`). Filters and slices are not supported
// and are a parse error, never silently ignored.
//
//   auto path = JsonPath::parse("$..revenue_at_risk");
//   path->for_each_match(doc, [](const Pointer& at) { ... });
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/error.h"

namespace cordon::masks {

// A location in a JSON document: object keys and array indexes, from the root.
using PointerToken = std::variant<std::string, size_t>;
using Pointer = std::vector<PointerToken>;

// RFC 6901 text of a pointer ("/a/0/b~1c").
std::string to_json_pointer(const Pointer& pointer);

class JsonPath {
 public:
  static Result<JsonPath> parse(std::string_view text);

  // Calls `visit` for every location the path selects in `doc`, in document order.
  void for_each_match(const nlohmann::json& doc,
                      const std::function<void(const Pointer&)>& visit) const;

  const std::string& text() const { return text_; }

 private:
  struct Segment {
    enum class Kind { name, index, wildcard } kind = Kind::name;
    bool descendant = false;
    std::string name;
    long long index = 0;
  };
  void match(const nlohmann::json& node, size_t segment, Pointer& at,
             const std::function<void(const Pointer&)>& visit) const;
  void select(const nlohmann::json& node, size_t segment, Pointer& at,
              const std::function<void(const Pointer&)>& visit) const;

  std::string text_;
  std::vector<Segment> segments_;
};

}  // namespace cordon::masks
