#include "cedar/value.h"

#include <algorithm>

namespace cordon::cedar {

std::string escape_string(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u{";
          if (c >= 16) out += hex[c >> 4];
          out += hex[c & 15];
          out += '}';
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string EntityUid::to_cedar() const {
  return type + "::\"" + escape_string(id) + "\"";
}

Value Value::empty_record() {
  static const Value empty = record({});
  return empty;
}

Value Value::set(SetElements elements) {
  std::sort(elements.begin(), elements.end());
  elements.erase(std::unique(elements.begin(), elements.end()), elements.end());
  return Value(Data(std::make_shared<const SetElements>(std::move(elements))));
}

bool Value::operator==(const Value& o) const {
  if (data_.index() != o.data_.index()) return false;
  switch (kind()) {
    case Kind::boolean:
      return as_bool() == o.as_bool();
    case Kind::integer:
      return as_integer() == o.as_integer();
    case Kind::string:
      return as_string() == o.as_string();
    case Kind::entity:
      return as_entity() == o.as_entity();
    case Kind::set: {
      const auto& a = as_set();
      const auto& b = o.as_set();
      return &a == &b || a == b;
    }
    case Kind::record: {
      const auto& a = as_record();
      const auto& b = o.as_record();
      return &a == &b || a == b;
    }
    case Kind::extension:
      return as_extension() == o.as_extension();
  }
  return false;
}

int Value::compare(const Value& o) const {
  if (data_.index() != o.data_.index()) return data_.index() < o.data_.index() ? -1 : 1;
  switch (kind()) {
    case Kind::boolean:
      return int(as_bool()) - int(o.as_bool());
    case Kind::integer: {
      auto a = as_integer(), b = o.as_integer();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    case Kind::string:
      return as_string().compare(o.as_string()) < 0   ? -1
             : as_string().compare(o.as_string()) > 0 ? 1
                                                      : 0;
    case Kind::entity: {
      const auto& a = as_entity();
      const auto& b = o.as_entity();
      return a < b ? -1 : b < a ? 1 : 0;
    }
    case Kind::set: {
      const auto& a = as_set();
      const auto& b = o.as_set();
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (int c = a[i].compare(b[i])) return c;
      }
      return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
    }
    case Kind::record: {
      const auto& a = as_record();
      const auto& b = o.as_record();
      auto ia = a.begin();
      auto ib = b.begin();
      for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
        if (int c = ia->first.compare(ib->first)) return c < 0 ? -1 : 1;
        if (int c = ia->second.compare(ib->second)) return c;
      }
      return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
    }
    case Kind::extension:
      return as_extension().compare(o.as_extension());
  }
  return 0;
}

bool Value::set_contains(const Value& v) const {
  const auto& elements = as_set();
  return std::binary_search(elements.begin(), elements.end(), v);
}

std::string Value::to_cedar() const {
  switch (kind()) {
    case Kind::boolean:
      return as_bool() ? "true" : "false";
    case Kind::integer:
      return std::to_string(as_integer());
    case Kind::string:
      return "\"" + escape_string(as_string()) + "\"";
    case Kind::entity:
      return as_entity().to_cedar();
    case Kind::set: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : as_set()) {
        if (!first) out += ", ";
        first = false;
        out += e.to_cedar();
      }
      return out + "]";
    }
    case Kind::record: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : as_record()) {
        if (!first) out += ", ";
        first = false;
        out += "\"" + escape_string(k) + "\": " + v.to_cedar();
      }
      return out + "}";
    }
    case Kind::extension:
      return as_extension().to_cedar();
  }
  return {};
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::boolean:
      return "bool";
    case Value::Kind::integer:
      return "long";
    case Value::Kind::string:
      return "string";
    case Value::Kind::entity:
      return "(entity of type `" + v.as_entity().type + "`)";
    case Value::Kind::set:
      return "set";
    case Value::Kind::record:
      return "record";
    case Value::Kind::extension:
      return extension_type_name(v.as_extension().type);
  }
  return "value";
}

}  // namespace cordon::cedar
