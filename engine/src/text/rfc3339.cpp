// RFC 3339 times (rfc3339.h).
#include "text/rfc3339.h"

#include <cstdio>

namespace cordon::text {

namespace {

bool leap_year(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  auto digits = [&](size_t at, size_t count, int64_t& out) {
    if (at + count > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + count; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int64_t year, month, day, hour, minute, second;
  if (!digits(0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(5, 2, month) || s[7] != '-' ||
      !digits(8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(11, 2, hour) || s[13] != ':' || !digits(14, 2, minute) || s[16] != ':' ||
      !digits(17, 2, second))
    return std::nullopt;
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  if (day > kDaysInMonth[month - 1] + (month == 2 && leap_year(year) ? 1 : 0)) return std::nullopt;
  size_t at = 19;
  int64_t millis = 0;
  if (at < s.size() && s[at] == '.') {
    size_t start = ++at;
    int64_t scale = 100;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      if (scale > 0) millis += (s[at] - '0') * scale;  // finer than a millisecond: truncated
      scale /= 10;
      ++at;
    }
    if (at == start) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    int64_t oh, om;
    if (!digits(at + 1, 2, oh) || at + 3 >= s.size() || s[at + 3] != ':' ||
        !digits(at + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (s[at] == '+' ? 1 : -1) * (oh * 60 + om);
    at += 6;
  } else {
    return std::nullopt;  // RFC 3339 requires an offset
  }
  if (at != s.size()) return std::nullopt;
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = ((days * 24 + hour) * 60 + minute) * 60 + second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string format_rfc3339_ms(int64_t epoch_ms) {
  // Clamp to 0000-01-01 .. 9999-12-31 so the text always has four year digits.
  constexpr int64_t kMin = -62167219200000;  // 0000-01-01T00:00:00Z
  constexpr int64_t kMax = 253402300799999;  // 9999-12-31T23:59:59.999Z
  if (epoch_ms < kMin) epoch_ms = kMin;
  if (epoch_ms > kMax) epoch_ms = kMax;
  const int64_t days = floor_div(epoch_ms, 86'400'000);
  const int64_t ms_of_day = epoch_ms - days * 86'400'000;
  // civil_from_days (Hinnant).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(ms_of_day / 3'600'000),
                static_cast<long long>(ms_of_day / 60'000 % 60),
                static_cast<long long>(ms_of_day / 1000 % 60),
                static_cast<long long>(ms_of_day % 1000));
  return buffer;
}

}  // namespace cordon::text
