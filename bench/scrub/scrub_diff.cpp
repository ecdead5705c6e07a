// Writes what scrubbing makes of many inputs, so that a speed-up can be checked to change no
// byte of it: save the output before a change, run again after, compare (cmp or sha256sum).
//
//   build/native/bench/scrub/cordon_scrub_diff OUT_FILE [PAYLOAD.json ...]
//
// It writes, in order: every detector's matches on a seeded corpus of generated strings
// (fragments of emails, phones, cards, IPs, JWTs, keys, keywords, digits, separators and
// multibyte UTF-8, glued at random); the scrubbed text of those strings as JSON events through
// both profiles of the default bundle (hashing with a fixed key); the labelled events of
// tests/telemetry/events.jsonl through both profiles; and each PAYLOAD through
// scrub_telemetry and the domain_json call.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cordon/bundle.h"
#include "cordon/domain_json.h"
#include "cordon/masks.h"
#include "splitmix.h"
#include "telemetry/detectors.h"

namespace {

namespace fs = std::filesystem;

using cordon::bench::Rng;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Pieces that make detectors fire, nearly fire, or stop at a boundary.
const char* const kFragments[] = {"jo@x.org",
                                  "a.b@c.d.co",
                                  "@",
                                  "x@y",
                                  ".",
                                  "..",
                                  "-",
                                  "_",
                                  "+",
                                  "(",
                                  ")",
                                  " ",
                                  "  ",
                                  ":",
                                  "::",
                                  "://",
                                  "/",
                                  "//",
                                  "=",
                                  "&",
                                  "%40",
                                  "%3A",
                                  "%",
                                  "'",
                                  "\"",
                                  "\\",
                                  ",",
                                  ";",
                                  "[",
                                  "]",
                                  "{",
                                  "}",
                                  "~",
                                  "\n",
                                  "\t",
                                  "0",
                                  "1",
                                  "12",
                                  "123",
                                  "1234",
                                  "555",
                                  "415",
                                  "2026-12-01",
                                  "+1 (415) 555-1234",
                                  "+44 20 7946 0958",
                                  "555-123-4567",
                                  "(555) 123-4567",
                                  "4111 1111 1111 1111",
                                  "4111-1111-1111-1111",
                                  "4111111111111111",
                                  "378282246310005",
                                  "10.0.0.1",
                                  "192.168.1.255",
                                  "256.1.1.1",
                                  "::1",
                                  "fe80::1",
                                  "2001:db8::8a2e:370:7334",
                                  "::ffff:203.0.113.7",
                                  "1:2:3:4:5:6:7:8",
                                  "Chrome/120.0.0.0",
                                  "v1.2.3.4",
                                  "eyJhbGciOiJIUzI1NiJ9",
                                  "eyJ",
                                  "eyJzdWIiOiIxIn0",
                                  ".sig-_abc",
                                  "Bearer ",
                                  "bearer",
                                  "Basic ",
                                  "Token ",
                                  "token",
                                  "TOKEN=",
                                  "key ",
                                  "key: ",
                                  "Key=",
                                  "password",
                                  "passwd ",
                                  "secret: ",
                                  "apikey=",
                                  "credentials ",
                                  "pwd=",
                                  "sk-ant-",
                                  "sk-proj-",
                                  "sk-",
                                  "sk_live_",
                                  "ghp_",
                                  "AKIA",
                                  "AIza",
                                  "SG.",
                                  "xoxb-",
                                  "github_pat_",
                                  "glpat-",
                                  "whsec_",
                                  "rk_test_",
                                  "abcdefghijklmnop",
                                  "ABCDEFGHIJKLMNOP",
                                  "8f3a9c2e7b1d4f60",
                                  "Zx9Qw8Er7Ty6Ui5Op4",
                                  "hunter2hunter2",
                                  "[Filtered]",
                                  "postgres://user:pa55word@db.host",
                                  "https://a:b@h",
                                  "http://",
                                  "é",
                                  "ü",
                                  "€",
                                  "日本",
                                  "😀",
                                  "\xc3\xa9@x.org",
                                  "ß",
                                  "word",
                                  "the call failed",
                                  "authorization",
                                  "Authorization: Bearer ",
                                  "access_token=",
                                  "cookie: ",
                                  "x-api-key=",
                                  "\"password\": \"",
                                  "'token': '",
                                  "callerPhone",
                                  "email=",
                                  "phone: "};

std::string corpus_string(Rng& rng) {
  std::string s;
  const size_t pieces = 1 + rng.below(12);
  for (size_t i = 0; i < pieces; ++i) {
    if (rng.below(4) == 0) {
      // Random characters from a small alphabet rich in detector triggers.
      static const char alphabet[] = "0123456789abcdefABCDEFxyzJ.:@-_+/ =%()";
      for (size_t k = 0, n = 1 + rng.below(24); k < n; ++k)
        s += alphabet[rng.below(sizeof(alphabet) - 1)];
    } else {
      s += kFragments[rng.below(sizeof(kFragments) / sizeof(kFragments[0]))];
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: cordon_scrub_diff OUT_FILE [PAYLOAD.json ...]\n";
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary);
  const fs::path source(CORDON_SOURCE_DIR);
  const fs::path bundle_dir = source / "policies" / "elaygent";
  cordon::BundleFiles files;
  for (const auto& entry : fs::recursive_directory_iterator(bundle_dir))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), bundle_dir).generic_string()] = read_file(entry.path());
  cordon::BundleLoadOptions options;
  options.scrub_hash_key = "scrub-diff-key";
  auto bundle = cordon::Bundle::load(files, options);
  if (!bundle) {
    std::cerr << bundle.error().to_string() << "\n";
    return 1;
  }
  const char* const profiles[] = {"error-monitoring", "error-monitoring-pseudonymous"};
  auto scrub = [&](const std::string& event) {
    for (const char* profile : profiles) {
      auto r = cordon::scrub_telemetry(*bundle, event, profile);
      out << (r ? r->to_json() : "error: " + r.error().to_string()) << "\n";
    }
  };

  using cordon::telemetry::Detector;
  const Detector detectors[] = {Detector::email, Detector::phone,        Detector::bearer,
                                Detector::jwt,   Detector::api_key,      Detector::card,
                                Detector::ip,    Detector::url_password, Detector::keyword_secret};
  Rng rng(0xd1ff);
  for (int n = 0; n < 200000; ++n) {
    const std::string s = corpus_string(rng);
    out << n;
    for (Detector d : detectors) {
      out << " |";
      for (const auto& m : cordon::telemetry::find_all(d, s)) out << ' ' << m.begin << '-' << m.end;
    }
    out << "\n";
    if (n % 4 == 0) scrub(nlohmann::json({{"message", s}, {"extra", {{"log", {s, s}}}}}).dump());
  }

  std::ifstream events(source / "tests" / "telemetry" / "events.jsonl");
  for (std::string line; std::getline(events, line);)
    scrub(nlohmann::json::parse(line).at("event").dump());

  for (int i = 2; i < argc; ++i) {
    const std::string text = read_file(argv[i]);
    scrub(text);
    const std::string call = R"({"event":)" + text + R"(,"profile":"error-monitoring"})";
    out << cordon::domain_json::scrub_telemetry(*bundle, call) << "\n";
  }
  return 0;
}
