#include "telemetry/scrub_profiles.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <unordered_map>

#include "cedar/json_value.h"
#include "cordon/masks.h"
#include "crypto/crypto.h"
#include "json/json_reader.h"
#include "masks/field_masks.h"
#include "masks/json_path.h"
#include "text/swar.h"
#include "text/utf8.h"

namespace cordon {

using Json = nlohmann::json;
using json::LocatedJson;

namespace telemetry {

uint64_t InstanceId::next() {
  static std::atomic<uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

std::string normalize_key(std::string_view key) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  std::string out;
  out.reserve(key.size() + 4);
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (upper(c)) {
      // A hump: "firstName" -> first_name; "APIKey" -> api_key (before the last capital of
      // a run that a lower-case letter follows).
      bool hump =
          i > 0 && (lower_or_digit(key[i - 1]) || (upper(key[i - 1]) && i + 1 < key.size() &&
                                                   key[i + 1] >= 'a' && key[i + 1] <= 'z'));
      if (hump && !out.empty() && out.back() != '_') out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == '-' || c == ' ') {
      out += '_';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace telemetry

namespace domain {

namespace {

std::optional<telemetry::Method> method_from(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  const std::string& s = j.get_ref<const std::string&>();
  if (s == "remove") return telemetry::Method::remove;
  if (s == "replace") return telemetry::Method::replace;
  if (s == "mask") return telemetry::Method::mask;
  if (s == "hash") return telemetry::Method::hash;
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<const ScrubProfiles>> parse_scrub_profiles(const LocatedJson& doc,
                                                                  const BundleContext&) {
  auto out = std::make_shared<ScrubProfiles>();
  const Json& root = doc.root();
  if (!root.is_object() || !root.contains("profiles") || !root.at("profiles").is_object())
    return doc.error("", "scrub must be {\"profiles\": {name: profile}}");
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it.key() != "profiles")
      return doc.key_error("/" + it.key(), "unknown key `" + it.key() + "` (expected profiles)");
  for (auto p = root.at("profiles").begin(); p != root.at("profiles").end(); ++p) {
    std::string where = LocatedJson::child("/profiles", p.key());
    if (!p.value().is_object()) return doc.error(where, "a profile is an object");
    telemetry::ScrubProfile profile;
    profile.name = p.key();
    bool hashes = false;
    for (auto k = p.value().begin(); k != p.value().end(); ++k) {
      std::string at = LocatedJson::child(where, k.key());
      if (k.key() == "replacement") {
        if (!k.value().is_string()) return doc.error(at, "`replacement` must be a string");
        profile.replacement = k.value().get<std::string>();
      } else if (k.key() == "keys") {
        if (!k.value().is_array()) return doc.error(at, "`keys` must be an array of key rules");
        for (size_t i = 0; i < k.value().size(); ++i) {
          const Json& r = k.value()[i];
          std::string rule_at = LocatedJson::child(at, i);
          if (!r.is_object()) return doc.error(rule_at, "a key rule is {match, names, method}");
          telemetry::KeyRule rule;
          for (auto f = r.begin(); f != r.end(); ++f) {
            std::string field_at = LocatedJson::child(rule_at, f.key());
            if (f.key() == "match") {
              const Json& m = f.value();
              if (m == "exact")
                rule.match = telemetry::KeyRule::Match::exact;
              else if (m == "prefix")
                rule.match = telemetry::KeyRule::Match::prefix;
              else if (m == "suffix")
                rule.match = telemetry::KeyRule::Match::suffix;
              else if (m == "contains")
                rule.match = telemetry::KeyRule::Match::contains;
              else
                return doc.error(
                    field_at, "`match` must be \"exact\", \"prefix\", \"suffix\" or \"contains\"");
            } else if (f.key() == "names") {
              if (!f.value().is_array() || f.value().empty())
                return doc.error(field_at, "`names` must be a non-empty array of strings");
              for (const auto& n : f.value()) {
                if (!n.is_string() || n.get<std::string>().empty())
                  return doc.error(field_at, "`names` must be non-empty strings");
                std::string name = telemetry::normalize_key(n.get<std::string>());
                size_t dot = name.find('.');
                if (dot != std::string::npos && (dot == 0 || dot + 1 == name.size() ||
                                                 name.find('.', dot + 1) != std::string::npos))
                  return doc.error(field_at, "a dotted name is `parent.key`, both non-empty");
                rule.names.push_back(std::move(name));
              }
            } else if (f.key() == "except") {
              if (!f.value().is_array())
                return doc.error(field_at, "`except` must be an array of key names");
              for (const auto& n : f.value()) {
                if (!n.is_string() || n.get<std::string>().empty())
                  return doc.error(field_at, "`except` must be non-empty strings");
                rule.except.push_back(telemetry::normalize_key(n.get<std::string>()));
              }
            } else if (f.key() == "method") {
              auto m = method_from(f.value());
              if (!m) return doc.error(field_at, "`method` must be remove, replace, mask or hash");
              rule.method = *m;
            } else {
              return doc.key_error(field_at, "unknown key `" + f.key() +
                                                 "` (expected match, names, except, method)");
            }
          }
          if (rule.names.empty()) return doc.error(rule_at, "a key rule needs `names`");
          hashes = hashes || rule.method == telemetry::Method::hash;
          profile.keys.push_back(std::move(rule));
        }
      } else if (k.key() == "values") {
        if (!k.value().is_array()) return doc.error(at, "`values` must be an array of detectors");
        for (size_t i = 0; i < k.value().size(); ++i) {
          const Json& r = k.value()[i];
          std::string rule_at = LocatedJson::child(at, i);
          if (!r.is_object() || !r.contains("detector") || !r.at("detector").is_string())
            return doc.error(rule_at, "a value rule is {detector, method}");
          telemetry::DetectorRule rule;
          for (auto f = r.begin(); f != r.end(); ++f) {
            std::string field_at = LocatedJson::child(rule_at, f.key());
            if (f.key() == "detector") {
              auto d = telemetry::detector_from_name(f.value().get<std::string>());
              if (!d)
                return doc.error(field_at, "unknown detector `" + f.value().get<std::string>() +
                                               "` (" + telemetry::kDetectorNames + ")");
              rule.detector = *d;
            } else if (f.key() == "method") {
              auto m = method_from(f.value());
              if (!m) return doc.error(field_at, "`method` must be remove, replace, mask or hash");
              rule.method = *m;
            } else {
              return doc.key_error(field_at,
                                   "unknown key `" + f.key() + "` (expected detector, method)");
            }
          }
          hashes = hashes || rule.method == telemetry::Method::hash;
          profile.values.push_back(rule);
        }
      } else {
        return doc.key_error(at,
                             "unknown key `" + k.key() + "` (expected replacement, keys, values)");
      }
    }
    profile.hashes = hashes;
    out->profiles.emplace(p.key(), std::move(profile));
  }
  return std::shared_ptr<const ScrubProfiles>(std::move(out));
}

}  // namespace domain

namespace {

using telemetry::KeyRule;
using telemetry::Method;
using telemetry::ScrubProfile;

// Which key rule (if any) names a key, remembered per key: an event repeats a small set of
// keys many times. A rule name with a dot (`request.data`) also depends on the key of the
// enclosing object; keys no dotted name can match are remembered without it.
class KeyRules {
 public:
  explicit KeyRules(const ScrubProfile& profile) {
    // The names split once per call: a key is classified against every name of every rule,
    // which for a small event cost more than scrubbing it.
    for (const auto& rule : profile.keys) {
      for (const auto& name : rule.names)
        names_.push_back({&rule, name, name.find('.') != std::string::npos, first_pair(name)});
    }
  }

  // Keys are interned in an open-addressing table with a cheap hash of all their bytes:
  // std::unordered_map's hashing and node chasing cost more than the rest of a key's
  // scrubbing. An event with very many distinct keys stops being cached, not slower.
  static constexpr uint32_t kUncached = 0xFFFFFFFF;
  static constexpr size_t kMaxCached = 1 << 16;

  const KeyRule* find(std::string_view key, std::string_view parent) {
    return find(intern(key), key, parent);
  }

  // find() for a key interned already as `k` (kUncached when it is not).
  const KeyRule* find(uint32_t k, std::string_view key, std::string_view parent) {
    if (k == kUncached) {
      const Entry entry = classify(key);
      return !entry.parent_matters || parent.empty() ? entry.rule : match(key, parent);
    }
    const Entry& entry = entries_[k];
    if (!entry.parent_matters || parent.empty()) return entry.rule;
    const uint32_t p = intern(parent);
    if (p == kUncached) return match(key, parent);
    const uint64_t pair = uint64_t{p} << 32 | k;
    auto hit = by_pair_.find(pair);
    if (hit != by_pair_.end()) return hit->second;
    const KeyRule* rule = match(key, parent);
    by_pair_.emplace(pair, rule);
    return rule;
  }

  // The first rule that names `key` inside an object held under `parent` ("" at the root
  // and for names in free text).
  const KeyRule* match(std::string_view key, std::string_view parent) const {
    const std::string normalized = telemetry::normalize_key(key);
    const std::string qualified =
        parent.empty() ? "" : telemetry::normalize_key(parent) + "." + normalized;
    const uint64_t pairs = pairs_of(normalized), qualified_pairs = pairs_of(qualified);
    const KeyRule* rule = nullptr;
    bool excepted = false;  // the rule's `except` holds the key: none of its names apply
    for (const Name& n : names_) {
      if (n.rule != rule) {
        rule = n.rule;
        excepted = is_excepted(*rule, normalized);
      }
      if (excepted) continue;
      // `parent.key` names compare with the qualified key; they never match without a parent.
      if (n.dotted && qualified.empty()) continue;
      // A name anywhere in the key brings its first two characters with it: one test rules
      // out most names before a string comparison.
      if ((n.first_pair & (n.dotted ? qualified_pairs : pairs)) != n.first_pair) continue;
      const std::string& k = n.dotted ? qualified : normalized;
      const std::string& name = n.name;
      bool hit = false;
      switch (n.rule->match) {
        case KeyRule::Match::exact:
          hit = k == name;
          break;
        case KeyRule::Match::prefix:
          hit = k.compare(0, name.size(), name) == 0;
          break;
        case KeyRule::Match::suffix:
          hit =
              k.size() >= name.size() && k.compare(k.size() - name.size(), name.size(), name) == 0;
          break;
        case KeyRule::Match::contains:
          hit = k.find(name) != std::string::npos;
          break;
      }
      if (hit) return n.rule;
    }
    return nullptr;
  }

 private:
  struct Entry {
    const KeyRule* rule = nullptr;  // without a parent
    bool parent_matters = false;
  };

  Entry classify(std::string_view key) const {
    Entry entry;
    entry.rule = match(key, "");
    const std::string normalized = telemetry::normalize_key(key);
    const std::string tail = "." + normalized;
    for (const Name& n : names_) {
      if (!n.dotted || is_excepted(*n.rule, normalized)) continue;
      // An exact `parent.key` can only match a key that is its tail; other dotted matches
      // may depend on any parent.
      const std::string& name = n.name;
      bool possible = n.rule->match != KeyRule::Match::exact ||
                      (name.size() >= tail.size() &&
                       name.compare(name.size() - tail.size(), tail.size(), tail) == 0);
      entry.parent_matters = entry.parent_matters || possible;
    }
    return entry;
  }

  struct Name {
    const KeyRule* rule;
    const std::string& name;
    bool dotted;
    uint64_t first_pair;  // pair_bit of its first two characters (0 for a single one)
  };

  static bool is_excepted(const KeyRule& rule, const std::string& normalized) {
    return std::find(rule.except.begin(), rule.except.end(), normalized) != rule.except.end();
  }
  static uint64_t pair_bit(char a, char b) {
    return uint64_t{1} << ((static_cast<unsigned char>(a) * 31u + static_cast<unsigned char>(b)) &
                           63);
  }
  static uint64_t first_pair(const std::string& s) {
    return s.size() >= 2 ? pair_bit(s[0], s[1]) : 0;
  }
  // A bit for each pair of adjacent characters of `s` (a superset test: a name's first pair
  // missing means the name is not in `s`).
  static uint64_t pairs_of(const std::string& s) {
    uint64_t bits = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) bits |= pair_bit(s[i], s[i + 1]);
    return bits;
  }

  static uint64_t hash(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    h = (h ^ text::swar::load_tail(s.data() + i, s.size() - i)) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
  }

  // Whether two keys of the same size are equal, eight bytes at a time (inline: a call to
  // memcmp per lookup cost more than comparing).
  static bool same_bytes(const char* a, const char* b, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t x, y;
      std::memcpy(&x, a + i, 8);
      std::memcpy(&y, b + i, 8);
      if (x != y) return false;
    }
    return text::swar::load_tail(a + i, n - i) == text::swar::load_tail(b + i, n - i);
  }

 public:
  // The index of `key`'s entry, classified on first sight; kUncached past kMaxCached keys
  // (a key not interned by then never is: equal keys get equal answers).
  uint32_t intern(std::string_view key) {
    if (slots_.empty()) slots_.assign(256, Slot{});
    const uint64_t h = hash(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.index == kUncached) break;
      if (slot.hash == h && keys_[slot.index].size() == key.size() &&
          same_bytes(keys_[slot.index].data(), key.data(), key.size()))
        return slot.index;
    }
    if (entries_.size() >= kMaxCached) return kUncached;
    keys_.emplace_back(key);
    entries_.push_back(classify(key));
    next_.push_back(kUncached);
    const uint32_t index = static_cast<uint32_t>(entries_.size() - 1);
    if (2 * entries_.size() > slots_.size()) {  // at most half full: short probes
      std::vector<Slot> old(2 * slots_.size(), Slot{});
      old.swap(slots_);
      for (const Slot& s : old)
        if (s.index != kUncached) place(s);
    }
    place(Slot{h, index});
    return index;
  }

  size_t size() const { return entries_.size(); }

  // intern() for the key after `previous` (an index, or kUncached) in an object: objects of
  // one kind repeat their keys in the same order, so the key that followed `previous` last
  // time is compared first, without hashing.
  uint32_t intern_after(uint32_t previous, std::string_view key) {
    if (previous != kUncached) {
      const uint32_t guess = next_[previous];
      if (guess != kUncached && keys_[guess].size() == key.size() &&
          same_bytes(keys_[guess].data(), key.data(), key.size()))
        return guess;
    }
    const uint32_t index = intern(key);
    if (previous != kUncached && index != kUncached) next_[previous] = index;
    return index;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kUncached;
  };
  void place(const Slot& s) {
    const size_t mask = slots_.size() - 1;
    size_t i = s.hash & mask;
    while (slots_[i].index != kUncached) i = (i + 1) & mask;
    slots_[i] = s;
  }

  std::vector<Name> names_;        // every rule's names, rule by rule
  std::vector<std::string> keys_;  // by entry index
  std::vector<Entry> entries_;
  std::vector<uint32_t> next_;  // by entry index: the key that followed it last (intern_after)
  std::vector<Slot> slots_;
  std::unordered_map<uint64_t, const KeyRule*> by_pair_;  // (parent, key) entry indexes
};

// Duplicate keys by interned key index (KeyRules::intern): each index remembers the open object
// that has it, and an inner object's claims are undone when it closes. So checking a key is
// one load, not a comparison with each sibling's bytes.
class SeenKeys {
 public:
  // Opens an object; the mark closes it.
  size_t open() {
    objects_.push_back(++last_object_);
    return undo_.size();
  }
  void close(size_t mark) {
    for (; undo_.size() > mark; undo_.pop_back()) owner_[undo_.back().key] = undo_.back().owner;
    objects_.pop_back();
  }
  // Closes whatever a failed scrub left open: every key's owner is then none again.
  void reset() {
    if (!objects_.empty()) close(0);
    objects_.clear();
  }
  // False when the innermost open object has `key` already.
  bool insert(uint32_t key) {
    if (key >= owner_.size()) owner_.resize(key + 1, 0);
    uint64_t& owner = owner_[key];
    if (owner == objects_.back()) return false;
    undo_.push_back({key, owner});
    owner = objects_.back();
    return true;
  }

 private:
  struct Undo {
    uint32_t key;
    uint64_t owner;
  };
  std::vector<uint64_t> owner_;  // by key index: the object that has the key (0: none)
  std::vector<Undo> undo_;
  std::vector<uint64_t> objects_;  // the open objects, innermost last
  uint64_t last_object_ = 0;
};

// Scrubs an event in one pass over its JSON text: reads it with json::Reader and writes the
// scrubbed text (compact, keys in their input order, strings written as nlohmann_json writes
// them, numbers as they were spelled) without building a DOM. Malformed text fails as the
// reader reports it.
class Scrubber {
 public:
  Scrubber(const ScrubProfile& profile, const std::string& hash_key, json::Reader& reader,
           ScrubbedEvent& out, KeyRules& rules, SeenKeys& seen)
      : profile_(profile),
        hash_key_(hash_key),
        reader_(reader),
        out_(out),
        rules_(rules),
        seen_(seen) {
    // Sized once: `parent` views keys held here while deeper steps are written.
    path_.resize(masks::kMaxPayloadDepth + 3);
  }

  // Scrubs the one value of the text into out.event_json.
  // With `end`, the value is the first of the text and where it ends goes there; what
  // follows is not read.
  bool run(size_t* end = nullptr) {
    std::string& w = out_.event_json;
    w.reserve(reader_.text().size());
    reader_.skip_space();
    if (!value(w, 1, "")) return false;
    if (end == nullptr) return reader_.end();
    *end = reader_.pos();
    return true;
  }

  // The error that stopped run(): the reader's, or the scrubber's own.
  Error error() {
    if (own_error_) return *own_error_;
    Error err = reader_.error();
    err.message = "the event is not valid JSON: " + err.message;
    return err;
  }

 private:
  struct Step {
    bool is_index = false;
    size_t index = 0;
    std::string key;
  };

  bool fail(std::string message, ErrorKind kind = ErrorKind::domain) {
    if (!own_error_) {
      own_error_ = Error{};
      own_error_->kind = kind;
      own_error_->message = std::move(message);
    }
    return false;
  }

  // Depth 1 is the event itself; deeper than kMaxPayloadDepth is an error.
  bool start(int depth) {
    if (depth > masks::kMaxPayloadDepth)
      return fail("the event is nested deeper than " + std::to_string(masks::kMaxPayloadDepth) +
                  " levels");
    return reader_.value_start(depth, std::numeric_limits<int>::max());
  }

  Step& step(int depth) { return path_[depth]; }

  // The RFC 6901 pointer of the value at `depth` (its steps are path_[2..depth]).
  std::string pointer(int depth) const {
    std::string out;
    for (int d = 2; d <= depth; ++d) {
      out += '/';
      const Step& s = path_[d];
      if (s.is_index) {
        out += std::to_string(s.index);
        continue;
      }
      for (char c : s.key) {
        if (c == '~')
          out += "~0";
        else if (c == '/')
          out += "~1";
        else
          out += c;
      }
    }
    return out;
  }

  // A number as it was spelled; one beyond a double's range fails, as it did when events
  // were read by nlohmann_json.
  bool number(std::string& w) {
    std::string_view raw;
    bool is_float;
    if (!reader_.number(raw, is_float)) return false;
    // Only an exponent (or a very long number) can leave a double's range; looked for with a
    // loop (find_first_of calls memchr for every character).
    bool exponent = false;
    if (is_float)
      for (char c : raw) exponent = exponent || c == 'e' || c == 'E';
    if (is_float && (raw.size() > 300 || exponent)) {
      const std::string text(raw);
      if (!std::isfinite(std::strtod(text.c_str(), nullptr)))
        return fail("the event is not valid JSON: a number is out of range", ErrorKind::json);
    }
    w.append(raw);
    return true;
  }

  bool literal(std::string& w) {
    const char c = reader_.peek();
    const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
    if (!reader_.literal(word)) return false;
    w.append(word);
    return true;
  }

  // Reads an object's key and its `:`; the decoded key goes to `key`, and `escaped` says
  // whether it had escapes (when not, `k` views it in the input).
  bool member_key(size_t mark, std::string& key, bool& escaped, std::string_view& k) {
    reader_.skip_space();
    const size_t key_offset = reader_.pos();
    if (!reader_.key(k, scratch_, escaped)) return false;
    if (!keys_.insert(mark, k, !escaped)) return reader_.duplicate_key(key_offset, k);
    key.assign(k.data(), k.size());
    return reader_.colon();
  }

  void write_key(std::string& w, std::string_view key, bool escaped, std::string_view k) {
    if (escaped) {
      json::append_quoted(w, key);
    } else {
      // Without escapes, no byte of the key needs one: the input's text, quotes included.
      w.append(k.data() - 1, k.size() + 2);
    }
    w += ':';
  }

  // The value, unscrubbed, in the form scrubbing writes (compact, strings re-escaped).
  bool copy(std::string& w, int depth) {
    if (!start(depth)) return false;
    switch (reader_.peek()) {
      case '{': {
        w += '{';
        bool empty;
        reader_.open('}', empty);
        const size_t mark = keys_.open();
        std::string key;
        bool escaped;
        std::string_view k;
        for (bool more = !empty, first = true; more; first = false) {
          if (!member_key(mark, key, escaped, k)) return false;
          if (!first) w += ',';
          write_key(w, key, escaped, k);
          if (!copy(w, depth + 1) || !reader_.after_member(more)) return false;
        }
        keys_.close(mark);
        w += '}';
        return true;
      }
      case '[': {
        w += '[';
        bool empty;
        reader_.open(']', empty);
        for (bool more = !empty, first = true; more; first = false) {
          reader_.skip_space();
          if (!first) w += ',';
          if (!copy(w, depth + 1) || !reader_.after_element(more)) return false;
        }
        w += ']';
        return true;
      }
      case '"': {
        std::string_view s;
        bool escaped;
        if (!reader_.string(s, scratch_, escaped)) return false;
        json::append_quoted(w, s);
        return true;
      }
      case 't':
      case 'f':
      case 'n':
        return literal(w);
      default: {
        char c = reader_.peek();
        if (c == '-' || (c >= '0' && c <= '9')) return number(w);
        return reader_.unexpected_character();
      }
    }
  }

  // Scrubs the value at the reader (at `depth`) into `w`. `parent` is the key of the object
  // member that holds it (arrays pass theirs on).
  bool value(std::string& w, int depth, std::string_view parent) {
    if (!start(depth)) return false;
    switch (reader_.peek()) {
      case '{':
        return object(w, depth);
      case '[':
        return array(w, depth, parent);
      case '"': {
        std::string_view s;
        bool escaped;
        if (!reader_.string(s, scratch_, escaped)) return false;
        write_string(w, s, escaped, depth);
        return true;
      }
      case 't':
      case 'f':
      case 'n':
        return literal(w);
      default: {
        char c = reader_.peek();
        if (c == '-' || (c >= '0' && c <= '9')) return number(w);
        return reader_.unexpected_character();
      }
    }
  }

  // A string value: free text scrubbed by the detectors.
  void write_string(std::string& w, std::string_view s, bool escaped, int depth) {
    if (scrub_text(s, text_)) {
      json::append_quoted(w, text_);
      out_.replaced.push_back(pointer(depth));
    } else if (!escaped) {
      // No escapes: the input's text, quotes included (`s` views it), is how it is written.
      w.append(s.data() - 1, s.size() + 2);
    } else {
      json::append_quoted(w, s);
    }
  }

  bool object(std::string& w, int depth) {
    w += '{';
    bool empty;
    reader_.open('}', empty);
    const size_t mark = keys_.open();
    const size_t seen_mark = seen_.open();
    uint32_t previous = KeyRules::kUncached;  // the last key's index
    bool first = true;
    for (bool more = !empty; more;) {
      Step& s = step(depth + 1);
      s.is_index = false;
      bool escaped;
      std::string_view k;
      // The key, interned once for both the duplicate check and its rule.
      reader_.skip_space();
      const size_t key_offset = reader_.pos();
      if (!reader_.key(k, scratch_, escaped)) return false;
      const uint32_t index = rules_.intern_after(previous, k);
      previous = index;
      // Keys past the intern table's size are compared as before (they equal no interned key).
      const bool fresh =
          index != KeyRules::kUncached ? seen_.insert(index) : keys_.insert(mark, k, !escaped);
      if (!fresh) return reader_.duplicate_key(key_offset, k);
      s.key.assign(k.data(), k.size());
      if (!reader_.colon()) return false;
      const std::string& key = s.key;
      const KeyRule* rule = rules_.find(index, key, depth >= 2 ? parent_key(depth) : "");
      if (rule && rule->method == Method::remove) {
        discard_.clear();
        if (!copy(discard_, depth + 1)) return false;
        out_.removed.push_back(pointer(depth + 1));
      } else {
        if (!first) w += ',';
        first = false;
        write_key(w, key, escaped, k);
        if (rule) {
          if (!apply(w, rule->method, depth + 1)) return false;
        } else if (!value(w, depth + 1, key)) {
          return false;
        }
      }
      if (!reader_.after_member(more)) return false;
    }
    seen_.close(seen_mark);
    keys_.close(mark);
    w += '}';
    return true;
  }

  // The key of the member holding the object at `depth` (arrays between pass it on).
  std::string_view parent_key(int depth) const {
    for (int d = depth; d >= 2; --d)
      if (!path_[d].is_index) return path_[d].key;
    return "";
  }

  bool array(std::string& w, int depth, std::string_view parent) {
    w += '[';
    bool empty;
    reader_.open(']', empty);
    const KeyRule* flag = nullptr;  // the previous element was a flag such as "--api-key"
    size_t index = 0;
    for (bool more = !empty; more; ++index) {
      reader_.skip_space();
      if (index) w += ',';
      {
        Step& s = step(depth + 1);
        s.is_index = true;
        s.index = index;
      }
      if (!start(depth + 1)) return false;
      const char c = reader_.peek();
      if (flag && c == '"') {
        if (!apply(w, flag->method == Method::remove ? Method::replace : flag->method, depth + 1))
          return false;
        flag = nullptr;
      } else if (c == '"') {
        flag = nullptr;
        std::string_view s;
        bool escaped;
        if (!reader_.string(s, scratch_, escaped)) return false;
        // A command-line flag ("--api-key", "-p") names the element after it.
        size_t dashes = s.find_first_not_of('-');
        if (dashes >= 1 && dashes <= 2 && dashes < s.size() &&
            s.find_first_of("= ") == std::string_view::npos) {
          const std::string name(s.substr(dashes));
          flag = rules_.find(name, "");
        }
        write_string(w, s, escaped, depth + 1);
      } else {
        flag = nullptr;
        bool pair = false;
        if (c == '[' && !header_pair(w, depth + 1, parent, pair)) return false;
        if (!pair && !value(w, depth + 1, parent)) return false;
      }
      if (!reader_.after_element(more)) return false;
    }
    w += ']';
    return true;
  }

  // A header pair ["Authorization", "Bearer ..."]: an array of two whose first element, a
  // string, is a key a rule names. Its second element goes as a whole; the name stays.
  // Looks ahead from the `[` at the reader; when the array is no such pair, the reader is
  // put back and `pair` stays false.
  bool header_pair(std::string& w, int depth, std::string_view parent, bool& pair) {
    const size_t begin = reader_.pos();
    bool empty;
    reader_.open(']', empty);
    if (empty || reader_.at_end() || reader_.peek() != '"') {
      reader_.seek(begin);
      return true;
    }
    std::string_view s;
    bool escaped;
    if (!reader_.string(s, scratch_, escaped)) return false;
    std::string name(s);
    const KeyRule* rule = rules_.find(name, parent);
    if (!rule) {
      reader_.seek(begin);
      return true;
    }
    bool more;
    if (!reader_.after_element(more)) return false;
    if (!more) {
      reader_.seek(begin);
      return true;
    }
    reader_.skip_space();
    Step& second = step(depth + 1);
    second.is_index = true;
    second.index = 1;
    std::string element;
    if (!apply(element, rule->method == Method::remove ? Method::replace : rule->method, depth + 1))
      return false;
    if (!reader_.after_element(more)) return false;
    if (more) {
      // Three or more elements: not a pair. Scrub it as any array.
      out_.replaced.pop_back();
      reader_.seek(begin);
      return true;
    }
    w += '[';
    json::append_quoted(w, name);
    w += ',';
    w += element;
    w += ']';
    pair = true;
    return true;
  }

  std::string transform(std::string_view value, Method method) const {
    switch (method) {
      case Method::remove:
        return "";
      case Method::replace:
        return profile_.replacement;
      case Method::mask: {
        std::string out(value);
        for (char& c : out)
          if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              static_cast<unsigned char>(c) >= 0x80)
            c = '*';
        return out;
      }
      case Method::hash:
        return "hmac-sha256:" +
               crypto::hex_encode(crypto::hmac_sha256(hash_key_, value)).substr(0, 16);
    }
    return profile_.replacement;
  }

  // A value under a matching key: the whole value goes, whatever its type; a structured
  // value is masked or hashed in its compact JSON text.
  bool apply(std::string& w, Method method, int depth) {
    if (!start(depth)) return false;
    std::string text;
    if (reader_.peek() == '"') {
      std::string_view s;
      bool escaped;
      if (!reader_.string(s, scratch_, escaped)) return false;
      text.assign(s.data(), s.size());
    } else if (!copy(text, depth)) {
      return false;
    }
    json::append_quoted(w,
                        method == Method::remove ? profile_.replacement : transform(text, method));
    out_.replaced.push_back(pointer(depth));
    return true;
  }

  // Free text: `name=value` / `name: value` / `"name": "value"` pairs whose name a key rule
  // matches (URLs, headers written as text, log lines, JSON text), then every detector.
  // A string with percent-escapes (a URL inside a query string, `jo%40x.org`) is then
  // scrubbed again decoded; when that finds more, the decoded, scrubbed text replaces it.
  // Returns whether the text changed (then `out` holds it).
  bool scrub_text(std::string_view text, std::string& out) {
    std::string plain;
    bool percent = false;
    const bool changed = scrub_plain_text(text, plain, &percent);
    const std::string_view now = changed ? std::string_view(plain) : text;
    std::string decoded, scrubbed;
    if (percent && percent_decode(now, decoded) && scrub_plain_text(decoded, scrubbed)) {
      out = std::move(scrubbed);
      return true;
    }
    if (changed) out = std::move(plain);
    return changed;
  }

  // `percent`, when given, says whether the result (or `text`, unchanged) holds a `%`.
  bool scrub_plain_text(std::string_view text, std::string& out, bool* percent = nullptr) {
    std::string current;
    telemetry::Prefilter candidates = telemetry::prefilter(text);
    if (!candidates.name_separator && candidates.detectors == 0) {
      if (percent) *percent = candidates.percent;
      return false;  // most strings: nothing any rule could change
    }
    // A named value needs its `=` or `:`.
    bool changed = candidates.name_separator && scrub_named_values(text, current);
    std::string_view now = changed ? std::string_view(current) : text;
    if (changed) candidates = telemetry::prefilter(now);
    std::string next;
    for (const auto& rule : profile_.values) {
      if (!telemetry::may_match(rule.detector, candidates)) continue;
      auto matches = telemetry::find_all(rule.detector, now);
      if (matches.empty()) continue;
      next.clear();
      size_t last = 0;
      for (const auto& m : matches) {
        next.append(now.data() + last, m.begin - last);
        next += transform(now.substr(m.begin, m.end - m.begin), rule.method);
        last = m.end;
      }
      next.append(now.data() + last, now.size() - last);
      current.swap(next);
      now = current;
      candidates = telemetry::prefilter(now);
      changed = true;
    }
    if (percent) *percent = candidates.percent;
    if (changed) out.assign(now.data(), now.size());
    return changed;
  }

  // Decodes %XX escapes (not `+`). False when there are none, or when the decoded bytes
  // are not UTF-8 (a scrubbed event stays valid JSON text).
  static bool percent_decode(std::string_view text, std::string& out) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    out.clear();
    bool any = false;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
        out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
        i += 2;
        any = true;
      } else {
        out += text[i];
      }
    }
    return any && text::is_valid_utf8(out);
  }

  // The first `=` or `:` at or after `from`, or text.size(); eight bytes at a time (URLs
  // and query strings are long, their separators few).
  static size_t find_separator(std::string_view text, size_t from) {
    using namespace text::swar;
    return find_first(
        text, from, [](uint64_t w) { return bytes_equal(w, '=') | bytes_equal(w, ':'); },
        [](unsigned char c) { return c == '=' || c == ':'; });
  }

  // Rewrites `name=value` pairs in `in`; the text is copied into `out` at the first one.
  bool scrub_named_values(std::string_view in, std::string& out) {
    if (profile_.keys.empty()) return false;
    bool changed = false;
    std::string_view text = in;
    auto name_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    };
    // Names are found from their separators: each `=` or `:` after `i`, with the run of
    // name characters right before it (or before the closing quote of a quoted name).
    // Runs are visited in order, as a left-to-right scan of every run would.
    size_t i = 0;
    size_t from = 0;
    while (true) {
      size_t sep = find_separator(text, std::max(i, from));
      if (sep >= text.size()) break;
      from = sep + 1;
      size_t name_end = sep;
      const bool quoted = sep > 0 && (text[sep - 1] == '"' || text[sep - 1] == '\'');
      if (quoted) --name_end;
      if (name_end == 0 || !name_char(text[name_end - 1])) continue;
      size_t name_start = name_end;
      while (name_start > 0 && name_char(text[name_start - 1])) --name_start;
      if (name_start < i) continue;  // inside what was already scanned or replaced
      // JSON text: the name's closing quote, matching the one before it.
      if (quoted && !(name_start > 0 && text[name_start - 1] == text[name_end])) {
        i = name_end;
        continue;
      }
      size_t v = sep + 1;
      if (text[sep] == ':')
        while (v < text.size() && text[v] == ' ') ++v;
      const KeyRule* rule = rules_.find(text.substr(name_start, name_end - name_start), "");
      if (!rule) {
        i = name_end;
        continue;
      }
      char quote = 0;
      if (v < text.size() && (text[v] == '"' || text[v] == '\'')) quote = text[v++];
      // "Authorization: Bearer x": the credential is what follows the scheme.
      for (const char* scheme : {"bearer ", "basic ", "token "}) {
        size_t n = std::char_traits<char>::length(scheme);
        if (telemetry::normalize_key(text.substr(v, n)) ==
            telemetry::normalize_key(scheme).substr(0, n - 1) + "_")
          v += n;
      }
      size_t end = v;
      if (quote) {
        // A quoted value runs to its closing quote (a backslash escapes one character).
        while (end < text.size() && text[end] != quote) end += text[end] == '\\' ? 2 : 1;
        end = std::min(end, text.size());
      } else if (v < text.size() && (text[v] == '{' || text[v] == '[')) {
        end = v;  // JSON text's object or array: its own pairs are scrubbed one by one
      } else {
        while (end < text.size() && text[end] != '&' && text[end] != ';' && text[end] != ',' &&
               text[end] != '"' && text[end] != '\'' && text[end] != '\n' && text[end] != ' ')
          ++end;
      }
      if (end > v) {
        std::string replacement =
            transform(text.substr(v, end - v),
                      rule->method == Method::remove ? Method::replace : rule->method);
        if (!changed) out.assign(in.data(), in.size());
        out.replace(v, end - v, replacement);
        text = out;
        end = v + replacement.size();
        changed = true;
      }
      i = std::max(end, name_end);
    }
    return changed;
  }

  const ScrubProfile& profile_;
  const std::string& hash_key_;
  json::Reader& reader_;
  ScrubbedEvent& out_;
  KeyRules& rules_;
  json::KeyTracker keys_;  // keys of objects copied whole, and keys too many to intern
  SeenKeys& seen_;         // interned keys of scrubbed objects
  std::vector<Step> path_;
  std::string scratch_;  // decoded strings with escapes
  std::string text_;     // a scrubbed string
  std::string discard_;  // removed values, read to check them
  std::optional<Error> own_error_;
};

// What a thread keeps from one scrub call to the next with the same profile: the keys met and
// their rules (classifying each distinct key against every rule name was most of a small
// event's time) and the duplicate-key table. Another profile (another bundle, a reload) starts
// afresh, and so does a key table half full, so memory stays bounded and new keys are
// interned.
struct ThreadScrubState {
  uint64_t profile = 0;  // the InstanceId the rules were built from
  std::unique_ptr<KeyRules> rules;
  SeenKeys seen;
};

ThreadScrubState& thread_scrub_state(const ScrubProfile& profile) {
  thread_local ThreadScrubState state;
  if (!state.rules || state.profile != profile.instance.value() ||
      state.rules->size() > KeyRules::kMaxCached / 2) {
    state.rules = std::make_unique<KeyRules>(profile);
    state.profile = profile.instance.value();
  }
  state.seen.reset();
  return state;
}

}  // namespace

namespace telemetry {

namespace {

Result<ScrubbedEvent> scrub(const Bundle& bundle, std::string_view event_json,
                            std::string_view profile, bool utf8_checked, size_t* end) {
  const auto& data = bundle.data();
  auto fail = [](std::string message) {
    Error err;
    err.kind = ErrorKind::domain;
    err.message = std::move(message);
    return err;
  };
  if (!data.scrub) return fail("bundle `" + data.manifest.name + "` has no scrub profiles");
  auto it = data.scrub->profiles.find(std::string(profile));
  if (it == data.scrub->profiles.end())
    return fail("unknown scrub profile `" + std::string(profile) + "`");
  // Keyed hashing only: without a key, a hashing profile refuses rather than weakening.
  if (it->second.hashes && data.scrub_hash_key.empty())
    return fail("scrub profile `" + std::string(profile) +
                "` hashes values, but no scrub hash key was given when the bundle was loaded");
  if (!utf8_checked && !text::is_valid_utf8(event_json)) {
    Error err;
    err.kind = ErrorKind::json;
    err.message = "the event is not valid JSON: it is not UTF-8 text";
    return err;
  }
  ScrubbedEvent out;
  json::Reader reader(event_json);
  ThreadScrubState& state = thread_scrub_state(it->second);
  Scrubber scrubber(it->second, data.scrub_hash_key, reader, out, *state.rules, state.seen);
  if (!scrubber.run(end)) return scrubber.error();
  return out;
}

}  // namespace

Result<ScrubbedEvent> scrub_event(const Bundle& bundle, std::string_view event_json,
                                  std::string_view profile, bool utf8_checked) {
  return scrub(bundle, event_json, profile, utf8_checked, nullptr);
}

Result<ScrubbedEvent> scrub_leading_event(const Bundle& bundle, std::string_view text,
                                          std::string_view profile, size_t& end) {
  return scrub(bundle, text, profile, true, &end);
}

}  // namespace telemetry

Result<ScrubbedEvent> scrub_telemetry(const Bundle& bundle, std::string_view event_json,
                                      std::string_view profile) {
  return telemetry::scrub_event(bundle, event_json, profile, false);
}

namespace telemetry {

void append_json(const ScrubbedEvent& event, std::string& out, size_t then) {
  // event_json is already compact JSON text: spliced in, never read again, into a buffer
  // sized once (growing it would copy a large event again).
  size_t size = 64 + event.event_json.size() + then;
  for (const auto* list : {&event.removed, &event.replaced})
    for (const auto& pointer : *list) size += pointer.size() + 3;
  out.reserve(out.size() + size);
  out += "{\"event\":";
  out += event.event_json;
  for (const auto* list : {&event.removed, &event.replaced}) {
    out += list == &event.removed ? ",\"removed\":[" : ",\"replaced\":[";
    for (size_t i = 0; i < list->size(); ++i) {
      if (i) out += ',';
      json::append_quoted(out, (*list)[i]);
    }
    out += ']';
  }
  out += '}';
}

}  // namespace telemetry

std::string ScrubbedEvent::to_json() const {
  std::string out;
  telemetry::append_json(*this, out);
  return out;
}

}  // namespace cordon
