// libFuzzer target: the verification parsers, which read what strangers send.
//
// The same bytes go to check_outbound_url (a tenant's URL), IpAddress::parse, the Stripe and
// generic signature-header parsers and webhook::verify, and the verify_json calls. None may
// crash, and a few properties must hold:
//   - an allowed URL is https, its address (when it has one) is global, and it has no '@'
//     before its path;
//   - IpAddress::parse of an address's canonical text gives the same address back;
//   - a header that verifies was signed: its signature equals the HMAC over what it names.
//
//   ./fuzz_verify build/fuzz-seeds/verify
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cordon/outbound_url.h"
#include "cordon/verify_json.h"
#include "cordon/webhook.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

void fuzz_url(std::string_view text) {
  const cordon::OutboundUrlCheck result = cordon::check_outbound_url(text);
  if (!result.allowed) return;
  check(text.size() > 8);
  std::string scheme(text.substr(0, 6));
  for (char& c : scheme) c = static_cast<char>(c | 0x20);
  check(scheme == "https:");
  const std::string_view rest = text.substr(8);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  check(authority.find('@') == std::string_view::npos);
  if (result.address) {
    check(cordon::classify_address(*result.address).address_class == cordon::AddressClass::global);
  }
}

void fuzz_address(std::string_view text) {
  auto address = cordon::IpAddress::parse(text);
  if (!address) return;
  auto again = cordon::IpAddress::parse(address->to_string());
  check(again.has_value() && *again == *address);
}

void fuzz_headers(std::string_view text) {
  const size_t split = text.find('\n');
  const std::string_view header = text.substr(0, split);
  const std::string_view payload = split == std::string_view::npos ? "" : text.substr(split + 1);
  (void)cordon::webhook::parse_stripe_header(header);
  (void)cordon::webhook::parse_generic_headers(payload.substr(0, 16), header);
  std::vector<cordon::SecretBytes> secrets;
  secrets.push_back(cordon::SecretBytes::from("whsec_fuzz"));
  cordon::webhook::VerifyOptions options;
  options.now = 1700000000;
  options.tolerance_seconds = 86400;
  const auto verdict = cordon::webhook::verify(
      {cordon::webhook::Scheme::stripe, payload, header, {}}, secrets, options);
  if (verdict.verified) {
    // Only a signer could have made it: the header holds the HMAC of what it names.
    const std::string expected = cordon::webhook::sign(cordon::webhook::Scheme::stripe,
                                                       "whsec_fuzz", verdict.timestamp, payload);
    const std::string tag = expected.substr(expected.find("v1=") + 3);
    std::string lower(header);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'F' ? c + 32 : c);
    check(lower.find(tag) != std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_url(text);
  fuzz_address(text);
  fuzz_headers(text);
  using Call = std::string (*)(std::string_view);
  const Call calls[] = {cordon::verify_json::verify_webhook,
                        cordon::verify_json::check_outbound_url,
                        cordon::verify_json::check_credential,
                        cordon::verify_json::credential_digest, cordon::verify_json::sign_webhook};
  for (Call call : calls) {
    const std::string answer = call(text);
    check(answer.rfind("{\"type\":\"success\"", 0) == 0 ||
          answer.rfind("{\"type\":\"failure\"", 0) == 0);
  }
  return 0;
}
