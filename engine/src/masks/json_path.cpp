#include "masks/json_path.h"

#include <charconv>

namespace cordon::masks {

using nlohmann::json;

std::string to_json_pointer(const Pointer& pointer) {
  std::string out;
  for (const auto& token : pointer) {
    out += '/';
    if (const auto* index = std::get_if<size_t>(&token)) {
      out += std::to_string(*index);
      continue;
    }
    for (char c : std::get<std::string>(token)) {
      if (c == '~') out += "~0";
      else if (c == '/') out += "~1";
      else out += c;
    }
  }
  return out;
}

namespace {

Error path_error(std::string_view text, size_t at, const std::string& message) {
  Error err;
  err.kind = ErrorKind::bundle;
  err.message = "invalid JSONPath `" + std::string(text) + "` at character " +
                std::to_string(at + 1) + ": " + message;
  return err;
}

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

Result<JsonPath> JsonPath::parse(std::string_view text) {
  JsonPath path;
  path.text_ = std::string(text);
  size_t i = 0;
  if (text.empty() || text[0] != '$') return path_error(text, 0, "a path starts with `$`");
  ++i;
  while (i < text.size()) {
    Segment seg;
    if (text[i] == '.') {
      ++i;
      if (i < text.size() && text[i] == '.') {
        seg.descendant = true;
        ++i;
        if (i < text.size() && text[i] == '[') goto bracket;
      }
      if (i < text.size() && text[i] == '*') {
        seg.kind = Segment::Kind::wildcard;
        ++i;
      } else if (i < text.size() && name_start(text[i])) {
        size_t start = i;
        while (i < text.size() && name_char(text[i])) ++i;
        seg.name = std::string(text.substr(start, i - start));
      } else {
        return path_error(text, i, "expected a name or `*` after `.`");
      }
      path.segments_.push_back(std::move(seg));
      continue;
    }
    if (text[i] != '[') return path_error(text, i, "expected `.` or `[`");
  bracket:
    ++i;  // [
    if (i < text.size() && text[i] == '*') {
      seg.kind = Segment::Kind::wildcard;
      ++i;
    } else if (i < text.size() && (text[i] == '\'' || text[i] == '"')) {
      char quote = text[i++];
      while (i < text.size() && text[i] != quote) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          char e = text[i + 1];
          if (e != '\\' && e != '\'' && e != '"')
            return path_error(text, i, "only \\\\, \\' and \\\" escapes are supported");
          seg.name += e;
          i += 2;
        } else {
          seg.name += text[i++];
        }
      }
      if (i >= text.size()) return path_error(text, i, "unterminated name");
      ++i;
    } else if (i < text.size() && (text[i] == '-' || (text[i] >= '0' && text[i] <= '9'))) {
      size_t start = i;
      if (text[i] == '-') ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
      auto [p, ec] = std::from_chars(text.data() + start, text.data() + i, seg.index);
      if (ec != std::errc() || p != text.data() + i) return path_error(text, start, "bad index");
      seg.kind = Segment::Kind::index;
    } else if (i < text.size() && text[i] == '?') {
      return path_error(text, i, "filters are not supported");
    } else {
      return path_error(text, i, "expected a name, an index or `*` inside `[...]`");
    }
    if (i < text.size() && text[i] == ':') return path_error(text, i, "slices are not supported");
    if (i < text.size() && text[i] == ',')
      return path_error(text, i, "unions are not supported; write one selector per path");
    if (i >= text.size() || text[i] != ']') return path_error(text, i, "expected `]`");
    ++i;
    path.segments_.push_back(std::move(seg));
  }
  return path;
}

void JsonPath::for_each_match(const json& doc,
                              const std::function<void(const Pointer&)>& visit) const {
  Pointer at;
  match(doc, 0, at, visit);
}

void JsonPath::match(const json& node, size_t segment, Pointer& at,
                     const std::function<void(const Pointer&)>& visit) const {
  if (segment == segments_.size()) {
    visit(at);
    return;
  }
  select(node, segment, at, visit);
  if (segments_[segment].descendant) {
    // `..` also applies the same segment at every depth below.
    if (node.is_object()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        at.emplace_back(it.key());
        match(it.value(), segment, at, visit);
        at.pop_back();
      }
    } else if (node.is_array()) {
      for (size_t i = 0; i < node.size(); ++i) {
        at.emplace_back(i);
        match(node[i], segment, at, visit);
        at.pop_back();
      }
    }
  }
}

void JsonPath::select(const json& node, size_t segment, Pointer& at,
                      const std::function<void(const Pointer&)>& visit) const {
  const Segment& seg = segments_[segment];
  switch (seg.kind) {
    case Segment::Kind::name:
      if (node.is_object()) {
        auto it = node.find(seg.name);
        if (it != node.end()) {
          at.emplace_back(seg.name);
          match(*it, segment + 1, at, visit);
          at.pop_back();
        }
      }
      break;
    case Segment::Kind::index:
      if (node.is_array()) {
        long long n = static_cast<long long>(node.size());
        long long i = seg.index < 0 ? n + seg.index : seg.index;
        if (i >= 0 && i < n) {
          at.emplace_back(static_cast<size_t>(i));
          match(node[static_cast<size_t>(i)], segment + 1, at, visit);
          at.pop_back();
        }
      }
      break;
    case Segment::Kind::wildcard:
      if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it) {
          at.emplace_back(it.key());
          match(it.value(), segment + 1, at, visit);
          at.pop_back();
        }
      } else if (node.is_array()) {
        for (size_t i = 0; i < node.size(); ++i) {
          at.emplace_back(i);
          match(node[i], segment + 1, at, visit);
          at.pop_back();
        }
      }
      break;
  }
}

}  // namespace cordon::masks
