// tests/kernel-io/clock_test.cc — the monotonic clock agrees with clock_gettime and never goes
// back. (No speed is asserted: only order.)
#include "kernel-io/clock.h"

#include <gtest/gtest.h>

namespace osn::kio {
namespace {

uint64_t raw_monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

TEST(Clock, MonotonicNsLiesBetweenTwoDirectReadings) {
  uint64_t before = raw_monotonic_ns();
  uint64_t ours = monotonic_ns();
  uint64_t after = raw_monotonic_ns();
  EXPECT_LE(before, ours);
  EXPECT_LE(ours, after);
}

TEST(Clock, NeverGoesBackwards) {
  uint64_t last = monotonic_ns();
  for (int i = 0; i < 1000; ++i) {
    uint64_t now = monotonic_ns();
    ASSERT_GE(now, last);
    last = now;
  }
}

TEST(Clock, MillisecondsAreNanosecondsDividedDown) {
  uint64_t before = monotonic_ns() / 1'000'000u;
  uint64_t ms = monotonic_ms();
  uint64_t after = monotonic_ns() / 1'000'000u;
  EXPECT_LE(before, ms);
  EXPECT_LE(ms, after);
}

}  // namespace
}  // namespace osn::kio
