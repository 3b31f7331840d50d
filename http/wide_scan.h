// http/wide_scan.h — SIMD: find the end of a token, a request-target or a field value 32
// bytes at a time, with the CPU feature check made at run time.
//
// Almost every byte of a request head belongs to a run that ends at one kind of byte: a token
// (method, field name) ends at the first non-tchar, a request-target at the first byte a
// target may not hold, a field value at the first control character. Asking the byte table
// about each byte costs a load, a test and a branch per byte. A vector unit asks the same
// question of 32 bytes in a handful of instructions and answers with a 32-bit mask; the lowest
// set bit is where the run ends. The answer is exactly the byte table's (http/char_class.h):
// the vector tables are built from it at compile time, and tests/http/wide_scan_test.cc
// compares the two on every offset and length.
//
// Which code runs is decided once, at run time, not by the compiler flags: the library is
// built for plain x86-64 (no -mavx2), the AVX2 functions carry a target attribute
// (wide_scan_avx2.cc), and the first call asks the CPU (CPUID, via __builtin_cpu_supports)
// whether it has AVX2 (else SSSE3: 16 bytes a step, with PSHUFB lookups), then stores the
// chosen functions in a pointer every later call reads. SSE2 (16 bytes a step, range compares;
// http/wide_scan_sse2.cc) is part of x86-64 itself, so it is the floor there, chosen with no
// CPU check. The plain set (http/plain_scan.h: byte table, and 8 bytes per step in a uint64_t
// for values) is what other CPUs run; it is called inline, not through the pointer.
// OSN_PARSER_SIMD=0 in the environment forces the plain loops (1, or unset: the best the CPU
// has; sse2, ssse3 or avx2: that one); set_scan_mode() does the same for tests.
// Invariant: never reads at or past `end` (tests place input against a guard page).
// Thread-safe: the choice is one atomic pointer; every kernel is a pure function.
#pragma once

#include <atomic>
#include <string_view>

#include "http/plain_scan.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define OSN_HAVE_VECTOR_SCANS 1  // x86-64: SSE2 always, SSSE3 / AVX2 where the CPU has them
#endif

namespace osn::http {

// The three scans as one set of functions: one set per instruction set.
struct ScanKernels {
  const char* (*token_end)(const char* p, const char* end);
  const char* (*target_end)(const char* p, const char* end);
  const char* (*field_value_end)(const char* p, const char* end);
  const char* name;  // "plain", "sse2", "ssse3", "avx2"
};

namespace detail {
// The kernels every call goes through. Before the first choice it points at a set whose
// functions choose (see wide_scan.cc), so no static initializer has to run first.
extern std::atomic<const ScanKernels*> g_scan_kernels;
inline const ScanKernels& scan_kernels() { return *g_scan_kernels.load(std::memory_order_relaxed); }
}  // namespace detail

namespace detail {
extern const ScanKernels kPlainKernels;
// True when a vector set (or the set that chooses, before the first call) is in the pointer.
// The plain set is not called through it: its loops are inlined at each call site.
inline const ScanKernels* vector_kernels() {
#ifdef OSN_HAVE_VECTOR_SCANS
  const ScanKernels* kernels = g_scan_kernels.load(std::memory_order_relaxed);
  return kernels != &kPlainKernels ? kernels : nullptr;
#else
  return nullptr;  // no vector set in this build: always the inline loops
#endif
}
}  // namespace detail

// First byte in [p, end) that is not a tchar (RFC 9110 §5.6.2); `end` if there is none.
inline const char* find_token_end(const char* p, const char* end) {
  if (const ScanKernels* vector = detail::vector_kernels()) return vector->token_end(p, end);
  return plain::token_end(p, end);
}
// First byte in [p, end) that may not appear in a request-target (is_target_char); or `end`.
inline const char* find_target_end(const char* p, const char* end) {
  if (const ScanKernels* vector = detail::vector_kernels()) return vector->target_end(p, end);
  return plain::target_end(p, end);
}
// First byte in [p, end) that is a CTL other than HTAB, or DEL; `end` if there is none.
inline const char* find_field_value_end(const char* p, const char* end) {
  if (const ScanKernels* vector = detail::vector_kernels()) return vector->field_value_end(p, end);
  return plain::field_value_end(p, end);
}

enum class ScanMode {
  kAuto,   // what OSN_PARSER_SIMD says (0, 1, sse2, ssse3, avx2); unset: kBest
  kPlain,  // portable C++: the byte table for tokens, 8 bytes per step (SWAR) for values
  kSse2,   // 16 bytes per step, range compares (plain where not x86-64)
  kSsse3,  // 16 bytes per step with PSHUFB lookups (plain if the CPU has no SSSE3)
  kAvx2,   // 32 bytes per step (plain if the CPU has no AVX2)
  kBest,   // the best the CPU has, whatever the environment says: AVX2, SSSE3, SSE2, else plain
};

// Chooses the kernels now (tests run the same input through each mode); returns their name.
std::string_view set_scan_mode(ScanMode mode);
// The kernels in use: "plain", "sse2", "ssse3" or "avx2" (chosen on first use if nothing chose yet).
std::string_view scan_kernels_name();

namespace detail {
// The AVX2 / SSSE3 / SSE2 set, or nullptr when this build or this CPU cannot run it.
const ScanKernels* avx2_kernels_if_supported();
const ScanKernels* sse2_kernels_if_supported();
const ScanKernels* ssse3_kernels_if_supported();
}  // namespace detail

}  // namespace osn::http
