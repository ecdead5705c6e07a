// Outbound URL validation: may the server send a request to this URL? For URLs that tenants
// configure (PMS bridges), so that a tenant cannot point the server at itself or its network.
//
//   cordon::OutboundUrlCheck check = cordon::check_outbound_url("https://10.0.0.7/hook");
//   check.allowed;                  // false
//   to_string(check.verdict);       // "private"
//   check.message;                  // "the host 10.0.0.7 is a private address (10.0.0.0/8)"
//
// Allowed: https only, no userinfo, a port in the policy's list (any when the list is empty),
// and a host that is a public domain name or a global unicast IP address. Refused:
//   - every IPv4 and IPv6 address outside global unicast: loopback, private (RFC 1918, CGNAT,
//     unique local, site-local), link-local, unspecified, multicast, broadcast, documentation,
//     benchmarking, 6to4, Teredo, ...; IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96)
//     addresses are judged by the IPv4 address inside;
//   - IPv4 in the forms a WHATWG URL parser (and inet_aton) reads: 2130706433, 0x7f.1,
//     0177.0.0.1, 127.1 are all 127.0.0.1;
//   - names that are local by definition: localhost, *.localhost, *.local, *.internal,
//     *.home.arpa, *.localdomain, and single-label names (resolved through search domains);
//   - anything a strict reading cannot be sure of: backslashes, spaces, control or non-ASCII
//     characters (internationalized names must be given in punycode), percent-encoding in the
//     host, zone identifiers, an empty port, `https:/host` or `https:///host`.
// A domain name is only checked by its text unless the policy has a resolver: then every
// address it resolves to must be allowed too (and the caller should connect to one of
// `resolved`, not resolve again, or DNS rebinding can still reach a private address).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/error.h"

namespace cordon {

struct IpAddress {
  enum class Family { v4, v6 };
  Family family = Family::v4;
  std::array<uint8_t, 16> bytes{};  // network order; an IPv4 address uses the first 4

  // Strict text forms, as a resolver gives them: dotted-quad decimal IPv4 (no leading zeros)
  // or RFC 4291 IPv6 (without brackets or zone). nullopt for anything else.
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress v4(uint32_t address);

  // Dotted quad, or RFC 5952 IPv6 (::ffff:a.b.c.d for IPv4-mapped addresses).
  std::string to_string() const;
  bool operator==(const IpAddress& other) const = default;
};

// What kind of address it is; only `global` may be reached.
enum class AddressClass {
  global,
  unspecified,  // 0.0.0.0/8, ::
  loopback,     // 127.0.0.0/8, ::1
  private_use,  // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7, fec0::/10,
                // 64:ff9b:1::/48
  link_local,   // 169.254/16 (cloud metadata lives here), fe80::/10
  multicast,    // 224/4, ff00::/8
  reserved,     // documentation, benchmarking, protocol assignments, 240/4, broadcast, 6to4,
                // Teredo, IPv4-compatible, and IPv6 outside 2000::/3
};
const char* to_string(AddressClass address_class);  // "global", "private", "link_local", ...

// The class of `address` and the block that decided it ("10.0.0.0/8", "::ffff:0:0/96 -> ...").
struct AddressClassification {
  AddressClass address_class = AddressClass::global;
  std::string block;
};
AddressClassification classify_address(const IpAddress& address);

enum class UrlVerdict {
  allowed,
  malformed,         // not a URL this check can read without doubt
  not_https,         // another scheme
  userinfo,          // user:password@ before the host
  port_not_allowed,  // a port outside the policy's list
  local_name,        // localhost, *.local, a single-label name, ...
  unspecified,
  loopback,
  private_use,
  link_local,
  multicast,
  reserved,
  unresolved,  // the resolver failed or found no address (fail closed)
};
const char* to_string(UrlVerdict verdict);  // "allowed", "malformed", ..., "private", ...

// Resolves a domain name to its addresses (for instance with getaddrinfo); an error or an
// empty list refuses the URL.
using HostResolver = std::function<Result<std::vector<IpAddress>>(std::string_view host)>;

struct OutboundUrlPolicy {
  std::vector<uint16_t> allowed_ports;  // empty: any port
  HostResolver resolver;                // unset: domain names are checked by their text only
};

struct OutboundUrlCheck {
  bool allowed = false;
  UrlVerdict verdict = UrlVerdict::malformed;
  std::string message;  // why, in a sentence; quotes the host, never userinfo
  // Known once the URL parsed: the host in lowercase (an IP address in its canonical form,
  // IPv6 without brackets), the port (443 when not given) and, for an IP address in any of
  // its forms, the address itself.
  std::string host;
  uint16_t port = 0;
  std::optional<IpAddress> address;
  std::vector<IpAddress> resolved;  // what the resolver answered, when it was asked
};

OutboundUrlCheck check_outbound_url(std::string_view url, const OutboundUrlPolicy& policy = {});

}  // namespace cordon
