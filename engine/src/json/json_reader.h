// A pull reader of JSON text (RFC 8259) for callers that never build a DOM (the telemetry
// scrubber) and for LocatedJson, which builds one: the one place that knows the grammar, its
// error messages and where each error is.
//
//   json::Reader r(text, "call");
//   r.skip_space();
//   if (!r.value_start(depth, max_depth)) return r.error();   // call:1:1: json error: ...
//   switch (r.peek()) { case '{': ... }
//
// Positions are byte offsets; line and column are computed only when asked (location()),
// columns counting code points as LocatedJson always has. UTF-8 is not checked here: callers
// check the whole text first.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cordon/error.h"
#include "text/swar.h"

namespace cordon::json {

// Offset of the first byte of `s` from `from` that is `"`, `\` or a control character, or
// s.size(): the end of a string's plain run. Inline: it runs for every key and string.
inline size_t plain_run_end(std::string_view s, size_t from) {
  using namespace text::swar;
  return find_first(
      s, from,
      [](uint64_t w) { return bytes_below(w, 0x20) | bytes_equal(w, '"') | bytes_equal(w, '\\'); },
      [](unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; });
}

// Tracks the keys of open objects, for the duplicate-key check without a DOM.
class KeyTracker {
 public:
  size_t open() const { return keys_.size(); }
  void close(size_t mark) {
    keys_.resize(mark);
    while (!owned_.empty() && owned_.back().first >= mark) owned_.pop_back();
    while (!large_.empty() && large_.back().first >= mark) large_.pop_back();
  }
  // False when the object opened at `mark` already has `key`. `stable` says that `key`
  // outlives the object (a view into the input); otherwise it is copied.
  bool insert(size_t mark, std::string_view key, bool stable);

 private:
  std::vector<std::string_view> keys_;
  // Copies of unstable keys, by the index of their view (a list never moves its elements,
  // and unlike libstdc++'s deque allocates nothing until used: every reader has one).
  std::list<std::pair<size_t, std::string>> owned_;
  // Objects with many keys get a hash set (by mark), so that checking stays linear.
  std::vector<std::pair<size_t, std::unordered_set<std::string_view>>> large_;
};

class Reader {
 public:
  explicit Reader(std::string_view text, std::string file = {})
      : text_(text), file_(std::move(file)) {}

  std::string_view text() const { return text_; }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }  // only when !at_end()
  void bump() { ++pos_; }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }

  // The first failure wins; later ones are ignored.
  bool fail(std::string message) { return fail_at(pos_, std::move(message)); }
  bool fail_at(size_t offset, std::string message);
  bool failed() const { return failed_; }
  // The failure: kind json, located at its offset.
  Error error();

  // Line and column (1-based, columns in code points) of a byte offset. Cheap when offsets
  // are asked for in increasing order.
  SourceLocation location(size_t offset);

  // At the start of a value (after skip_space): fails when `depth` exceeds `max_depth` or
  // the text has ended.
  bool value_start(int depth, int max_depth) {
    return (depth <= max_depth && pos_ < text_.size()) || value_start_failed(depth, max_depth);
  }
  // Fails on a character that cannot start a value (call after value_start, on the default
  // branch of a switch on peek()).
  bool unexpected_character();

  bool literal(std::string_view word);
  // A string at pos (its opening quote). `value` is the decoded text: a view into the input
  // when it has no escapes (`escaped` false), else into `scratch`.
  bool string(std::string_view& value, std::string& scratch, bool& escaped) {
    const size_t begin = ++pos_;  // after the opening quote
    const size_t run = plain_run_end(text_, begin);
    if (run < text_.size() && text_[run] == '"') {
      value = text_.substr(begin, run - begin);
      escaped = false;
      pos_ = run + 1;
      return true;
    }
    return string_with_escapes(begin, run, value, scratch, escaped);
  }
  // A number at pos: `raw` is its text. Integers must fit in 64 bits (signed or unsigned).
  bool number(std::string_view& raw, bool& is_float);

  // `{` or `[` at pos: consumes it and any space; `empty` when the closing bracket follows
  // (consumed too).
  void open(char close, bool& empty) {
    ++pos_;
    skip_space();
    empty = pos_ < text_.size() && text_[pos_] == close;
    if (empty) ++pos_;
  }
  // An object's key (a string) after optional space; then its `:`.
  bool key(std::string_view& value, std::string& scratch, bool& escaped) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '"') return expected("expected a string key");
    return string(value, scratch, escaped);
  }
  bool colon() {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != ':') return expected("expected `:` after the key");
    ++pos_;
    skip_space();
    return true;
  }
  // After a member or element: `,` (more) or the closing bracket (done).
  bool after_member(bool& more) { return after(more, '}', "expected `,` or `}` in an object"); }
  bool after_element(bool& more) { return after(more, ']', "expected `,` or `]` in an array"); }
  // The error of a key met twice in one object (at the key's offset).
  bool duplicate_key(size_t key_offset, std::string_view key);
  // After the value: only space may follow.
  bool end();

  // Skips one value, checking it as strictly as reading it would (duplicate keys, depth,
  // 64-bit integers).
  bool skip_value(int depth, int max_depth);
  // Skips one value without checking an object or array: where it ends when it is valid, found
  // from its strings and brackets only, several times faster. For a caller that reads the
  // value strictly afterwards and, when that fails, reads the text again with skip_value
  // (whose error is the one to report); on invalid text it stops anywhere or fails.
  bool skip_value_unchecked();

 private:
  // The hot steps above are inline (called per value, across files); their failures are not.
  bool value_start_failed(int depth, int max_depth);
  bool string_with_escapes(size_t begin, size_t run, std::string_view& value, std::string& scratch,
                           bool& escaped);
  bool expected(const char* message);
  bool after(bool& more, char close, const char* message) {
    skip_space();
    if (pos_ < text_.size() && (text_[pos_] == ',' || text_[pos_] == close)) {
      more = text_[pos_++] == ',';
      return true;
    }
    return expected(message);
  }
  bool hex4(uint32_t& out);

  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
  bool failed_ = false;
  size_t error_offset_ = 0;
  std::string error_message_;
  // location()'s cursor.
  size_t cursor_ = 0;
  uint32_t line_ = 1, column_ = 1;
  KeyTracker skip_keys_;  // skip_value's keys of the objects it is inside
  std::string skip_scratch_;
};

// Appends `s` as a JSON string as nlohmann_json's dump() writes it: `"` `\` and control
// characters escaped (\b \f \n \r \t, else \u00XX), everything else as it is.
void append_quoted(std::string& out, std::string_view s);

}  // namespace cordon::json
