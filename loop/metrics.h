// loop/metrics.h — how healthy is the loop? Lag and utilization, as numbers.
//
// Loop *lag* is how late timers fire: a timer due at t that runs at t + 30 ms means some
// callback held the loop's only thread for ~30 ms, and every other client waited as long
// (Node: perf_hooks.monitorEventLoopDelay). *Utilization* is the share of wall time the loop
// spent running callbacks rather than waiting in the backend (Node:
// performance.eventLoopUtilization). Both are what the seed note warns about: CPU-bound work
// on the main thread blocks everything.
#pragma once

#include <array>
#include <cstdint>

namespace osn::loop {

// A fixed-size log-linear histogram of nanosecond samples: O(1) record, no allocation,
// percentiles accurate to ~6% (16 sub-buckets per power of two).
class LatencyHistogram {
 public:
  void record(uint64_t ns);
  void reset() { *this = LatencyHistogram{}; }
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The value below which `fraction` (0..1) of samples fall (upper bound of that bucket).
  uint64_t percentile(double fraction) const;

 private:
  static constexpr int kSubBits = 4;
  static constexpr int kBuckets = 64 << kSubBits;
  static int bucket_of(uint64_t ns);
  static uint64_t bucket_upper(int bucket);
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

struct LoopMetrics {
  uint64_t iterations = 0;
  uint64_t lag_samples = 0;   // timers fired since the last reset
  uint64_t lag_p50_ns = 0;
  uint64_t lag_p99_ns = 0;
  uint64_t lag_max_ns = 0;
  uint64_t busy_ns = 0;       // time not spent waiting in the backend
  uint64_t idle_ns = 0;       // time blocked in the backend's wait
  double utilization = 0.0;   // busy / (busy + idle)
};

}  // namespace osn::loop
