// A request's context built value by value, without JSON text: how a binding hands its
// language's dicts, lists, strings, integers and booleans to the engine.
//
//   cordon::ContextBuilder context;
//   context.begin_record();
//   context.key("mfa");
//   context.boolean(true);
//   context.key("groups");
//   context.begin_set();
//   context.string("staff");
//   context.end_set();
//   context.end_record();
//   auto request = cordon::Request::make(principal, action, resource, std::move(context));
//
// It builds what the JSON form {"mfa": true, "groups": ["staff"]} reads as, escapes included
// ({"__entity": {...}} and {"__extn": {...}} below the context's own keys are read by the JSON
// reader's own code). What the JSON form refuses (a malformed escape, nesting deeper than 200
// levels), a duplicate key and calls out of order make ok() false: nothing is built, and the
// context must be given as JSON text to learn why.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace cordon {

namespace detail {
struct ContextFrames;
}

class ContextBuilder {
 public:
  ContextBuilder();
  ~ContextBuilder();
  ContextBuilder(ContextBuilder&&) noexcept;
  ContextBuilder& operator=(ContextBuilder&&) noexcept;

  // The context itself is the outermost record. Inside a record, key() names the next value.
  void begin_record();
  void key(std::string_view name);  // UTF-8
  void end_record();
  void begin_set();
  void end_set();
  void string(std::string_view text);  // UTF-8
  void integer(int64_t number);
  void boolean(bool value);

  // Starts over (keeping its storage, so one builder can serve request after request).
  void clear();

  // False once something was given that this builder does not build (see above).
  bool ok() const;
  // True when ok() and the outermost record has ended.
  bool complete() const;

  // For the engine's own use.
  detail::ContextFrames& frames() { return *frames_; }

 private:
  std::unique_ptr<detail::ContextFrames> frames_;
};

}  // namespace cordon
