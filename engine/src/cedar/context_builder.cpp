#include "cordon/context_builder.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cedar/json_value.h"
#include "cedar/policy_set_data.h"
#include "cordon/request.h"

namespace cordon {

namespace detail {

using nlohmann::json;

bool is_escape_key(std::string_view name) {
  return name == "__entity" || name == "__extn" || name == "__expr";
}

// The records and sets being built, innermost last; each value goes into the innermost one
// (into a record under the last key given), as value_from_json reads the JSON form.
//
// An object below the context's own keys whose first key is an escape ("__entity", "__extn",
// "__expr") is collected as JSON instead and handed to value_from_json when it ends, so it
// means exactly what the JSON form means (or is refused as the JSON form is).
struct ContextFrames {
  struct Frame {
    bool record = true;
    cedar::RecordFields fields;
    cedar::SetElements elements;
    std::optional<std::string> key;  // a record's name for its next value
  };
  std::vector<Frame> open;
  size_t depth = 0;  // frames in use (open keeps the spare ones, to reuse their storage)
  std::optional<cedar::Value> context;
  bool ok = true;

  json escape;                            // the escape object being collected
  std::vector<json*> escape_open;         // its open objects and arrays, innermost last
  std::optional<std::string> escape_key;  // in an open object: the next value's name
  int escape_nesting = 0;                 // the escape object's own nesting (the context is 0)

  Frame* innermost() { return depth == 0 ? nullptr : &open[depth - 1]; }
  bool collecting() const { return !escape_open.empty(); }

  void add(cedar::Value value) {
    if (!ok) return;
    Frame* frame = innermost();
    if (frame == nullptr) {
      // Only the outermost record ends up here.
      if (context || !value.is_record()) ok = false;
      context = std::move(value);
      return;
    }
    if (!frame->record) {
      frame->elements.push_back(std::move(value));
      return;
    }
    if (!frame->key || !frame->fields.emplace(std::move(*frame->key), std::move(value)).second)
      ok = false;
    frame->key.reset();
  }

  // A value into the escape being collected; the place it took (to open it, for a container).
  json* place(json value) {
    json& container = *escape_open.back();
    if (container.is_array()) {
      container.push_back(std::move(value));
      return &container.back();
    }
    if (!escape_key || container.contains(*escape_key)) {
      ok = false;
      return nullptr;
    }
    json& slot = container[*escape_key];
    escape_key.reset();
    slot = std::move(value);
    return &slot;
  }

  void key(std::string_view name) {
    if (!ok) return;
    if (collecting()) {
      if (!escape_open.back()->is_object() || escape_key)
        ok = false;
      else
        escape_key.emplace(name);
      return;
    }
    Frame* frame = innermost();
    if (frame == nullptr || !frame->record || frame->key) {
      ok = false;
      return;
    }
    // The context's own keys are names like any other (record_from_json reads them so).
    if (depth > 1 && is_escape_key(name)) {
      // An escape with keys before it is refused by the JSON form too.
      if (!frame->fields.empty()) {
        ok = false;
        return;
      }
      --depth;
      escape = json::object();
      escape_open.assign(1, &escape);
      escape_key.emplace(name);
      escape_nesting = static_cast<int>(depth);
      return;
    }
    frame->key.emplace(name);
  }

  void begin(bool record) {
    if (!ok) return;
    if (collecting()) {
      // Deeper than the JSON reader reads, value_from_json would refuse it.
      if (escape_nesting + escape_open.size() > static_cast<size_t>(cedar::kMaxJsonDepth)) {
        ok = false;
        return;
      }
      if (json* opened = place(record ? json::object() : json::array()))
        escape_open.push_back(opened);
      return;
    }
    // A value nested deeper than the JSON reader's limit is the JSON path's to refuse; so is
    // a scalar or set as the context.
    if (depth > static_cast<size_t>(cedar::kMaxJsonDepth) || (depth == 0 && !record) || context) {
      ok = false;
      return;
    }
    if (Frame* frame = innermost(); frame && frame->record && !frame->key) {
      ok = false;
      return;
    }
    if (depth == open.size()) open.emplace_back();
    Frame& frame = open[depth++];
    frame.record = record;
    frame.fields.clear();
    frame.elements.clear();
    frame.key.reset();
  }

  void end(bool record) {
    if (!ok) return;
    if (collecting()) {
      json* container = escape_open.back();
      if (container->is_object() != record || escape_key) {
        ok = false;
        return;
      }
      escape_open.pop_back();
      if (collecting()) return;
      cedar::Value value;
      std::string error;
      if (!cedar::value_from_json(escape, value, error, escape_nesting)) {
        ok = false;
        return;
      }
      escape = nullptr;
      add(std::move(value));
      return;
    }
    Frame* frame = innermost();
    if (frame == nullptr || frame->record != record || frame->key) {
      ok = false;
      return;
    }
    --depth;
    add(record ? cedar::Value::record(std::move(frame->fields))
               : cedar::Value::set(std::move(frame->elements)));
  }

  void scalar(cedar::Value value, json as_json) {
    if (!ok) return;
    if (collecting()) {
      place(std::move(as_json));
      return;
    }
    Frame* frame = innermost();
    if (frame == nullptr || (frame->record && !frame->key) ||
        depth > static_cast<size_t>(cedar::kMaxJsonDepth)) {
      ok = false;
      return;
    }
    add(std::move(value));
  }

  void clear() {
    depth = 0;
    context.reset();
    ok = true;
    escape = nullptr;
    escape_open.clear();
    escape_key.reset();
  }
};

}  // namespace detail

ContextBuilder::ContextBuilder() : frames_(std::make_unique<detail::ContextFrames>()) {}
ContextBuilder::~ContextBuilder() = default;
ContextBuilder::ContextBuilder(ContextBuilder&&) noexcept = default;
ContextBuilder& ContextBuilder::operator=(ContextBuilder&&) noexcept = default;

void ContextBuilder::begin_record() {
  frames_->begin(true);
}
void ContextBuilder::key(std::string_view name) {
  frames_->key(name);
}
void ContextBuilder::end_record() {
  frames_->end(true);
}
void ContextBuilder::begin_set() {
  frames_->begin(false);
}
void ContextBuilder::end_set() {
  frames_->end(false);
}

void ContextBuilder::string(std::string_view text) {
  // Only one of the two forms is used: the JSON one inside an escape.
  if (frames_->collecting())
    frames_->scalar({}, detail::json(std::string(text)));
  else
    frames_->scalar(cedar::Value::string(std::string(text)), nullptr);
}

void ContextBuilder::integer(int64_t number) {
  frames_->scalar(cedar::Value::integer(number), detail::json(number));
}

void ContextBuilder::boolean(bool value) {
  frames_->scalar(cedar::Value::boolean(value), detail::json(value));
}

void ContextBuilder::clear() {
  frames_->clear();
}

bool ContextBuilder::ok() const {
  return frames_->ok;
}

bool ContextBuilder::complete() const {
  return frames_->ok && frames_->depth == 0 && !frames_->collecting() &&
         frames_->context.has_value();
}

Result<Request> Request::make(const EntityRef& principal, const EntityRef& action,
                              const EntityRef& resource, ContextBuilder&& context) {
  if (!context.complete()) {
    Error err;
    err.kind = ErrorKind::request;
    err.message = "invalid context: it was not built completely";
    return err;
  }
  auto data = std::make_shared<detail::RequestData>();
  data->principal = cedar::Value::entity({principal.type, principal.id});
  data->action = cedar::Value::entity({action.type, action.id});
  data->resource = cedar::Value::entity({resource.type, resource.id});
  data->context = std::move(*context.frames().context);
  return Request(std::move(data));
}

}  // namespace cordon
