#include "telemetry/detectors.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>

#include "text/swar.h"

namespace cordon::telemetry {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_token_char(char c) {
  return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' ||
         c == '=';
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_ci(std::string_view text, size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[at + i]) != word[i]) return false;
  return true;
}

// Well-known API key prefixes and how many key characters must follow each.
struct ApiKeyPrefix {
  std::string_view text;
  size_t min_rest;
};
constexpr ApiKeyPrefix kApiKeyPrefixes[] = {
    {"sk-ant-", 16},  {"sk-proj-", 16}, {"sk-", 20},      {"sk_live_", 16},    {"sk_test_", 16},
    {"rk_live_", 16}, {"rk_test_", 16}, {"pk_live_", 16}, {"whsec_", 16},      {"xoxb-", 16},
    {"xoxp-", 16},    {"ghp_", 20},     {"gho_", 20},     {"github_pat_", 20}, {"glpat-", 16},
    {"AKIA", 16},     {"ASIA", 16},     {"AIza", 30},     {"SG.", 20},         {"sbp_", 20},
};

// The words keyword_secret looks after (a whole word, any case).
constexpr std::string_view kSecretKeywords[] = {"password",   "passwd",     "passphrase", "pwd",
                                                "secret",     "token",      "key",        "apikey",
                                                "credential", "credentials"};

// ---- email: local@domain.tld ----
std::vector<Match> find_emails(std::string_view t) {
  std::vector<Match> out;
  auto local_char = [](char c) {
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  };
  auto domain_char = [](char c) { return is_alnum(c) || c == '.' || c == '-'; };
  size_t resume = 0;
  for (size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    if (at < resume) continue;
    size_t begin = at;
    while (begin > resume && local_char(t[begin - 1])) --begin;
    while (begin < at && t[begin] == '.') ++begin;
    if (begin == at) continue;
    size_t end = at + 1;
    while (end < t.size() && domain_char(t[end])) ++end;
    while (end > at + 1 && (t[end - 1] == '.' || t[end - 1] == '-')) --end;
    std::string_view domain = t.substr(at + 1, end - at - 1);
    size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) continue;
    std::string_view tld = domain.substr(dot + 1);
    bool alpha_tld = tld.size() >= 2;
    for (char c : tld) alpha_tld = alpha_tld && is_alpha(c);
    if (!alpha_tld || domain.find("..") != std::string_view::npos) continue;
    out.push_back({begin, end});
    resume = end;
  }
  return out;
}

// ---- phone numbers: +1 (555) 123-4567, 555-123-4567, +44 20 7946 0958 ----
std::vector<Match> find_phones(std::string_view t) {
  std::vector<Match> out;
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    bool start = (c == '+' && i + 1 < t.size() && (is_digit(t[i + 1]) || t[i + 1] == '(')) ||
                 (c == '(' && i + 1 < t.size() && is_digit(t[i + 1])) || is_digit(c);
    // Digits right after `/` are an id in a path; `+` starts an E.164 number anywhere,
    // also as a path segment (/api/callers/+15551234567).
    bool boundary =
        i == 0 || !(is_alnum(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '_' ||
                    (t[i - 1] == '/' && c != '+') || t[i - 1] == '+' || t[i - 1] == '-');
    if (!start || !boundary) {
      ++i;
      continue;
    }
    size_t j = i;
    bool plus = false;
    if (t[j] == '+') {
      plus = true;
      ++j;
    }
    int digits = 0, separators = 0;
    // The first three digit groups are all the date test needs; no allocation per candidate.
    int groups[3] = {0, 0, 0};
    size_t group_count = 0;
    auto push_group = [&](int g) {
      if (group_count < 3) groups[group_count] = g;
      ++group_count;
    };
    int group = 0;
    size_t last_digit = j;
    char prev = 0;
    for (; j < t.size(); ++j) {
      char d = t[j];
      if (is_digit(d)) {
        ++digits;
        ++group;
        last_digit = j;
      } else if (d == ' ' || d == '-' || d == '.' || d == '(' || d == ')') {
        // Separators between digit groups; two in a row only as ") " or " (".
        if (prev && !is_digit(prev) && !((prev == ')' && d == ' ') || (prev == ' ' && d == '(')))
          break;
        if (group) push_group(group);
        group = 0;
        ++separators;
      } else {
        break;
      }
      prev = d;
    }
    if (group) push_group(group);
    size_t end = last_digit + 1;
    bool bounded =
        end >= t.size() || !(is_alnum(t[end]) || t[end] == '_' ||
                             (t[end] == '.' && end + 1 < t.size() && is_digit(t[end + 1])));
    bool iso_date = group_count >= 3 && groups[0] == 4 && groups[1] == 2 && groups[2] == 2;
    bool formatted = plus || separators > 0;
    if (digits >= 10 && digits <= 15 && formatted && bounded && !iso_date && digits > 0) {
      out.push_back({i, end});
      i = end;
    } else {
      i = std::max(i + 1, j > i ? j : i + 1);
    }
  }
  return out;
}

// ---- Authorization credentials: "Bearer <token>", "Basic <token>" ----
std::vector<Match> find_bearer(std::string_view t) {
  std::vector<Match> out;
  for (size_t i = 0; i < t.size(); ++i) {
    const char first = lower(t[i]);
    if (first != 'b' && first != 't') continue;  // cheap test before the words
    size_t word = 0;
    if (starts_with_ci(t, i, "bearer"))
      word = 6;
    else if (starts_with_ci(t, i, "basic"))
      word = 5;
    else if (starts_with_ci(t, i, "token"))
      word = 5;
    if (!word || (i > 0 && is_alnum(t[i - 1]))) continue;
    size_t j = i + word;
    size_t spaces = j;
    while (j < t.size() && (t[j] == ' ' || t[j] == '=' || t[j] == ':')) ++j;
    if (j == spaces) continue;
    size_t begin = j;
    while (j < t.size() && is_token_char(t[j])) ++j;
    if (j - begin >= 8) {
      out.push_back({begin, j});
      i = j;
    }
  }
  return out;
}

// ---- JSON Web Tokens: eyJ....eyJ....sig ----
// The first "eyJ" at or after `from`, found by its rare 'J' (searching for 'e' would stop at
// nearly every word).
size_t find_eyj(std::string_view t, size_t from) {
  for (size_t j = from + 2; j < t.size(); ++j) {
    const void* hit = std::memchr(t.data() + j, 'J', t.size() - j);
    if (hit == nullptr) return std::string_view::npos;
    j = static_cast<size_t>(static_cast<const char*>(hit) - t.data());
    if (t[j - 1] == 'y' && t[j - 2] == 'e') return j - 2;
  }
  return std::string_view::npos;
}

std::vector<Match> find_jwts(std::string_view t) {
  std::vector<Match> out;
  auto b64 = [](char c) { return is_alnum(c) || c == '-' || c == '_'; };
  for (size_t i = find_eyj(t, 0); i != std::string_view::npos; i = find_eyj(t, i + 1)) {
    if (i > 0 && b64(t[i - 1])) continue;
    size_t j = i;
    int dots = 0;
    size_t segment = 0;
    bool ok = true;
    while (j < t.size() && (b64(t[j]) || t[j] == '.')) {
      if (t[j] == '.') {
        if (segment == 0 && dots < 2) ok = false;
        ++dots;
        segment = 0;
      } else {
        ++segment;
      }
      ++j;
    }
    if (ok && dots >= 2 && j - i >= 20) {
      out.push_back({i, j});
      i = j;
    }
  }
  return out;
}

// ---- API keys with well-known prefixes ----
std::vector<Match> find_api_keys(std::string_view t) {
  const auto& prefixes = kApiKeyPrefixes;
  // The prefixes' first characters, so that most positions cost one table lookup.
  static const std::array<bool, 256> first = [] {
    std::array<bool, 256> table{};
    for (const auto& p : kApiKeyPrefixes) table[static_cast<unsigned char>(p.text[0])] = true;
    return table;
  }();
  std::vector<Match> out;
  auto key_char = [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; };
  for (size_t i = 0; i < t.size(); ++i) {
    if (!first[static_cast<unsigned char>(t[i])]) continue;
    if (i > 0 && key_char(t[i - 1])) continue;
    for (const auto& p : prefixes) {
      const size_t n = p.text.size();
      if (p.text[0] != t[i] || t.substr(i, n) != p.text) continue;
      size_t j = i + n;
      while (j < t.size() && key_char(t[j])) ++j;
      if (j - i - n >= p.min_rest) {
        out.push_back({i, j});
        i = j;
        break;
      }
    }
  }
  return out;
}

// ---- payment card numbers: 13-19 digits, spaces or dashes between groups, Luhn ----
std::vector<Match> find_cards(std::string_view t) {
  std::vector<Match> out;
  size_t i = 0;
  while (i < t.size()) {
    if (!is_digit(t[i]) || (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '.'))) {
      ++i;
      continue;
    }
    size_t count = 0;
    size_t j = i, last = i;
    while (j < t.size()) {
      if (is_digit(t[j])) {
        ++count;
        last = j;
        ++j;
      } else if ((t[j] == ' ' || t[j] == '-') && j + 1 < t.size() && is_digit(t[j + 1]) &&
                 is_digit(t[j - 1])) {
        ++j;
      } else {
        break;
      }
    }
    size_t end = last + 1;
    bool bounded = end >= t.size() || !(is_alnum(t[end]) || t[end] == '.');
    if (count >= 13 && count <= 19 && bounded) {
      // The digits without their separators, only for a candidate of card length.
      char digits[19];
      size_t n = 0;
      for (size_t k = i; k < end; ++k)
        if (is_digit(t[k])) digits[n++] = t[k];
      if (luhn_valid(std::string_view(digits, n))) out.push_back({i, end});
    }
    i = end;
  }
  return out;
}

// ---- IP addresses: dotted quads and IPv6 with `::` or all eight groups ----
// A dotted quad at `at`: returns its end, or npos.
size_t ipv4_end(std::string_view t, size_t at) {
  size_t j = at;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (j >= t.size() || t[j] != '.') return std::string_view::npos;
      ++j;
    }
    size_t start = j;
    int value = 0;
    while (j < t.size() && is_digit(t[j]) && j - start < 3) value = value * 10 + (t[j++] - '0');
    if (j == start || value > 255 || (j < t.size() && is_digit(t[j])))
      return std::string_view::npos;
  }
  return j;
}

std::vector<Match> find_ips(std::string_view t) {
  std::vector<Match> out;
  size_t i = 0;
  while (i < t.size()) {
    bool boundary = i == 0 || !(is_alnum(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == ':');
    if (!boundary) {
      ++i;
      continue;
    }
    // IPv4. After `name/` it is a version (User-Agent's `Chrome/120.0.0.0`), not an address;
    // after `//` or a space it is one (`http://10.0.0.1/`).
    bool product_version = i >= 2 && t[i - 1] == '/' && is_alnum(t[i - 2]);
    if (is_digit(t[i]) && !product_version) {
      size_t j = ipv4_end(t, i);
      bool bounded = j != std::string_view::npos &&
                     (j >= t.size() ||
                      !(is_alnum(t[j]) || (t[j] == '.' && j + 1 < t.size() && is_digit(t[j + 1]))));
      if (bounded) {
        out.push_back({i, j});
        i = j;
        continue;
      }
    }
    // IPv6, also with a dotted quad as its last 32 bits (`::ffff:203.0.113.7`).
    if (is_hex(t[i]) || t[i] == ':') {
      size_t j = i;
      while (j < t.size() && (is_hex(t[j]) || t[j] == ':')) ++j;
      size_t hex_end = j;
      int max_colons = 7;
      if (j < t.size() && t[j] == '.') {
        size_t last_colon = std::string_view(t.substr(i, j - i)).rfind(':');
        if (last_colon != std::string_view::npos) {
          size_t tail = ipv4_end(t, i + last_colon + 1);
          if (tail != std::string_view::npos) {
            hex_end = i + last_colon + 1;
            j = tail;
            max_colons = 6;
          }
        }
      }
      int colons = 0, hexdigits = 0;
      bool double_colon = false, groups_ok = true;
      size_t run = 0;
      for (size_t k = i; k < hex_end; ++k) {
        if (t[k] == ':') {
          ++colons;
          if (k + 1 < hex_end && t[k + 1] == ':') double_colon = true;
          run = 0;
        } else {
          ++hexdigits;
          if (++run > 4) groups_ok = false;
        }
      }
      if (max_colons == 6) hexdigits += 1;  // the dotted quad stands for the last groups
      bool bounded = j >= t.size() || !(is_alnum(t[j]) || t[j] == '_');
      if (bounded && groups_ok && hexdigits > 0 &&
          ((double_colon && colons >= 2 && colons <= max_colons) || colons == max_colons)) {
        out.push_back({i, j});
        i = j;
        continue;
      }
      i = std::max(j, i + 1);
      continue;
    }
    ++i;
  }
  return out;
}

// ---- the password of a URL: scheme://user:PASSWORD@host ----
std::vector<Match> find_url_passwords(std::string_view t) {
  std::vector<Match> out;
  // A table of what `is_alnum(c) || std::strchr("-._~%!$&'()*+,;=:", c)` says (strchr also
  // finds the terminating NUL), without a call per character.
  static const std::array<bool, 256> userinfo = [] {
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c)
      table[c] = is_alnum(static_cast<char>(c)) ||
                 std::strchr("-._~%!$&'()*+,;=:", static_cast<char>(c)) != nullptr;
    return table;
  }();
  auto userinfo_char = [](char c) { return userinfo[static_cast<unsigned char>(c)]; };
  for (size_t at = t.find("://"); at != std::string_view::npos; at = t.find("://", at + 3)) {
    if (at == 0 || !is_alpha(t[at - 1])) continue;
    size_t begin = at + 3;
    size_t j = begin;
    while (j < t.size() && userinfo_char(t[j])) ++j;
    if (j >= t.size() || t[j] != '@') continue;
    size_t colon = t.substr(begin, j - begin).find(':');
    if (colon == std::string_view::npos || begin + colon + 1 == j) continue;
    out.push_back({begin + colon + 1, j});
  }
  return out;
}

// ---- a secret-looking word right after key / token / secret / password ----
// "rejected with key 8962058765a6ca7c...", "password: hunter2hunter2", "API key sk_...".
// The word must look random: 8 characters or more, at least 3 bits of entropy per character,
// and letters mixed with digits, with symbols (and a third kind of character), or with each
// other (3 capitals and 3 small letters or more, 10 characters or more); not a path or URL.
// So "key rotation", "token expired" and "key ProviderConfig" are left alone.
bool looks_random(std::string_view w) {
  if (w.size() < 8 || w.size() > 512) return false;
  if (w.front() == '/' || w.find("://") != std::string_view::npos) return false;
  size_t digits = 0, lowers = 0, uppers = 0, symbols = 0;
  std::array<uint16_t, 256> counts{};  // a word has 512 characters at most
  uint64_t seen[4] = {};               // a bit per byte value that occurs
  for (char c : w) {
    const unsigned char b = static_cast<unsigned char>(c);
    seen[b >> 6] |= uint64_t{1} << (b & 63);
    if (is_digit(c))
      ++digits;
    else if (c >= 'a' && c <= 'z')
      ++lowers;
    else if (c >= 'A' && c <= 'Z')
      ++uppers;
    else
      ++symbols;
    ++counts[static_cast<unsigned char>(c)];
  }
  const bool letters = lowers + uppers > 0;
  const int kinds = (digits > 0) + (lowers > 0) + (uppers > 0) + (symbols > 0);
  const bool mixed = (digits > 0 && letters) || (symbols > 0 && letters && kinds >= 3) ||
                     (uppers >= 3 && lowers >= 3 && w.size() >= 10);
  if (!mixed) return false;
  // Each character's term depends only on its count, and most counts are small and shared
  // (a random word's characters appear once or twice): each such term is computed once, the
  // same value summed in the same order, so the result is the same to the last bit.
  constexpr int kRemembered = 32;
  double terms[kRemembered];
  uint32_t known = 0;  // bit n: terms[n] is computed
  double entropy = 0;
  // The characters that occur in increasing byte order, as a loop over all 256 counts
  // skipping zeros visited them (the same sum, term by term).
  for (size_t k = 0; k < 4; ++k) {
    for (uint64_t bits = seen[k]; bits != 0; bits &= bits - 1) {
      const int n = counts[k * 64 + static_cast<size_t>(__builtin_ctzll(bits))];
      double term;
      if (n < kRemembered && (known >> n & 1u)) {
        term = terms[n];
      } else {
        const double p = static_cast<double>(n) / static_cast<double>(w.size());
        term = p * std::log2(p);
        if (n < kRemembered) {
          terms[n] = term;
          known |= 1u << n;
        }
      }
      entropy -= term;
    }
  }
  return entropy >= 3.0;
}

std::vector<Match> find_keyword_secrets(std::string_view t) {
  const auto& keywords = kSecretKeywords;
  std::vector<Match> out;
  size_t i = 0;
  while (i < t.size()) {
    if (!is_alpha(t[i]) || (i > 0 && is_alpha(t[i - 1]))) {
      ++i;
      continue;
    }
    size_t word_end = i;
    while (word_end < t.size() && is_alpha(t[word_end])) ++word_end;
    bool keyword = false;
    const size_t length = word_end - i;
    const char initial = lower(t[i]);
    // Every keyword is 3 to 11 letters and starts with one of these.
    if (length >= 3 && length <= 11 &&
        (initial == 'p' || initial == 's' || initial == 't' || initial == 'k' || initial == 'a' ||
         initial == 'c')) {
      for (std::string_view k : keywords)
        keyword = keyword || (length == k.size() && starts_with_ci(t, i, k));
    }
    if (!keyword) {
      i = word_end;
      continue;
    }
    // Separators: spaces, one `:` or `=`, an opening quote.
    size_t j = word_end;
    while (j < t.size() && (t[j] == ' ' || t[j] == ':' || t[j] == '=') && j - word_end < 4) ++j;
    if (j == word_end) {
      i = word_end;
      continue;
    }
    if (j < t.size() && (t[j] == '"' || t[j] == '\'')) ++j;
    size_t begin = j;
    // The word ends at a space, a quote or `&` (the next URL parameter); one that starts with
    // `[` is a replacement such as [Filtered], not a secret.
    while (j < t.size() && !std::isspace(static_cast<unsigned char>(t[j])) && t[j] != '"' &&
           t[j] != '\'' && t[j] != '&')
      ++j;
    if (begin < t.size() && t[begin] == '[') {
      i = word_end;
      continue;
    }
    size_t end = j;
    while (end > begin && std::strchr(".,;:)]}>", t[end - 1]) != nullptr) --end;
    if (looks_random(t.substr(begin, end - begin))) {
      out.push_back({begin, end});
      i = end;
    } else {
      i = word_end;
    }
  }
  return out;
}

}  // namespace

namespace {

// `prefix` at `at`, byte for byte (an inline loop: these are a few bytes, and a call to
// memcmp per word cost more than the rest of the prefilter).
bool has_prefix_at(std::string_view text, size_t at, std::string_view prefix) {
  if (at + prefix.size() > text.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k)
    if (text[at + k] != prefix[k]) return false;
  return true;
}

// Counts of the characters the detectors need, one 8-bit field each, so that counting is one
// table lookup and one add per byte (fields are added into size_t totals every 255 bytes).
enum CountField : unsigned { kDigits, kDots, kColons, kAts, kEquals, kJs, kSlashes, kPercents };
constexpr uint64_t field(CountField f) {
  return uint64_t{1} << (8 * f);
}

// Character classes of the runs the digit-driven detectors scan (prefilter's second pass).
enum : uint8_t {
  kPhoneRun = 1,  // digits and the separators phone and card numbers use: space - . ( )
  kIpv4Run = 2,   // digits and dots
  kIpv6Run = 4,   // hex digits and colons
  kIsDigit = 8,
  kIsDot = 16,
  kIsColon = 32,
};

// The words the word-driven detectors look for, in one list: bit k of a mask stands for
// kWords[k]. The bearer words come first, then the secret keywords, then the API key prefixes.
struct Word {
  std::string_view text;
  Detector detector;
};
constexpr size_t kBearerWords = 3;
constexpr size_t kKeywords = std::size(kSecretKeywords);
constexpr size_t kApiKeys = std::size(kApiKeyPrefixes);
constexpr size_t kWordCount = kBearerWords + kKeywords + kApiKeys;
static_assert(kWordCount <= 64, "a word mask is 64 bits");
constexpr std::array<Word, kWordCount> kWords = [] {
  std::array<Word, kWordCount> words{};
  size_t k = 0;
  for (std::string_view w : {"bearer", "basic", "token"}) words[k++] = {w, Detector::bearer};
  for (std::string_view w : kSecretKeywords) words[k++] = {w, Detector::keyword_secret};
  for (const auto& p : kApiKeyPrefixes) words[k++] = {p.text, Detector::api_key};
  return words;
}();
constexpr bool words_have_three_bytes() {
  for (const Word& w : kWords)
    if (w.text.size() < 3) return false;
  return true;
}
static_assert(words_have_three_bytes(), "may_start_word reads three bytes");
constexpr uint64_t words_of(Detector d) {
  uint64_t mask = 0;
  for (size_t k = 0; k < kWordCount; ++k)
    if (kWords[k].detector == d) mask |= uint64_t{1} << k;
  return mask;
}

// The shortest text each word-driven detector can find something in: a bearer word, a
// separator and 8 token characters; a keyword, a separator and an 8-character secret
// (looks_random); an API key prefix and the key characters it needs.
constexpr size_t shortest_match(Detector d) {
  size_t shortest = SIZE_MAX;
  for (const Word& w : kWords) {
    if (w.detector != d) continue;
    size_t length = w.text.size() + 1 + 8;
    if (d == Detector::api_key) {
      for (const auto& p : kApiKeyPrefixes)
        if (p.text == w.text) length = p.text.size() + p.min_rest;
    }
    shortest = std::min(shortest, length);
  }
  return shortest;
}

constexpr size_t word_index(unsigned char first, unsigned char second) {
  return (first & 0x1Fu) << 5 | (second & 0x1Fu);
}

struct Tables {
  uint64_t count[256] = {};
  uint8_t run[256] = {};
  // The words a word may be, from its first two bytes, indexed by the low five bits of each
  // (first * 32 + second): a letter's in either case, so a superset for the case-sensitive API
  // key prefixes; a second byte that is no letter may share a letter's bits, and the word is
  // then compared and rejected. So a word is compared only with the few that share its first
  // two letters.
  uint64_t words[32 * 32] = {};
  // A bit for each first three bytes of a word (five bits of each, as above): most word
  // starts share no three with any word ("to", "session" and "while" share two), and are
  // passed over without comparing. 4 KB.
  uint64_t triples[32 * 32 * 32 / 64] = {};
  bool may_start_word(const unsigned char* at) const {
    const size_t index = word_index(at[0], at[1]) << 5 | (at[2] & 0x1Fu);
    return (triples[index >> 6] >> (index & 63)) & 1;
  }
};

const Tables& tables() {
  static const Tables t = [] {
    Tables t;
    auto at = [](char c) { return static_cast<unsigned char>(c); };
    for (char c = '0'; c <= '9'; ++c) {
      t.count[at(c)] = field(kDigits);
      t.run[at(c)] = kPhoneRun | kIpv4Run | kIpv6Run | kIsDigit;
    }
    t.count[at('.')] = field(kDots);
    t.count[at(':')] = field(kColons);
    t.count[at('@')] = field(kAts);
    t.count[at('=')] = field(kEquals);
    t.count[at('J')] = field(kJs);
    t.count[at('/')] = field(kSlashes);
    t.count[at('%')] = field(kPercents);
    for (char c : {' ', '-', '(', ')'}) t.run[at(c)] = kPhoneRun;
    t.run[at('.')] = kPhoneRun | kIpv4Run | kIsDot;
    t.run[at(':')] = kIpv6Run | kIsColon;
    for (char c : {'a', 'b', 'c', 'd', 'e', 'f', 'A', 'B', 'C', 'D', 'E', 'F'})
      t.run[at(c)] = kIpv6Run;
    // 8 KB, small enough to stay in the L1 cache (a table indexed by two raw bytes did not).
    for (size_t k = 0; k < kWordCount; ++k) {
      const std::string_view w = kWords[k].text;
      t.words[word_index(at(w[0]), at(w[1]))] |= uint64_t{1} << k;
      const size_t triple = word_index(at(w[0]), at(w[1])) << 5 | (at(w[2]) & 0x1Fu);
      t.triples[triple >> 6] |= uint64_t{1} << (triple & 63);
    }
    return t;
  }();
  return t;
}

// Whether the text holds ten consecutive bytes of a phone number's run (digits and
// `space - . ( )`), which ten digits in one run need: a bit per byte, 64 bytes at a time, and
// shifted ANDs for ten ones in a row. Cheaper than following the runs byte by byte, whose
// branches mispredict on hex ids and dates (digits and letters at random).
static_assert(kPhoneRun == 1, "has_ten_phone_run_bytes shifts the flag into bit k");
bool has_ten_phone_run_bytes(const Tables& t, const unsigned char* bytes, size_t n) {
  size_t carry = 0;  // the run of ones at the top of the previous 64 bytes
  for (size_t chunk = 0; chunk < n; chunk += 64) {
    const size_t length = std::min<size_t>(64, n - chunk);
    uint64_t bits = 0;
    for (size_t k = 0; k < length; ++k)
      bits |= static_cast<uint64_t>(t.run[bytes[chunk + k]] & kPhoneRun) << k;
    // Bit i of `twos` is set when bits i and i+1 are; of `eights`, bits i..i+7.
    const uint64_t twos = bits & (bits >> 1);
    const uint64_t fours = twos & (twos >> 2);
    const uint64_t eights = fours & (fours >> 4);
    if ((eights & (twos >> 8)) != 0) return true;
    // No ten in a row here, so `bits` has a zero: both counts below are defined.
    if (carry + static_cast<size_t>(__builtin_ctzll(~bits)) >= 10) return true;
    carry = static_cast<size_t>(__builtin_clzll(~bits));
  }
  return false;
}

}  // namespace

Prefilter prefilter(std::string_view text) {
  const Tables& t = tables();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Four sums, so that the adds do not wait on each other; a block is 255 bytes, so that no
  // 8-bit field of their total overflows.
  auto count_block = [&t, bytes](size_t begin, size_t end) {
    uint64_t sum[4] = {};
    size_t i = begin;
    for (; i + 4 <= end; i += 4) {
      sum[0] += t.count[bytes[i]];
      sum[1] += t.count[bytes[i + 1]];
      sum[2] += t.count[bytes[i + 2]];
      sum[3] += t.count[bytes[i + 3]];
    }
    for (; i < end; ++i) sum[0] += t.count[bytes[i]];
    return sum[0] + sum[1] + sum[2] + sum[3];
  };
  // The counts as 8-bit fields, clamped to 255 (every test below needs far fewer): most
  // strings are one block, whose sum is the answer as it is.
  uint64_t totals = 0;
  if (n <= 255) {
    totals = count_block(0, n);
  } else {
    size_t counts[8] = {};
    for (size_t block = 0; block < n; block += 255) {
      const uint64_t packed = count_block(block, std::min(n, block + 255));
      for (int f = 0; f < 8; ++f) counts[f] += (packed >> (8 * f)) & 0xFF;
    }
    for (int f = 0; f < 8; ++f) totals |= uint64_t{std::min<size_t>(counts[f], 255)} << (8 * f);
  }
  auto count = [totals](CountField f) { return static_cast<size_t>((totals >> (8 * f)) & 0xFF); };
  const size_t digits = count(kDigits), dots = count(kDots), colons = count(kColons);
  Prefilter p;
  auto keep = [&p](Detector d) { p.detectors |= 1u << static_cast<unsigned>(d); };
  p.name_separator = count(kEquals) > 0 || colons > 0;
  p.percent = count(kPercents) > 0;
  if (count(kAts) > 0) keep(Detector::email);
  if (colons > 0 && count(kSlashes) >= 2) keep(Detector::url_password);  // "://"
  if (count(kJs) > 0 && dots >= 2) keep(Detector::jwt);                  // "eyJ" and 2 dots

  // Digit-driven detectors: every match lies inside one run of their characters, so the
  // largest run decides. A phone number's digits (10 or more) and a card's (13 or more) lie
  // in a run of digits and `space - . ( )`; a dotted quad (4 digits, 3 dots) in a run of
  // digits and dots; IPv6 (2 colons or more) in a run of hex digits and colons.
  const bool phone_or_card = digits >= 10;
  const bool ipv4 = digits >= 4 && dots >= 3;
  const bool ipv6 = colons >= 2;
  // One loop per kind of run, and only for the detectors the counts leave in play.
  if (phone_or_card && has_ten_phone_run_bytes(t, bytes, n)) {
    // Branches, not selects: a select chains every byte to the one before.
    size_t run = 0, longest = 0;
    for (size_t i = 0; i < n; ++i) {
      const unsigned c = t.run[bytes[i]];
      if (!(c & kPhoneRun)) {
        run = 0;
      } else if (c & kIsDigit) {
        if (++run > longest) longest = run;
      }
    }
    if (longest >= 10) keep(Detector::phone);
    if (longest >= 13) keep(Detector::card);
  }
  bool ip = false;
  if (ipv4) {
    size_t run_digits = 0, run_dots = 0;
    for (size_t i = 0; i < n && !ip; ++i) {
      const unsigned c = t.run[bytes[i]];
      const bool in_run = (c & kIpv4Run) != 0;
      run_digits = in_run ? run_digits + ((c & kIsDigit) != 0) : 0;
      run_dots = in_run ? run_dots + ((c & kIsDot) != 0) : 0;
      ip = run_digits >= 4 && run_dots >= 3;
    }
  }
  if (ipv6 && !ip) {
    size_t run_colons = 0;
    for (size_t i = 0; i < n && !ip; ++i) {
      const unsigned c = t.run[bytes[i]];
      run_colons = (c & kIpv6Run) ? run_colons + ((c & kIsColon) != 0) : 0;
      ip = run_colons >= 2;
    }
  }
  if (ip) keep(Detector::ip);

  // Word-driven detectors: each match starts at a letter that no letter precedes (their own
  // boundary tests are stricter): bearer/basic/token there (any case); an API key prefix
  // there; a whole word that is a secret keyword (any case) with a space, `:` or `=` after.
  // The first two letters of their words find the places to look, at the word starts found
  // eight bytes at a time (a byte is an ASCII letter when, in lower case, it lies in a-z).
  // The words still worth looking for: a detector's words leave once one of them is seen.
  // Texts too short for a detector's match (most short strings) do not look for its words.
  constexpr size_t kShortestBearer = shortest_match(Detector::bearer);
  constexpr size_t kShortestKeywordSecret = shortest_match(Detector::keyword_secret);
  constexpr size_t kShortestApiKey = shortest_match(Detector::api_key);
  constexpr uint64_t kBearerMask = words_of(Detector::bearer);
  constexpr uint64_t kKeywordMask = words_of(Detector::keyword_secret);
  constexpr uint64_t kApiKeyMask = words_of(Detector::api_key);
  uint64_t wanted = (n >= kShortestBearer ? kBearerMask : 0) |
                    (n >= kShortestKeywordSecret ? kKeywordMask : 0) |
                    (n >= kShortestApiKey ? kApiKeyMask : 0);
  constexpr uint64_t ones = text::swar::kOnes, highs = text::swar::kHighs;
  uint64_t letter_before = 0;  // the high bit of byte 0 set when a letter ends the last step
  // Word starts are written out a block at a time, then looked up: a loop over each step's
  // starts mispredicted its exit on most steps (words end anywhere). Eight bytes hold at most
  // four starts (a letter after a non-letter); each step writes positions for them, of which
  // `count` keeps those that exist.
  constexpr size_t kBlock = 256;
  uint32_t starts_at[kBlock / 2];
  for (size_t block = 0; block + 1 < n && wanted != 0; block += kBlock) {
    const size_t block_end = std::min(n, block + kBlock);
    size_t count = 0;
    for (size_t step = block; step < block_end; step += 8) {
      uint64_t w = 0;
      if (step + 8 <= n) {
        std::memcpy(&w, bytes + step, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);  // byte k of the text in bits 8k..8k+7, as below
#endif
      } else {
        w = text::swar::load_tail(reinterpret_cast<const char*>(bytes) + step, n - step);
      }
      const uint64_t folded = (w | ones * 0x20) & ~highs;
      const uint64_t letters =
          (folded + ones * (0x80 - 'a')) & ~(folded + ones * (0x80 - 'z' - 1)) & ~w & highs;
      uint64_t starts = letters & ~((letters << 8) | letter_before);
      letter_before = letters >> 56;
      // Byte k of the step is bits 8k..8k+7, its start bit 8k+7: the lowest start comes first
      // in the text; with none left, the position written is unused.
      const size_t found = static_cast<size_t>(((starts >> 7) * ones) >> 56);
      // Two always (most steps hold one or two), the other two only when there are more.
      for (size_t r = 0; r < 2; ++r) {
        starts_at[count + r] = static_cast<uint32_t>(
            step - block + static_cast<size_t>(__builtin_ctzll(starts | uint64_t{1} << 63) >> 3));
        starts &= starts - 1;
      }
      if (found > 2) {
        for (size_t r = 2; r < 4; ++r) {
          starts_at[count + r] = static_cast<uint32_t>(
              step - block + static_cast<size_t>(__builtin_ctzll(starts | uint64_t{1} << 63) >> 3));
          starts &= starts - 1;
        }
      }
      count += found;
    }
    for (size_t s = 0; s < count && wanted != 0; ++s) {
      const size_t i = block + starts_at[s];
      // Every word has three bytes or more.
      if (i + 2 >= n) break;
      if (!t.may_start_word(bytes + i)) continue;
      uint64_t candidates = t.words[word_index(bytes[i], bytes[i + 1])] & wanted;
      size_t word_end = 0;  // the end of the word's letters, found once when a keyword needs it
      while (candidates != 0) {
        const Word& word = kWords[static_cast<size_t>(__builtin_ctzll(candidates))];
        candidates &= candidates - 1;
        bool seen = false;
        switch (word.detector) {
          case Detector::bearer:
            seen = starts_with_ci(text, i, word.text);
            break;
          case Detector::keyword_secret:
            if (word_end == 0) {
              word_end = i + 1;
              while (word_end < n && is_alpha(text[word_end])) ++word_end;
            }
            seen = word_end - i == word.text.size() && word_end < n &&
                   (text[word_end] == ' ' || text[word_end] == ':' || text[word_end] == '=') &&
                   starts_with_ci(text, i, word.text);
            break;
          default:  // an API key prefix
            seen = has_prefix_at(text, i, word.text);
            break;
        }
        if (seen) {
          keep(word.detector);
          wanted &= ~(word.detector == Detector::bearer           ? kBearerMask
                      : word.detector == Detector::keyword_secret ? kKeywordMask
                                                                  : kApiKeyMask);
          candidates &= wanted;
        }
      }
    }
  }
  return p;
}

bool luhn_valid(std::string_view digits) {
  int sum = 0;
  bool double_it = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return !digits.empty() && sum % 10 == 0;
}

std::optional<Detector> detector_from_name(std::string_view name) {
  static const std::pair<const char*, Detector> names[] = {
      {"email", Detector::email},
      {"phone", Detector::phone},
      {"bearer", Detector::bearer},
      {"jwt", Detector::jwt},
      {"api_key", Detector::api_key},
      {"card", Detector::card},
      {"ip", Detector::ip},
      {"url_password", Detector::url_password},
      {"keyword_secret", Detector::keyword_secret}};
  for (const auto& [n, d] : names)
    if (name == n) return d;
  return std::nullopt;
}

const char* detector_name(Detector d) {
  switch (d) {
    case Detector::email:
      return "email";
    case Detector::phone:
      return "phone";
    case Detector::bearer:
      return "bearer";
    case Detector::jwt:
      return "jwt";
    case Detector::api_key:
      return "api_key";
    case Detector::card:
      return "card";
    case Detector::ip:
      return "ip";
    case Detector::url_password:
      return "url_password";
    case Detector::keyword_secret:
      return "keyword_secret";
  }
  return "?";
}

std::vector<Match> find_all(Detector detector, std::string_view text) {
  switch (detector) {
    case Detector::email:
      return find_emails(text);
    case Detector::phone:
      return find_phones(text);
    case Detector::bearer:
      return find_bearer(text);
    case Detector::jwt:
      return find_jwts(text);
    case Detector::api_key:
      return find_api_keys(text);
    case Detector::card:
      return find_cards(text);
    case Detector::ip:
      return find_ips(text);
    case Detector::url_password:
      return find_url_passwords(text);
    case Detector::keyword_secret:
      return find_keyword_secrets(text);
  }
  return {};
}

}  // namespace cordon::telemetry
