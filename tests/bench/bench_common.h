// tests/bench/bench_common.h — what every osnode benchmark shares: scale, clocks, output.
//
// A benchmark prints only lines `bench: NAME VALUE UNIT` (and comments starting with '#') on
// stdout, so tests/bench/peers/run.sh can collect them. The workload size is multiplied by a
// scale factor — argv[1] if given, else env BENCH_SCALE, else 1.0 — so CI can run small.
// The pseudo-random generator is spelled out (xorshift64*) so that the libuv peers in
// tests/bench/peers/ draw exactly the same sequence of timeouts.
#pragma once

#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace osn::bench {

inline double scale_factor(int argc, char** argv) {
  const char* text = argc > 1 ? argv[1] : std::getenv("BENCH_SCALE");
  if (text == nullptr || *text == '\0') return 1.0;
  double scale = std::strtod(text, nullptr);
  if (!(scale > 0.0)) {
    std::fprintf(stderr, "bench: scale must be a number > 0, got '%s'\n", text);
    std::exit(2);
  }
  return scale;
}

// `base` work items times the scale, at least 1.
inline uint64_t scaled(uint64_t base, double scale) {
  double n = static_cast<double>(base) * scale;
  return n < 1.0 ? 1 : static_cast<uint64_t>(n);
}

inline uint64_t clock_ns(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}
inline uint64_t wall_ns() { return clock_ns(CLOCK_MONOTONIC); }
inline uint64_t cpu_ns() { return clock_ns(CLOCK_PROCESS_CPUTIME_ID); }

// xorshift64* — the same few lines as in tests/bench/peers/bench_peer.h.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed ? seed : 1) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }

 private:
  uint64_t state_;
};

inline void report(const char* name, double value, const char* unit) {
  std::printf("bench: %s %.1f %s\n", name, value, unit);
  std::fflush(stdout);
}

}  // namespace osn::bench
