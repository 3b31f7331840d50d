// http/wide_scan_sse2.cc — the three scans with SSE2, 16 bytes per step: the floor of the
// vector sets on x86-64, where SSE2 is part of the architecture (no CPU check needed).
//
// SSE2 has no byte shuffle (PSHUFB is SSSE3), so a set of bytes cannot be looked up in a
// 16-byte table as wide_scan_avx2.cc does. Ranges can be compared, 16 bytes at once:
//     lo <= x <= hi   is   min(x - lo, hi - lo) == x - lo   (bytes, unsigned, wrapping)
// A field value ends at a control byte or DEL: two ranges with HTAB taken out, exact, as in
// the other sets; 32 bytes (two vectors) per branch. A token or a target is a long list of
// ranges, but almost all its bytes are in three: letters ((x | 0x20) in 'a'..'z'), and for
// tokens digits and "-.", for targets "-./" with digits and '_'. So a step asks only those
// (the same split as the plain scans, http/plain_scan.h), PMOVMSKB gathers the 16 answers
// into a mask, and the lowest byte outside them is asked of the byte table: if it is in the
// class all the same ('!' in a token, '?' in a target) the scan goes on after it. Exact, and
// tests/http/wide_scan_test.cc checks it against the table on every byte and offset.
// Whole 16-byte blocks inside [p, end) only.
#include "http/wide_scan.h"

#include "http/char_class.h"

#ifdef OSN_HAVE_VECTOR_SCANS
#include <emmintrin.h>
#endif

namespace osn::http {

#ifdef OSN_HAVE_VECTOR_SCANS
namespace {

// 0xFF in each byte of the result where x is in [lo, hi].
inline __m128i in_range(__m128i x, char lo, char hi) {
  const __m128i offset = _mm_sub_epi8(x, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(offset, _mm_set1_epi8(static_cast<char>(hi - lo))), offset);
}

// Bit i: byte p[i] is not a letter and not in [lo1, hi1] or [lo2, hi2].
template <char kLo1, char kHi1, char kLo2, char kHi2>
inline unsigned not_letter_or_16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i letter = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z');
  const __m128i common = _mm_or_si128(letter, _mm_or_si128(in_range(x, kLo1, kHi1), in_range(x, kLo2, kHi2)));
  return static_cast<unsigned>(_mm_movemask_epi8(common)) ^ 0xFFFFu;
}

// 16-byte steps over the common bytes; the first other byte is asked of the byte table.
template <unsigned (*kNotCommon)(const char*), bool (*kInClass)(char)>
const char* class_end(const char* p, const char* end) {
  while (end - p >= 16) {
    if (const unsigned others = kNotCommon(p)) {
      p += __builtin_ctz(others);
      if (!kInClass(*p)) return p;
      ++p;  // in the class all the same: go on after it
      continue;
    }
    p += 16;
  }
  while (p < end && kInClass(*p)) ++p;
  return p;
}

inline unsigned value_end_16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x);
  const __m128i not_tab = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), ctl);
  const __m128i bad = _mm_or_si128(not_tab, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
}

const char* sse2_token_end(const char* p, const char* end) {
  return class_end<not_letter_or_16<'0', '9', '-', '.'>, is_tchar>(p, end);
}

const char* sse2_target_end(const char* p, const char* end) {
  return class_end<not_letter_or_16<'-', '9', '_', '_'>, is_target_char>(p, end);
}

const char* sse2_field_value_end(const char* p, const char* end) {
  for (; end - p >= 32; p += 32) {
    if (const unsigned stop = value_end_16(p) | value_end_16(p + 16) << 16) return p + __builtin_ctz(stop);
  }
  if (end - p >= 16) {
    if (const unsigned stop = value_end_16(p)) return p + __builtin_ctz(stop);
    p += 16;
  }
  return plain::field_value_end(p, end);
}

constexpr ScanKernels kSse2Kernels{sse2_token_end, sse2_target_end, sse2_field_value_end, "sse2"};

}  // namespace

const ScanKernels* detail::sse2_kernels_if_supported() { return &kSse2Kernels; }

#else  // not x86-64

const ScanKernels* detail::sse2_kernels_if_supported() { return nullptr; }

#endif

}  // namespace osn::http
