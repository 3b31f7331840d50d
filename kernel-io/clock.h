// kernel-io/clock.h — the monotonic clock.
//
// Wall-clock time (CLOCK_REALTIME) can jump when an administrator or NTP sets it; timers
// must use CLOCK_MONOTONIC, which only moves forward. These are the loop's time sources.
#pragma once

#include <time.h>

#include <cstdint>

namespace osn::kio {

// Nanoseconds on the monotonic clock (like uv_hrtime / process.hrtime.bigint()).
inline uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

inline uint64_t monotonic_ms() { return monotonic_ns() / 1'000'000u; }

}  // namespace osn::kio
