// http/wide_scan_sse2.cc — the three scans with SSE2, 16 bytes per step: the floor of the
// vector sets on x86-64, where SSE2 is part of the architecture (no CPU check needed).
//
// SSE2 has no byte shuffle (PSHUFB is SSSE3), so a set of bytes cannot be looked up in a
// 16-byte table as wide_scan_avx2.cc does. Instead the bytes that END a run are written as a
// few ranges [lo, hi] and each range is one compare on 16 bytes:
//     lo <= x <= hi   is   min(x - lo, hi - lo) == x - lo   (bytes, unsigned, wrapping)
// A token stops at 10 ranges (controls and SP, '"', '(' ')', ',', '/', ':'..'@', '['..']',
// '{', '}', DEL and above), a request-target at 9; the ranges are computed from
// http/char_class.h's table at compile time, so they cannot drift from it. A field value ends
// at two ranges and HTAB taken out, as in the other sets. PMOVMSKB gathers the 16 answers into
// a mask, and its lowest set bit is the answer. Whole 16-byte blocks inside [p, end) only.
#include "http/wide_scan.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "http/char_class.h"

#ifdef OSN_HAVE_VECTOR_SCANS
#include <emmintrin.h>
#endif

namespace osn::http {

#ifdef OSN_HAVE_VECTOR_SCANS
namespace {

constexpr std::size_t kMaxRanges = 10;

// The bytes outside class `cls`, as runs [lo, hi]: 16 copies of lo and of hi - lo each, ready
// for a 16-byte load. Unused ranges repeat the first one (harmless: an OR of the same answer).
struct StopRanges {
  alignas(16) std::array<std::array<std::uint8_t, 16>, kMaxRanges> lo{};
  alignas(16) std::array<std::array<std::uint8_t, 16>, kMaxRanges> width{};
  std::size_t count = 0;
};

constexpr StopRanges stop_ranges(CharClass cls) {
  StopRanges ranges;
  int c = 0;
  while (c < 256) {
    if (has_class(static_cast<char>(c), cls)) {
      ++c;
      continue;
    }
    int hi = c;
    while (hi + 1 < 256 && !has_class(static_cast<char>(hi + 1), cls)) ++hi;
    if (ranges.count == kMaxRanges) return StopRanges{};  // count 0: too many, static_assert says so
    for (auto& b : ranges.lo[ranges.count]) b = static_cast<std::uint8_t>(c);
    for (auto& b : ranges.width[ranges.count]) b = static_cast<std::uint8_t>(hi - c);
    ++ranges.count;
    c = hi + 1;
  }
  return ranges;
}

constexpr StopRanges kTokenStops = stop_ranges(kTchar);
constexpr StopRanges kTargetStops = stop_ranges(kTargetChar);
static_assert(kTokenStops.count > 0 && kTargetStops.count > 0, "more stop ranges than kMaxRanges");

// Bit i: byte p[i] is in one of the ranges, i.e. ends the run.
template <const StopRanges& kStops>
inline unsigned in_stop_ranges_16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i hit = _mm_setzero_si128();
  for (std::size_t i = 0; i < kStops.count; ++i) {
    const __m128i lo = _mm_load_si128(reinterpret_cast<const __m128i*>(kStops.lo[i].data()));
    const __m128i width = _mm_load_si128(reinterpret_cast<const __m128i*>(kStops.width[i].data()));
    const __m128i offset = _mm_sub_epi8(x, lo);
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(offset, width), offset));
  }
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}

inline unsigned value_end_16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x);
  const __m128i not_tab = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')), ctl);
  const __m128i bad = _mm_or_si128(not_tab, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)));
  return static_cast<unsigned>(_mm_movemask_epi8(bad));
}

const char* sse2_token_end(const char* p, const char* end) {
  for (; end - p >= 16; p += 16) {
    if (const unsigned stop = in_stop_ranges_16<kTokenStops>(p)) return p + __builtin_ctz(stop);
  }
  return plain::token_end(p, end);
}

const char* sse2_target_end(const char* p, const char* end) {
  for (; end - p >= 16; p += 16) {
    if (const unsigned stop = in_stop_ranges_16<kTargetStops>(p)) return p + __builtin_ctz(stop);
  }
  return plain::target_end(p, end);
}

const char* sse2_field_value_end(const char* p, const char* end) {
  for (; end - p >= 16; p += 16) {
    if (const unsigned stop = value_end_16(p)) return p + __builtin_ctz(stop);
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
