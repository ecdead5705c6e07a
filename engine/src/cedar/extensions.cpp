// Cedar's four extension types — decimal, ipaddr, datetime, duration — with their
// constructors, methods, comparison rules and Cedar text form.
//
// The parsers follow Cedar 4.x exactly (cedar-policy-core/src/extensions and the Lean
// specification), checked against the reference engine for the corner cases:
//   decimal("-12.34")           value scaled by 10^4, at most 4 fractional digits
//   ip("10.0.0.0/8")            IPv4/IPv6 with optional prefix, no IPv4 embedded in IPv6
//   datetime("2024-10-15T11:38:02.101+0100")   milliseconds since the Unix epoch
//   duration("-1d2h3m4s5ms")    milliseconds
// Every failure is returned as a message, in the wording Cedar uses.
#include "cedar/extensions.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace cordon::cedar {

namespace {

using Type = ExtensionValue::Type;

constexpr int64_t kDecimalScale = 10000;  // decimals keep 4 fractional digits
constexpr size_t kDecimalDigits = 4;
constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;
constexpr uint64_t kInt64MaxMagnitude = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
// The magnitude of INT64_MIN, which has no positive int64 counterpart.
constexpr uint64_t kInt64MinMagnitude = kInt64MaxMagnitude + 1;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), is_digit);
}

// Parses a non-empty run of ASCII digits into a uint64_t; false when it does not fit.
bool parse_u64(std::string_view digits, uint64_t& out) {
  uint64_t value = 0;
  for (char c : digits) {
    if (__builtin_mul_overflow(value, uint64_t{10}, &value) ||
        __builtin_add_overflow(value, static_cast<uint64_t>(c - '0'), &value)) {
      return false;
    }
  }
  out = value;
  return true;
}

// Floor division and the matching non-negative remainder (Rust's div_euclid/rem_euclid
// for a positive divisor).
int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
int64_t rem_euclid(int64_t a, int64_t b) {
  int64_t r = a % b;
  return r < 0 ? r + b : r;
}

std::string constructor_error(std::string_view extension, std::string_view message) {
  return "error while evaluating `" + std::string(extension) +
         "` extension function: " + std::string(message);
}

// ---------------------------------------------------------------------------------------
// decimal

// Accepts -?[0-9]+\.[0-9]+ with at most 4 fractional digits, whose value scaled by 10^4
// fits in an int64. A leading '-' negates the whole number, so "-0.5" is -5000.
bool parse_decimal(std::string_view text, int64_t& value, std::string& error) {
  const bool negative = !text.empty() && text.front() == '-';
  std::string_view body = text.substr(negative ? 1 : 0);
  size_t dot = body.find('.');
  std::string_view whole = body.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : body.substr(dot + 1);
  if (dot == std::string_view::npos || whole.empty() || fraction.empty() || !all_digits(whole) ||
      !all_digits(fraction)) {
    error = "`" + std::string(text) + "` is not a well-formed decimal value";
    return false;
  }
  const std::string overflow = "overflow when converting to decimal";
  uint64_t whole_magnitude = 0;
  if (!parse_u64(whole, whole_magnitude) ||
      whole_magnitude > (negative ? kInt64MinMagnitude : kInt64MaxMagnitude)) {
    error = overflow;
    return false;
  }
  if (fraction.size() > kDecimalDigits) {
    error = "too many digits after the decimal in `" + std::string(text) + "`";
    return false;
  }
  uint64_t fraction_value = 0;
  parse_u64(fraction, fraction_value);  // at most 4 digits: always fits
  for (size_t i = fraction.size(); i < kDecimalDigits; ++i) fraction_value *= 10;

  // |value| = whole * 10^4 + fraction must fit the sign's range.
  uint64_t magnitude = 0;
  if (__builtin_mul_overflow(whole_magnitude, static_cast<uint64_t>(kDecimalScale), &magnitude) ||
      __builtin_add_overflow(magnitude, fraction_value, &magnitude) ||
      magnitude > (negative ? kInt64MinMagnitude : kInt64MaxMagnitude)) {
    error = overflow;
    return false;
  }
  value = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

std::string format_decimal(int64_t value) {
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string fraction = std::to_string(magnitude % kDecimalScale);
  fraction.insert(0, kDecimalDigits - fraction.size(), '0');
  return (value < 0 ? "-" : "") + std::to_string(magnitude / kDecimalScale) + "." + fraction;
}

// ---------------------------------------------------------------------------------------
// ipaddr

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(separator, start);
    if (at == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

// Four decimal octets, each 1 to 3 digits, no leading zero, at most 255.
bool parse_ipv4(std::string_view text, std::array<uint8_t, 16>& address) {
  std::vector<std::string_view> octets = split(text, '.');
  if (octets.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    std::string_view octet = octets[i];
    if (octet.empty() || octet.size() > 3 || !all_digits(octet)) return false;
    if (octet.size() > 1 && octet.front() == '0') return false;  // no octal-looking octets
    uint64_t n = 0;
    parse_u64(octet, n);
    if (n > 255) return false;
    address[i] = static_cast<uint8_t>(n);
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Colon-separated groups of 1 to 4 hex digits; an empty string is zero groups.
bool parse_ipv6_groups(std::string_view text, std::vector<uint16_t>& groups) {
  if (text.empty()) return true;
  for (std::string_view group : split(text, ':')) {
    if (group.empty() || group.size() > 4) return false;
    unsigned value = 0;
    for (char c : group) {
      int digit = hex_value(c);
      if (digit < 0) return false;
      value = value * 16 + static_cast<unsigned>(digit);
    }
    groups.push_back(static_cast<uint16_t>(value));
  }
  return true;
}

// Eight groups, or fewer with one "::" standing for at least one zero group.
bool parse_ipv6(std::string_view text, std::array<uint8_t, 16>& address) {
  std::vector<uint16_t> groups;
  size_t gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_ipv6_groups(text, groups) || groups.size() != 8) return false;
  } else {
    std::string_view tail_text = text.substr(gap + 2);
    if (tail_text.find("::") != std::string_view::npos) return false;
    std::vector<uint16_t> tail;
    if (!parse_ipv6_groups(text.substr(0, gap), groups) || !parse_ipv6_groups(tail_text, tail)) {
      return false;
    }
    if (groups.size() + tail.size() >= 8) return false;
    groups.resize(8 - tail.size(), 0);
    groups.insert(groups.end(), tail.begin(), tail.end());
  }
  for (size_t i = 0; i < 8; ++i) {
    address[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    address[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
  }
  return true;
}

// The prefix after '/': decimal digits, no leading zero, at most 2 (IPv4) or 3 (IPv6)
// characters, at most 32 or 128.
bool parse_prefix(std::string_view text, bool is_v6, uint8_t& prefix, std::string& error) {
  const size_t max_length = is_v6 ? 3 : 2;
  const uint64_t limit = is_v6 ? 128 : 32;
  if (text.empty()) {
    error = "error parsing prefix from the string ``: cannot parse integer from empty string";
    return false;
  }
  if (text.size() > max_length) {
    error = "error parsing prefix: string length " + std::to_string(text.size()) + " is too large";
    return false;
  }
  if (!all_digits(text)) {
    error = "error parsing prefix `" + std::string(text) + "`: encountered non-digit";
    return false;
  }
  if (text.size() > 1 && text.front() == '0') {
    error = "error parsing prefix `" + std::string(text) + "`: leading zero(s)";
    return false;
  }
  uint64_t n = 0;
  parse_u64(text, n);
  if (n > limit) {
    error = "error parsing prefix: " + std::to_string(n) + " is larger than the limit " +
            std::to_string(limit);
    return false;
  }
  prefix = static_cast<uint8_t>(n);
  return true;
}

bool parse_ip(std::string_view text, ExtensionValue& ip, std::string& error) {
  // Cedar refuses IPv4 embedded in IPv6 ("::ffff:1.2.3.4") to avoid confusing the two.
  if (std::count(text.begin(), text.end(), ':') >= 2 &&
      std::count(text.begin(), text.end(), '.') >= 2) {
    error =
        "error parsing IP address from string: We do not accept IPv4 embedded in IPv6 (e.g., "
        "::ffff:127.0.0.1). Found: `" +
        std::string(text) + "`";
    return false;
  }
  size_t slash = text.find('/');
  std::string_view address_text = text.substr(0, slash);
  ip = ExtensionValue{};
  ip.type = Type::ipaddr;
  if (parse_ipv4(address_text, ip.address)) {
    ip.is_v6 = false;
  } else if (parse_ipv6(address_text, ip.address)) {
    ip.is_v6 = true;
  } else {
    ip.address = {};
    error = slash == std::string_view::npos
                ? "invalid IP address: " + std::string(text)
                : "error parsing IP address from the string `" + std::string(address_text) +
                      "`: invalid IP address syntax";
    return false;
  }
  ip.prefix = ip.is_v6 ? 128 : 32;
  if (slash == std::string_view::npos) return true;
  return parse_prefix(text.substr(slash + 1), ip.is_v6, ip.prefix, error);
}

size_t ip_width_bytes(const ExtensionValue& ip) {
  return ip.is_v6 ? 16 : 4;
}

// The lowest and highest addresses of the network ip/prefix, as big-endian byte arrays.
void ip_range(const ExtensionValue& ip, std::array<uint8_t, 16>& low,
              std::array<uint8_t, 16>& high) {
  low = {};
  high = {};
  for (size_t i = 0; i < ip_width_bytes(ip); ++i) {
    int network_bits = std::clamp(static_cast<int>(ip.prefix) - static_cast<int>(8 * i), 0, 8);
    uint8_t network_mask = static_cast<uint8_t>(0xff00u >> network_bits);
    low[i] = ip.address[i] & network_mask;
    high[i] = ip.address[i] | static_cast<uint8_t>(~network_mask);
  }
}

// Whether the network `inner` lies within the network `outer` (same IP version only).
bool ip_in_range(const ExtensionValue& inner, const ExtensionValue& outer) {
  if (inner.is_v6 != outer.is_v6) return false;
  std::array<uint8_t, 16> inner_low, inner_high, outer_low, outer_high;
  ip_range(inner, inner_low, inner_high);
  ip_range(outer, outer_low, outer_high);
  // Big-endian byte arrays compare like the numbers they hold.
  return outer_low <= inner_low && inner_high <= outer_high;
}

ExtensionValue ip_network(bool is_v6, std::array<uint8_t, 16> address, uint8_t prefix) {
  ExtensionValue ip;
  ip.type = Type::ipaddr;
  ip.is_v6 = is_v6;
  ip.address = address;
  ip.prefix = prefix;
  return ip;
}

bool ip_is_loopback(const ExtensionValue& ip) {
  // 127.0.0.0/8 and ::1/128, as ranges: "127.0.0.1/1" is not a loopback network.
  static const ExtensionValue v4 = ip_network(false, {127}, 8);
  static const ExtensionValue v6 =
      ip_network(true, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128);
  return ip_in_range(ip, ip.is_v6 ? v6 : v4);
}

bool ip_is_multicast(const ExtensionValue& ip) {
  static const ExtensionValue v4 = ip_network(false, {224}, 4);
  static const ExtensionValue v6 = ip_network(true, {0xff}, 8);
  return ip_in_range(ip, ip.is_v6 ? v6 : v4);
}

std::string format_ip(const ExtensionValue& ip) {
  std::string out;
  if (!ip.is_v6) {
    for (size_t i = 0; i < 4; ++i) {
      if (i) out += '.';
      out += std::to_string(ip.address[i]);
    }
  } else {
    // RFC 5952: lowercase, the first longest run of two or more zero groups becomes "::".
    // Never the dotted IPv4 tail, which Cedar would refuse to parse back.
    std::array<unsigned, 8> groups{};
    for (size_t i = 0; i < 8; ++i) groups[i] = (ip.address[2 * i] << 8) | ip.address[2 * i + 1];
    size_t best_start = 8, best_length = 0;
    for (size_t i = 0; i < 8;) {
      if (groups[i] != 0) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < 8 && groups[j] == 0) ++j;
      if (j - i >= 2 && j - i > best_length) {
        best_start = i;
        best_length = j - i;
      }
      i = j;
    }
    static const char* hex = "0123456789abcdef";
    for (size_t i = 0; i < 8; ++i) {
      if (i == best_start) {
        out += "::";
        i += best_length - 1;
        continue;
      }
      if (!out.empty() && out.back() != ':') out += ':';
      std::string group;
      unsigned g = groups[i];
      do {
        group.insert(group.begin(), hex[g & 15]);
        g >>= 4;
      } while (g);
      out += group;
    }
  }
  if (ip.prefix != (ip.is_v6 ? 128 : 32)) out += "/" + std::to_string(ip.prefix);
  return out;
}

// ---------------------------------------------------------------------------------------
// datetime

bool is_leap_year(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int days_in_month(int64_t year, int64_t month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Leap years among 1..n (negative n counts year 0 and below negatively), proleptic Gregorian.
int64_t leap_years_through(int64_t n) {
  return floor_div(n, 4) - floor_div(n, 100) + floor_div(n, 400);
}

// Days from 1970-01-01 to year-month-day (a valid date, year 0 to 9999).
int64_t days_since_epoch(int64_t year, int64_t month, int64_t day) {
  static constexpr int kDaysBeforeMonth[12] = {0,   31,  59,  90,  120, 151,
                                               181, 212, 243, 273, 304, 334};
  int64_t days = 365 * (year - 1970) + leap_years_through(year - 1) - leap_years_through(1969);
  days += kDaysBeforeMonth[month - 1] + (month > 2 && is_leap_year(year) ? 1 : 0);
  return days + day - 1;
}

int64_t digits_value(std::string_view digits) {
  uint64_t n = 0;
  parse_u64(digits, n);  // callers pass at most 4 digits
  return static_cast<int64_t>(n);
}

bool has_digits_at(std::string_view s, size_t at, size_t count) {
  return s.size() >= at + count && all_digits(s.substr(at, count));
}

// YYYY-MM-DD, optionally followed by Thh:mm:ss, optional .SSS, and Z or (+|-)hhmm.
// Syntax is checked before values, in Cedar's order, so the messages match.
bool parse_datetime(std::string_view text, int64_t& epoch_ms, std::string& error) {
  if (!(has_digits_at(text, 0, 4) && text.size() >= 10 && text[4] == '-' &&
        has_digits_at(text, 5, 2) && text[7] == '-' && has_digits_at(text, 8, 2))) {
    error = "invalid date pattern";
    return false;
  }
  const int64_t year = digits_value(text.substr(0, 4));
  const int64_t month = digits_value(text.substr(5, 2));
  const int64_t day = digits_value(text.substr(8, 2));
  auto check_date = [&]() {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
      error = "invalid date: " + std::string(text.substr(0, 10));
      return false;
    }
    return true;
  };
  if (text.size() == 10) {
    if (!check_date()) return false;
    epoch_ms = days_since_epoch(year, month, day) * kMsPerDay;
    return true;
  }

  std::string_view rest = text.substr(10);
  if (!(rest.size() >= 9 && rest[0] == 'T' && has_digits_at(rest, 1, 2) && rest[3] == ':' &&
        has_digits_at(rest, 4, 2) && rest[6] == ':' && has_digits_at(rest, 7, 2))) {
    error = "invalid hour/minute/second pattern";
    return false;
  }
  const std::string_view hms = rest.substr(1, 8);
  const int64_t hour = digits_value(rest.substr(1, 2));
  const int64_t minute = digits_value(rest.substr(4, 2));
  const int64_t second = digits_value(rest.substr(7, 2));

  rest = rest.substr(9);
  const std::string bad_ms_or_offset = "invalid millisecond and/or offset pattern";
  int64_t millis = 0;
  if (!rest.empty() && rest[0] == '.') {
    if (!has_digits_at(rest, 1, 3)) {
      error = bad_ms_or_offset;
      return false;
    }
    millis = digits_value(rest.substr(1, 3));
    rest = rest.substr(4);
  }
  bool has_offset = false, offset_positive = true;
  int64_t offset_hours = 0, offset_minutes = 0;
  if (rest.size() == 5 && (rest[0] == '+' || rest[0] == '-') && has_digits_at(rest, 1, 4)) {
    has_offset = true;
    offset_positive = rest[0] == '+';
    offset_hours = digits_value(rest.substr(1, 2));
    offset_minutes = digits_value(rest.substr(3, 2));
  } else if (rest != "Z") {
    error = bad_ms_or_offset;
    return false;
  }

  if (!check_date()) return false;
  // No leap seconds: Cedar cannot tell a real one from a made-up one.
  if (hour >= 24 || minute >= 60 || second >= 60) {
    error = "invalid hour/minute/second: " + std::string(hms);
    return false;
  }
  if (has_offset && (offset_hours >= 24 || offset_minutes >= 60)) {
    error =
        "invalid offset range: " + std::to_string(offset_hours) + std::to_string(offset_minutes);
    return false;
  }
  // Years 0 to 9999 with offsets under a day are far inside the int64 range.
  int64_t local = days_since_epoch(year, month, day) * kMsPerDay + hour * kMsPerHour +
                  minute * kMsPerMinute + second * kMsPerSecond + millis;
  int64_t offset = offset_hours * kMsPerHour + offset_minutes * kMsPerMinute;
  epoch_ms = offset_positive ? local - offset : local + offset;
  return true;
}

// ---------------------------------------------------------------------------------------
// duration

// -?(Nd)?(Nh)?(Nm)?(Ns)?(Nms)? with at least one unit; the total must fit in an int64.
bool parse_duration(std::string_view text, int64_t& ms, std::string& error) {
  const std::string invalid = "invalid duration pattern";
  const bool negative = !text.empty() && text.front() == '-';
  std::string_view body = text.substr(negative ? 1 : 0);
  if (body.empty()) {
    error = invalid;
    return false;
  }
  // Quantities by unit, largest first: d, h, m, s, ms.
  static constexpr int64_t kUnitMs[5] = {kMsPerDay, kMsPerHour, kMsPerMinute, kMsPerSecond, 1};
  std::array<std::string_view, 5> quantities{};
  int last_unit = -1;
  size_t i = 0;
  while (i < body.size()) {
    size_t start = i;
    while (i < body.size() && is_digit(body[i])) ++i;
    if (i == start || i == body.size()) {
      error = invalid;
      return false;
    }
    int unit;
    size_t unit_length = 1;
    if (body.compare(i, 2, "ms") == 0) {
      unit = 4;
      unit_length = 2;
    } else if (body[i] == 'd') {
      unit = 0;
    } else if (body[i] == 'h') {
      unit = 1;
    } else if (body[i] == 'm') {
      unit = 2;
    } else if (body[i] == 's') {
      unit = 3;
    } else {
      error = invalid;
      return false;
    }
    if (unit <= last_unit) {  // units appear once each, largest first
      error = invalid;
      return false;
    }
    last_unit = unit;
    quantities[unit] = body.substr(start, i - start);
    i += unit_length;
  }

  // Every term has the same sign, so the magnitude only grows: checking it against the
  // sign's limit after each term is the same as checking the exact total.
  const std::string overflow = "Duration overflows internal representation";
  const uint64_t limit = negative ? kInt64MinMagnitude : kInt64MaxMagnitude;
  uint64_t magnitude = 0;
  for (int unit = 0; unit < 5; ++unit) {
    if (quantities[unit].empty()) continue;
    uint64_t quantity = 0, term = 0;
    if (!parse_u64(quantities[unit], quantity) ||
        __builtin_mul_overflow(quantity, static_cast<uint64_t>(kUnitMs[unit]), &term) ||
        __builtin_add_overflow(magnitude, term, &magnitude) || magnitude > limit) {
      error = overflow;
      return false;
    }
  }
  ms = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return true;
}

// ---------------------------------------------------------------------------------------
// Calls

Value make_extension(Type type, int64_t number) {
  ExtensionValue ext;
  ext.type = type;
  ext.number = number;
  return Value::extension(ext);
}

std::string type_error(std::string_view expected, const Value& got) {
  return "type error: expected " + std::string(expected) + ", got " + type_name(got);
}

// The extension value of type `type` held by `v`, or a type error.
const ExtensionValue* expect_extension(const Value& v, Type type, std::string& error) {
  if (v.is_extension() && v.as_extension().type == type) return &v.as_extension();
  error = type_error(extension_type_name(type), v);
  return nullptr;
}

const std::string* expect_string(const Value& v, std::string& error) {
  if (v.is_string()) return &v.as_string();
  error = type_error("string", v);
  return nullptr;
}

// The arguments of one call, by pointer: the evaluator passes values it did not copy.
struct Args {
  const Value* const* items;
  size_t count;
  size_t size() const { return count; }
  const Value& operator[](size_t i) const { return *items[i]; }
};
using Implementation = bool (*)(const Args& args, Value& out, std::string& error);

struct ExtensionFunction {
  std::string_view name;
  bool is_method;  // called as receiver.name(...); the receiver is args[0]
  size_t arity;    // including the receiver
  Implementation call;
};

bool call_decimal(const Args& args, Value& out, std::string& error) {
  const std::string* text = expect_string(args[0], error);
  if (!text) return false;
  int64_t value = 0;
  if (!parse_decimal(*text, value, error)) {
    error = constructor_error("decimal", error);
    return false;
  }
  out = make_extension(Type::decimal, value);
  return true;
}

template <bool (*Test)(int64_t, int64_t)>
bool call_decimal_comparison(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* left = expect_extension(args[0], Type::decimal, error);
  if (!left) return false;
  const ExtensionValue* right = expect_extension(args[1], Type::decimal, error);
  if (!right) return false;
  out = Value::boolean(Test(left->number, right->number));
  return true;
}

bool less(int64_t a, int64_t b) {
  return a < b;
}
bool less_or_equal(int64_t a, int64_t b) {
  return a <= b;
}
bool greater(int64_t a, int64_t b) {
  return a > b;
}
bool greater_or_equal(int64_t a, int64_t b) {
  return a >= b;
}

bool call_ip(const Args& args, Value& out, std::string& error) {
  const std::string* text = expect_string(args[0], error);
  if (!text) return false;
  ExtensionValue ip;
  if (!parse_ip(*text, ip, error)) {
    error = constructor_error("ipaddr", error);
    return false;
  }
  out = Value::extension(ip);
  return true;
}

template <bool (*Test)(const ExtensionValue&)>
bool call_ip_test(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* ip = expect_extension(args[0], Type::ipaddr, error);
  if (!ip) return false;
  out = Value::boolean(Test(*ip));
  return true;
}

bool ip_is_v4(const ExtensionValue& ip) {
  return !ip.is_v6;
}
bool ip_is_v6(const ExtensionValue& ip) {
  return ip.is_v6;
}

bool call_is_in_range(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* inner = expect_extension(args[0], Type::ipaddr, error);
  if (!inner) return false;
  const ExtensionValue* outer = expect_extension(args[1], Type::ipaddr, error);
  if (!outer) return false;
  out = Value::boolean(ip_in_range(*inner, *outer));
  return true;
}

bool call_datetime(const Args& args, Value& out, std::string& error) {
  const std::string* text = expect_string(args[0], error);
  if (!text) return false;
  int64_t ms = 0;
  if (!parse_datetime(*text, ms, error)) {
    error = constructor_error("datetime", error);
    return false;
  }
  out = make_extension(Type::datetime, ms);
  return true;
}

bool call_duration(const Args& args, Value& out, std::string& error) {
  const std::string* text = expect_string(args[0], error);
  if (!text) return false;
  int64_t ms = 0;
  if (!parse_duration(*text, ms, error)) {
    error = constructor_error("duration", error);
    return false;
  }
  out = make_extension(Type::duration, ms);
  return true;
}

bool call_offset(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* datetime = expect_extension(args[0], Type::datetime, error);
  if (!datetime) return false;
  const ExtensionValue* duration = expect_extension(args[1], Type::duration, error);
  if (!duration) return false;
  int64_t result = 0;
  if (__builtin_add_overflow(datetime->number, duration->number, &result)) {
    error = constructor_error("offset", "overflows when adding an offset: " + datetime->to_cedar() +
                                            "+(" + std::to_string(duration->number) + "ms)");
    return false;
  }
  out = make_extension(Type::datetime, result);
  return true;
}

bool call_duration_since(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* later = expect_extension(args[0], Type::datetime, error);
  if (!later) return false;
  const ExtensionValue* earlier = expect_extension(args[1], Type::datetime, error);
  if (!earlier) return false;
  int64_t result = 0;
  if (__builtin_sub_overflow(later->number, earlier->number, &result)) {
    error =
        constructor_error("durationSince", "overflows when computing the duration between " +
                                               later->to_cedar() + " and " + earlier->to_cedar());
    return false;
  }
  out = make_extension(Type::duration, result);
  return true;
}

bool call_to_date(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* datetime = expect_extension(args[0], Type::datetime, error);
  if (!datetime) return false;
  // Midnight at or before the instant; below INT64_MIN for the earliest few instants.
  int64_t result = 0;
  if (__builtin_sub_overflow(datetime->number, rem_euclid(datetime->number, kMsPerDay), &result)) {
    error =
        constructor_error("toDate", "overflows when computing the date of " + datetime->to_cedar());
    return false;
  }
  out = make_extension(Type::datetime, result);
  return true;
}

bool call_to_time(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* datetime = expect_extension(args[0], Type::datetime, error);
  if (!datetime) return false;
  out = make_extension(Type::duration, rem_euclid(datetime->number, kMsPerDay));
  return true;
}

// Duration to whole units, truncating toward zero.
template <int64_t UnitMs>
bool call_duration_in_units(const Args& args, Value& out, std::string& error) {
  const ExtensionValue* duration = expect_extension(args[0], Type::duration, error);
  if (!duration) return false;
  out = Value::integer(duration->number / UnitMs);
  return true;
}

constexpr ExtensionFunction kFunctions[] = {
    {"decimal", false, 1, call_decimal},
    {"lessThan", true, 2, call_decimal_comparison<less>},
    {"lessThanOrEqual", true, 2, call_decimal_comparison<less_or_equal>},
    {"greaterThan", true, 2, call_decimal_comparison<greater>},
    {"greaterThanOrEqual", true, 2, call_decimal_comparison<greater_or_equal>},
    {"ip", false, 1, call_ip},
    {"isIpv4", true, 1, call_ip_test<ip_is_v4>},
    {"isIpv6", true, 1, call_ip_test<ip_is_v6>},
    {"isLoopback", true, 1, call_ip_test<ip_is_loopback>},
    {"isMulticast", true, 1, call_ip_test<ip_is_multicast>},
    {"isInRange", true, 2, call_is_in_range},
    {"datetime", false, 1, call_datetime},
    {"duration", false, 1, call_duration},
    {"offset", true, 2, call_offset},
    {"durationSince", true, 2, call_duration_since},
    {"toDate", true, 1, call_to_date},
    {"toTime", true, 1, call_to_time},
    {"toMilliseconds", true, 1, call_duration_in_units<1>},
    {"toSeconds", true, 1, call_duration_in_units<kMsPerSecond>},
    {"toMinutes", true, 1, call_duration_in_units<kMsPerMinute>},
    {"toHours", true, 1, call_duration_in_units<kMsPerHour>},
    {"toDays", true, 1, call_duration_in_units<kMsPerDay>},
};

const ExtensionFunction* find_function(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// ExtensionValue

bool ExtensionValue::operator==(const ExtensionValue& o) const {
  return compare(o) == 0;
}

int ExtensionValue::compare(const ExtensionValue& o) const {
  if (type != o.type) return type < o.type ? -1 : 1;
  if (type != Type::ipaddr) return number < o.number ? -1 : number > o.number ? 1 : 0;
  // IPv4 before IPv6, then the address as a number, then the prefix: the address is kept
  // as written, so 10.0.0.1/24 and 10.0.0.0/24 differ, as in Cedar.
  if (is_v6 != o.is_v6) return is_v6 ? 1 : -1;
  for (size_t i = 0; i < ip_width_bytes(*this); ++i) {
    if (address[i] != o.address[i]) return address[i] < o.address[i] ? -1 : 1;
  }
  return prefix < o.prefix ? -1 : prefix > o.prefix ? 1 : 0;
}

std::string ExtensionValue::to_cedar() const {
  switch (type) {
    case Type::decimal:
      return "decimal(\"" + format_decimal(number) + "\")";
    case Type::ipaddr:
      return "ip(\"" + format_ip(*this) + "\")";
    // Cedar's own canonical form of a datetime: an offset from the epoch.
    case Type::datetime:
      return "datetime(\"1970-01-01\").offset(duration(\"" + std::to_string(number) + "ms\"))";
    case Type::duration:
      return "duration(\"" + std::to_string(number) + "ms\")";
  }
  return {};
}

const char* extension_type_name(ExtensionValue::Type type) {
  switch (type) {
    case Type::decimal:
      return "decimal";
    case Type::ipaddr:
      return "ipaddr";
    case Type::datetime:
      return "datetime";
    case Type::duration:
      return "duration";
  }
  return "extension";
}

// ---------------------------------------------------------------------------------------
// Public entry points

bool is_extension_function(std::string_view name) {
  const ExtensionFunction* f = find_function(name);
  return f && !f->is_method;
}

bool is_extension_method(std::string_view name) {
  const ExtensionFunction* f = find_function(name);
  return f && f->is_method;
}

bool call_extension(std::string_view name, const std::vector<Value>& args, Value& out,
                    std::string& error) {
  std::vector<const Value*> items;
  items.reserve(args.size());
  for (const Value& v : args) items.push_back(&v);
  return call_extension(name, items.data(), items.size(), out, error);
}

bool call_extension(std::string_view name, const Value* const* items, size_t count, Value& out,
                    std::string& error) {
  const Args args{items, count};
  const ExtensionFunction* f = find_function(name);
  if (!f) {
    error = "extension function `" + std::string(name) + "` does not exist";
    return false;
  }
  if (args.size() != f->arity) {
    error = "wrong number of arguments provided to extension function `" + std::string(name) +
            "`: expected " + std::to_string(f->arity) + ", got " + std::to_string(args.size());
    return false;
  }
  return f->call(args, out, error);
}

bool is_ordered_extension(ExtensionValue::Type type) {
  // Cedar 4 overloads <, <=, >, >= for datetime and duration only; decimals compare
  // through their methods (lessThan, ...).
  return type == Type::datetime || type == Type::duration;
}

bool compare_extension(const Value& a, const Value& b, int& result, std::string& error) {
  auto ordered = [](const Value& v) {
    return v.is_extension() && is_ordered_extension(v.as_extension().type);
  };
  if (a.is_integer() && b.is_integer()) {
    result = a.as_integer() < b.as_integer() ? -1 : a.as_integer() > b.as_integer() ? 1 : 0;
    return true;
  }
  if (ordered(a) && ordered(b) && a.as_extension().type == b.as_extension().type) {
    int64_t x = a.as_extension().number, y = b.as_extension().number;
    result = x < y ? -1 : x > y ? 1 : 0;
    return true;
  }
  // The type error names what the operator expected, in Cedar's order of preference.
  if (a.is_integer()) {
    error = type_error("long", b);
  } else if (b.is_integer()) {
    error = type_error("long", a);
  } else if (ordered(a)) {
    error = type_error(extension_type_name(a.as_extension().type), b);
  } else if (ordered(b)) {
    error = type_error(extension_type_name(b.as_extension().type), a);
  } else {
    error = type_error("one of [long, datetime, duration]", a);
  }
  return false;
}

}  // namespace cordon::cedar
