#include "cedar/json_value.h"

#include "cedar/extensions.h"
#include "cedar/parser.h"
#include "cordon/entity_ref.h"

namespace cordon::cedar {

using nlohmann::json;

Result<json> parse_json(std::string_view text, std::string_view file_name, const char* what) {
  // Duplicate keys are an error, not "last one wins": a repeated key in a policy input
  // is almost always a mistake that would otherwise silently change a decision.
  std::vector<std::vector<std::string>> open_objects;
  std::string duplicate;
  struct TooDeep {};
  auto check_keys = [&](int depth, json::parse_event_t event, json& parsed) {
    // Deep input is refused while parsing, so nothing later (printing, walking, freeing)
    // can recurse without bound.
    if (depth > kMaxJsonParseDepth) throw TooDeep{};
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        auto& keys = open_objects.back();
        const std::string& key = parsed.get_ref<const std::string&>();
        for (const auto& k : keys)
          if (k == key && duplicate.empty()) duplicate = key;
        keys.push_back(key);
        break;
      }
      default:
        break;
    }
    return true;
  };
  try {
    json result = json::parse(text.begin(), text.end(), check_keys);
    if (!duplicate.empty()) {
      Error err;
      err.kind = ErrorKind::json;
      err.message = std::string(what) + " has a duplicate key `" + duplicate + "`";
      err.location.file = std::string(file_name);
      return err;
    }
    return result;
  } catch (const TooDeep&) {
    Error err;
    err.kind = ErrorKind::limit;
    err.message = std::string(what) + " is nested deeper than " +
                  std::to_string(kMaxJsonParseDepth) + " levels";
    err.location.file = std::string(file_name);
    return err;
  } catch (const json::out_of_range&) {
    // A number beyond a double's range ("1e999").
    Error err;
    err.kind = ErrorKind::json;
    err.message = std::string(what) + " is not valid JSON: a number is out of range";
    err.location.file = std::string(file_name);
    return err;
  } catch (const json::parse_error& e) {
    Error err;
    err.kind = ErrorKind::json;
    // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 1, column 5:
    // ...".
    std::string message = e.what();
    auto at = message.find("] ");
    if (at != std::string::npos) message = message.substr(at + 2);
    err.message = std::string(what) + " is not valid JSON: " + message;
    uint32_t offset = e.byte > 0 ? static_cast<uint32_t>(e.byte - 1) : 0;
    err.location = locate(text, file_name, offset, 1);
    return err;
  }
}

namespace {

// A short description of a JSON value for messages: never the whole (possibly huge) value.
std::string brief(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  std::string text = j.dump();
  return text.size() > 80 ? text.substr(0, 77) + "..." : text;
}

bool uid_fields(const json& j, EntityUid& out, std::string& error) {
  if (!j.is_object()) {
    error = "expected an entity reference {\"type\": ..., \"id\": ...}, found " + brief(j);
    return false;
  }
  auto type = j.find("type");
  auto id = j.find("id");
  if (type == j.end() || id == j.end() || !type->is_string() || !id->is_string() || j.size() != 2) {
    error = "expected an entity reference {\"type\": ..., \"id\": ...}, found " + brief(j);
    return false;
  }
  out.type = type->get<std::string>();
  out.id = id->get<std::string>();
  if (!is_entity_type_name(out.type)) {
    error = "invalid entity type name `" + out.type + "`";
    return false;
  }
  return true;
}

}  // namespace

bool entity_uid_from_json(const json& j, EntityUid& out, std::string& error, bool allow_text) {
  if (allow_text && j.is_string()) {
    auto parsed = parse_entity_uid(j.get<std::string>());
    if (!parsed) {
      error = "invalid entity reference `" + j.get<std::string>() + "`: " + parsed.error().message;
      return false;
    }
    out = std::move(parsed).value();
    return true;
  }
  if (j.is_object()) {
    auto escaped = j.find("__entity");
    if (escaped != j.end()) {
      if (j.size() != 1) {
        error = "an `__entity` escape must have no other keys";
        return false;
      }
      return uid_fields(*escaped, out, error);
    }
  }
  return uid_fields(j, out, error);
}

bool record_from_json(const json& j, Value& out, std::string& error, int depth) {
  if (!j.is_object()) {
    error = "expected a JSON object, found " + std::string(j.type_name());
    return false;
  }
  RecordFields fields;
  for (auto it = j.begin(); it != j.end(); ++it) {
    Value v;
    if (!value_from_json(it.value(), v, error, depth + 1)) {
      // Name only the outermost attribute, so deep nesting does not make a huge message.
      if (depth == 0) error = "in attribute `" + it.key() + "`: " + error;
      return false;
    }
    fields.emplace(it.key(), std::move(v));
  }
  out = Value::record(std::move(fields));
  return true;
}

bool value_from_json(const json& j, Value& out, std::string& error, int depth) {
  if (depth > kMaxJsonDepth) {
    error = "value nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return false;
  }
  switch (j.type()) {
    case json::value_t::boolean:
      out = Value::boolean(j.get<bool>());
      return true;
    case json::value_t::number_integer:
      out = Value::integer(j.get<int64_t>());
      return true;
    case json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) {
        error = "integer " + std::to_string(u) + " does not fit in a 64-bit signed integer";
        return false;
      }
      out = Value::integer(static_cast<int64_t>(u));
      return true;
    }
    case json::value_t::number_float:
      error = "floating-point numbers are not Cedar values: " + brief(j);
      return false;
    case json::value_t::string:
      out = Value::string(j.get<std::string>());
      return true;
    case json::value_t::array: {
      SetElements elements;
      elements.reserve(j.size());
      for (const auto& e : j) {
        Value v;
        if (!value_from_json(e, v, error, depth + 1)) return false;
        elements.push_back(std::move(v));
      }
      out = Value::set(std::move(elements));
      return true;
    }
    case json::value_t::object: {
      // Cedar 4 dropped the `__expr` escape; an object holding one is an error, never a record.
      if (j.contains("__expr")) {
        error = "the `__expr` escape is no longer supported";
        return false;
      }
      if (j.contains("__entity")) {
        EntityUid uid;
        if (!entity_uid_from_json(j, uid, error)) return false;
        out = Value::entity(std::move(uid));
        return true;
      }
      auto extn = j.find("__extn");
      if (extn != j.end()) {
        if (j.size() != 1 || !extn->is_object()) {
          error = "an `__extn` escape must be {\"__extn\": {\"fn\": ..., \"arg\": ...}}";
          return false;
        }
        auto fn = extn->find("fn");
        if (fn == extn->end() || !fn->is_string()) {
          error = "an `__extn` escape needs a string `fn`";
          return false;
        }
        std::vector<Value> args;
        auto arg = extn->find("arg");
        auto many = extn->find("args");
        if (arg != extn->end() && many == extn->end() && extn->size() == 2) {
          Value v;
          if (!value_from_json(*arg, v, error, depth + 1)) return false;
          args.push_back(std::move(v));
        } else if (many != extn->end() && arg == extn->end() && many->is_array() &&
                   extn->size() == 2) {
          for (const auto& a : *many) {
            Value v;
            if (!value_from_json(a, v, error, depth + 1)) return false;
            args.push_back(std::move(v));
          }
        } else {
          error = "an `__extn` escape needs exactly one of `arg` or `args`";
          return false;
        }
        std::string name = fn->get<std::string>();
        if (!is_extension_function(name) && !is_extension_method(name)) {
          error = "unknown extension function `" + name + "`";
          return false;
        }
        return call_extension(name, args, out, error);
      }
      return record_from_json(j, out, error, depth);
    }
    case json::value_t::null:
      error = "null is not a Cedar value";
      return false;
    default:
      error = "unsupported JSON value";
      return false;
  }
}

}  // namespace cordon::cedar
