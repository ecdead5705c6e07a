// RFC 3339 times as milliseconds since the Unix epoch: one reader for the gates' facts
// and the native audit log, one writer for what the audit log prints.
//
//   std::optional<int64_t> ms = cordon::text::parse_rfc3339("2026-12-04T12:00:00+01:00");
//   cordon::text::format_rfc3339_ms(*ms);   // "2026-12-04T11:00:00.000Z"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cordon::text {

// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's civil-days method).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; 't' or ' ' may replace 'T' and 'z'
// may replace 'Z'. A fraction finer than a millisecond is truncated. An offset is required.
std::optional<int64_t> parse_rfc3339(std::string_view text);

// UTC with milliseconds: "2026-12-04T11:00:00.000Z" (years 0000-9999; others are clamped).
std::string format_rfc3339_ms(int64_t epoch_ms);

}  // namespace cordon::text
