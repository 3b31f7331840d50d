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
// whether it has AVX2 (else SSSE3: 16 bytes a step), then stores the chosen functions in a
// pointer every later call reads.
// OSN_PARSER_SIMD=0 in the environment forces the plain loops (1, or unset: the best the CPU
// has; ssse3 or avx2: that one); set_scan_mode() does the same for tests.
// Invariant: never reads at or past `end` (tests place input against a guard page).
// Thread-safe: the choice is one atomic pointer; every kernel is a pure function.
#pragma once

#include <atomic>
#include <string_view>

namespace osn::http {

// The three scans as one set of functions: one set per instruction set.
struct ScanKernels {
  const char* (*token_end)(const char* p, const char* end);
  const char* (*target_end)(const char* p, const char* end);
  const char* (*field_value_end)(const char* p, const char* end);
  const char* name;  // "plain", "ssse3", "avx2"
};

namespace detail {
// The kernels every call goes through. Before the first choice it points at a set whose
// functions choose (see wide_scan.cc), so no static initializer has to run first.
extern std::atomic<const ScanKernels*> g_scan_kernels;
inline const ScanKernels& scan_kernels() { return *g_scan_kernels.load(std::memory_order_relaxed); }
}  // namespace detail

// First byte in [p, end) that is not a tchar (RFC 9110 §5.6.2); `end` if there is none.
inline const char* find_token_end(const char* p, const char* end) {
  return detail::scan_kernels().token_end(p, end);
}
// First byte in [p, end) that may not appear in a request-target (is_target_char); or `end`.
inline const char* find_target_end(const char* p, const char* end) {
  return detail::scan_kernels().target_end(p, end);
}
// First byte in [p, end) that is a CTL other than HTAB, or DEL; `end` if there is none.
inline const char* find_field_value_end(const char* p, const char* end) {
  return detail::scan_kernels().field_value_end(p, end);
}

enum class ScanMode {
  kAuto,   // what OSN_PARSER_SIMD says (0, 1, ssse3, avx2); unset: kBest
  kPlain,  // byte-at-a-time loops over the byte table
  kSsse3,  // 16 bytes per step (plain if the CPU has no SSSE3)
  kAvx2,   // 32 bytes per step (plain if the CPU has no AVX2)
  kBest,   // the best the CPU has, whatever the environment says: AVX2, else SSSE3, else plain
};

// Chooses the kernels now (tests run the same input through each mode); returns their name.
std::string_view set_scan_mode(ScanMode mode);
// The kernels in use: "plain", "ssse3" or "avx2" (chosen on first use if nothing chose yet).
std::string_view scan_kernels_name();

namespace detail {
extern const ScanKernels kPlainKernels;
// The AVX2 / SSSE3 set, or nullptr when this build or this CPU cannot run it.
const ScanKernels* avx2_kernels_if_supported();
const ScanKernels* ssse3_kernels_if_supported();
}  // namespace detail

}  // namespace osn::http
