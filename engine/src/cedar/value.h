// Cedar values: booleans, 64-bit integers, strings, entity references, sets,
// records and extension values (decimal, ipaddr, datetime, duration).
//
// Values are immutable and cheap to copy: sets and records are shared. Sets are
// kept sorted and without duplicates, so equality is structural and O(n).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cordon::cedar {

// An entity's identity: its type name (possibly namespaced, "A::B") and its id.
struct EntityUid {
  std::string type;
  std::string id;

  bool operator==(const EntityUid& o) const { return id == o.id && type == o.type; }
  bool operator!=(const EntityUid& o) const { return !(*this == o); }
  bool operator<(const EntityUid& o) const {
    int c = type.compare(o.type);
    return c != 0 ? c < 0 : id < o.id;
  }
  // Cedar text: Type::"id" with the id escaped.
  std::string to_cedar() const;
};

// Eight bytes at a time: uids are hashed for every entity a call carries, and the
// standard library's string hash was a tenth of reading them in WebAssembly.
struct EntityUidHash {
  static uint64_t mix(uint64_t h, std::string_view text) {
    constexpr uint64_t kOdd = 0x9e3779b97f4a7c15ULL;
    const char* at = text.data();
    size_t left = text.size();
    for (; left >= 8; at += 8, left -= 8) {
      uint64_t word;
      std::memcpy(&word, at, 8);
      h = (h ^ word) * kOdd;
      h ^= h >> 32;
    }
    // The last 0-7 bytes without a byte loop: two overlapping 4-byte reads, or the first,
    // middle and last of 1-3 bytes.
    uint64_t tail = 0;
    if (left >= 4) {
      uint32_t low, high;
      std::memcpy(&low, at, 4);
      std::memcpy(&high, at + left - 4, 4);
      tail = (static_cast<uint64_t>(high) << 32) | low;
    } else if (left > 0) {
      auto byte = [&](size_t i) {
        return static_cast<uint64_t>(static_cast<unsigned char>(at[i]));
      };
      tail = (byte(0) << 16) | (byte(left / 2) << 8) | byte(left - 1);
    }
    h = (h ^ tail ^ (static_cast<uint64_t>(text.size()) << 59)) * kOdd;
    return h ^ (h >> 29);
  }
  size_t operator()(const EntityUid& uid) const {
    uint64_t h = mix(mix(0x2545f4914f6cdd1dULL, uid.type), uid.id);
    h *= 0xbf58476d1ce4e5b9ULL;
    return static_cast<size_t>(h ^ (h >> 31));
  }
};

// The four extension types of Cedar, held by value.
struct ExtensionValue {
  enum class Type : uint8_t { decimal, ipaddr, datetime, duration };
  Type type = Type::decimal;
  // decimal: value scaled by 10^4; datetime: milliseconds since the Unix epoch;
  // duration: milliseconds.
  int64_t number = 0;
  // ipaddr: 16 address bytes (v4 uses the first 4), whether v6, and the prefix length.
  std::array<uint8_t, 16> address{};
  bool is_v6 = false;
  uint8_t prefix = 0;

  bool operator==(const ExtensionValue& o) const;
  int compare(const ExtensionValue& o) const;  // total order for set canonicalization
  std::string to_cedar() const;                // e.g. decimal("1.5000")
};

const char* extension_type_name(ExtensionValue::Type type);

class Value;
using SetElements = std::vector<Value>;
using RecordFields = std::map<std::string, Value, std::less<>>;

class Value {
 public:
  enum class Kind : uint8_t { boolean, integer, string, entity, set, record, extension };

  Value() : data_(false) {}
  static Value boolean(bool b) { return Value(Data(b)); }
  static Value integer(int64_t i) { return Value(Data(i)); }
  static Value string(std::string s) { return Value(Data(std::move(s))); }
  static Value entity(EntityUid uid) {
    return Value(Data(std::make_shared<const EntityUid>(std::move(uid))));
  }
  // Sorts and removes duplicates.
  static Value set(SetElements elements);
  static Value record(RecordFields fields) {
    return Value(Data(std::make_shared<const RecordFields>(std::move(fields))));
  }
  // The one shared {}: most entities have no tags, and many no attributes.
  static Value empty_record();
  static Value extension(ExtensionValue ext) {
    return Value(Data(std::make_shared<const ExtensionValue>(ext)));
  }

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_bool() const { return kind() == Kind::boolean; }
  bool is_integer() const { return kind() == Kind::integer; }
  bool is_string() const { return kind() == Kind::string; }
  bool is_entity() const { return kind() == Kind::entity; }
  bool is_set() const { return kind() == Kind::set; }
  bool is_record() const { return kind() == Kind::record; }
  bool is_extension() const { return kind() == Kind::extension; }

  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_integer() const { return std::get<int64_t>(data_); }
  const std::string& as_string() const { return std::get<std::string>(data_); }
  const EntityUid& as_entity() const { return *std::get<std::shared_ptr<const EntityUid>>(data_); }
  const SetElements& as_set() const { return *std::get<std::shared_ptr<const SetElements>>(data_); }
  const RecordFields& as_record() const {
    return *std::get<std::shared_ptr<const RecordFields>>(data_);
  }
  const ExtensionValue& as_extension() const {
    return *std::get<std::shared_ptr<const ExtensionValue>>(data_);
  }

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }
  // A total order over all values, used to keep sets canonical.
  int compare(const Value& o) const;
  bool operator<(const Value& o) const { return compare(o) < 0; }

  // Set membership by binary search (sets are sorted).
  bool set_contains(const Value& v) const;

  // Cedar text of the value, for messages.
  std::string to_cedar() const;

 private:
  using Data = std::variant<bool, int64_t, std::string, std::shared_ptr<const EntityUid>,
                            std::shared_ptr<const SetElements>, std::shared_ptr<const RecordFields>,
                            std::shared_ptr<const ExtensionValue>>;
  explicit Value(Data d) : data_(std::move(d)) {}
  Data data_;
};

// The name of a value's type as Cedar's messages use it: "bool", "long", "string",
// "(entity of type `User`)", "set", "record", "decimal", ...
std::string type_name(const Value& v);

// Escapes a string the way Cedar prints string literals (without the quotes).
std::string escape_string(std::string_view s);

}  // namespace cordon::cedar
