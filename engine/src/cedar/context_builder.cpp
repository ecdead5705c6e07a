#include "cordon/context_builder.h"

#include <optional>
#include <string>
#include <vector>

#include "cedar/json_value.h"
#include "cedar/policy_set_data.h"
#include "cordon/request.h"

namespace cordon {

namespace detail {

// The records and sets being built, innermost last; each value goes into the innermost one
// (into a record under the last key given), as value_from_json reads the JSON form.
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

  Frame* innermost() { return depth == 0 ? nullptr : &open[depth - 1]; }

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

  void begin(bool record) {
    // A value nested deeper than the JSON reader's limit is the JSON path's to refuse; so is
    // a scalar or set as the context.
    if (!ok || depth > static_cast<size_t>(cedar::kMaxJsonDepth) || (depth == 0 && !record) ||
        context) {
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
    Frame* frame = innermost();
    if (!ok || frame == nullptr || frame->record != record || frame->key) {
      ok = false;
      return;
    }
    --depth;
    add(record ? cedar::Value::record(std::move(frame->fields))
               : cedar::Value::set(std::move(frame->elements)));
  }

  void scalar(cedar::Value value) {
    Frame* frame = innermost();
    if (frame == nullptr || (frame->record && !frame->key) ||
        depth > static_cast<size_t>(cedar::kMaxJsonDepth)) {
      ok = false;
      return;
    }
    add(std::move(value));
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
  auto* frame = frames_->innermost();
  // The escapes are value_from_json's: a record holding one is not built here.
  if (!frames_->ok || frame == nullptr || !frame->record || frame->key || name == "__entity" ||
      name == "__extn" || name == "__expr") {
    frames_->ok = false;
    return;
  }
  frame->key.emplace(name);
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
  frames_->scalar(cedar::Value::string(std::string(text)));
}
void ContextBuilder::integer(int64_t number) {
  frames_->scalar(cedar::Value::integer(number));
}
void ContextBuilder::boolean(bool value) {
  frames_->scalar(cedar::Value::boolean(value));
}

void ContextBuilder::clear() {
  frames_->depth = 0;
  frames_->context.reset();
  frames_->ok = true;
}

bool ContextBuilder::ok() const {
  return frames_->ok;
}
bool ContextBuilder::complete() const {
  return frames_->ok && frames_->depth == 0 && frames_->context.has_value();
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
