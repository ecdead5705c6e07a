// The Cedar policy text parser: text -> AST (ast.h).
//
// Errors carry file:line:col and say what was expected. Nesting deeper than
// kMaxNestingDepth is an error rather than a stack overflow.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cedar/ast.h"
#include "cordon/error.h"

namespace cordon::cedar {

inline constexpr int kMaxNestingDepth = 200;
// Chains (a + b + c ..., a.b.c ...) nest without parentheses; the tree they make is bounded too.
inline constexpr uint32_t kMaxExpressionHeight = 1000;
// `e has a.b.c`: attribute paths longer than this are an error.
inline constexpr size_t kMaxHasPathLength = 64;

struct ParsedPolicy {
  std::shared_ptr<const PolicyBody> body;
  std::string id;  // policyN by position, as Cedar (a bundle reads @id from the body)
};

// Parses a sequence of policies and templates.
Result<std::vector<ParsedPolicy>> parse_policies(std::string_view text, std::string_view file_name);

// Parses one entity reference written as Cedar text, e.g. `Photos::Photo::"a.jpg"`.
Result<EntityUid> parse_entity_uid(std::string_view text);

// Parses an entity type name, e.g. `Photos::Photo`.
Result<std::string> parse_entity_type(std::string_view text);

// Whether parse_entity_type accepts `text` and gives it back unchanged (no spaces or
// comments), checked without a parser.
bool is_canonical_entity_type(std::string_view text);

// Parses one expression (used by the JSON policy format and tests).
Result<ExprPtr> parse_expression(std::string_view text, std::string_view file_name = {});

// Reads the body of a string literal (between its quotes) with Cedar's escapes: \n \r \t
// \\ \0 \' \" \xHH (at most 7F) and \u{H..H}; a raw carriage return is refused, as in Rust.
// Returns an empty string on success, else the error, bad_at being its offset in body.
std::string unescape_string_literal(std::string_view body, std::string& out, size_t& bad_at);

// Line and column (from 1) of a byte offset in text.
SourceLocation locate(std::string_view text, std::string_view file_name, uint32_t offset,
                      uint32_t length = 0);

}  // namespace cordon::cedar
