#include "json/located_json.h"

#include <charconv>
#include <cstdlib>

#include "text/utf8.h"

namespace cordon::json {

using nlohmann::json;

// A small RFC 8259 parser that records the line and column of every value and key.
class LocatedJsonParser {
 public:
  LocatedJsonParser(std::string_view text, LocatedJson& out) : text_(text), out_(out) {}

  bool parse() {
    skip_space();
    if (!value(out_.root_, "", 0)) return false;
    skip_space();
    if (pos_ != text_.size()) return fail("unexpected text after the JSON value");
    return true;
  }

  Error error() const { return error_; }

 private:
  bool fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_.kind = ErrorKind::json;
      error_.message = std::move(message);
      error_.location.file = out_.file_;
      error_.location.line = line_;
      error_.location.column = column_;
      error_.location.offset = static_cast<uint32_t>(pos_);
      error_.location.length = 1;
    }
    return false;
  }

  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
      ++column_;
    }
    ++pos_;
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      advance();
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return fail("invalid literal; expected a JSON value");
    for (size_t i = 0; i < word.size(); ++i) advance();
    return true;
  }

  bool value(json& out, const std::string& pointer, int depth) {
    if (depth > LocatedJson::kMaxDepth)
      return fail("nested deeper than " + std::to_string(LocatedJson::kMaxDepth) + " levels");
    auto& position = out_.positions_[pointer];
    position.line = line_;
    position.column = column_;
    if (pos_ >= text_.size()) return fail("unexpected end of input; expected a JSON value");
    char c = text_[pos_];
    switch (c) {
      case '{':
        return object(out, pointer, depth);
      case '[':
        return array(out, pointer, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = std::move(s);
        return true;
      }
      case 't':
        out = true;
        return literal("true");
      case 'f':
        out = false;
        return literal("false");
      case 'n':
        out = nullptr;
        return literal("null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        return fail(std::string("unexpected character `") + c + "`; expected a JSON value");
    }
  }

  bool object(json& out, const std::string& pointer, int depth) {
    advance();  // {
    out = json::object();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      advance();
      return true;
    }
    while (true) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') return fail("expected a string key");
      uint32_t key_line = line_, key_column = column_;
      std::string key;
      if (!string(key)) return false;
      if (out.contains(key)) {
        line_ = key_line;
        column_ = key_column;
        return fail("duplicate key \"" + key + "\"");
      }
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') return fail("expected `:` after the key");
      advance();
      skip_space();
      std::string child = LocatedJson::child(pointer, key);
      json member;
      if (!value(member, child, depth + 1)) return false;
      auto& position = out_.positions_[child];
      position.key_line = key_line;
      position.key_column = key_column;
      out[key] = std::move(member);
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        advance();
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        advance();
        return true;
      }
      return fail("expected `,` or `}` in an object");
    }
  }

  bool array(json& out, const std::string& pointer, int depth) {
    advance();  // [
    out = json::array();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      advance();
      return true;
    }
    while (true) {
      skip_space();
      json element;
      if (!value(element, LocatedJson::child(pointer, out.size()), depth + 1)) return false;
      out.push_back(std::move(element));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        advance();
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        advance();
        return true;
      }
      return fail("expected `,` or `]` in an array");
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(uint32_t& out) {
    out = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= text_.size() || hex(text_[pos_]) < 0) return fail("invalid \\u escape");
      out = out * 16 + static_cast<uint32_t>(hex(text_[pos_]));
      advance();
    }
    return true;
  }

  bool string(std::string& out) {
    advance();  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        advance();
        return true;
      }
      if (c < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        advance();
        continue;
      }
      advance();
      if (pos_ >= text_.size()) return fail("unterminated string");
      char e = text_[pos_];
      advance();
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (text_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate in \\u escape");
            advance();
            advance();
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("unpaired surrogate in \\u escape");
          }
          text::append_utf8(out, cp);
          break;
        }
        default:
          return fail(std::string("invalid escape `\\") + e + "`");
      }
    }
  }

  bool number(json& out) {
    size_t start = pos_;
    bool is_float = false;
    if (text_[pos_] == '-') advance();
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
      return fail("invalid number");
    if (text_[pos_] == '0') {
      advance();
    } else {
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') advance();
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      advance();
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
        return fail("invalid number: digits expected after `.`");
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') advance();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      is_float = true;
      advance();
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) advance();
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
        return fail("invalid number: digits expected in the exponent");
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') advance();
    }
    std::string digits(text_.substr(start, pos_ - start));
    if (!is_float) {
      int64_t i;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
      if (ec == std::errc() && p == digits.data() + digits.size()) {
        out = i;
        return true;
      }
      uint64_t u;
      auto [p2, ec2] = std::from_chars(digits.data(), digits.data() + digits.size(), u);
      if (ec2 == std::errc() && p2 == digits.data() + digits.size()) {
        out = u;
        return true;
      }
      return fail("integer " + digits + " does not fit in 64 bits");
    }
    out = std::strtod(digits.c_str(), nullptr);
    return true;
  }

  std::string_view text_;
  LocatedJson& out_;
  size_t pos_ = 0;
  uint32_t line_ = 1, column_ = 1;
  bool failed_ = false;
  Error error_;
};

Result<LocatedJson> LocatedJson::parse(std::string_view text, std::string_view file_name) {
  LocatedJson doc;
  doc.file_ = std::string(file_name);
  LocatedJsonParser parser(text, doc);
  if (!parser.parse()) return parser.error();
  return doc;
}

SourceLocation LocatedJson::location(const std::string& pointer) const {
  SourceLocation loc;
  loc.file = file_;
  auto it = positions_.find(pointer);
  if (it != positions_.end()) {
    loc.line = it->second.line;
    loc.column = it->second.column;
  }
  return loc;
}

SourceLocation LocatedJson::key_location(const std::string& pointer) const {
  SourceLocation loc = location(pointer);
  auto it = positions_.find(pointer);
  if (it != positions_.end() && it->second.key_line > 0) {
    loc.line = it->second.key_line;
    loc.column = it->second.key_column;
  }
  return loc;
}

Error LocatedJson::error(const std::string& pointer, std::string message, ErrorKind kind) const {
  Error err;
  err.kind = kind;
  err.message = std::move(message);
  err.location = location(pointer);
  return err;
}

Error LocatedJson::key_error(const std::string& pointer, std::string message,
                             ErrorKind kind) const {
  Error err;
  err.kind = kind;
  err.message = std::move(message);
  err.location = key_location(pointer);
  return err;
}

std::string LocatedJson::child(const std::string& pointer, std::string_view token) {
  std::string out = pointer;
  out += '/';
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string LocatedJson::child(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

}  // namespace cordon::json
