#include "json/located_json.h"

#include <charconv>
#include <cstdlib>

#include "json/json_reader.h"

namespace cordon::json {

using nlohmann::json;

// Builds the DOM and the positions of every value and key on json::Reader, which knows the
// grammar and its errors.
class LocatedJsonParser {
 public:
  LocatedJsonParser(std::string_view text, LocatedJson& out,
                    const std::vector<std::string_view>& raw_members, LocatedJson::Reading reading,
                    size_t known_begin = std::string_view::npos, size_t known_end = 0)
      : reader_(text, out.file_),
        out_(out),
        raw_members_(raw_members),
        full_(reading == LocatedJson::Reading::full),
        known_begin_(known_begin),
        known_end_(known_end) {}

  bool parse() {
    reader_.skip_space();
    if (!value(out_.root_, "", 0)) return false;
    return reader_.end();
  }

  Error error() { return reader_.error(); }

 private:
  void record(const std::string& pointer) {
    if (!full_) return;
    SourceLocation at = reader_.location(reader_.pos());
    auto& position = out_.positions_[pointer];
    position.line = at.line;
    position.column = at.column;
  }

  bool value(json& out, const std::string& pointer, int depth) {
    if (depth > LocatedJson::kMaxDepth) return reader_.value_start(depth, LocatedJson::kMaxDepth);
    record(pointer);
    if (!reader_.value_start(depth, LocatedJson::kMaxDepth)) return false;
    switch (reader_.peek()) {
      case '{':
        return object(out, pointer, depth);
      case '[':
        return array(out, pointer, depth);
      case '"': {
        std::string_view s;
        bool escaped;
        if (!reader_.string(s, scratch_, escaped)) return false;
        out = std::string(s);
        return true;
      }
      case 't':
        out = true;
        return reader_.literal("true");
      case 'f':
        out = false;
        return reader_.literal("false");
      case 'n':
        out = nullptr;
        return reader_.literal("null");
      default: {
        char c = reader_.peek();
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        return reader_.unexpected_character();
      }
    }
  }

  bool object(json& out, const std::string& pointer, int depth) {
    out = json::object();
    bool empty;
    reader_.open('}', empty);
    bool more = !empty;
    while (more) {
      reader_.skip_space();
      const size_t key_offset = reader_.pos();
      std::string_view k;
      bool escaped;
      if (!reader_.key(k, scratch_, escaped)) return false;
      std::string key(k);
      if (out.contains(key)) return reader_.duplicate_key(key_offset, key);
      if (!reader_.colon()) return false;
      std::string child = LocatedJson::child(pointer, key);
      // A first try records no positions: computing them walks the text, and its caller
      // reports errors only from a full read.
      SourceLocation key_at = full_ ? reader_.location(key_offset) : SourceLocation{};
      if (depth == 0 && is_raw(key)) {
        // Checked (in a first try, delimited) but not built: the caller reads its text itself.
        const size_t begin = reader_.pos();
        record(child);
        if (!full_ && begin == known_begin_) {
          reader_.seek(known_end_);
        } else {
          const bool skipped = full_ ? reader_.skip_value(depth + 1, LocatedJson::kMaxDepth)
                                     : reader_.skip_value_unchecked();
          if (!skipped) return false;
        }
        out_.raw_.emplace(key, reader_.text().substr(begin, reader_.pos() - begin));
        out[key] = nullptr;
      } else {
        json member;
        if (!value(member, child, depth + 1)) return false;
        out[key] = std::move(member);
      }
      if (full_) {
        auto& position = out_.positions_[child];
        position.key_line = key_at.line;
        position.key_column = key_at.column;
      }
      if (!reader_.after_member(more)) return false;
    }
    return true;
  }

  bool array(json& out, const std::string& pointer, int depth) {
    out = json::array();
    bool empty;
    reader_.open(']', empty);
    bool more = !empty;
    while (more) {
      reader_.skip_space();
      json element;
      if (!value(element, LocatedJson::child(pointer, out.size()), depth + 1)) return false;
      out.push_back(std::move(element));
      if (!reader_.after_element(more)) return false;
    }
    return true;
  }

  bool number(json& out) {
    std::string_view raw;
    bool is_float;
    if (!reader_.number(raw, is_float)) return false;
    std::string digits(raw);
    if (!is_float) {
      int64_t i;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
      if (ec == std::errc() && p == digits.data() + digits.size()) {
        out = i;
      } else {
        uint64_t u = 0;
        std::from_chars(digits.data(), digits.data() + digits.size(), u);
        out = u;
      }
      return true;
    }
    out = std::strtod(digits.c_str(), nullptr);
    return true;
  }

  bool is_raw(std::string_view key) const {
    for (auto name : raw_members_)
      if (name == key) return true;
    return false;
  }

  Reader reader_;
  LocatedJson& out_;
  const std::vector<std::string_view>& raw_members_;
  bool full_;  // Reading::full
  // A first try's raw member known to span these offsets (parse_first_try).
  size_t known_begin_, known_end_;
  std::string scratch_;
};

Result<LocatedJson> LocatedJson::parse(std::string_view text, std::string_view file_name,
                                       const std::vector<std::string_view>& raw_members) {
  LocatedJson doc;
  doc.file_ = std::string(file_name);
  LocatedJsonParser parser(text, doc, raw_members, Reading::full);
  if (!parser.parse()) return parser.error();
  return doc;
}

Result<LocatedJson> LocatedJson::parse_first_try(std::string_view text, std::string_view file_name,
                                                 const std::vector<std::string_view>& raw_members,
                                                 size_t known_begin, size_t known_end) {
  LocatedJson doc;
  doc.file_ = std::string(file_name);
  LocatedJsonParser parser(text, doc, raw_members, Reading::first_try, known_begin, known_end);
  if (!parser.parse()) return parser.error();
  return doc;
}

Result<LocatedJson> LocatedJson::parse(std::string_view text, std::string_view file_name) {
  return parse(text, file_name, {});
}

std::optional<std::string_view> LocatedJson::raw(std::string_view member) const {
  auto it = raw_.find(std::string(member));
  if (it == raw_.end()) return std::nullopt;
  return it->second;
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
