// The detectors' prefilter (telemetry::prefilter) may only drop a detector that finds
// nothing: a dropped detector is a missed email, token or card. Each detector's triggers are
// placed at the start, middle and end of texts, beside multibyte UTF-8, across the prefilter's
// 255-byte counting blocks and in long texts; and generated texts check the rule itself:
// whenever find_all finds something, the prefilter kept that detector.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "telemetry/detectors.h"

namespace {

using cordon::telemetry::Detector;
using cordon::telemetry::find_all;
using cordon::telemetry::may_match;
using cordon::telemetry::prefilter;

const Detector kAll[] = {Detector::email, Detector::phone,        Detector::bearer,
                         Detector::jwt,   Detector::api_key,      Detector::card,
                         Detector::ip,    Detector::url_password, Detector::keyword_secret};

// Every detector that finds something in `text` is kept by the prefilter.
void expect_kept_when_found(const std::string& text) {
  const auto p = prefilter(text);
  for (Detector d : kAll) {
    if (find_all(d, text).empty()) continue;
    EXPECT_TRUE(may_match(d, p)) << cordon::telemetry::detector_name(d) << " dropped on `" << text
                                 << "`";
  }
}

struct Trigger {
  Detector detector;
  std::string text;
};

const std::vector<Trigger>& triggers() {
  static const std::vector<Trigger> all = {
      {Detector::email, "jo@x.org"},
      {Detector::email, "Jane.Doe+tag@mail.example.net"},
      {Detector::phone, "+1 (415) 555-1234"},
      {Detector::phone, "555-123-4567"},
      {Detector::phone, "+44 20 7946 0958"},
      {Detector::phone, "(555) 123.4567"},
      {Detector::phone, "+15551234567"},
      {Detector::bearer, "Bearer abcdefgh1234"},
      {Detector::bearer, "BASIC dXNlcjpwYXNzd29yZA=="},
      {Detector::bearer, "token=abcdefgh12345678"},
      {Detector::jwt, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"},
      {Detector::api_key, "sk-proj-abcdefghijklmnop1234"},
      {Detector::api_key, "AKIAABCDEFGHIJKLMNOP"},
      {Detector::api_key, "ghp_abcdefghijklmnopqrstuvwxyz"},
      {Detector::api_key, "SG.abcdefghijklmnopqrstuvwxyz"},
      {Detector::api_key, "xoxb-1234567890-abcdefghij"},
      {Detector::card, "4111 1111 1111 1111"},
      {Detector::card, "4111-1111-1111-1111"},
      {Detector::card, "378282246310005"},
      {Detector::ip, "10.0.0.1"},
      {Detector::ip, "192.168.100.255"},
      {Detector::ip, "fe80::1"},
      {Detector::ip, "2001:db8::8a2e:370:7334"},
      {Detector::ip, "::ffff:203.0.113.7"},
      {Detector::ip, "1:2:3:4:5:6:7:8"},
      {Detector::url_password, "postgres://user:pa55word@db.example.com"},
      {Detector::keyword_secret, "key 8f3a9c2e7b1d4f60"},
      {Detector::keyword_secret, "PASSWORD: Xk9mQ2vLp7Zr"},
      {Detector::keyword_secret, "apikey=Zx9Qw8Er7Ty6Ui5Op4"},
      {Detector::keyword_secret, "credentials 'a1b2c3d4e5f6g7'"},
      // The shortest each word-driven detector finds (shorter texts skip their words).
      {Detector::keyword_secret, "key 8f3a9c2e"},
      {Detector::bearer, "token=abcdefg1"},
      {Detector::api_key, "AKIA0123456789ABCDEF"},
  };
  return all;
}

TEST(Prefilter, EachTriggerAloneIsFoundAndKept) {
  for (const auto& t : triggers()) {
    EXPECT_FALSE(find_all(t.detector, t.text).empty()) << t.text;
    EXPECT_TRUE(may_match(t.detector, prefilter(t.text))) << t.text;
  }
}

TEST(Prefilter, TriggersAtStartMiddleEndAndBesideMultibyteText) {
  const std::string around[] = {"",   "the call failed ",
                                "é ", "日本語 ",
                                "😀 ", "é",
                                "€",  "x: ",
                                "(",  "\"",
                                "\t", "ü=",
                                "/",  "%20",
                                "ß "};
  const std::string after[] = {"", " retry", " é", " 日本語", "😀", "é", ".", ",", "\"", ")"};
  for (const auto& t : triggers()) {
    for (const auto& before : around) {
      for (const auto& tail : after) {
        const std::string text = before + t.text + tail;
        expect_kept_when_found(text);
        // Separated by spaces (or nothing), every trigger is still found and kept.
        const bool separated =
            (before.empty() || before.back() == ' ') && (tail.empty() || tail.front() == ' ');
        if (separated) {
          EXPECT_FALSE(find_all(t.detector, text).empty()) << text;
          EXPECT_TRUE(may_match(t.detector, prefilter(text))) << text;
        }
      }
    }
  }
}

TEST(Prefilter, TriggersAcrossCountingBlocksAndInLongText) {
  // The prefilter counts in blocks of 255 bytes: place each trigger over every block edge,
  // after multibyte filler, and deep into a long text.
  for (const auto& t : triggers()) {
    for (size_t pad = 230; pad <= 270; ++pad) {
      std::string text(pad, 'a');
      text[pad - 1] = ' ';
      text += t.text;
      text += " done";
      EXPECT_TRUE(may_match(t.detector, prefilter(text))) << pad << " " << t.text;
      expect_kept_when_found(text);
    }
    std::string utf8;
    while (utf8.size() < 1000) utf8 += "é日本😀 ";
    const std::string text = utf8 + t.text + " " + utf8;
    EXPECT_FALSE(find_all(t.detector, text).empty()) << t.text;
    EXPECT_TRUE(may_match(t.detector, prefilter(text))) << t.text;
    std::string long_text;
    while (long_text.size() < 100000) long_text += "request failed with status 502 ";
    long_text += t.text;
    EXPECT_TRUE(may_match(t.detector, prefilter(long_text))) << t.text;
  }
}

TEST(Prefilter, PhoneAndCardRunsAcrossSixtyFourByteSteps) {
  // Runs of digits and separators are found 64 bytes at a time: place phone and card
  // numbers over every 64-byte edge, after filler that is itself part of a run (spaces,
  // dots) or not (letters), and check runs that are one byte short of ten.
  const std::string numbers[] = {"555-123-4567", "+1 (415) 555-1234", "4111 1111 1111 1111",
                                 "4111111111111111", "5551234567"};
  for (const std::string& number : numbers) {
    for (char filler : {'a', ' ', '.', '-', 'x'}) {
      for (size_t pad = 40; pad <= 140; ++pad) {
        std::string text(pad, filler);
        if (filler != ' ') text += ' ';
        text += number;
        text += " ok";
        expect_kept_when_found(text);
        if (filler == 'a' || filler == 'x') {
          EXPECT_FALSE(find_all(Detector::phone, text).empty() &&
                       find_all(Detector::card, text).empty())
              << text;
        }
      }
    }
  }
  // Nine digits in a row, with letters around, cannot be a phone number: dropped wherever
  // they sit in 64-byte steps.
  for (size_t pad = 0; pad <= 130; ++pad) {
    std::string text(pad, 'q');
    text += " 123456789 a 987654321 b";
    const auto p = prefilter(text);
    EXPECT_FALSE(may_match(Detector::phone, p)) << pad;
    EXPECT_FALSE(may_match(Detector::card, p)) << pad;
  }
}

TEST(Prefilter, WordsNearTheirFirstLettersAndAtTheEnd) {
  // Words are found by their first three bytes: near misses that share two ("to", "session",
  // "while"), short texts ending inside a word, and second bytes that are no letter but
  // share a letter's low bits ('!' and 'a', '-' and 'm').
  for (const std::string text : {"to",
                                 "tok",
                                 "toke",
                                 "token",
                                 "Bearer",
                                 "bea",
                                 "ke",
                                 "key",
                                 "pw",
                                 "pwd",
                                 "sk",
                                 "sk-",
                                 "SG",
                                 "SG.",
                                 "t!ken abcdefghijkl",
                                 "s-",
                                 "b!arer abcdefghijkl",
                                 "key:",
                                 "pwd=",
                                 "session secret while token",
                                 "x token",
                                 "t",
                                 "wh",
                                 "whsec_"}) {
    expect_kept_when_found(text);
    expect_kept_when_found(text + " abcdefgh12345678xyz");
    expect_kept_when_found("a " + text);
  }
  for (const std::string text : {"to be or not to be", "session while status", "t!ken abcdefghijkl",
                                 "b!arer abcdefghijkl"}) {
    const auto p = prefilter(text);
    EXPECT_FALSE(may_match(Detector::bearer, p)) << text;
    EXPECT_FALSE(may_match(Detector::keyword_secret, p)) << text;
    EXPECT_FALSE(may_match(Detector::api_key, p)) << text;
  }
  // Many words in a row, with a trigger late in a long text: word starts are written out a
  // block at a time, four per eight bytes at most.
  std::string dense;
  while (dense.size() < 3000) dense += "a b c d e f g h ";
  EXPECT_FALSE(may_match(Detector::keyword_secret, prefilter(dense)));
  EXPECT_TRUE(may_match(Detector::keyword_secret, prefilter(dense + "key 8f3a9c2e7b1d4f60")));
  EXPECT_TRUE(may_match(Detector::bearer, prefilter(dense + "Bearer abcdefgh1234")));
  EXPECT_TRUE(may_match(Detector::api_key, prefilter(dense + "sk-ant-abcdefghijklmnop1234")));
}

TEST(Prefilter, DropsDetectorsThatCannotMatch) {
  // Not a promise of the API, but what makes it worth having: plain words, hex ids and URLs
  // without a secret skip the detectors (a URL keeps url_password, which needs its "://").
  for (const std::string text :
       {"the call failed after timeout", "3f9a02bc7d1e4f5a6b7c8d9e0f1a2b3c",
        "https://api.example.com/v1/tenants/t-3f9a02/calls/12345?page=3"}) {
    const auto p = prefilter(text);
    for (Detector d : kAll) {
      EXPECT_TRUE(find_all(d, text).empty());
      if (d == Detector::url_password && text.find("://") != std::string::npos) continue;
      EXPECT_FALSE(may_match(d, p)) << cordon::telemetry::detector_name(d) << " on " << text;
    }
  }
}

// splitmix64, for texts that are the same on every run.
uint64_t next(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

TEST(Prefilter, NeverDropsADetectorThatFindsSomethingInGeneratedText) {
  // Fragments of triggers and near misses, separators and multibyte characters, glued at
  // random; plus runs of characters the digit-driven detectors scan.
  std::vector<std::string> pieces;
  for (const auto& t : triggers()) {
    pieces.push_back(t.text);
    pieces.push_back(t.text.substr(0, t.text.size() / 2));
    pieces.push_back(t.text.substr(t.text.size() / 2));
  }
  for (const char* p : {" ",   ".",  ":",  "::", "-",    "(",    ")",     "+",  "@",  "/",   "//",
                        "=",   "&",  "'",  "\"", "é",    "日本", "😀",     "0",  "12", "255", "1.2",
                        "eyJ", "sk", "ke", "to", "Bear", "pass", "word ", "\n", "_",  "%40"})
    pieces.push_back(p);
  uint64_t state = 0x5eed;
  size_t found = 0;
  for (int n = 0; n < 100000; ++n) {
    std::string text;
    for (size_t k = 0, count = 1 + next(state) % 8; k < count; ++k) {
      if (next(state) % 4 == 0) {
        static const char alphabet[] = "0123456789abcdefJ.:@-_+/ =()yeABSGKkpst";
        for (size_t c = 0, len = 1 + next(state) % 20; c < len; ++c)
          text += alphabet[next(state) % (sizeof(alphabet) - 1)];
      } else {
        text += pieces[next(state) % pieces.size()];
      }
    }
    const auto p = prefilter(text);
    for (Detector d : kAll) {
      if (find_all(d, text).empty()) continue;
      ++found;
      ASSERT_TRUE(may_match(d, p))
          << cordon::telemetry::detector_name(d) << " dropped on `" << text << "`";
    }
  }
  EXPECT_GT(found, 50000u);  // the texts do trigger the detectors
}

}  // namespace
