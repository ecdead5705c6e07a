// Tests of Cedar's extension types (engine/src/cedar/extensions.cpp): the decimal, ip,
// datetime and duration constructors, their methods, the comparison operators and the
// errors. Every expected value and every accepted/rejected literal here was checked
// against the reference engine (@cedar-policy/cedar-wasm 4.13.0).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cedar/extensions.h"
#include "cedar/value.h"

namespace {

using cordon::cedar::call_extension;
using cordon::cedar::compare_extension;
using cordon::cedar::ExtensionValue;
using cordon::cedar::Value;
using Type = ExtensionValue::Type;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

struct Outcome {
  bool ok = false;
  Value value;
  std::string error;
};

Outcome call(std::string_view name, std::vector<Value> args) {
  Outcome o;
  o.ok = call_extension(name, args, o.value, o.error);
  return o;
}

Value str(const std::string& s) {
  return Value::string(s);
}

// Constructs fn("text"), failing the test if Cedar would reject it.
Value make(std::string_view fn, const std::string& text) {
  Outcome o = call(fn, {str(text)});
  EXPECT_TRUE(o.ok) << fn << "(\"" << text << "\"): " << o.error;
  return o.ok ? o.value : Value();
}

int64_t number_of(std::string_view fn, const std::string& text) {
  Value v = make(fn, text);
  return v.is_extension() ? v.as_extension().number : 0;
}

// The error of fn("text"), or "" when it unexpectedly succeeds.
std::string error_of(std::string_view fn, const std::string& text) {
  Outcome o = call(fn, {str(text)});
  EXPECT_FALSE(o.ok) << fn << "(\"" << text << "\") should be an error";
  EXPECT_FALSE(!o.ok && o.error.empty()) << "an error needs a message";
  return o.error;
}

bool method_bool(std::string_view name, std::vector<Value> args) {
  Outcome o = call(name, std::move(args));
  EXPECT_TRUE(o.ok) << name << ": " << o.error;
  EXPECT_TRUE(!o.ok || o.value.is_bool());
  return o.ok && o.value.is_bool() && o.value.as_bool();
}

int64_t method_long(std::string_view name, std::vector<Value> args) {
  Outcome o = call(name, std::move(args));
  EXPECT_TRUE(o.ok) << name << ": " << o.error;
  EXPECT_TRUE(!o.ok || o.value.is_integer());
  return o.ok && o.value.is_integer() ? o.value.as_integer() : 0;
}

Value method_value(std::string_view name, std::vector<Value> args) {
  Outcome o = call(name, std::move(args));
  EXPECT_TRUE(o.ok) << name << ": " << o.error;
  return o.value;
}

Value epoch_offset(const std::string& duration_text) {
  return method_value("offset", {make("datetime", "1970-01-01"), make("duration", duration_text)});
}

// ---------------------------------------------------------------------------------------
// decimal

TEST(Decimal, ParsesScaledByTenThousand) {
  EXPECT_EQ(number_of("decimal", "1.0"), 10000);
  EXPECT_EQ(number_of("decimal", "-1.0"), -10000);
  EXPECT_EQ(number_of("decimal", "123.456"), 1234560);
  EXPECT_EQ(number_of("decimal", "0.1234"), 1234);
  EXPECT_EQ(number_of("decimal", "-0.0123"), -123);
  EXPECT_EQ(number_of("decimal", "00000000000000000000000001.5"), 15000);
  EXPECT_EQ(number_of("decimal", "-0.0"), 0);
}

TEST(Decimal, LeadingMinusNegatesTheFractionToo) {
  // Cedar 4: decimal("-0.5") is below zero, not equal to decimal("0.5").
  EXPECT_EQ(number_of("decimal", "-0.5"), -5000);
  EXPECT_EQ(number_of("decimal", "-0.0001"), -1);
  EXPECT_TRUE(method_bool("lessThan", {make("decimal", "-0.5"), make("decimal", "0.0")}));
  EXPECT_FALSE(make("decimal", "-0.5") == make("decimal", "0.5"));
}

TEST(Decimal, RangeIsInt64ScaledByTenThousand) {
  EXPECT_EQ(number_of("decimal", "922337203685477.5807"), kInt64Max);
  EXPECT_EQ(number_of("decimal", "-922337203685477.5808"), kInt64Min);
  const std::string overflow =
      "error while evaluating `decimal` extension function: overflow when converting to decimal";
  EXPECT_EQ(error_of("decimal", "922337203685477.5808"), overflow);
  EXPECT_EQ(error_of("decimal", "-922337203685477.5809"), overflow);
  EXPECT_EQ(error_of("decimal", "922337203685478.0"), overflow);
  EXPECT_EQ(error_of("decimal", "99999999999999999999.0"), overflow);
}

TEST(Decimal, RejectsMalformedLiterals) {
  for (const char* text :
       {"", "1", "1.", ".5", "-.5", "+1.5", "1.5e3", "1..0", "1.0.0", " 1.0", "1.0 ", "1_0.0",
        "--1.0", "-", "-.", "1.-5", "1.+5", "0x1.0", "\xd9\xa1.0" /* Arabic-Indic one */}) {
    error_of("decimal", text);
  }
  EXPECT_EQ(error_of("decimal", "1."),
            "error while evaluating `decimal` extension function: `1.` is not a well-formed "
            "decimal value");
}

TEST(Decimal, AtMostFourFractionalDigits) {
  EXPECT_EQ(number_of("decimal", "1.9999"), 19999);
  EXPECT_EQ(error_of("decimal", "1.00000"),
            "error while evaluating `decimal` extension function: too many digits after the "
            "decimal in `1.00000`");
}

TEST(Decimal, ComparisonMethods) {
  Value a = make("decimal", "0.1");
  Value b = make("decimal", "0.09");
  Value a2 = make("decimal", "0.1000");
  EXPECT_TRUE(method_bool("greaterThan", {a, b}));
  EXPECT_FALSE(method_bool("lessThan", {a, b}));
  EXPECT_TRUE(method_bool("greaterThanOrEqual", {a, a2}));
  EXPECT_TRUE(method_bool("lessThanOrEqual", {a, a2}));
  EXPECT_FALSE(method_bool("greaterThan", {a, a2}));
  EXPECT_FALSE(method_bool("lessThan", {a, a2}));
  EXPECT_TRUE(method_bool("lessThan", {make("decimal", "-922337203685477.5808"),
                                       make("decimal", "922337203685477.5807")}));
}

TEST(Decimal, EqualityIsByValue) {
  EXPECT_TRUE(make("decimal", "1.0") == make("decimal", "1.0000"));
  EXPECT_TRUE(make("decimal", "0.05") == make("decimal", "0.0500"));
  EXPECT_FALSE(make("decimal", "1.0") == make("decimal", "1.0001"));
  EXPECT_FALSE(make("decimal", "1.0") == make("ip", "1.0.0.0"));
}

TEST(Decimal, CedarTextRoundTrips) {
  EXPECT_EQ(make("decimal", "-0.05").to_cedar(), "decimal(\"-0.0500\")");
  EXPECT_EQ(make("decimal", "12.0").to_cedar(), "decimal(\"12.0000\")");
  EXPECT_EQ(make("decimal", "-922337203685477.5808").to_cedar(),
            "decimal(\"-922337203685477.5808\")");
  for (const char* text : {"0.0", "-0.5", "1.2345", "922337203685477.5807", "-3.0001"}) {
    Value v = make("decimal", text);
    std::string cedar = v.as_extension().to_cedar();
    std::string inner = cedar.substr(9, cedar.size() - 11);  // decimal("...")
    EXPECT_TRUE(make("decimal", inner) == v) << cedar;
  }
}

// ---------------------------------------------------------------------------------------
// ipaddr

TEST(Ip, AcceptsCedarsAddressForms) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "10.0.0.1/0", "1.2.3.4/32", "::", "::/0",
                           "::1/128", "1::", "A::B", "0001::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::",
                           "::1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8/64", "::ffff:a00:1"}) {
    make("ip", text);
  }
}

TEST(Ip, RejectsWhatCedarRejects) {
  for (const char* text :
       {"", "1.2.3", "1.2.3.4.5", "256.0.0.0", "010.0.0.1", "1.2.3.04", "0.0.0.00", " 1.2.3.4",
        "1.2.3.4 ", "1.2.3.4:80", "1::2::3", "1:::2",
        ":1::", "::1:", "00001::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", ":1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:", "1:2:3:4:5:6:7", "fe80::1%eth0", "[::1]", "g::1", "\xd9\xa1.2.3.4",
        // IPv4 embedded in IPv6 is refused, in every spelling
        "::ffff:1.2.3.4", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "::1.2",
        // prefixes: digits only, no leading zero, at most 2/3 characters, in range
        "1.2.3.4/", "/24", "1.2.3.4/33", "::1/129", "10.0.0.1/+24", "10.0.0.1/024", "::1/0128",
        "1.2.3.4/08", "1.2.3.4/00", "::/000", "::/00", "::/+24", "::/-1", "::/1_0", "1.2.3.4/+1",
        "1.2.3.4/24/1", "1.2.3.4/3 2"}) {
    error_of("ip", text);
  }
}

TEST(Ip, ErrorMessagesFollowCedar) {
  EXPECT_EQ(error_of("ip", "256.0.0.0"),
            "error while evaluating `ipaddr` extension function: invalid IP address: 256.0.0.0");
  EXPECT_EQ(error_of("ip", "1.2.3.4/33"),
            "error while evaluating `ipaddr` extension function: error parsing prefix: 33 is "
            "larger than the limit 32");
  EXPECT_EQ(error_of("ip", "10.0.0.1/024"),
            "error while evaluating `ipaddr` extension function: error parsing prefix: string "
            "length 3 is too large");
  EXPECT_EQ(error_of("ip", "::/00"),
            "error while evaluating `ipaddr` extension function: error parsing prefix `00`: "
            "leading zero(s)");
  EXPECT_EQ(error_of("ip", "::/+1"),
            "error while evaluating `ipaddr` extension function: error parsing prefix `+1`: "
            "encountered non-digit");
  EXPECT_EQ(error_of("ip", "::1.2.3.4"),
            "error while evaluating `ipaddr` extension function: error parsing IP address from "
            "string: We do not accept IPv4 embedded in IPv6 (e.g., ::ffff:127.0.0.1). Found: "
            "`::1.2.3.4`");
}

TEST(Ip, StoresAddressVersionAndPrefix) {
  const ExtensionValue v4 = make("ip", "192.168.0.1/24").as_extension();
  EXPECT_FALSE(v4.is_v6);
  EXPECT_EQ(v4.prefix, 24);
  EXPECT_EQ(v4.address[0], 192);
  EXPECT_EQ(v4.address[3], 1);  // the address is kept as written, not masked
  const ExtensionValue v6 = make("ip", "ff02::1").as_extension();
  EXPECT_TRUE(v6.is_v6);
  EXPECT_EQ(v6.prefix, 128);
  EXPECT_EQ(v6.address[0], 0xff);
  EXPECT_EQ(v6.address[1], 0x02);
  EXPECT_EQ(v6.address[15], 1);
  EXPECT_EQ(make("ip", "1.2.3.4").as_extension().prefix, 32);
}

TEST(Ip, VersionTests) {
  EXPECT_TRUE(method_bool("isIpv4", {make("ip", "1.2.3.4")}));
  EXPECT_FALSE(method_bool("isIpv6", {make("ip", "1.2.3.4")}));
  EXPECT_TRUE(method_bool("isIpv6", {make("ip", "::ffff:a00:1")}));
  EXPECT_FALSE(method_bool("isIpv4", {make("ip", "::ffff:a00:1")}));
}

TEST(Ip, LoopbackIsARangeTest) {
  // 127.0.0.0/8 and ::1/128: a wider network is not a loopback network.
  EXPECT_TRUE(method_bool("isLoopback", {make("ip", "127.0.0.1/8")}));
  EXPECT_TRUE(method_bool("isLoopback", {make("ip", "127.255.0.1/32")}));
  EXPECT_FALSE(method_bool("isLoopback", {make("ip", "127.0.0.1/7")}));
  EXPECT_FALSE(method_bool("isLoopback", {make("ip", "127.0.0.1/1")}));
  EXPECT_TRUE(method_bool("isLoopback", {make("ip", "::1")}));
  EXPECT_FALSE(method_bool("isLoopback", {make("ip", "::1/127")}));
  EXPECT_FALSE(method_bool("isLoopback", {make("ip", "::1/0")}));
  EXPECT_FALSE(method_bool("isLoopback", {make("ip", "::ffff:7f00:1")}));
  EXPECT_FALSE(method_bool("isLoopback", {make("ip", "10.0.0.1")}));
}

TEST(Ip, MulticastIsARangeTest) {
  EXPECT_TRUE(method_bool("isMulticast", {make("ip", "239.0.0.1")}));
  EXPECT_TRUE(method_bool("isMulticast", {make("ip", "224.0.0.1/4")}));
  EXPECT_FALSE(method_bool("isMulticast", {make("ip", "224.0.0.1/3")}));
  EXPECT_FALSE(method_bool("isMulticast", {make("ip", "240.0.0.1")}));
  EXPECT_TRUE(method_bool("isMulticast", {make("ip", "ff02::1")}));
  EXPECT_TRUE(method_bool("isMulticast", {make("ip", "ff00::1/8")}));
  EXPECT_FALSE(method_bool("isMulticast", {make("ip", "ff00::1/7")}));
}

TEST(Ip, IsInRange) {
  auto in_range = [](const char* inner, const char* outer) {
    return method_bool("isInRange", {make("ip", inner), make("ip", outer)});
  };
  EXPECT_TRUE(in_range("10.0.0.1", "10.0.0.0/8"));
  EXPECT_FALSE(in_range("10.0.0.0/8", "10.0.0.1"));
  EXPECT_TRUE(in_range("10.0.0.0/8", "10.0.0.0/8"));
  EXPECT_FALSE(in_range("10.0.0.0/7", "10.0.0.0/8"));
  EXPECT_TRUE(in_range("10.0.0.0/24", "10.0.0.5/8"));  // both sides are masked first
  EXPECT_TRUE(in_range("1.2.3.4", "1.2.3.4"));
  EXPECT_TRUE(in_range("10.0.0.1", "0.0.0.0/0"));
  EXPECT_TRUE(in_range("::1", "::/0"));
  EXPECT_TRUE(in_range("2001:db8::1", "2001:db8::/32"));
  EXPECT_FALSE(in_range("2001:db9::1", "2001:db8::/32"));
  // IPv4 and IPv6 are never in each other's ranges.
  EXPECT_FALSE(in_range("10.0.0.1", "::/0"));
  EXPECT_FALSE(in_range("::ffff:a00:1", "10.0.0.0/8"));
}

TEST(Ip, EqualityComparesVersionAddressAndPrefix) {
  EXPECT_TRUE(make("ip", "10.0.0.1") == make("ip", "10.0.0.1/32"));
  EXPECT_FALSE(make("ip", "10.0.0.1/24") == make("ip", "10.0.0.0/24"));
  EXPECT_TRUE(make("ip", "::1") == make("ip", "::0001"));
  EXPECT_TRUE(make("ip", "::1") == make("ip", "0:0:0:0:0:0:0:1"));
  EXPECT_TRUE(make("ip", "::1/128") == make("ip", "::1"));
  EXPECT_TRUE(make("ip", "A::b") == make("ip", "a::B"));
  EXPECT_FALSE(make("ip", "::ffff:a00:1") == make("ip", "10.0.0.1"));
  EXPECT_FALSE(make("ip", "0.0.0.0/0") == make("ip", "::/0"));
}

TEST(Ip, CedarTextRoundTrips) {
  EXPECT_EQ(make("ip", "10.0.0.1").to_cedar(), "ip(\"10.0.0.1\")");
  EXPECT_EQ(make("ip", "10.0.0.1/24").to_cedar(), "ip(\"10.0.0.1/24\")");
  EXPECT_EQ(make("ip", "0:0:0:0:0:0:0:1").to_cedar(), "ip(\"::1\")");
  EXPECT_EQ(make("ip", "1:0:0:2:0:0:0:3/64").to_cedar(), "ip(\"1:0:0:2::3/64\")");
  EXPECT_EQ(make("ip", "::ffff:a00:1").to_cedar(), "ip(\"::ffff:a00:1\")");
  EXPECT_EQ(make("ip", "1:2:3:4:5:6:7:0").to_cedar(), "ip(\"1:2:3:4:5:6:7:0\")");
  for (const char* text : {"::", "::/0", "1::", "ABCD:EF01::9", "1:0:1:0:1:0:1:0", "0.0.0.0/0",
                           "fe80::1:0:0:1/10", "1:2:3:4:5:6:7:8"}) {
    Value v = make("ip", text);
    std::string cedar = v.as_extension().to_cedar();
    EXPECT_TRUE(make("ip", cedar.substr(4, cedar.size() - 6)) == v) << cedar;
  }
}

// ---------------------------------------------------------------------------------------
// datetime

TEST(Datetime, ParsesToMillisecondsSinceEpoch) {
  EXPECT_EQ(number_of("datetime", "1970-01-01"), 0);
  EXPECT_EQ(number_of("datetime", "2024-10-15"), 1728950400000);
  EXPECT_EQ(number_of("datetime", "2024-10-15T11:38:02Z"), 1728992282000);
  EXPECT_EQ(number_of("datetime", "2024-10-15T11:38:02.101Z"), 1728992282101);
  EXPECT_EQ(number_of("datetime", "1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(number_of("datetime", "0000-01-01"), -62167219200000);
  EXPECT_EQ(number_of("datetime", "9999-12-31T23:59:59.999Z"), 253402300799999);
}

TEST(Datetime, OffsetsNormalizeToUtc) {
  auto same = [](const char* a, const char* b) {
    EXPECT_EQ(number_of("datetime", a), number_of("datetime", b)) << a << " vs " << b;
  };
  same("2024-10-15T11:38:02.101+1134", "2024-10-15T00:04:02.101Z");
  same("2024-10-15T11:38:02.101-1134", "2024-10-15T23:12:02.101Z");
  same("2024-10-15T11:38:02+1134", "2024-10-15T00:04:02Z");
  same("2024-10-15T23:59:00+2359", "2024-10-15");
  same("2024-10-15T00:00:00-2359", "2024-10-15T23:59:00Z");
  same("2024-01-01T00:00:00-0000", "2024-01-01");
  same("2024-01-01T00:00:00+0000", "2024-01-01");
  // Offsets may cross the supported year range.
  EXPECT_EQ(number_of("datetime", "0000-01-01T00:00:00+2359"), -62167305540000);
  EXPECT_EQ(number_of("datetime", "9999-12-31T23:59:59.999-2359"), 253402387139999);
}

TEST(Datetime, LeapYearsFollowTheGregorianRules) {
  make("datetime", "2024-02-29");
  make("datetime", "2000-02-29");
  make("datetime", "0000-02-29");  // year 0 is a leap year (proleptic Gregorian)
  EXPECT_EQ(error_of("datetime", "2023-02-29"),
            "error while evaluating `datetime` extension function: invalid date: 2023-02-29");
  error_of("datetime", "1900-02-29");
  error_of("datetime", "2024-04-31");
  error_of("datetime", "2024-00-01");
  error_of("datetime", "2024-01-00");
  error_of("datetime", "2024-13-01");
  error_of("datetime", "2024-01-32");
  EXPECT_EQ(number_of("datetime", "2024-03-01") - number_of("datetime", "2024-02-28"),
            2 * 86400000);
  EXPECT_EQ(number_of("datetime", "2023-03-01") - number_of("datetime", "2023-02-28"), 86400000);
}

TEST(Datetime, RejectsOtherShapes) {
  for (const char* text : {"",
                           "a",
                           "-",
                           "-1",
                           "11-12-13",
                           "1111-1x-20",
                           "2024-1-01",
                           "+2024-01-01",
                           "-2024-01-01",
                           "12024-01-01",
                           "10000-01-01",
                           "2024-10-15Z",
                           "2024-01-01T",
                           "2024-01-01T00:00:00",
                           "2024-01-01T00:00Z",
                           "2024-01-01t00:00:00Z",
                           "2024-01-01 00:00:00Z",
                           "2024-01-01T00:00:00z",
                           "2024-01-01T00:00:00ZZ",
                           "2024-01-01T00:00:00.1Z",
                           "2024-01-01T00:00:00.1234Z",
                           "2024-01-01T00:00:00+01:00",
                           "2024-01-01T00:00:00+01",
                           "2024-01-01T00:00:00.Z",
                           "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4-01-01"}) {
    error_of("datetime", text);
  }
  EXPECT_EQ(error_of("datetime", "2024-1-01"),
            "error while evaluating `datetime` extension function: invalid date pattern");
  EXPECT_EQ(error_of("datetime", "2024-01-01T00:00Z"),
            "error while evaluating `datetime` extension function: invalid hour/minute/second "
            "pattern");
  EXPECT_EQ(error_of("datetime", "2024-01-01T00:00:00"),
            "error while evaluating `datetime` extension function: invalid millisecond and/or "
            "offset pattern");
}

TEST(Datetime, RejectsOutOfRangeTimesAndOffsets) {
  EXPECT_EQ(error_of("datetime", "2024-01-01T24:00:00Z"),
            "error while evaluating `datetime` extension function: invalid hour/minute/second: "
            "24:00:00");
  error_of("datetime", "2024-01-01T00:60:00Z");
  error_of("datetime", "2024-01-01T00:00:60Z");
  error_of("datetime", "2016-12-31T23:59:60Z");  // no leap seconds
  error_of("datetime", "2016-12-31T23:59:60.000+0000");
  EXPECT_EQ(error_of("datetime", "2024-01-01T00:00:00+0060"),
            "error while evaluating `datetime` extension function: invalid offset range: 060");
  EXPECT_EQ(error_of("datetime", "2024-01-01T00:00:00+2400"),
            "error while evaluating `datetime` extension function: invalid offset range: 240");
  error_of("datetime", "2024-01-01T00:00:00-2360");
}

TEST(Datetime, OffsetAndDurationSince) {
  Value day = make("duration", "1d");
  EXPECT_TRUE(method_value("offset", {make("datetime", "2024-01-01"), day}) ==
              make("datetime", "2024-01-02"));
  EXPECT_EQ(method_value("durationSince",
                         {make("datetime", "0000-01-01"), make("datetime", "1970-01-01")})
                .as_extension()
                .number,
            -62167219200000);
  EXPECT_EQ(method_value("durationSince",
                         {make("datetime", "2024-01-01T00:00:01Z"), make("datetime", "2024-01-01")})
                .as_extension()
                .type,
            Type::duration);
}

TEST(Datetime, OverflowIsAnError) {
  Value max = epoch_offset("9223372036854775807ms");
  EXPECT_EQ(max.as_extension().number, kInt64Max);
  Outcome past_max = call("offset", {max, make("duration", "1ms")});
  EXPECT_FALSE(past_max.ok);
  EXPECT_EQ(past_max.error,
            "error while evaluating `offset` extension function: overflows when adding an "
            "offset: datetime(\"1970-01-01\").offset(duration(\"9223372036854775807ms\"))+(1ms)");

  Value min = epoch_offset("-9223372036854775808ms");
  EXPECT_EQ(min.as_extension().number, kInt64Min);
  Outcome since = call("durationSince", {min, make("datetime", "1970-01-02")});
  EXPECT_FALSE(since.ok);
  EXPECT_EQ(since.error,
            "error while evaluating `durationSince` extension function: overflows when computing "
            "the duration between "
            "datetime(\"1970-01-01\").offset(duration(\"-9223372036854775808ms\")) and "
            "datetime(\"1970-01-01\").offset(duration(\"86400000ms\"))");

  // toDate rounds down to midnight, which is below INT64_MIN for the earliest instants.
  Outcome date = call("toDate", {min});
  EXPECT_FALSE(date.ok);
  EXPECT_EQ(date.error,
            "error while evaluating `toDate` extension function: overflows when computing the "
            "date of datetime(\"1970-01-01\").offset(duration(\"-9223372036854775808ms\"))");
  Value max_date = method_value("toDate", {max});
  EXPECT_EQ(max_date.as_extension().number, kInt64Max - kInt64Max % 86400000);
}

TEST(Datetime, ToDateAndToTimeRoundTowardsMinusInfinity) {
  auto date_of = [](const Value& dt) { return method_value("toDate", {dt}).as_extension().number; };
  auto time_of = [](const Value& dt) { return method_value("toTime", {dt}).as_extension().number; };
  Value noon = make("datetime", "2024-10-15T12:00:00.500Z");
  EXPECT_EQ(date_of(noon), number_of("datetime", "2024-10-15"));
  EXPECT_EQ(time_of(noon), 12 * 3600000 + 500);
  EXPECT_EQ(time_of(make("datetime", "2024-10-15")), 0);

  Value just_before_epoch = epoch_offset("-1ms");
  EXPECT_EQ(date_of(just_before_epoch), -86400000);
  EXPECT_EQ(time_of(just_before_epoch), 86399999);
  Value day_before_epoch = epoch_offset("-86400000ms");
  EXPECT_EQ(date_of(day_before_epoch), -86400000);
  EXPECT_EQ(time_of(day_before_epoch), 0);
  EXPECT_EQ(time_of(epoch_offset("-86400001ms")), 86399999);
  EXPECT_EQ(date_of(make("datetime", "0000-03-01T23:59:59.999Z")),
            number_of("datetime", "0000-03-01"));
  EXPECT_EQ(method_value("toTime", {just_before_epoch}).as_extension().type, Type::duration);
  EXPECT_EQ(method_value("toDate", {just_before_epoch}).as_extension().type, Type::datetime);
}

TEST(Datetime, CedarTextIsAnOffsetFromTheEpoch) {
  EXPECT_EQ(make("datetime", "1970-01-02").to_cedar(),
            "datetime(\"1970-01-01\").offset(duration(\"86400000ms\"))");
  EXPECT_EQ(make("datetime", "1969-12-31").to_cedar(),
            "datetime(\"1970-01-01\").offset(duration(\"-86400000ms\"))");
}

// ---------------------------------------------------------------------------------------
// duration

TEST(Duration, ParsesUnitsInOrder) {
  EXPECT_EQ(number_of("duration", "1d2h3m4s5ms"), 93784005);
  EXPECT_EQ(number_of("duration", "-1d2h3m4s5ms"), -93784005);
  EXPECT_EQ(number_of("duration", "0ms"), 0);
  EXPECT_EQ(number_of("duration", "-0ms"), 0);
  EXPECT_EQ(number_of("duration", "0001s"), 1000);
  EXPECT_EQ(number_of("duration", "1m1ms"), 60001);
  EXPECT_EQ(number_of("duration", "1h1ms"), 3600001);
  EXPECT_EQ(number_of("duration", "1s1ms"), 1001);
  EXPECT_EQ(number_of("duration", "2h"), 7200000);
  EXPECT_TRUE(make("duration", "1000ms") == make("duration", "1s"));
  EXPECT_TRUE(make("duration", "60s") == make("duration", "1m"));
}

TEST(Duration, RejectsOtherShapes) {
  for (const char* text :
       {"",   "-",   "1",    "d",   "ms",  "1h1d", "1d1d",  "1ms1s", "1s1m",
        "1D", "+1d", "--1d", "1d ", " 1d", "1.5h", "1d-1h", "1 d",   "9223372036854776ms1ms",
        "1w", "1y",  "1us",  "1dms"}) {
    error_of("duration", text);
  }
  EXPECT_EQ(error_of("duration", "1h1d"),
            "error while evaluating `duration` extension function: invalid duration pattern");
}

TEST(Duration, RangeIsInt64Milliseconds) {
  EXPECT_EQ(number_of("duration", "9223372036854775807ms"), kInt64Max);
  EXPECT_EQ(number_of("duration", "-9223372036854775808ms"), kInt64Min);
  EXPECT_EQ(number_of("duration", "106751991167d7h12m55s807ms"), kInt64Max);
  EXPECT_EQ(number_of("duration", "-106751991167d7h12m55s808ms"), kInt64Min);
  EXPECT_EQ(number_of("duration", "106751991167d"), 106751991167 * 86400000);
  const std::string overflow =
      "error while evaluating `duration` extension function: Duration overflows internal "
      "representation";
  for (const char* text :
       {"9223372036854775808ms", "-9223372036854775809ms", "18446744073709551616ms",
        "99999999999999999999s", "9223372036854775807s", "-9223372036854775808s", "106751991168d",
        "106751991167d7h12m55s808ms", "-106751991167d7h12m55s809ms", "-106751991167d12h"}) {
    EXPECT_EQ(error_of("duration", text), overflow) << text;
  }
}

TEST(Duration, ConversionsTruncateTowardZero) {
  EXPECT_EQ(method_long("toMilliseconds", {make("duration", "1d2h3m4s5ms")}), 93784005);
  EXPECT_EQ(method_long("toSeconds", {make("duration", "1d2h3m4s5ms")}), 93784);
  EXPECT_EQ(method_long("toMinutes", {make("duration", "1d2h3m4s5ms")}), 1563);
  EXPECT_EQ(method_long("toHours", {make("duration", "1d2h3m4s5ms")}), 26);
  EXPECT_EQ(method_long("toDays", {make("duration", "1d2h3m4s5ms")}), 1);
  EXPECT_EQ(method_long("toHours", {make("duration", "90m")}), 1);
  EXPECT_EQ(method_long("toHours", {make("duration", "-90m")}), -1);
  EXPECT_EQ(method_long("toSeconds", {make("duration", "-1ms")}), 0);
  EXPECT_EQ(method_long("toSeconds", {make("duration", "999ms")}), 0);
  EXPECT_EQ(method_long("toMinutes", {make("duration", "-59s")}), 0);
  EXPECT_EQ(method_long("toDays", {make("duration", "-25h")}), -1);
  EXPECT_EQ(method_long("toDays", {make("duration", "106751991167d")}), 106751991167);
  EXPECT_EQ(method_long("toMilliseconds", {make("duration", "-9223372036854775808ms")}), kInt64Min);
}

TEST(Duration, CedarTextInMilliseconds) {
  EXPECT_EQ(make("duration", "1h").to_cedar(), "duration(\"3600000ms\")");
  EXPECT_EQ(make("duration", "-1s").to_cedar(), "duration(\"-1000ms\")");
}

// ---------------------------------------------------------------------------------------
// Calls: names, arity and argument types

TEST(ExtensionCalls, FunctionsAndMethodsAreDistinguished) {
  using cordon::cedar::is_extension_function;
  using cordon::cedar::is_extension_method;
  for (const char* name : {"decimal", "ip", "datetime", "duration"}) {
    EXPECT_TRUE(is_extension_function(name)) << name;
    EXPECT_FALSE(is_extension_method(name)) << name;
  }
  for (const char* name :
       {"lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual", "isIpv4", "isIpv6",
        "isLoopback", "isMulticast", "isInRange", "offset", "durationSince", "toDate", "toTime",
        "toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"}) {
    EXPECT_TRUE(is_extension_method(name)) << name;
    EXPECT_FALSE(is_extension_function(name)) << name;
  }
  for (const char* name : {"ipaddr", "foo", "", "Decimal", "contains"}) {
    EXPECT_FALSE(is_extension_function(name)) << name;
    EXPECT_FALSE(is_extension_method(name)) << name;
  }
  EXPECT_EQ(call("ipaddr", {str("1.2.3.4")}).error, "extension function `ipaddr` does not exist");
}

TEST(ExtensionCalls, WrongArityIsAnError) {
  Outcome two = call("decimal", {str("1.0"), str("2.0")});
  EXPECT_FALSE(two.ok);
  EXPECT_EQ(two.error,
            "wrong number of arguments provided to extension function `decimal`: expected 1, "
            "got 2");
  Outcome three =
      call("lessThan", {make("decimal", "1.0"), make("decimal", "2.0"), make("decimal", "3.0")});
  EXPECT_EQ(three.error,
            "wrong number of arguments provided to extension function `lessThan`: expected 2, "
            "got 3");
  Outcome extra = call("isLoopback", {make("ip", "1.2.3.4"), make("ip", "1.2.3.4")});
  EXPECT_EQ(extra.error,
            "wrong number of arguments provided to extension function `isLoopback`: expected 1, "
            "got 2");
  // No receiver at all must not crash.
  for (const char* name : {"decimal", "ip", "datetime", "duration", "lessThan", "isIpv4",
                           "isInRange", "offset", "durationSince", "toDate", "toTime", "toDays"}) {
    EXPECT_FALSE(call(name, {}).ok) << name;
  }
  EXPECT_FALSE(call("toDays", {make("duration", "1d"), Value::integer(1)}).ok);
}

TEST(ExtensionCalls, WrongArgumentTypesAreErrors) {
  EXPECT_EQ(call("decimal", {Value::integer(1)}).error, "type error: expected string, got long");
  EXPECT_EQ(call("duration", {Value::integer(1)}).error, "type error: expected string, got long");
  EXPECT_EQ(call("ip", {Value::boolean(true)}).error, "type error: expected string, got bool");
  EXPECT_EQ(call("lessThan", {make("decimal", "1.0"), str("2.0")}).error,
            "type error: expected decimal, got string");
  EXPECT_EQ(call("lessThan", {Value::integer(1), Value::integer(2)}).error,
            "type error: expected decimal, got long");
  EXPECT_EQ(call("isInRange", {make("ip", "1.2.3.4"), make("decimal", "1.0")}).error,
            "type error: expected ipaddr, got decimal");
  EXPECT_EQ(call("isIpv4", {make("decimal", "1.0")}).error,
            "type error: expected ipaddr, got decimal");
  EXPECT_EQ(call("offset", {make("duration", "1d"), make("duration", "1d")}).error,
            "type error: expected datetime, got duration");
  EXPECT_EQ(call("offset", {make("datetime", "2024-01-01"), make("datetime", "2024-01-01")}).error,
            "type error: expected duration, got datetime");
  EXPECT_EQ(call("lessThan", {Value::entity({"User", "alice"}), make("decimal", "1.0")}).error,
            "type error: expected decimal, got (entity of type `User`)");
  EXPECT_FALSE(call("toDays", {make("datetime", "2024-01-01")}).ok);
  EXPECT_FALSE(call("toTime", {make("duration", "1d")}).ok);
  EXPECT_FALSE(call("durationSince", {make("datetime", "2024-01-01"), make("duration", "1d")}).ok);
  EXPECT_FALSE(call("datetime", {Value::set({})}).ok);
}

// ---------------------------------------------------------------------------------------
// Comparison operators and ordering

int compared(const Value& a, const Value& b) {
  int result = 99;
  std::string error;
  EXPECT_TRUE(compare_extension(a, b, result, error)) << error;
  return result;
}

std::string comparison_error(const Value& a, const Value& b) {
  int result = 0;
  std::string error;
  EXPECT_FALSE(compare_extension(a, b, result, error));
  return error;
}

TEST(Comparison, DatetimesAndDurationsAreOrdered) {
  EXPECT_TRUE(cordon::cedar::is_ordered_extension(Type::datetime));
  EXPECT_TRUE(cordon::cedar::is_ordered_extension(Type::duration));
  EXPECT_FALSE(cordon::cedar::is_ordered_extension(Type::decimal));
  EXPECT_FALSE(cordon::cedar::is_ordered_extension(Type::ipaddr));
  EXPECT_LT(compared(make("datetime", "2024-01-01"), make("datetime", "2024-01-02")), 0);
  EXPECT_EQ(compared(make("datetime", "2024-01-01"), make("datetime", "2024-01-01T00:00:00Z")), 0);
  EXPECT_GT(compared(make("datetime", "2024-01-01"), make("datetime", "2024-01-01T00:00:00+0100")),
            0);
  EXPECT_GT(compared(make("duration", "1d"), make("duration", "23h")), 0);
  EXPECT_EQ(compared(make("duration", "1d"), make("duration", "24h")), 0);
  EXPECT_LT(compared(make("duration", "-1ms"), make("duration", "0ms")), 0);
}

TEST(Comparison, OtherOperandsAreTypeErrors) {
  Value dt = make("datetime", "2024-01-01");
  Value du = make("duration", "1s");
  Value dec = make("decimal", "1.0");
  Value ip = make("ip", "1.2.3.4");
  // Decimals compare only through lessThan and friends in Cedar 4.
  EXPECT_EQ(comparison_error(dec, dec),
            "type error: expected one of [long, datetime, duration], got decimal");
  EXPECT_EQ(comparison_error(ip, ip),
            "type error: expected one of [long, datetime, duration], got ipaddr");
  EXPECT_EQ(comparison_error(dec, dt), "type error: expected datetime, got decimal");
  EXPECT_EQ(comparison_error(dt, dec), "type error: expected datetime, got decimal");
  EXPECT_EQ(comparison_error(du, dt), "type error: expected duration, got datetime");
  EXPECT_EQ(comparison_error(str("a"), du), "type error: expected duration, got string");
  EXPECT_EQ(comparison_error(du, str("a")), "type error: expected duration, got string");
  EXPECT_EQ(comparison_error(ip, Value::integer(1)), "type error: expected long, got ipaddr");
  EXPECT_EQ(comparison_error(Value::integer(1), ip), "type error: expected long, got ipaddr");
  EXPECT_EQ(comparison_error(Value::integer(1), dt), "type error: expected long, got datetime");
  EXPECT_EQ(comparison_error(dec, str("a")),
            "type error: expected one of [long, datetime, duration], got decimal");
  EXPECT_EQ(comparison_error(str("a"), str("b")),
            "type error: expected one of [long, datetime, duration], got string");
}

TEST(Comparison, TotalOrderKeepsSetsCanonical) {
  Value set =
      Value::set({make("decimal", "1.0"), make("decimal", "1.0000"), make("ip", "10.0.0.1"),
                  make("ip", "10.0.0.1/32"), make("ip", "10.0.0.1/24"), make("ip", "::1"),
                  make("duration", "1s"), make("duration", "1000ms"),
                  make("datetime", "2024-01-01"), make("datetime", "2024-01-01T00:00:00Z")});
  EXPECT_EQ(set.as_set().size(), 6u);
  EXPECT_TRUE(set.set_contains(make("ip", "10.0.0.1/32")));
  EXPECT_TRUE(set.set_contains(make("decimal", "1.00")));
  EXPECT_FALSE(set.set_contains(make("ip", "10.0.0.0/24")));
  // IPv4 sorts before IPv6; within a version by address, then prefix.
  EXPECT_LT(make("ip", "255.255.255.255").as_extension().compare(make("ip", "::").as_extension()),
            0);
  EXPECT_LT(make("ip", "10.0.0.1/24").as_extension().compare(make("ip", "10.0.0.1").as_extension()),
            0);
  EXPECT_GT(make("ip", "10.0.0.2/8").as_extension().compare(make("ip", "10.0.0.1").as_extension()),
            0);
  EXPECT_LT(make("decimal", "-1.0").as_extension().compare(make("decimal", "0.5").as_extension()),
            0);
}

TEST(Comparison, TypeNames) {
  EXPECT_STREQ(cordon::cedar::extension_type_name(Type::decimal), "decimal");
  EXPECT_STREQ(cordon::cedar::extension_type_name(Type::ipaddr), "ipaddr");
  EXPECT_STREQ(cordon::cedar::extension_type_name(Type::datetime), "datetime");
  EXPECT_STREQ(cordon::cedar::extension_type_name(Type::duration), "duration");
}

}  // namespace
