// http/wide_scan.cc — the run-time choice between the plain scans and the vector ones.
//
// Run-time dispatch without ifunc: g_scan_kernels starts at kChoosingKernels, whose functions
// each make the choice (CPU features, then OSN_PARSER_SIMD), store the chosen set in the
// pointer, and forward the call. From then on a vector scan is one load and one indirect call,
// as a PLT entry is after the dynamic linker has bound it; the plain set's functions here are
// only its address and its name, since wide_scan.h inlines the plain loops instead. Two threads making the first call
// at once both choose the same set; storing it twice is harmless.
#include "http/wide_scan.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "http/char_class.h"

namespace osn::http {
namespace {

// The plain set as functions, for callers that take the set itself (tests, the fuzzer).
const char* plain_token_end(const char* p, const char* end) { return plain::token_end(p, end); }
const char* plain_target_end(const char* p, const char* end) { return plain::target_end(p, end); }
const char* plain_field_value_end(const char* p, const char* end) { return plain::field_value_end(p, end); }

// OSN_PARSER_SIMD: unset or "1" = the best the CPU has, "0" = plain, "sse2" / "ssse3" / "avx2" = that
// set (plain if the CPU lacks it): what a student times against each other.
ScanMode environment_mode() {
  const char* text = std::getenv("OSN_PARSER_SIMD");
  if (text == nullptr || std::strcmp(text, "1") == 0) return ScanMode::kBest;
  if (std::strcmp(text, "0") == 0) return ScanMode::kPlain;
  if (std::strcmp(text, "sse2") == 0) return ScanMode::kSse2;
  if (std::strcmp(text, "ssse3") == 0) return ScanMode::kSsse3;
  if (std::strcmp(text, "avx2") == 0) return ScanMode::kAvx2;
  std::fprintf(stderr,
               "osnode: OSN_PARSER_SIMD must be 0 (plain loops), 1 (the best vector scan), sse2, ssse3 or avx2, "
               "got '%s'; using 1\n",
               text);
  return ScanMode::kBest;
}

const ScanKernels* best_supported() {
  if (const ScanKernels* avx2 = detail::avx2_kernels_if_supported()) return avx2;
  if (const ScanKernels* ssse3 = detail::ssse3_kernels_if_supported()) return ssse3;
  return detail::sse2_kernels_if_supported();
}

const ScanKernels& choose(ScanMode mode) {
  const ScanKernels* vector = nullptr;
  switch (mode) {
    case ScanMode::kAuto: return choose(environment_mode());
    case ScanMode::kPlain: break;
    case ScanMode::kSse2: vector = detail::sse2_kernels_if_supported(); break;
    case ScanMode::kSsse3: vector = detail::ssse3_kernels_if_supported(); break;
    case ScanMode::kAvx2: vector = detail::avx2_kernels_if_supported(); break;
    case ScanMode::kBest: vector = best_supported(); break;
  }
  const ScanKernels& chosen = vector != nullptr ? *vector : detail::kPlainKernels;
  detail::g_scan_kernels.store(&chosen, std::memory_order_relaxed);
  return chosen;
}

const char* choosing_token_end(const char* p, const char* end) { return choose(ScanMode::kAuto).token_end(p, end); }
const char* choosing_target_end(const char* p, const char* end) {
  return choose(ScanMode::kAuto).target_end(p, end);
}
const char* choosing_field_value_end(const char* p, const char* end) {
  return choose(ScanMode::kAuto).field_value_end(p, end);
}

constexpr ScanKernels kChoosingKernels{choosing_token_end, choosing_target_end, choosing_field_value_end,
                                       "not chosen yet"};

}  // namespace

namespace detail {
constinit const ScanKernels kPlainKernels{plain_token_end, plain_target_end, plain_field_value_end, "plain"};
constinit std::atomic<const ScanKernels*> g_scan_kernels{&kChoosingKernels};
}  // namespace detail

std::string_view set_scan_mode(ScanMode mode) { return choose(mode).name; }

std::string_view scan_kernels_name() {
  const ScanKernels* current = detail::g_scan_kernels.load(std::memory_order_relaxed);
  return current == &kChoosingKernels ? choose(ScanMode::kAuto).name : current->name;
}

}  // namespace osn::http
