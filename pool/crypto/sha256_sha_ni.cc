// pool/crypto/sha256_sha_ni.cc — SHA-256's compression on the x86-64 SHA extensions ("SHA-NI").
//
// Same algorithm as sha256_compress_portable, with the CPU doing the work: SHA256RNDS2 runs two
// rounds, SHA256MSG1/MSG2 compute four message-schedule words. The eight working variables live
// in two 128-bit registers in the order the instruction wants: ABEF and CDGH (lane 3 first).
// Whether the CPU has the instructions is asked with CPUID (leaf 7: SHA; leaf 1: SSSE3/SSE4.1)
// at run time, so one binary runs everywhere. OpenSSL (hence Node) uses the same instructions.
// On other architectures this file reports "no" and the portable code runs.
#include "pool/crypto/sha256.h"

#if defined(__x86_64__)

#include <cpuid.h>
#include <immintrin.h>

namespace osn::pool {
namespace {

// Two rounds ahead are given W[t] + K[t] in the low 64 bits; after two rounds the old ABEF is
// the new CDGH (C,D = old A,B; G,H = old E,F), so the registers swap roles each call.
__attribute__((target("sha,sse4.1"))) void four_rounds(__m128i& abef, __m128i& cdgh, __m128i schedule_plus_k) {
  cdgh = _mm_sha256rnds2_epu32(cdgh, abef, schedule_plus_k);
  abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(schedule_plus_k, 0x0e));
}

}  // namespace

bool cpu_has_sha256_instructions() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool has_ssse3 = ecx & (1u << 9), has_sse41 = ecx & (1u << 19);
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  const bool has_sha = ebx & (1u << 29);
  return has_ssse3 && has_sse41 && has_sha;
}

// Compiled for the SHA/SSE4.1/SSSE3 instruction sets whatever -march says; reached only when
// the CPU has them.
__attribute__((target("sha,sse4.1,ssse3"))) void sha256_compress_sha_ni(
    Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block) {
  // 1. State A..H into ABEF / CDGH register order. (Names with underscores list lanes 0..3,
  //    i.e. memory order; ABEF in memory order is F,E,B,A.)
  __m128i a_b_c_d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
  __m128i e_f_g_h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
  __m128i b_a_d_c = _mm_shuffle_epi32(a_b_c_d, 0xb1);
  __m128i h_g_f_e = _mm_shuffle_epi32(e_f_g_h, 0x1b);
  __m128i abef = _mm_alignr_epi8(b_a_d_c, h_g_f_e, 8);
  __m128i cdgh = _mm_blend_epi16(h_g_f_e, b_a_d_c, 0xf0);
  const __m128i abef_before = abef, cdgh_before = cdgh;

  // 2. 16 groups of four rounds. The schedule keeps the last 16 words, four per register;
  //    W[4g..4g+3] for g >= 4 is  W[t-16] + σ0(W[t-15]) + W[t-7] + σ1(W[t-2]).
  const __m128i big_endian_words = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  __m128i w[4];
  //    (Unrolled, w[] stays in registers: ~15% faster SHA-256, ~25% faster PBKDF2 here.)
#pragma GCC unroll 16
  for (int g = 0; g < 16; ++g) {
    __m128i& words = w[g & 3];  // holds W[4g-16..4g-13] until overwritten with W[4g..4g+3]
    if (g < 4) {
      words = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block.data() + 16 * g));
      words = _mm_shuffle_epi8(words, big_endian_words);
    } else {
      const __m128i& back4 = w[(g + 3) & 3];  // W[4g-4..4g-1]
      const __m128i& back8 = w[(g + 2) & 3];  // W[4g-8..4g-5]
      words = _mm_sha256msg1_epu32(words, w[(g + 1) & 3]);            // + σ0(W[t-15])
      words = _mm_add_epi32(words, _mm_alignr_epi8(back4, back8, 4));  // + W[t-7]
      words = _mm_sha256msg2_epu32(words, back4);                       // + σ1(W[t-2])
    }
    const __m128i k =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kSha256RoundConstants[4 * g]));
    four_rounds(abef, cdgh, _mm_add_epi32(words, k));
  }

  // 3. Feed-forward, then back to A..H memory order.
  abef = _mm_add_epi32(abef, abef_before);
  cdgh = _mm_add_epi32(cdgh, cdgh_before);
  __m128i a_b_e_f = _mm_shuffle_epi32(abef, 0x1b);
  __m128i g_h_c_d = _mm_shuffle_epi32(cdgh, 0xb1);
  __m128i* out = reinterpret_cast<__m128i*>(state.data());
  _mm_storeu_si128(out, _mm_blend_epi16(a_b_e_f, g_h_c_d, 0xf0));
  _mm_storeu_si128(out + 1, _mm_alignr_epi8(g_h_c_d, a_b_e_f, 8));
}

}  // namespace osn::pool

#else  // not x86-64: no SHA extensions to use

namespace osn::pool {

bool cpu_has_sha256_instructions() { return false; }

void sha256_compress_sha_ni(Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block) {
  sha256_compress_portable(state, block);
}

}  // namespace osn::pool

#endif
