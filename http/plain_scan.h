// http/plain_scan.h — the three scans in portable C++, inlined where they are called, each a
// word at a time (SWAR, "SIMD within a register": 8 bytes per step in one uint64_t).
//
// What every CPU runs when no vector set is chosen (OSN_PARSER_SIMD=0, or a CPU that is not
// x86-64), so it must not be slow: no call through a pointer (http/wide_scan.h calls these
// inline when the plain set is chosen), and no per-byte table lookup over the long runs.
//
// A token (a method, a field name) is mostly letters, digits, '-' and '.'; a request-target
// mostly letters, digits and "-./_". Those tests are exact per byte on 8 bytes at once, with
// no carry leaving a byte: on a = x & 0x7F per byte,
//   a >= lo  is the high bit of  a + (0x80 - lo)            (at most 0x7F + 0x80: no carry)
// letters are (a | 0x20) in ['a', 'z'], the rest one or two ranges, and a byte with its high
// bit set is none of them. The lowest byte that is none of them is then asked of the byte
// table (http/char_class.h): if it is in the class all the same ('_' or '!' in a token, '?'
// or '=' in a target) the scan goes on after it.
//
// A field value ends at a byte u with (u < 0x20 and u != HTAB) or u == 0x7F. Two classic
// word tricks test 8 bytes at once, with ONES = 0x01 in every byte and HIGH = 0x80 in every
// byte ("Bit Twiddling Hacks": haszero / hasless):
//   some byte < 0x20:  (x - 0x20 * ONES) & ~x & HIGH        != 0
//   some byte == DEL:  ((x ^ 0x7F * ONES) - ONES) & ~x & HIGH != 0
// A byte below the bound borrows, and the borrow can mark bytes ABOVE it falsely, never below:
// so the lowest set bit (counted in memory order: little endian, std::countr_zero / 8) is the
// first control byte or DEL exactly. HTAB is one of them, so a hit on HTAB goes on after it
// (rare in values). Two subtractions, one XOR and three logic operations per 8 bytes, four words
// (32 bytes) per step with one branch, against 32 table loads and 32 branches. tests/http/wide_scan_test.cc checks it against the byte table
// on every byte and offset.
// Invariant: never reads at or past `end` (whole words inside [p, end), then byte by byte).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "http/char_class.h"

namespace osn::http::plain {

constexpr bool ends_field_value(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7F;
}

namespace detail {
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHigh = 0x8080808080808080ull;

// Lowest set bit: the first byte that is a control character (HTAB included) or DEL.
constexpr std::uint64_t controls_or_del(std::uint64_t x) {
  return ((x - 0x20 * kOnes) | ((x ^ 0x7F * kOnes) - kOnes)) & ~x & kHigh;
}

inline std::uint64_t load_word(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);  // one unaligned load; no alignment or aliasing rule broken
  // Make byte 0 of memory the low byte, so the lowest set bit is the first hit in memory.
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

// High bit of each byte: that byte (below 0x80 once masked) is >= lo.
constexpr std::uint64_t at_least(std::uint64_t low7, unsigned lo) { return low7 + (0x80 - lo) * kOnes; }
// High bit of each byte: lo <= that byte <= hi.
constexpr std::uint64_t in_range(std::uint64_t low7, unsigned lo, unsigned hi) {
  return at_least(low7, lo) & ~at_least(low7, hi + 1);
}

// High bit of each byte: that byte is not a letter and not in [lo1, hi1] or [lo2, hi2].
constexpr std::uint64_t not_letter_or(std::uint64_t x, unsigned lo1, unsigned hi1, unsigned lo2, unsigned hi2) {
  const std::uint64_t a = x & (0x7F * kOnes);
  const std::uint64_t letter = in_range(a | (0x20 * kOnes), 'a', 'z');  // 'A'..'Z' folded to 'a'..'z'
  return ~((letter | in_range(a, lo1, hi1) | in_range(a, lo2, hi2)) & ~x) & kHigh;
}
// Not a letter, a digit, '-' or '.': the bytes of almost every token.
constexpr std::uint64_t not_common_token_byte(std::uint64_t x) { return not_letter_or(x, '0', '9', '-', '.'); }
// Not a letter, a digit, '-', '.', '/' or '_': the bytes of almost every request-target path.
constexpr std::uint64_t not_common_target_byte(std::uint64_t x) { return not_letter_or(x, '-', '9', '_', '_'); }

// Word steps over the common bytes; the first other byte is asked of the byte table, and if
// it is in the class too the scan goes on after it.
template <std::uint64_t (*kNotCommon)(std::uint64_t), bool (*kInClass)(char)>
inline const char* class_end(const char* p, const char* end) {
  while (end - p >= 8) {
    if (const std::uint64_t others = kNotCommon(load_word(p))) {
      p += std::countr_zero(others) / 8;
      if (!kInClass(*p)) return p;
      ++p;
      continue;
    }
    p += 8;
  }
  while (p < end && kInClass(*p)) ++p;
  return p;
}
}  // namespace detail

// First byte in [p, end) that is not a tchar / not a target byte: 8 bytes a step.
inline const char* token_end(const char* p, const char* end) {
  return detail::class_end<detail::not_common_token_byte, is_tchar>(p, end);
}
inline const char* target_end(const char* p, const char* end) {
  return detail::class_end<detail::not_common_target_byte, is_target_char>(p, end);
}

inline const char* field_value_end(const char* p, const char* end) {
  // 32 bytes (four words) per step and one branch; a hit is then placed in its word.
  while (end - p >= 32) {
    std::uint64_t hits[4];
    for (int i = 0; i < 4; ++i) hits[i] = detail::controls_or_del(detail::load_word(p + 8 * i));
    if ((hits[0] | hits[1] | hits[2] | hits[3]) != 0) {
      int i = 0;
      while (hits[i] == 0) ++i;
      p += 8 * i + std::countr_zero(hits[i]) / 8;
      if (*p != '\t') return p;
      ++p;  // HTAB is allowed in a value: go on after it
      continue;
    }
    p += 32;
  }
  while (end - p >= 8) {
    if (const std::uint64_t hits = detail::controls_or_del(detail::load_word(p))) {
      p += std::countr_zero(hits) / 8;
      if (*p != '\t') return p;
      ++p;
      continue;
    }
    p += 8;
  }
  while (p < end && !ends_field_value(*p)) ++p;
  return p;
}

}  // namespace osn::http::plain
