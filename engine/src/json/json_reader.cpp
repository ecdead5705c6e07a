#include "json/json_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "text/swar.h"
#include "text/utf8.h"

namespace cordon::json {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    size_t run = plain_run_end(s, i);
    out.append(s.data() + i, run - i);
    if (run == s.size()) break;
    unsigned char c = static_cast<unsigned char>(s[run]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static const char digits[] = "0123456789abcdef";
        out += "\\u00";
        out += digits[c >> 4];
        out += digits[c & 0xF];
      }
    }
    i = run + 1;
  }
  out += '"';
}

bool KeyTracker::insert(size_t mark, std::string_view key, bool stable) {
  constexpr size_t kLinear = 32;
  const size_t count = keys_.size() - mark;
  if (count < kLinear) {
    // Siblings of the same length usually differ in their first byte: checked before a
    // call to memcmp.
    for (size_t i = mark; i < keys_.size(); ++i) {
      const std::string_view other = keys_[i];
      if (other.size() == key.size() &&
          (key.empty() ||
           (other[0] == key[0] && std::memcmp(other.data(), key.data(), key.size()) == 0)))
        return false;
    }
  } else {
    if (large_.empty() || large_.back().first != mark) {
      large_.emplace_back(mark,
                          std::unordered_set<std::string_view>(keys_.begin() + mark, keys_.end()));
    }
    if (large_.back().second.count(key)) return false;
  }
  if (!stable) {
    owned_.emplace_back(keys_.size(), std::string(key));
    key = owned_.back().second;
  }
  keys_.push_back(key);
  if (!large_.empty() && large_.back().first == mark) large_.back().second.insert(key);
  return true;
}

bool Reader::fail_at(size_t offset, std::string message) {
  if (!failed_) {
    failed_ = true;
    error_offset_ = offset;
    error_message_ = std::move(message);
  }
  return false;
}

SourceLocation Reader::location(size_t offset) {
  if (offset < cursor_) {
    cursor_ = 0;
    line_ = 1;
    column_ = 1;
  }
  const size_t stop = std::min(offset, text_.size());
  // Eight bytes at a time when they hold no newline: the column grows by the bytes that
  // start a code point (all but 10xxxxxx). A call's location after a 10 MB event walks it all.
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  while (cursor_ < stop) {
    if (cursor_ + 8 <= stop) {
      uint64_t w;
      std::memcpy(&w, text_.data() + cursor_, 8);
      const uint64_t newline = w ^ (ones * '\n');
      if (((newline - ones) & ~newline & highs) == 0) {
        // Bytes 10xxxxxx, counted by a multiply (popcount is a libgcc call without -mpopcnt).
        const uint64_t continuation = (w & ~(w << 1) & highs) >> 7;
        column_ += static_cast<uint32_t>(8 - ((continuation * ones) >> 56));
        cursor_ += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(text_[cursor_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column_;
    }
  }
  SourceLocation loc;
  loc.file = file_;
  loc.line = line_;
  loc.column = column_;
  return loc;
}

Error Reader::error() {
  Error err;
  err.kind = ErrorKind::json;
  err.message = error_message_;
  err.location = location(error_offset_);
  err.location.offset = static_cast<uint32_t>(error_offset_);
  err.location.length = 1;
  return err;
}

bool Reader::value_start_failed(int depth, int max_depth) {
  if (depth > max_depth) return fail("nested deeper than " + std::to_string(max_depth) + " levels");
  if (at_end()) return fail("unexpected end of input; expected a JSON value");
  return true;
}

bool Reader::unexpected_character() {
  return fail(std::string("unexpected character `") + peek() + "`; expected a JSON value");
}

bool Reader::literal(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word)
    return fail("invalid literal; expected a JSON value");
  pos_ += word.size();
  return true;
}

bool Reader::hex4(uint32_t& out) {
  out = 0;
  for (int i = 0; i < 4; ++i) {
    if (at_end() || hex_digit(text_[pos_]) < 0) return fail("invalid \\u escape");
    out = out * 16 + static_cast<uint32_t>(hex_digit(text_[pos_]));
    ++pos_;
  }
  return true;
}

bool Reader::string_with_escapes(size_t begin, size_t run, std::string_view& value,
                                 std::string& scratch, bool& escaped) {
  escaped = true;
  scratch.assign(text_.data() + begin, run - begin);
  pos_ = run;
  while (true) {
    if (at_end()) return fail("unterminated string");
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      ++pos_;
      value = scratch;
      return true;
    }
    if (c < 0x20) return fail("control character in a string");
    if (c != '\\') {
      run = plain_run_end(text_, pos_);
      scratch.append(text_.data() + pos_, run - pos_);
      pos_ = run;
      continue;
    }
    ++pos_;
    if (at_end()) return fail("unterminated string");
    char e = text_[pos_++];
    switch (e) {
      case '"':
        scratch += '"';
        break;
      case '\\':
        scratch += '\\';
        break;
      case '/':
        scratch += '/';
        break;
      case 'b':
        scratch += '\b';
        break;
      case 'f':
        scratch += '\f';
        break;
      case 'n':
        scratch += '\n';
        break;
      case 'r':
        scratch += '\r';
        break;
      case 't':
        scratch += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp)) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          if (text_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate in \\u escape");
          pos_ += 2;
          if (!hex4(low)) return false;
          if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail("unpaired surrogate in \\u escape");
        }
        text::append_utf8(scratch, cp);
        break;
      }
      default:
        return fail(std::string("invalid escape `\\") + e + "`");
    }
  }
}

bool Reader::number(std::string_view& raw, bool& is_float) {
  const size_t start = pos_;
  is_float = false;
  if (text_[pos_] == '-') ++pos_;
  if (at_end() || !is_digit(text_[pos_])) return fail("invalid number");
  if (text_[pos_] == '0') {
    ++pos_;
  } else {
    while (!at_end() && is_digit(text_[pos_])) ++pos_;
  }
  if (!at_end() && text_[pos_] == '.') {
    is_float = true;
    ++pos_;
    if (at_end() || !is_digit(text_[pos_]))
      return fail("invalid number: digits expected after `.`");
    while (!at_end() && is_digit(text_[pos_])) ++pos_;
  }
  if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    is_float = true;
    ++pos_;
    if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
    if (at_end() || !is_digit(text_[pos_]))
      return fail("invalid number: digits expected in the exponent");
    while (!at_end() && is_digit(text_[pos_])) ++pos_;
  }
  raw = text_.substr(start, pos_ - start);
  if (!is_float) {
    // Nineteen digits or fewer always fit; longer ones are checked.
    const size_t digits = raw.size() - (raw[0] == '-');
    if (digits > 18) {
      const char* first = raw.data();
      const char* last = raw.data() + raw.size();
      int64_t i;
      auto [p, ec] = std::from_chars(first, last, i);
      if (ec != std::errc() || p != last) {
        uint64_t u;
        auto [p2, ec2] = std::from_chars(first, last, u);
        if (ec2 != std::errc() || p2 != last)
          return fail("integer " + std::string(raw) + " does not fit in 64 bits");
      }
    }
  }
  return true;
}

bool Reader::expected(const char* message) {
  return fail(message);
}

bool Reader::duplicate_key(size_t key_offset, std::string_view key) {
  return fail_at(key_offset, "duplicate key \"" + std::string(key) + "\"");
}

bool Reader::end() {
  skip_space();
  if (!at_end()) return fail("unexpected text after the JSON value");
  return true;
}

namespace {

// Offset of the first `"`, `{`, `}`, `[` or `]` of `s` from `from`, or s.size(); eight bytes at
// a time (`[` and `]` are `{` and `}` without bit 5, and no other byte is).
size_t structural_end(std::string_view s, size_t from) {
  using namespace text::swar;
  return find_first(
      s, from,
      [](uint64_t w) {
        const uint64_t folded = w | (kOnes * 0x20);  // `[` and `]` as `{` and `}`
        return bytes_equal(w, '"') | bytes_equal(folded, '{') | bytes_equal(folded, '}');
      },
      [](unsigned char c) { return c == '"' || c == '{' || c == '}' || c == '[' || c == ']'; });
}

}  // namespace

bool Reader::skip_value_unchecked() {
  if (at_end() || (peek() != '{' && peek() != '[')) return skip_value(1, 1);
  const size_t n = text_.size();
  size_t depth = 0;
  size_t i = pos_;
  while ((i = structural_end(text_, i)) < n) {
    const char c = text_[i++];
    if (c == '"') {
      // To the closing quote; an escape's backslash takes the byte after it along.
      while ((i = plain_run_end(text_, i)) < n && text_[i] != '"') i += text_[i] == '\\' ? 2 : 1;
      if (i >= n) break;
      ++i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (--depth == 0) {
      pos_ = i;
      return true;
    }
  }
  pos_ = n;
  return fail("unexpected end of input");
}

bool Reader::skip_value(int depth, int max_depth) {
  if (!value_start(depth, max_depth)) return false;
  switch (peek()) {
    case '{': {
      bool empty;
      open('}', empty);
      if (empty) return true;
      const size_t mark = skip_keys_.open();
      bool more = true;
      while (more) {
        skip_space();
        const size_t key_offset = pos_;
        std::string_view k;
        bool escaped;
        if (!key(k, skip_scratch_, escaped)) return false;
        if (!skip_keys_.insert(mark, k, !escaped)) return duplicate_key(key_offset, k);
        if (!colon() || !skip_value(depth + 1, max_depth) || !after_member(more)) return false;
      }
      skip_keys_.close(mark);
      return true;
    }
    case '[': {
      bool empty;
      open(']', empty);
      bool more = !empty;
      while (more) {
        skip_space();
        if (!skip_value(depth + 1, max_depth) || !after_element(more)) return false;
      }
      return true;
    }
    case '"': {
      std::string_view s;
      bool escaped;
      return string(s, skip_scratch_, escaped);
    }
    case 't':
      return literal("true");
    case 'f':
      return literal("false");
    case 'n':
      return literal("null");
    default: {
      char c = peek();
      if (c == '-' || is_digit(c)) {
        std::string_view raw;
        bool is_float;
        return number(raw, is_float);
      }
      return unexpected_character();
    }
  }
}

}  // namespace cordon::json
