// JSON that remembers where each value came from, so that an error about any key or
// value of a bundle file can name its file:line:col.
//
//   auto doc = LocatedJson::parse(text, "routes.json");
//   if (!doc) return doc.error();                      // routes.json:3:9: json error: ...
//   const nlohmann::json& routes = doc->root()["routes"];
//   return doc->error("/routes/2/action", "unknown action `veiw`");   // routes.json:14:17: ...
//
// Duplicate keys are an error; integers are exact 64-bit values; nesting deeper than
// kMaxDepth is an error, not a stack overflow.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/error.h"

namespace cordon::json {

class LocatedJson {
 public:
  static constexpr int kMaxDepth = 256;

  static Result<LocatedJson> parse(std::string_view text, std::string_view file_name);
  // `raw_members` name members of a root object that are checked like the rest but not
  // built: each is null in root(), and raw() gives its text, a view into `text`.
  static Result<LocatedJson> parse(std::string_view text, std::string_view file_name,
                                   const std::vector<std::string_view>& raw_members);
  // A first try reads raw members only as far as finding where they end (an object or array
  // by its strings and brackets, Reader::skip_value_unchecked) and records no positions
  // (errors about the document are unlocated): a quick read for a caller that reads the raw
  // members strictly itself and, on any failure, parses again in full for the error to
  // report. When the caller has read one raw member's value already, a raw member whose value
  // starts at offset `known_begin` is taken to end at `known_end`, without reading it.
  enum class Reading { full, first_try };
  static Result<LocatedJson> parse_first_try(std::string_view text, std::string_view file_name,
                                             const std::vector<std::string_view>& raw_members,
                                             size_t known_begin = std::string_view::npos,
                                             size_t known_end = 0);

  std::optional<std::string_view> raw(std::string_view member) const;

  const nlohmann::json& root() const { return root_; }
  const std::string& file() const { return file_; }

  // Where the value at `pointer` (RFC 6901, "" is the root) starts; for an object member,
  // key_location gives where its key starts instead.
  SourceLocation location(const std::string& pointer) const;
  SourceLocation key_location(const std::string& pointer) const;

  // An error located at the value (or key) named by `pointer`.
  Error error(const std::string& pointer, std::string message,
              ErrorKind kind = ErrorKind::bundle) const;
  Error key_error(const std::string& pointer, std::string message,
                  ErrorKind kind = ErrorKind::bundle) const;

  // Appends one reference token to a pointer, escaping '~' and '/'.
  static std::string child(const std::string& pointer, std::string_view token);
  static std::string child(const std::string& pointer, size_t index);

 private:
  struct Position {
    uint32_t line = 0, column = 0, key_line = 0, key_column = 0;
  };
  nlohmann::json root_;
  std::string file_;
  std::unordered_map<std::string, Position> positions_;
  std::map<std::string, std::string_view> raw_;
  friend class LocatedJsonParser;
};

}  // namespace cordon::json
