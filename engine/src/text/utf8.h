// UTF-8, checked strictly and written: one place for every reader of text
// (policy and schema text, JSON documents, request paths).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cordon::text {

// Whether `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no
// surrogates, nothing beyond U+10FFFF.
bool is_valid_utf8(std::string_view text);

// Appends the UTF-8 encoding of the code point `cp` (at most U+10FFFF).
void append_utf8(std::string& out, uint32_t cp);

}  // namespace cordon::text
