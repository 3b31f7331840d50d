// http/wide_scan.cc — the plain scans, and the run-time choice between them and the AVX2 ones.
//
// Run-time dispatch without ifunc: g_scan_kernels starts at kChoosingKernels, whose functions
// each make the choice (CPU features, then OSN_PARSER_SIMD), store the chosen set in the
// pointer, and forward the call. From then on every call is one load and one indirect call,
// as a PLT entry is after the dynamic linker has bound it. Two threads making the first call
// at once both choose the same set; storing it twice is harmless.
#include "http/wide_scan.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "http/char_class.h"

namespace osn::http {
namespace {

const char* plain_token_end(const char* p, const char* end) {
  while (p < end && is_tchar(*p)) ++p;
  return p;
}

const char* plain_target_end(const char* p, const char* end) {
  while (p < end && is_target_char(*p)) ++p;
  return p;
}

bool ends_field_value(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && u != '\t') || u == 0x7F;
}

const char* plain_field_value_end(const char* p, const char* end) {
  while (p < end && !ends_field_value(*p)) ++p;
  return p;
}

// OSN_PARSER_SIMD: unset or "1" = use the vector scan where the CPU has it, "0" = plain.
bool environment_allows_simd() {
  const char* text = std::getenv("OSN_PARSER_SIMD");
  if (text == nullptr || std::strcmp(text, "1") == 0) return true;
  if (std::strcmp(text, "0") == 0) return false;
  std::fprintf(stderr, "osnode: OSN_PARSER_SIMD must be 0 (plain loops) or 1 (vector scan), got '%s'; using 1\n",
               text);
  return true;
}

const ScanKernels& choose(ScanMode mode) {
  const bool simd = mode == ScanMode::kBest || (mode == ScanMode::kAuto && environment_allows_simd());
  const ScanKernels* best = simd ? detail::avx2_kernels_if_supported() : nullptr;
  const ScanKernels& chosen = best != nullptr ? *best : detail::kPlainKernels;
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
