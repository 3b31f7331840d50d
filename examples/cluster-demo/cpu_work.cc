// examples/cluster-demo/cpu_work.cc — see cpu_work.h.
#include "examples/cluster-demo/cpu_work.h"

#include <time.h>

#include <array>

#include "pool/crypto/sha256.h"

namespace osn::demo {
namespace {

uint64_t monotonic_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1'000'000;
}

}  // namespace

uint64_t burn_cpu(uint64_t ms) {
  const uint64_t deadline = monotonic_ms() + ms;
  pool::Sha256Digest digest{};
  uint64_t rounds = 0;
  // Hash the previous digest again and again: real work the compiler cannot skip.
  do {
    for (int i = 0; i < 256; ++i, ++rounds) digest = pool::sha256(digest);
  } while (monotonic_ms() < deadline);
  return rounds + digest[0] % 2;  // keep the digest alive
}

bool find_query_param(std::string_view query, std::string_view name, std::string_view* value) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    *value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    return true;
  }
  return false;
}

std::string parse_work_ms(std::string_view query, uint64_t* ms) {
  std::string_view text;
  if (!find_query_param(query, "ms", &text)) return "missing parameter ms (try ?ms=200)";
  if (text.empty() || text.size() > 6) return "ms must be a whole number from 0 to " + std::to_string(kMaxWorkMs);
  uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return "ms must be a whole number from 0 to " + std::to_string(kMaxWorkMs);
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > kMaxWorkMs) return "ms must be at most " + std::to_string(kMaxWorkMs);
  *ms = value;
  return "";
}

}  // namespace osn::demo
