// http/wide_scan.cc — SSE2 scan for the end of a field value, with a plain fallback.
//
// The vector test for "byte is a CTL except HTAB, or DEL" on 16 unsigned bytes x:
//   ctl = (min(x, 0x1F) == x)   i.e. x <= 0x1F
//   bad = (ctl AND NOT x == '\t') OR x == 0x7F
// movemask turns the 16 answers into 16 bits; the lowest set bit is the first bad byte.
// Only whole 16-byte blocks inside [p, end) are loaded; the tail is done byte by byte.
#include "http/wide_scan.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace osn::http {
namespace {

bool ends_field_value(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7F;
}

}  // namespace

const char* find_field_value_end(const char* p, const char* end) {
#ifdef __SSE2__
  const __m128i max_ctl = _mm_set1_epi8(0x1F);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i del = _mm_set1_epi8(0x7F);
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, max_ctl), x);
    const __m128i bad = _mm_or_si128(_mm_andnot_si128(_mm_cmpeq_epi8(x, tab), ctl),
                                     _mm_cmpeq_epi8(x, del));
    const int mask = _mm_movemask_epi8(bad);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && !ends_field_value(*p)) ++p;
  return p;
}

}  // namespace osn::http
