// Eight bytes at a time ("SIMD within a register"): the JSON reader and the telemetry
// scrubber look for a few byte values in long runs of text, and a byte loop was most of
// their time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cordon::text::swar {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

// The high bit of each byte of `word` equal to `c`. The lowest flagged byte is exact
// (borrows only reach higher ones), which is all find_first needs.
inline uint64_t bytes_equal(uint64_t word, unsigned char c) {
  const uint64_t x = word ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

// The high bit of each byte of `word` below `c` (c at most 0x80), lowest exact likewise.
inline uint64_t bytes_below(uint64_t word, unsigned char c) {
  return (word - kOnes * c) & ~word & kHighs;
}

// The `n` (0 to 7) bytes at `p` as a word, byte k in bits 8k..8k+7 (as a little-endian
// load would place them): four, two and one at a time, since a byte loop was most of the
// cost on short strings.
inline uint64_t load_tail(const char* p, size_t n) {
  uint64_t tail = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  unsigned shift = 0;
  if (n & 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    tail = v;
    p += 4;
    shift = 32;
  }
  if (n & 2) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    tail |= uint64_t{v} << shift;
    p += 2;
    shift += 16;
  }
  if (n & 1) tail |= uint64_t{static_cast<unsigned char>(*p)} << shift;
#else
  for (size_t i = 0; i < n; ++i) tail |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
#endif
  return tail;
}

// The offset of the first byte of `s` at or after `from` that `byte_hit` accepts, or
// s.size(). `word_hits` flags (as above) the bytes of eight that byte_hit would accept; on
// big-endian machines, where the lowest flag is not the first byte, only bytes are tested.
template <class WordHits, class ByteHit>
size_t find_first(std::string_view s, size_t from, WordHits word_hits, ByteHit byte_hit) {
  size_t i = from;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (const uint64_t hit = word_hits(word))
      return i + static_cast<size_t>(__builtin_ctzll(hit) >> 3);
  }
#endif
  for (; i < s.size(); ++i)
    if (byte_hit(static_cast<unsigned char>(s[i]))) return i;
  return s.size();
}

}  // namespace cordon::text::swar
