// loop/metrics.cc — the log-linear histogram behind loop lag percentiles.
//
// Bucket index: the position of the highest set bit picks a power-of-two range, the next
// kSubBits bits pick one of 16 equal slices of it. Small values (< 16 ns) map one to one.
#include "loop/metrics.h"

#include <algorithm>
#include <bit>

namespace osn::loop {

int LatencyHistogram::bucket_of(uint64_t ns) {
  if (ns < (1u << kSubBits)) return static_cast<int>(ns);
  int top = 63 - std::countl_zero(ns);  // >= kSubBits
  int sub = static_cast<int>((ns >> (top - kSubBits)) & ((1u << kSubBits) - 1));
  return ((top - kSubBits + 1) << kSubBits) + sub;
}

uint64_t LatencyHistogram::bucket_upper(int bucket) {
  if (bucket < (1 << kSubBits)) return static_cast<uint64_t>(bucket);
  int top = (bucket >> kSubBits) + kSubBits - 1;
  uint64_t sub = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
  uint64_t base = uint64_t{1} << top;
  uint64_t width = base >> kSubBits;
  return base + (sub + 1) * width - 1;
}

void LatencyHistogram::record(uint64_t ns) {
  ++counts_[std::min(bucket_of(ns), kBuckets - 1)];
  ++count_;
  max_ = std::max(max_, ns);
}

uint64_t LatencyHistogram::percentile(double fraction) const {
  if (count_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(fraction * static_cast<double>(count_ - 1)) + 1;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return std::min(bucket_upper(b), max_);
  }
  return max_;
}

}  // namespace osn::loop
