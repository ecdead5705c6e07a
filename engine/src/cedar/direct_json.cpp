#include "cedar/direct_json.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>
#include <vector>

#include "cedar/entities_json.h"
#include "cedar/extensions.h"
#include "cedar/parser.h"
#include "cordon/entity_ref.h"
#include "json/json_reader.h"
#include "text/utf8.h"

namespace cordon::cedar {

namespace {

// Deeper values are left to the DOM path, which has the real limits and their messages.
constexpr int kMaxDirectDepth = 64;

// key == literal, compared byte by byte over the literal's fixed length, which compilers
// unroll: a memcmp call for each of a call's few dozen keys was a twelfth of reading it.
template <size_t N>
bool key_is(std::string_view key, const char (&literal)[N]) {
  if (key.size() != N - 1) return false;
  for (size_t i = 0; i + 1 < N; ++i)
    if (key[i] != literal[i]) return false;
  return true;
}

bool is_escape_key(std::string_view key) {
  return key_is(key, "__entity") || key_is(key, "__extn") || key_is(key, "__expr");
}

class DirectReader {
 public:
  explicit DirectReader(std::string_view text) : reader_(text) {}

  bool at(char c) {
    reader_.skip_space();
    return !reader_.at_end() && reader_.peek() == c;
  }

  bool end() { return reader_.end(); }

  // Calls member(key) for each member of the object at pos; member reads the value. The
  // key stays valid until member returns (escaped keys are copied out of the scratch that
  // nested strings reuse).
  template <class Member>
  bool object(Member&& member) {
    if (!at('{')) return false;
    bool empty;
    reader_.open('}', empty);
    bool more = !empty;
    while (more) {
      std::string_view key;
      bool escaped;
      if (!reader_.key(key, scratch_, escaped)) return false;
      std::string owned;
      if (escaped) {
        owned.assign(key.data(), key.size());
        key = owned;
      }
      if (!reader_.colon() || !member(key) || !reader_.after_member(more)) return false;
    }
    return true;
  }

  template <class Element>
  bool array(Element&& element) {
    if (!at('[')) return false;
    bool empty;
    reader_.open(']', empty);
    bool more = !empty;
    while (more) {
      if (!element() || !reader_.after_element(more)) return false;
    }
    return true;
  }

  bool string(std::string& out) {
    if (!at('"')) return false;
    std::string_view value;
    bool escaped;
    if (!reader_.string(value, scratch_, escaped)) return false;
    out.assign(value.data(), value.size());
    return true;
  }

  bool boolean(bool& out) {
    if (at('t')) return out = true, reader_.literal("true");
    if (at('f')) return out = false, reader_.literal("false");
    return false;
  }

  bool null() { return at('n') && reader_.literal("null"); }

  // One member of {"type": ..., "id": ...}: each once, nothing else.
  bool uid_member(std::string_view key, EntityUid& out, bool& has_type, bool& has_id) {
    if (key_is(key, "type") && !has_type) return has_type = true, string(out.type);
    if (key_is(key, "id") && !has_id) return has_id = true, string(out.id);
    return false;
  }

  // {"type": ..., "id": ...} and nothing else; the type a valid entity type name.
  bool uid_fields(EntityUid& out) {
    bool has_type = false, has_id = false;
    bool ok = object([&](std::string_view key) { return uid_member(key, out, has_type, has_id); });
    return ok && has_type && has_id && valid_type(out.type);
  }

  // An entity reference: {"type","id"}, {"__entity": {"type","id"}}, or (allow_text) Cedar
  // text such as "User::\"alice\"".
  bool uid(EntityUid& out, bool allow_text) {
    if (allow_text && at('"')) {
      std::string text;
      if (!string(text)) return false;
      auto parsed = parse_entity_uid(text);
      if (!parsed) return false;
      out = std::move(parsed).value();
      return true;
    }
    int members = 0;
    bool escaped_form = false, has_type = false, has_id = false;
    bool ok = object([&](std::string_view key) {
      if (++members == 1 && key_is(key, "__entity")) return escaped_form = true, uid_fields(out);
      return !escaped_form && uid_member(key, out, has_type, has_id);
    });
    if (!ok) return false;
    if (escaped_form) return members == 1;
    return has_type && has_id && valid_type(out.type);
  }

  // A record. At the top of a context, attrs or tags every key is an attribute's; below
  // (`nested`), a key that names an escape makes the DOM path read the object as that
  // escape or refuse it, never as a record.
  bool record(Value& out, int depth, bool nested = false) {
    RecordFields fields;
    bool ok = object([&](std::string_view key) {
      if (nested && is_escape_key(key)) return false;
      Value v;
      return value(v, depth + 1) && fields.emplace(std::string(key), std::move(v)).second;
    });
    if (!ok) return false;
    out = fields.empty() ? Value::empty_record() : Value::record(std::move(fields));
    return true;
  }

  bool value(Value& out, int depth) {
    if (depth > kMaxDirectDepth) return false;
    reader_.skip_space();
    if (reader_.at_end()) return false;
    switch (reader_.peek()) {
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = Value::string(std::move(s));
        return true;
      }
      case 't':
      case 'f': {
        bool b;
        if (!boolean(b)) return false;
        out = Value::boolean(b);
        return true;
      }
      case '[': {
        SetElements elements;
        bool ok = array([&] {
          Value v;
          if (!value(v, depth + 1)) return false;
          elements.push_back(std::move(v));
          return true;
        });
        if (!ok) return false;
        out = Value::set(std::move(elements));
        return true;
      }
      case '{':
        return object_value(out, depth);
      default:
        return integer(out);
    }
  }

 private:
  bool integer(Value& out) {
    std::string_view raw;
    bool is_float;
    if (!reader_.number(raw, is_float) || is_float) return false;
    int64_t i;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), i);
    if (ec != std::errc() || end != raw.data() + raw.size()) return false;
    out = Value::integer(i);
    return true;
  }

  // A record, or an __entity / __extn escape when that is the object's only key.
  bool object_value(Value& out, int depth) {
    const size_t start = reader_.pos();
    std::string first;
    {
      bool empty;
      reader_.open('}', empty);
      if (empty) return out = Value::empty_record(), true;
      std::string_view key;
      bool escaped;
      if (!reader_.key(key, scratch_, escaped)) return false;
      first.assign(key.data(), key.size());
      reader_.seek(start);
    }
    if (key_is(first, "__entity")) {
      EntityUid uid;
      if (!this->uid(uid, /*allow_text=*/false)) return false;
      out = Value::entity(std::move(uid));
      return true;
    }
    if (key_is(first, "__extn")) return extension(out, depth);
    return record(out, depth, /*nested=*/true);
  }

  // {"__extn": {"fn": ..., "arg": ...}} or {"__extn": {"fn": ..., "args": [...]}}.
  bool extension(Value& out, int depth) {
    std::string fn;
    std::vector<Value> args;
    bool has_fn = false, has_arg = false, has_args = false;
    int members = 0;
    bool ok = object([&](std::string_view) {
      if (++members > 1) return false;
      return object([&](std::string_view key) {
        if (key_is(key, "fn") && !has_fn) return has_fn = true, string(fn);
        if (key_is(key, "arg") && !has_arg && !has_args) {
          has_arg = true;
          args.emplace_back();
          return value(args.back(), depth + 1);
        }
        if (key_is(key, "args") && !has_arg && !has_args) {
          has_args = true;
          return array([&] {
            args.emplace_back();
            return value(args.back(), depth + 1);
          });
        }
        return false;
      });
    });
    if (!ok || !has_fn || !(has_arg || has_args)) return false;
    if (!is_extension_function(fn) && !is_extension_method(fn)) return false;
    std::string error;
    return call_extension(fn, args, out, error);
  }

  // Type names repeat across entities and calls: each thread remembers the last few that
  // were valid, round robin, and checks only the others.
  static bool valid_type(const std::string& type) {
    constexpr size_t kRemembered = 8;
    thread_local std::array<std::string, kRemembered> valid;
    thread_local size_t filled = 0, next = 0;
    for (size_t i = 0; i < filled; ++i)
      if (valid[i] == type) return true;
    if (!is_entity_type_name(type)) return false;
    valid[next] = type;
    next = (next + 1) % kRemembered;
    filled = std::max(filled, next == 0 ? kRemembered : next);
    return true;
  }

  json::Reader reader_;
  std::string scratch_;
};

// One element of an entity array: uid, attrs and parents required, tags optional.
bool read_entity(DirectReader& in, detail::Entity& entity) {
  bool has_uid = false, has_attrs = false, has_parents = false, has_tags = false;
  bool ok = in.object([&](std::string_view key) {
    if (key_is(key, "uid") && !has_uid) return has_uid = true, in.uid(entity.uid, false);
    if (key_is(key, "attrs") && !has_attrs) return has_attrs = true, in.record(entity.attrs, 0);
    if (key_is(key, "tags") && !has_tags) return has_tags = true, in.record(entity.tags, 0);
    if (key_is(key, "parents") && !has_parents) {
      has_parents = true;
      return in.array([&] {
        entity.parents.emplace_back();
        return in.uid(entity.parents.back(), false);
      });
    }
    return false;
  });
  return ok && has_uid && has_attrs && has_parents;
}

bool read_entity_array(DirectReader& in, detail::EntityStore& store) {
  size_t index = 0;
  bool ok = in.array(
      [&] { return read_entity(in, store.append()) && file_last_entity(store, {}, index++).ok(); });
  return ok && !store.compute_ancestors();
}

bool read_call(DirectReader& in, DirectCall& out) {
  auto request = std::make_shared<detail::RequestData>();
  bool seen[9] = {};
  auto first = [&](int slot) { return !std::exchange(seen[slot], true); };
  auto entity = [&](Value& slot) {
    EntityUid uid;
    if (!in.uid(uid, /*allow_text=*/true)) return false;
    slot = Value::entity(std::move(uid));
    return true;
  };
  bool ok = in.object([&](std::string_view key) {
    if (key_is(key, "principal") && first(0)) return entity(request->principal);
    if (key_is(key, "action") && first(1)) return entity(request->action);
    if (key_is(key, "resource") && first(2)) return entity(request->resource);
    if (key_is(key, "context") && first(3)) return in.record(request->context, 0);
    if (key_is(key, "preparsedPolicySetId") && first(4)) return in.string(out.policy_set_id);
    if (key_is(key, "entities") && first(5)) {
      out.entities = detail::take_call_store();
      return read_entity_array(in, *out.entities);
    }
    if (key_is(key, "preparsedEntitiesId") && first(6)) {
      out.entities_id.emplace();
      return in.string(*out.entities_id);
    }
    bool validate;
    if (key_is(key, "validateRequest") && first(7)) return in.boolean(validate);
    // A schema takes the DOM path, which reads entities and context with it.
    if (key_is(key, "preparsedSchemaName") && first(8)) return in.null();
    return false;
  });
  if (!ok || !in.end()) return false;
  if (!(seen[0] && seen[1] && seen[2] && seen[3] && seen[4])) return false;
  if (seen[5] == seen[6]) return false;  // exactly one of entities, preparsedEntitiesId
  out.request = std::move(request);
  return true;
}

}  // namespace

bool read_stateful_call_direct(std::string_view text, DirectCall& out) {
  if (!text::is_valid_utf8(text)) return false;
  DirectReader in(text);
  return read_call(in, out);
}

std::shared_ptr<detail::EntityStore> read_entities_direct(std::string_view text) {
  if (!text::is_valid_utf8(text)) return nullptr;
  DirectReader in(text);
  auto store = std::make_shared<detail::EntityStore>();
  if (!read_entity_array(in, *store) || !in.end()) return nullptr;
  return store;
}

}  // namespace cordon::cedar
