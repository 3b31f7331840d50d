// tests/loop/metrics_test.cc — loop lag and utilization, and the histogram behind them.
//
// The only time-based assertion is a lower bound that holds on any machine: a callback that
// blocks the loop for 50 ms makes the timer due behind it at least 50 ms late.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "loop/loop.h"
#include "loop/metrics.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

TEST(LatencyHistogram, EmptyHasNoSamples) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.percentile(0.5), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 0; v < 16; ++v) h.record(v);
  EXPECT_EQ(h.count(), 16u);
  EXPECT_EQ(h.max(), 15u);
  EXPECT_EQ(h.percentile(0.0), 0u);
  EXPECT_EQ(h.percentile(1.0), 15u);
}

TEST(LatencyHistogram, PercentilesAreUpperBoundsWithinOneSixteenth) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v * 1000);  // 1 us .. 1 ms
  uint64_t p50 = h.percentile(0.5), p99 = h.percentile(0.99);
  EXPECT_GE(p50, 500'000u);
  EXPECT_LE(p50, 500'000u + 500'000u / 16 + 1);
  EXPECT_GE(p99, 990'000u);
  EXPECT_LE(p99, 1'000'000u);
  EXPECT_LE(p50, p99);
  EXPECT_EQ(h.percentile(1.0), 1'000'000u) << "never above the largest sample";
}

TEST(LatencyHistogram, HugeValuesDoNotOverflow) {
  LatencyHistogram h;
  h.record(UINT64_MAX);
  h.record(1);
  EXPECT_EQ(h.max(), UINT64_MAX);
  EXPECT_EQ(h.percentile(1.0), UINT64_MAX);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
}

class MetricsTest : public looptest::LoopTest {};

TEST_P(MetricsTest, EveryFiredTimerIsALagSample) {
  for (int i = 0; i < 3; ++i) loop.set_timeout(1 + i, [] {});
  run_bounded();
  LoopMetrics m = loop.metrics();
  EXPECT_EQ(m.lag_samples, 3u);
  EXPECT_EQ(m.iterations, loop.iteration());
  EXPECT_LE(m.lag_p50_ns, m.lag_p99_ns);
  EXPECT_LE(m.lag_p99_ns, m.lag_max_ns);
}

TEST_P(MetricsTest, ABlockingCallbackShowsUpAsLag) {
  loop.set_timeout(1, [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); });
  loop.set_timeout(1, [] {});  // same deadline: runs after the blocker
  run_bounded();
  EXPECT_GE(loop.metrics().lag_max_ns, 50'000'000u);
}

TEST_P(MetricsTest, UtilizationIsAFraction) {
  loop.set_timeout(1, [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); });
  loop.set_timeout(10, [] {});
  run_bounded();
  LoopMetrics m = loop.metrics();
  EXPECT_GE(m.utilization, 0.0);
  EXPECT_LE(m.utilization, 1.0);
  EXPECT_GT(m.busy_ns, 5'000'000u) << "the blocking callback counts as busy";
  EXPECT_GT(m.idle_ns, 0u) << "waiting for the second timer counts as idle";
}

TEST_P(MetricsTest, ResetStartsAFreshWindow) {
  loop.set_timeout(1, [] {});
  run_bounded();
  ASSERT_EQ(loop.metrics().lag_samples, 1u);
  loop.reset_metrics();
  LoopMetrics m = loop.metrics();
  EXPECT_EQ(m.lag_samples, 0u);
  EXPECT_EQ(m.lag_max_ns, 0u);
  EXPECT_EQ(m.iterations, loop.iteration()) << "iterations count the loop's whole life";
}

INSTANTIATE_TEST_SUITE_P(Backends, MetricsTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
