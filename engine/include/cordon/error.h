// cordon::Error is the one error type of the core: a value, never thrown.
//
// Every fallible call returns a Result<T>, which holds either the value or an
// Error naming what went wrong and where:
//
//   cordon::Result<cordon::PolicySet> set = cordon::PolicySet::parse(text, "app.cedar");
//   if (!set) std::cerr << set.error().to_string() << "\n";  // app.cedar:3:7: parse error: ...
//
// Bindings turn an Error into their language's exception (Python) or into
// cedar-wasm's {type:"failure", errors} (JavaScript).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace cordon {

enum class ErrorKind {
  parse,       // policy, schema or expression text that does not parse
  json,        // text that is not the JSON it should be
  entity,      // entity data that is malformed or inconsistent
  request,     // a request that is malformed or fails validation
  schema,      // a schema that is malformed or inconsistent
  evaluation,  // a policy that errored while being evaluated
  limit,       // input beyond a safety limit (nesting depth, size)
  io,          // a file that cannot be read
  bundle,      // a policy bundle that is malformed, inconsistent or refers to unknown names
  signature,   // a bundle signature that is missing, malformed or does not verify
  domain,      // a route, payload, event or gate input that is malformed
  secret,      // a sealed secret that does not open, or a key ring that is malformed
  verification,  // a webhook, credential or URL check whose call or configuration is malformed
};

const char* to_string(ErrorKind kind);

// Where in the input an error was found. line and column count from 1; 0 means unknown.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // Byte offset and length in the source text, when known (used for cedar-wasm's sourceLocations).
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct Error {
  ErrorKind kind = ErrorKind::parse;
  std::string message;
  SourceLocation location;

  // "file:line:col: <kind> error: message", omitting the parts that are unknown.
  std::string to_string() const;
};

// Either a T or an Error.
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace cordon
