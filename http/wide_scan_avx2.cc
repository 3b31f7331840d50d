// http/wide_scan_avx2.cc — the three scans with AVX2, 32 bytes per step (SIMD), and with
// SSSE3, 16 bytes per step, for x86-64 CPUs that have no AVX2.
//
// Compiled without -mavx2: each function that uses AVX2 says so itself with
// __attribute__((target("avx2"))), so the rest of the library stays plain x86-64 and this code
// runs only after avx2_kernels_if_supported() has asked the CPU (CPUID leaf 7, EBX bit 5,
// through __builtin_cpu_supports) — on a CPU without AVX2 these instructions would be SIGILL.
// The SSSE3 set (CPUID leaf 1, ECX bit 9) is chosen the same way when AVX2 is missing.
//
// Two tests, both exact:
//
//  * A value ends at a control character: a range compare. Unsigned x <= 0x1F is
//    min(x, 0x1F) == x; HTAB is taken out and DEL (0x7F) put in with two equality compares.
//
//  * A token or a request-target ends at the first byte outside a set of ASCII bytes: a
//    table lookup done 32 bytes at once with VPSHUFB, which picks one of 16 table bytes by
//    the low 4 bits of each input byte. Draw the set as a bit matrix — row = high nibble
//    (0..7), column = low nibble: byte 0xHL is in the set when bit H of column L is 1. Then
//        in_set(x) = (column_bits[x & 15] & row_bit[x >> 4]) != 0,   row_bit[H] = 1 << H
//    and row_bit[8..15] = 0 puts every byte >= 0x80 outside. Two lookups, one AND, one
//    compare: any subset of ASCII, with the 16-byte tables computed from http/char_class.h's
//    own table at compile time (a static_assert below checks all 256 bytes).
//
// Then VPMOVMSKB gathers the 32 answers into one 32-bit mask (bit i = byte i stops the run)
// and the lowest set bit, __builtin_ctz, is the answer. Only whole blocks inside [p, end) are
// loaded: a 32-byte step, a 16-byte step, and the last few bytes one at a time.
#include "http/wide_scan.h"

#include <array>
#include <cstdint>

#include "http/char_class.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define OSN_HAVE_AVX2_SCAN 1
#include <immintrin.h>
#endif

namespace osn::http {

#ifdef OSN_HAVE_AVX2_SCAN
namespace {

using Nibbles = std::array<std::uint8_t, 16>;

// column_bits[L]: bit H set when byte 0xHL (H < 8) has class `cls`.
constexpr Nibbles column_bits(CharClass cls) {
  Nibbles bits{};
  for (int c = 0; c < 0x80; ++c) {
    if (has_class(static_cast<char>(c), cls)) bits[c & 15] |= static_cast<std::uint8_t>(1u << (c >> 4));
  }
  return bits;
}

constexpr Nibbles kRowBit{1, 2, 4, 8, 16, 32, 64, 128, 0, 0, 0, 0, 0, 0, 0, 0};

constexpr bool matrix_matches_table(const Nibbles& columns, CharClass cls) {
  for (int c = 0; c < 256; ++c) {
    const bool in_matrix = (columns[c & 15] & kRowBit[c >> 4]) != 0;
    if (in_matrix != has_class(static_cast<char>(c), cls)) return false;
  }
  return true;
}

alignas(16) constexpr Nibbles kTokenColumns = column_bits(kTchar);
alignas(16) constexpr Nibbles kTargetColumns = column_bits(kTargetChar);
alignas(16) constexpr Nibbles kRowBitTable = kRowBit;
static_assert(matrix_matches_table(kTokenColumns, kTchar), "tchar is not a subset of ASCII?");
static_assert(matrix_matches_table(kTargetColumns, kTargetChar), "target-char is not a subset of ASCII?");

// ---- 32 bytes: bit i of the result is 1 when byte i ends the run ----------------------------

__attribute__((target("ssse3"))) inline __m128i load_table(const Nibbles& table) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(table.data()));
}

__attribute__((target("avx2"))) inline unsigned outside_set_32(const char* p, const Nibbles& columns) {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  // VPSHUFB looks up within each 16-byte half, so both halves get the same table.
  const __m256i column_table = _mm256_broadcastsi128_si256(load_table(columns));
  const __m256i row_table = _mm256_broadcastsi128_si256(load_table(kRowBitTable));
  const __m256i low_nibble = _mm256_and_si256(x, _mm256_set1_epi8(0x0F));
  const __m256i high_nibble = _mm256_and_si256(_mm256_srli_epi16(x, 4), _mm256_set1_epi8(0x0F));
  const __m256i hit = _mm256_and_si256(_mm256_shuffle_epi8(column_table, low_nibble),
                                       _mm256_shuffle_epi8(row_table, high_nibble));
  return static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hit, _mm256_setzero_si256())));
}

__attribute__((target("avx2"))) inline unsigned value_end_32(const char* p) {
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i ctl = _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1F)), x);
  const __m256i not_tab = _mm256_andnot_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\t')), ctl);
  const __m256i bad = _mm256_or_si256(not_tab, _mm256_cmpeq_epi8(x, _mm256_set1_epi8(0x7F)));
  return static_cast<unsigned>(_mm256_movemask_epi8(bad));
}

// ---- the same on 16 bytes: the SSSE3 scans' step, and the AVX2 scans' step before the tail ---
// (SSSE3 is a subset of AVX2, so a target("avx2") function may inline these.)

__attribute__((target("ssse3"))) inline unsigned outside_set_16(const char* p, const Nibbles& columns) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i column_table = load_table(columns);
  const __m128i row_table = load_table(kRowBitTable);
  const __m128i low_nibble = _mm_and_si128(x, _mm_set1_epi8(0x0F));
  const __m128i high_nibble = _mm_and_si128(_mm_srli_epi16(x, 4), _mm_set1_epi8(0x0F));
  const __m128i hit =
      _mm_and_si128(_mm_shuffle_epi8(column_table, low_nibble), _mm_shuffle_epi8(row_table, high_nibble));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(hit, _mm_setzero_si128())));
}

__attribute__((target("ssse3"))) inline unsigned value_end_16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x);
  const __m128i not_tab = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), ctl);
  const __m128i bad = _mm_or_si128(not_tab, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
}

bool ends_value(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7F;
}

// ---- the three scans: 32-byte steps, one 16-byte step, then byte by byte -------------------

__attribute__((target("avx2"))) const char* avx2_token_end(const char* p, const char* end) {
  for (; end - p >= 32; p += 32) {
    if (const unsigned stop = outside_set_32(p, kTokenColumns)) return p + __builtin_ctz(stop);
  }
  if (end - p >= 16) {
    if (const unsigned stop = outside_set_16(p, kTokenColumns)) return p + __builtin_ctz(stop);
    p += 16;
  }
  while (p < end && is_tchar(*p)) ++p;
  return p;
}

__attribute__((target("avx2"))) const char* avx2_target_end(const char* p, const char* end) {
  for (; end - p >= 32; p += 32) {
    if (const unsigned stop = outside_set_32(p, kTargetColumns)) return p + __builtin_ctz(stop);
  }
  if (end - p >= 16) {
    if (const unsigned stop = outside_set_16(p, kTargetColumns)) return p + __builtin_ctz(stop);
    p += 16;
  }
  while (p < end && is_target_char(*p)) ++p;
  return p;
}

__attribute__((target("avx2"))) const char* avx2_field_value_end(const char* p, const char* end) {
  for (; end - p >= 32; p += 32) {
    if (const unsigned stop = value_end_32(p)) return p + __builtin_ctz(stop);
  }
  if (end - p >= 16) {
    if (const unsigned stop = value_end_16(p)) return p + __builtin_ctz(stop);
    p += 16;
  }
  while (p < end && !ends_value(*p)) ++p;
  return p;
}

// For x86-64 CPUs without AVX2 (before 2013, some small cores): 16 bytes per step with SSSE3.
__attribute__((target("ssse3"))) const char* ssse3_token_end(const char* p, const char* end) {
  for (; end - p >= 16; p += 16) {
    if (const unsigned stop = outside_set_16(p, kTokenColumns)) return p + __builtin_ctz(stop);
  }
  while (p < end && is_tchar(*p)) ++p;
  return p;
}

__attribute__((target("ssse3"))) const char* ssse3_target_end(const char* p, const char* end) {
  for (; end - p >= 16; p += 16) {
    if (const unsigned stop = outside_set_16(p, kTargetColumns)) return p + __builtin_ctz(stop);
  }
  while (p < end && is_target_char(*p)) ++p;
  return p;
}

__attribute__((target("ssse3"))) const char* ssse3_field_value_end(const char* p, const char* end) {
  for (; end - p >= 16; p += 16) {
    if (const unsigned stop = value_end_16(p)) return p + __builtin_ctz(stop);
  }
  while (p < end && !ends_value(*p)) ++p;
  return p;
}

constexpr ScanKernels kAvx2Kernels{avx2_token_end, avx2_target_end, avx2_field_value_end, "avx2"};
constexpr ScanKernels kSsse3Kernels{ssse3_token_end, ssse3_target_end, ssse3_field_value_end, "ssse3"};

}  // namespace

const ScanKernels* detail::avx2_kernels_if_supported() {
  __builtin_cpu_init();  // needed only before constructors run; harmless after
  return __builtin_cpu_supports("avx2") ? &kAvx2Kernels : nullptr;
}

const ScanKernels* detail::ssse3_kernels_if_supported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("ssse3") ? &kSsse3Kernels : nullptr;
}

#else  // not x86-64: only the plain scans exist

const ScanKernels* detail::avx2_kernels_if_supported() { return nullptr; }
const ScanKernels* detail::ssse3_kernels_if_supported() { return nullptr; }

#endif

}  // namespace osn::http
