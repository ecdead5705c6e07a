// Outbound URL validation (cordon/outbound_url.h). The URL is read by a strict subset of
// RFC 3986 on which WHATWG URL parsers (what HTTP clients use) agree; anything outside it
// is refused as malformed rather than guessed at, because a validator that reads a URL
// differently from the client that fetches it is how SSRF filters are bypassed.
#include "cordon/outbound_url.h"

#include <algorithm>
#include <cstdio>

namespace cordon {

namespace {

constexpr size_t kMaxUrlLength = 4096;
constexpr size_t kMaxHostLength = 253;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// Strict dotted-quad decimal, as in an IPv6 address's last 32 bits (WHATWG's IPv6 parser
// refuses leading zeros there too).
std::optional<uint32_t> parse_dotted_quad(std::string_view text) {
  std::vector<std::string_view> parts = split(text, '.');
  if (parts.size() != 4) return std::nullopt;
  uint32_t address = 0;
  for (std::string_view part : parts) {
    if (part.empty() || part.size() > 3) return std::nullopt;
    if (part.size() > 1 && part[0] == '0') return std::nullopt;
    uint32_t value = 0;
    for (char c : part) {
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + uint32_t(c - '0');
    }
    if (value > 255) return std::nullopt;
    address = (address << 8) | value;
  }
  return address;
}

std::optional<IpAddress> parse_ipv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::array<uint16_t, 8> groups{};
  int count = 0;
  int compress_at = -1;
  size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compress_at = 0;
    i = 2;
    if (i == text.size()) return IpAddress{IpAddress::Family::v6, {}};
  } else if (text[0] == ':') {
    return std::nullopt;
  }
  while (i < text.size()) {
    if (count == 8) return std::nullopt;
    // An IPv4 address in the last 32 bits: the rest of the text has a '.'.
    size_t next_colon = text.find(':', i);
    std::string_view piece = text.substr(
        i, next_colon == std::string_view::npos ? std::string_view::npos : next_colon - i);
    if (piece.find('.') != std::string_view::npos) {
      if (next_colon != std::string_view::npos || count > 6) return std::nullopt;
      std::optional<uint32_t> v4 = parse_dotted_quad(piece);
      if (!v4) return std::nullopt;
      groups[count++] = uint16_t(*v4 >> 16);
      groups[count++] = uint16_t(*v4 & 0xffff);
      i = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4) return std::nullopt;
    uint16_t value = 0;
    for (char c : piece) {
      int v = hex_value(c);
      if (v < 0) return std::nullopt;
      value = uint16_t((value << 4) | v);
    }
    groups[count++] = value;
    i += piece.size();
    if (i == text.size()) break;
    // At a ':': either a separator, or the start of the one "::".
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (compress_at >= 0) return std::nullopt;
      compress_at = count;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return std::nullopt;  // a trailing single ':'
    }
  }
  if (compress_at >= 0) {
    if (count == 8) return std::nullopt;  // "::" must stand for at least one group
    std::array<uint16_t, 8> expanded{};
    for (int k = 0; k < compress_at; ++k) expanded[k] = groups[k];
    const int tail = count - compress_at;
    for (int k = 0; k < tail; ++k) expanded[8 - tail + k] = groups[compress_at + k];
    groups = expanded;
  } else if (count != 8) {
    return std::nullopt;
  }
  IpAddress address{IpAddress::Family::v6, {}};
  for (int k = 0; k < 8; ++k) {
    address.bytes[2 * k] = uint8_t(groups[k] >> 8);
    address.bytes[2 * k + 1] = uint8_t(groups[k] & 0xff);
  }
  return address;
}

// WHATWG's IPv4 number: 0x-prefixed hex (possibly empty), 0-prefixed octal, or decimal.
// nullopt when it is not a number or exceeds 32 bits.
std::optional<uint64_t> parse_ipv4_number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    radix = 16;
    part.remove_prefix(2);
  } else if (part.size() >= 2 && part[0] == '0') {
    radix = 8;
    part.remove_prefix(1);
  }
  uint64_t value = 0;
  for (char c : part) {
    int digit = hex_value(c);
    if (digit < 0 || digit >= radix) return std::nullopt;
    value = value * uint64_t(radix) + uint64_t(digit);
    if (value > 0xffffffffull) return std::nullopt;
  }
  return value;
}

// WHATWG's "ends in a number": such a host is an IPv4 address or not a host at all.
bool ends_in_a_number(std::string_view host) {
  std::vector<std::string_view> parts = split(host, '.');
  if (parts.back().empty()) {
    if (parts.size() == 1) return false;
    parts.pop_back();
  }
  std::string_view last = parts.back();
  if (!last.empty() && std::all_of(last.begin(), last.end(), is_digit)) return true;
  return last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') &&
         std::all_of(last.begin() + 2, last.end(), [](char c) { return hex_value(c) >= 0; });
}

// WHATWG's IPv4 parser: one to four numbers, the last filling the remaining bytes.
std::optional<uint32_t> parse_whatwg_ipv4(std::string_view host) {
  std::vector<std::string_view> parts = split(host, '.');
  if (parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() > 4) return std::nullopt;
  std::vector<uint64_t> numbers;
  for (std::string_view part : parts) {
    std::optional<uint64_t> n = parse_ipv4_number(part);
    if (!n) return std::nullopt;
    numbers.push_back(*n);
  }
  for (size_t k = 0; k + 1 < numbers.size(); ++k) {
    if (numbers[k] > 255) return std::nullopt;
  }
  const size_t rest_bytes = 5 - numbers.size();
  if (numbers.back() >= (uint64_t(1) << (8 * rest_bytes))) return std::nullopt;
  uint64_t address = numbers.back();
  for (size_t k = 0; k + 1 < numbers.size(); ++k) address += numbers[k] << (8 * (3 - k));
  return uint32_t(address);
}

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
}

// A lowercase DNS name of LDH labels; `host` has no trailing dot.
bool is_domain_name(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength) return false;
  for (std::string_view label : split(host, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), is_label_char)) return false;
  }
  return true;
}

UrlVerdict verdict_of(AddressClass address_class) {
  switch (address_class) {
    case AddressClass::global:
      return UrlVerdict::allowed;
    case AddressClass::unspecified:
      return UrlVerdict::unspecified;
    case AddressClass::loopback:
      return UrlVerdict::loopback;
    case AddressClass::private_use:
      return UrlVerdict::private_use;
    case AddressClass::link_local:
      return UrlVerdict::link_local;
    case AddressClass::multicast:
      return UrlVerdict::multicast;
    case AddressClass::reserved:
      return UrlVerdict::reserved;
  }
  return UrlVerdict::reserved;
}

const char* class_phrase(AddressClass address_class) {
  switch (address_class) {
    case AddressClass::global:
      return "a global address";
    case AddressClass::unspecified:
      return "an unspecified address";
    case AddressClass::loopback:
      return "a loopback address";
    case AddressClass::private_use:
      return "a private address";
    case AddressClass::link_local:
      return "a link-local address";
    case AddressClass::multicast:
      return "a multicast address";
    case AddressClass::reserved:
      return "a reserved address";
  }
  return "a reserved address";
}

struct Block4 {
  uint32_t prefix;
  int length;
  AddressClass address_class;
  const char* text;
};

// IANA's special-purpose IPv4 registry, the blocks that are not globally reachable.
constexpr Block4 kBlocks4[] = {
    {0x00000000, 8, AddressClass::unspecified, "0.0.0.0/8"},
    {0x0a000000, 8, AddressClass::private_use, "10.0.0.0/8"},
    {0x64400000, 10, AddressClass::private_use, "100.64.0.0/10"},
    {0x7f000000, 8, AddressClass::loopback, "127.0.0.0/8"},
    {0xa9fe0000, 16, AddressClass::link_local, "169.254.0.0/16"},
    {0xac100000, 12, AddressClass::private_use, "172.16.0.0/12"},
    {0xc0000000, 24, AddressClass::reserved, "192.0.0.0/24"},
    {0xc0000200, 24, AddressClass::reserved, "192.0.2.0/24"},
    {0xc0586300, 24, AddressClass::reserved, "192.88.99.0/24"},
    {0xc0a80000, 16, AddressClass::private_use, "192.168.0.0/16"},
    {0xc6120000, 15, AddressClass::reserved, "198.18.0.0/15"},
    {0xc6336400, 24, AddressClass::reserved, "198.51.100.0/24"},
    {0xcb007100, 24, AddressClass::reserved, "203.0.113.0/24"},
    {0xe0000000, 4, AddressClass::multicast, "224.0.0.0/4"},
    {0xf0000000, 4, AddressClass::reserved, "240.0.0.0/4"},
};

AddressClassification classify_v4(uint32_t address) {
  for (const Block4& block : kBlocks4) {
    const uint32_t mask = block.length == 0 ? 0 : ~uint32_t(0) << (32 - block.length);
    if ((address & mask) == block.prefix) return {block.address_class, block.text};
  }
  return {AddressClass::global, ""};
}

uint32_t v4_at(const IpAddress& address, int offset) {
  return (uint32_t(address.bytes[offset]) << 24) | (uint32_t(address.bytes[offset + 1]) << 16) |
         (uint32_t(address.bytes[offset + 2]) << 8) | uint32_t(address.bytes[offset + 3]);
}

// Whether the first `bits` bits of `address` equal those of `prefix` (16 bytes).
bool in_prefix(const IpAddress& address, const std::array<uint8_t, 16>& prefix, int bits) {
  for (int i = 0; i < bits; ++i) {
    const int byte = i / 8, bit = 7 - i % 8;
    if (((address.bytes[byte] >> bit) & 1) != ((prefix[byte] >> bit) & 1)) return false;
  }
  return true;
}

struct Block6 {
  std::array<uint8_t, 16> prefix;
  int length;
  AddressClass address_class;
  const char* text;
};

// Not globally reachable, inside 2000::/3 or checked before the 2000::/3 rule.
const Block6 kBlocks6[] = {
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, AddressClass::private_use, "64:ff9b:1::/48"},
    {{0x01, 0x00}, 64, AddressClass::reserved, "100::/64"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, AddressClass::reserved, "2001:db8::/32"},
    {{0x20, 0x01}, 23, AddressClass::reserved, "2001::/23"},
    {{0x20, 0x02}, 16, AddressClass::reserved, "2002::/16"},
    {{0x3f, 0xff}, 20, AddressClass::reserved, "3fff::/20"},
    {{0xfc}, 7, AddressClass::private_use, "fc00::/7"},
    {{0xfe, 0x80}, 10, AddressClass::link_local, "fe80::/10"},
    {{0xfe, 0xc0}, 10, AddressClass::private_use, "fec0::/10"},
    {{0xff}, 8, AddressClass::multicast, "ff00::/8"},
};

AddressClassification classify_v6(const IpAddress& address) {
  const auto& b = address.bytes;
  const bool first_80_zero = std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) { return !x; });
  if (first_80_zero && b[10] == 0xff && b[11] == 0xff) {
    AddressClassification inner = classify_v4(v4_at(address, 12));
    inner.block = "::ffff:0:0/96 (IPv4-mapped)" +
                  (inner.block.empty() ? std::string() : " in " + inner.block);
    return inner;
  }
  if (first_80_zero && b[10] == 0 && b[11] == 0) {
    if (std::all_of(b.begin() + 12, b.begin() + 15, [](uint8_t x) { return !x; })) {
      if (b[15] == 0) return {AddressClass::unspecified, "::/128"};
      if (b[15] == 1) return {AddressClass::loopback, "::1/128"};
    }
    return {AddressClass::reserved, "::/96 (IPv4-compatible)"};
  }
  // NAT64's well-known prefix reaches the IPv4 address inside it.
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
      std::all_of(b.begin() + 4, b.begin() + 12, [](uint8_t x) { return !x; })) {
    AddressClassification inner = classify_v4(v4_at(address, 12));
    inner.block =
        "64:ff9b::/96 (NAT64)" + (inner.block.empty() ? std::string() : " in " + inner.block);
    return inner;
  }
  for (const Block6& block : kBlocks6) {
    if (in_prefix(address, block.prefix, block.length)) return {block.address_class, block.text};
  }
  if ((b[0] & 0xe0) != 0x20) return {AddressClass::reserved, "outside 2000::/3"};
  return {AddressClass::global, ""};
}

OutboundUrlCheck refuse(OutboundUrlCheck check, UrlVerdict verdict, std::string message) {
  check.allowed = false;
  check.verdict = verdict;
  check.message = std::move(message);
  return check;
}

// Judges one address of the host `host`; nullopt when it may be reached.
std::optional<std::pair<UrlVerdict, std::string>> address_refusal(const IpAddress& address,
                                                                  std::string_view how) {
  AddressClassification c = classify_address(address);
  if (c.address_class == AddressClass::global) return std::nullopt;
  return std::pair{verdict_of(c.address_class), std::string(how) + address.to_string() + " is " +
                                                    class_phrase(c.address_class) + " (" + c.block +
                                                    ")"};
}

bool is_local_name(std::string_view host) {
  if (host.find('.') == std::string_view::npos) return true;  // single label, localhost too
  for (std::string_view suffix :
       {".localhost", ".local", ".internal", ".home.arpa", ".localdomain"}) {
    if (ends_with(host, suffix)) return true;
  }
  return false;
}

}  // namespace

IpAddress IpAddress::v4(uint32_t address) {
  IpAddress out;
  out.family = Family::v4;
  out.bytes[0] = uint8_t(address >> 24);
  out.bytes[1] = uint8_t(address >> 16);
  out.bytes[2] = uint8_t(address >> 8);
  out.bytes[3] = uint8_t(address);
  return out;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_ipv6(text);
  std::optional<uint32_t> v4 = parse_dotted_quad(text);
  if (!v4) return std::nullopt;
  return IpAddress::v4(*v4);
}

std::string IpAddress::to_string() const {
  char buffer[64];
  if (family == Family::v4) {
    std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buffer;
  }
  std::array<uint16_t, 8> groups{};
  for (int k = 0; k < 8; ++k) groups[k] = uint16_t((bytes[2 * k] << 8) | bytes[2 * k + 1]);
  const bool mapped = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 &&
                      groups[4] == 0 && groups[5] == 0xffff;
  if (mapped) {
    std::snprintf(buffer, sizeof buffer, "::ffff:%u.%u.%u.%u", bytes[12], bytes[13], bytes[14],
                  bytes[15]);
    return buffer;
  }
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
  int best_start = -1, best_length = 0;
  for (int k = 0; k < 8;) {
    if (groups[k] != 0) {
      ++k;
      continue;
    }
    int end = k;
    while (end < 8 && groups[end] == 0) ++end;
    if (end - k > best_length && end - k >= 2) best_start = k, best_length = end - k;
    k = end;
  }
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best_start) {
      out += "::";
      k += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buffer, sizeof buffer, "%x", groups[k]);
    out += buffer;
  }
  return out;
}

const char* to_string(AddressClass address_class) {
  switch (address_class) {
    case AddressClass::global:
      return "global";
    case AddressClass::unspecified:
      return "unspecified";
    case AddressClass::loopback:
      return "loopback";
    case AddressClass::private_use:
      return "private";
    case AddressClass::link_local:
      return "link_local";
    case AddressClass::multicast:
      return "multicast";
    case AddressClass::reserved:
      return "reserved";
  }
  return "reserved";
}

const char* to_string(UrlVerdict verdict) {
  switch (verdict) {
    case UrlVerdict::allowed:
      return "allowed";
    case UrlVerdict::malformed:
      return "malformed";
    case UrlVerdict::not_https:
      return "not_https";
    case UrlVerdict::userinfo:
      return "userinfo";
    case UrlVerdict::port_not_allowed:
      return "port_not_allowed";
    case UrlVerdict::local_name:
      return "local_name";
    case UrlVerdict::unspecified:
      return "unspecified";
    case UrlVerdict::loopback:
      return "loopback";
    case UrlVerdict::private_use:
      return "private";
    case UrlVerdict::link_local:
      return "link_local";
    case UrlVerdict::multicast:
      return "multicast";
    case UrlVerdict::reserved:
      return "reserved";
    case UrlVerdict::unresolved:
      return "unresolved";
  }
  return "malformed";
}

AddressClassification classify_address(const IpAddress& address) {
  if (address.family == IpAddress::Family::v4) return classify_v4(v4_at(address, 0));
  return classify_v6(address);
}

OutboundUrlCheck check_outbound_url(std::string_view url, const OutboundUrlPolicy& policy) {
  OutboundUrlCheck check;
  if (url.empty()) return refuse(check, UrlVerdict::malformed, "the URL is empty");
  if (url.size() > kMaxUrlLength)
    return refuse(check, UrlVerdict::malformed,
                  "the URL is longer than " + std::to_string(kMaxUrlLength) + " characters");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return refuse(check, UrlVerdict::malformed,
                    "the URL has a space, a control or a non-ASCII character (internationalized "
                    "names must be given in punycode, xn--...)");
    if (c == '\\')
      return refuse(check, UrlVerdict::malformed,
                    "the URL has a backslash, which URL parsers read differently");
  }

  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return refuse(check, UrlVerdict::malformed, "the URL has no scheme");
  const std::string scheme = lowercase(url.substr(0, colon));
  if (!std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || is_digit(c) || c == '+' || c == '-' || c == '.';
      }))
    return refuse(check, UrlVerdict::malformed, "the URL has no scheme");
  if (scheme != "https")
    return refuse(check, UrlVerdict::not_https,
                  "the scheme is `" + scheme + "`; only https may be used");
  std::string_view rest = url.substr(colon + 1);
  if (rest.substr(0, 2) != "//" || rest.substr(0, 3) == "///")
    return refuse(check, UrlVerdict::malformed, "https must be followed by `://` and a host");
  rest.remove_prefix(2);

  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    return refuse(check, UrlVerdict::userinfo,
                  "the URL carries credentials (user:password@) before the host");
  if (authority.empty()) return refuse(check, UrlVerdict::malformed, "the URL has no host");
  if (authority.find('%') != std::string_view::npos)
    return refuse(check, UrlVerdict::malformed,
                  "the host is percent-encoded or has a zone identifier");

  std::string_view host_text, port_text;
  bool has_port = false;
  bool bracketed = false;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return refuse(check, UrlVerdict::malformed, "the IPv6 address has no closing `]`");
    host_text = authority.substr(1, close - 1);
    bracketed = true;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return refuse(check, UrlVerdict::malformed, "unexpected text after the IPv6 address");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const size_t port_colon = authority.find(':');
    host_text = authority.substr(0, port_colon);
    if (port_colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(port_colon + 1);
    }
  }

  check.port = 443;
  if (has_port) {
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(), is_digit))
      return refuse(check, UrlVerdict::malformed, "the port is not a number from 1 to 65535");
    uint32_t port = 0;
    for (char c : port_text) port = port * 10 + uint32_t(c - '0');
    if (port == 0 || port > 65535)
      return refuse(check, UrlVerdict::malformed, "the port is not a number from 1 to 65535");
    check.port = uint16_t(port);
  }

  if (bracketed) {
    std::optional<IpAddress> address = parse_ipv6(host_text);
    if (!address) return refuse(check, UrlVerdict::malformed, "the IPv6 address is malformed");
    check.address = address;
    check.host = address->to_string();
  } else {
    if (host_text.empty()) return refuse(check, UrlVerdict::malformed, "the URL has no host");
    const std::string host = lowercase(host_text);
    if (ends_in_a_number(host)) {
      std::optional<uint32_t> v4 = parse_whatwg_ipv4(host);
      if (!v4)
        return refuse(check, UrlVerdict::malformed,
                      "the host `" + host + "` ends in a number but is not an IPv4 address");
      check.address = IpAddress::v4(*v4);
      check.host = check.address->to_string();
    } else {
      // One trailing dot names the same host (an absolute name).
      std::string_view name = host;
      if (name.size() > 1 && name.back() == '.') name.remove_suffix(1);
      if (!is_domain_name(name))
        return refuse(check, UrlVerdict::malformed,
                      "the host `" + host + "` is not a domain name (letters, digits and `-`)");
      check.host = std::string(name);
    }
  }

  if (!policy.allowed_ports.empty() &&
      std::find(policy.allowed_ports.begin(), policy.allowed_ports.end(), check.port) ==
          policy.allowed_ports.end()) {
    std::string ports;
    for (uint16_t p : policy.allowed_ports)
      ports += (ports.empty() ? "" : ", ") + std::to_string(p);
    return refuse(
        check, UrlVerdict::port_not_allowed,
        "port " + std::to_string(check.port) + " is not allowed (allowed: " + ports + ")");
  }

  if (check.address) {
    if (auto refusal = address_refusal(*check.address, "the host ")) {
      return refuse(check, refusal->first, refusal->second);
    }
  } else {
    if (is_local_name(check.host))
      return refuse(check, UrlVerdict::local_name,
                    "the host `" + check.host +
                        "` is a local name (localhost, a single label, .local, .internal, ...)");
    if (policy.resolver) {
      Result<std::vector<IpAddress>> resolved = policy.resolver(check.host);
      if (!resolved)
        return refuse(check, UrlVerdict::unresolved,
                      "the host `" + check.host + "` did not resolve: " + resolved.error().message);
      if (resolved->empty())
        return refuse(check, UrlVerdict::unresolved,
                      "the host `" + check.host + "` resolved to no address");
      check.resolved = *resolved;
      for (const IpAddress& address : check.resolved) {
        if (auto refusal = address_refusal(address, "the host `" + check.host + "` resolves to ")) {
          return refuse(check, refusal->first, refusal->second);
        }
      }
    }
  }
  check.allowed = true;
  check.verdict = UrlVerdict::allowed;
  check.message = "https to " + check.host + " port " + std::to_string(check.port) + " is allowed";
  return check;
}

}  // namespace cordon
