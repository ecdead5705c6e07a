// Outbound URL validation (cordon/outbound_url.h): a table of URLs and the verdict each must
// get, covering every IPv4 and IPv6 form a URL parser reads as an address, and the strict
// reading of everything else.
#include "cordon/outbound_url.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using cordon::check_outbound_url;
using cordon::IpAddress;
using cordon::OutboundUrlCheck;
using cordon::OutboundUrlPolicy;
using cordon::UrlVerdict;

struct Case {
  const char* url;
  UrlVerdict verdict;
  const char* host = nullptr;  // the normalized host, when checked
};

class UrlTable : public ::testing::TestWithParam<Case> {};

TEST_P(UrlTable, Verdict) {
  const Case& c = GetParam();
  const OutboundUrlCheck check = check_outbound_url(c.url);
  EXPECT_EQ(to_string(check.verdict), std::string(to_string(c.verdict)))
      << c.url << ": " << check.message;
  EXPECT_EQ(check.allowed, c.verdict == UrlVerdict::allowed) << c.url;
  EXPECT_FALSE(check.message.empty());
  if (c.host != nullptr) {
    EXPECT_EQ(check.host, c.host) << c.url;
  }
}

constexpr auto A = UrlVerdict::allowed;
constexpr auto M = UrlVerdict::malformed;
constexpr auto L = UrlVerdict::loopback;
constexpr auto P = UrlVerdict::private_use;
constexpr auto K = UrlVerdict::link_local;
constexpr auto U = UrlVerdict::unspecified;
constexpr auto R = UrlVerdict::reserved;
constexpr auto MC = UrlVerdict::multicast;
constexpr auto N = UrlVerdict::local_name;

const Case kAllowed[] = {
    {"https://example.com", A, "example.com"},
    {"https://example.com/", A},
    {"https://EXAMPLE.com/Path?Q=1#frag", A, "example.com"},
    {"HTTPS://api.example.com/hook", A},
    {"https://bridge.pms-vendor.example.org:8443/webhooks/cordon", A},
    {"https://example.com.", A, "example.com"},
    {"https://xn--bcher-kva.example/", A},
    {"https://8.8.8.8/", A, "8.8.8.8"},
    {"https://1.1.1.1:443/dns-query", A},
    {"https://[2606:4700:4700::1111]/", A, "2606:4700:4700::1111"},
    {"https://[2001:4860:4860::8888]:8443/", A},
    {"https://[::ffff:8.8.8.8]/", A, "::ffff:8.8.8.8"},
    {"https://[64:ff9b::808:808]/", A},
    {"https://172.32.0.1/", A},   // just outside 172.16/12
    {"https://100.128.0.1/", A},  // just outside 100.64/10
    {"https://192.169.0.1/", A},  // just outside 192.168/16
    {"https://11.0.0.1/", A},
    {"https://a-b.example.com/x@y", A},    // '@' in the path is not userinfo
    {"https://134744072/", A, "8.8.8.8"},  // one decimal number
    {"https://0x08080808/", A, "8.8.8.8"},
};
INSTANTIATE_TEST_SUITE_P(Allowed, UrlTable, ::testing::ValuesIn(kAllowed));

const Case kIpv4Forms[] = {
    {"https://127.0.0.1/", L, "127.0.0.1"},
    {"https://127.1/", L, "127.0.0.1"},
    {"https://127.0.1/", L, "127.0.0.1"},
    {"https://2130706433/", L, "127.0.0.1"},
    {"https://0x7f000001/", L, "127.0.0.1"},
    {"https://0X7F.0.0.1/", L, "127.0.0.1"},
    {"https://0x7f.1/", L, "127.0.0.1"},
    {"https://0177.0.0.1/", L, "127.0.0.1"},
    {"https://0177.1/", L, "127.0.0.1"},
    {"https://017700000001/", L, "127.0.0.1"},
    {"https://127.0.0.1./", L, "127.0.0.1"},
    {"https://127.255.255.254:8443/", L},
    {"https://0/", U, "0.0.0.0"},
    {"https://0.0.0.0/", U},
    {"https://0x0/", U, "0.0.0.0"},
    {"https://0.1.2.3/", U},
    {"https://10.0.0.1/", P},
    {"https://012.0.0.1/", P, "10.0.0.1"},
    {"https://167772161/", P, "10.0.0.1"},
    {"https://172.16.0.1/", P},
    {"https://172.31.255.255/", P},
    {"https://192.168.1.1/", P},
    {"https://0xc0a80101/", P, "192.168.1.1"},
    {"https://100.64.0.1/", P},
    {"https://100.127.255.255/", P},
    {"https://169.254.169.254/latest/meta-data/", K},
    {"https://0xa9fea9fe/", K, "169.254.169.254"},
    {"https://2852039166/", K, "169.254.169.254"},
    {"https://0251.0376.0251.0376/", K, "169.254.169.254"},
    {"https://224.0.0.1/", MC},
    {"https://239.255.255.250/", MC},
    {"https://240.0.0.1/", R},
    {"https://255.255.255.255/", R},
    {"https://192.0.2.1/", R},
    {"https://198.51.100.7/", R},
    {"https://203.0.113.9/", R},
    {"https://198.18.0.1/", R},
    {"https://192.0.0.8/", R},
    {"https://192.88.99.1/", R},
};
INSTANTIATE_TEST_SUITE_P(Ipv4Forms, UrlTable, ::testing::ValuesIn(kIpv4Forms));

const Case kIpv6[] = {
    {"https://[::1]/", L, "::1"},
    {"https://[0:0:0:0:0:0:0:1]/", L, "::1"},
    {"https://[::]/", U, "::"},
    {"https://[::ffff:127.0.0.1]/", L, "::ffff:127.0.0.1"},
    {"https://[::ffff:7f00:1]/", L, "::ffff:127.0.0.1"},
    {"https://[0:0:0:0:0:ffff:7f00:0001]/", L},
    {"https://[::FFFF:169.254.169.254]/", K},
    {"https://[::ffff:10.0.0.1]:8443/", P},
    {"https://[::ffff:192.168.0.1]/", P},
    {"https://[::127.0.0.1]/", R},      // IPv4-compatible, deprecated
    {"https://[64:ff9b::7f00:1]/", L},  // NAT64 to loopback
    {"https://[64:ff9b::a00:1]/", P},
    {"https://[64:ff9b:1::1]/", P},
    {"https://[fc00::1]/", P},
    {"https://[fd12:3456:789a::1]/", P},
    {"https://[fec0::1]/", P},
    {"https://[fe80::1]/", K},
    {"https://[FE80::abcd:1234]/", K},
    {"https://[febf::1]/", K},
    {"https://[ff02::1]/", MC},
    {"https://[2001:db8::1]/", R},
    {"https://[2001::1]/", R},         // Teredo
    {"https://[2002:7f00:1::1]/", R},  // 6to4
    {"https://[100::1]/", R},
    {"https://[3fff::1]/", R},
    {"https://[4000::1]/", R},  // outside 2000::/3
    {"https://[::2]/", R},
};
INSTANTIATE_TEST_SUITE_P(Ipv6, UrlTable, ::testing::ValuesIn(kIpv6));

const Case kNames[] = {
    {"https://localhost/", N},        {"https://LOCALHOST:8443/", N},
    {"https://localhost./", N},       {"https://api.localhost/", N},
    {"https://printer.local/", N},    {"https://metadata.google.internal/computeMetadata/v1/", N},
    {"https://router.home.arpa/", N}, {"https://db.localdomain/", N},
    {"https://intranet/", N},         {"https://metadata/", N},
};
INSTANTIATE_TEST_SUITE_P(LocalNames, UrlTable, ::testing::ValuesIn(kNames));

const Case kRefused[] = {
    {"http://example.com/", UrlVerdict::not_https},
    {"HTTP://example.com/", UrlVerdict::not_https},
    {"ftp://example.com/", UrlVerdict::not_https},
    {"file:///etc/passwd", UrlVerdict::not_https},
    {"gopher://127.0.0.1:6379/_", UrlVerdict::not_https},
    {"javascript:alert(1)", UrlVerdict::not_https},
    {"https://user@example.com/", UrlVerdict::userinfo},
    {"https://user:pass@example.com/", UrlVerdict::userinfo},
    {"https://example.com@127.0.0.1/", UrlVerdict::userinfo},
    {"https://:@example.com/", UrlVerdict::userinfo},
    {"https://@example.com/", UrlVerdict::userinfo},
};
INSTANTIATE_TEST_SUITE_P(Refused, UrlTable, ::testing::ValuesIn(kRefused));

const Case kMalformed[] = {
    {"", M},
    {"example.com", M},
    {"//example.com/", M},
    {"https:example.com", M},
    {"https:/example.com", M},
    {"https:///example.com", M},
    {"https://", M},
    {"https:///", M},
    {"https://example.com:/", M},
    {"https://example.com:0/", M},
    {"https://example.com:65536/", M},
    {"https://example.com:443443/", M},
    {"https://example.com:-1/", M},
    {"https://example.com:80a/", M},
    {"https://exa mple.com/", M},
    {" https://example.com/", M},
    {"https://example.com/\t", M},
    {"https://example.com\\@127.0.0.1/", M},
    {"https:\\\\example.com/", M},
    {"https://ex%61mple.com/", M},
    {"https://127.0.0.%31/", M},
    {"https://[fe80::1%25eth0]/", M},
    {"https://[::1/", M},
    {"https://[::1]x/", M},
    {"https://[1.2.3.4]/", M},
    {"https://[::1::2]/", M},
    {"https://[12345::]/", M},
    {"https://[1:2:3:4:5:6:7:8:9]/", M},
    {"https://[::ffff:127.0.0.01]/", M},  // leading zero in the embedded IPv4
    {"https://[::ffff:256.0.0.1]/", M},
    {"https://[1:2:3:4:5:6:7:]/", M},
    {"https://[:1:2:3:4:5:6:7]/", M},
    {"https://256.0.0.1/", M},
    {"https://1.2.3.4.5/", M},
    {"https://08.0.0.1/", M},    // 8 is no octal digit
    {"https://0x1g.0.0.1/", M},  // ends in a number, not an address
    {"https://4294967296/", M},  // beyond 32 bits
    {"https://1.2.3.999/", M},
    {"https://1.2.65536/", M},
    {"https://example..com/", M},
    {"https://-example.com/", M},
    {"https://example-.com/", M},
    {"https://ex_ample.com/", M},
    {"https://.example.com/", M},
    {"https://./", M},
    {"https://bücher.example/", M},  // punycode only
    {"https://example.com/\x7f", M},
};
INSTANTIATE_TEST_SUITE_P(Malformed, UrlTable, ::testing::ValuesIn(kMalformed));

TEST(OutboundUrl, PortsRestrictedByPolicy) {
  OutboundUrlPolicy policy;
  policy.allowed_ports = {443, 8443};
  EXPECT_TRUE(check_outbound_url("https://example.com/", policy).allowed);
  EXPECT_TRUE(check_outbound_url("https://example.com:8443/", policy).allowed);
  auto check = check_outbound_url("https://example.com:22/", policy);
  EXPECT_EQ(check.verdict, UrlVerdict::port_not_allowed);
  EXPECT_EQ(check.port, 22);
}

TEST(OutboundUrl, LongNamesAndUrls) {
  const std::string label(63, 'a');
  EXPECT_TRUE(check_outbound_url("https://" + label + ".example.com/").allowed);
  EXPECT_EQ(check_outbound_url("https://" + label + "a.example.com/").verdict,
            UrlVerdict::malformed);
  std::string long_host;
  for (int i = 0; i < 5; ++i) long_host += label + ".";
  EXPECT_EQ(check_outbound_url("https://" + long_host + "com/").verdict, UrlVerdict::malformed);
  EXPECT_EQ(check_outbound_url("https://example.com/" + std::string(5000, 'a')).verdict,
            UrlVerdict::malformed);
}

TEST(OutboundUrl, UserinfoNeverQuoted) {
  auto check = check_outbound_url("https://admin:hunter2@example.com/");
  EXPECT_EQ(check.verdict, UrlVerdict::userinfo);
  EXPECT_EQ(check.message.find("hunter2"), std::string::npos);
}

TEST(OutboundUrl, ResolverMustFindOnlyGlobalAddresses) {
  OutboundUrlPolicy policy;
  policy.resolver = [](std::string_view host) -> cordon::Result<std::vector<IpAddress>> {
    if (host == "public.example.com") return std::vector<IpAddress>{*IpAddress::parse("8.8.8.8")};
    if (host == "rebind.example.com")
      return std::vector<IpAddress>{*IpAddress::parse("8.8.8.8"), *IpAddress::parse("10.1.2.3")};
    if (host == "v6.example.com") return std::vector<IpAddress>{*IpAddress::parse("fe80::1")};
    if (host == "empty.example.com") return std::vector<IpAddress>{};
    cordon::Error error;
    error.kind = cordon::ErrorKind::verification;
    error.message = "no such host";
    return error;
  };
  auto ok = check_outbound_url("https://public.example.com/", policy);
  EXPECT_TRUE(ok.allowed);
  ASSERT_EQ(ok.resolved.size(), 1u);
  EXPECT_EQ(check_outbound_url("https://rebind.example.com/", policy).verdict,
            UrlVerdict::private_use);
  EXPECT_EQ(check_outbound_url("https://v6.example.com/", policy).verdict, UrlVerdict::link_local);
  EXPECT_EQ(check_outbound_url("https://empty.example.com/", policy).verdict,
            UrlVerdict::unresolved);
  EXPECT_EQ(check_outbound_url("https://missing.example.com/", policy).verdict,
            UrlVerdict::unresolved);
  // An address literal is judged by itself: the resolver is not asked.
  EXPECT_TRUE(check_outbound_url("https://1.1.1.1/", policy).allowed);
  EXPECT_EQ(check_outbound_url("https://localhost/", policy).verdict, UrlVerdict::local_name);
}

TEST(IpAddress, ParseAndFormat) {
  struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"0.0.0.0", "0.0.0.0"},
      {"255.255.255.255", "255.255.255.255"},
      {"::", "::"},
      {"::1", "::1"},
      {"1::", "1::"},
      {"2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},  // the first longest run (RFC 5952)
      {"2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // one zero group stays
      {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
      {"fe80::1:2", "fe80::1:2"},
  };
  for (const auto& c : cases) {
    auto address = IpAddress::parse(c.in);
    ASSERT_TRUE(address) << c.in;
    EXPECT_EQ(address->to_string(), c.out) << c.in;
  }
  for (const char* bad : {"", "1.2.3", "01.2.3.4", "1.2.3.4.", "::1%eth0", "1:2:3:4:5:6:7:8:9",
                          "g::1", ":::", "1::2::3", "127.1", "0x7f.0.0.1"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
}

TEST(IpAddress, Classification) {
  using cordon::AddressClass;
  EXPECT_EQ(cordon::classify_address(*IpAddress::parse("8.8.8.8")).address_class,
            AddressClass::global);
  auto mapped = cordon::classify_address(*IpAddress::parse("::ffff:192.168.0.1"));
  EXPECT_EQ(mapped.address_class, AddressClass::private_use);
  EXPECT_NE(mapped.block.find("192.168.0.0/16"), std::string::npos);
  EXPECT_STREQ(to_string(AddressClass::private_use), "private");
}

}  // namespace
