// tests/loop/timers_test.cc — set_timeout, set_interval, clear_timer, unref_timer.
//
// Order, not speed: deadlines are compared with each other and with loop.now(), never with a
// stopwatch. Clearing is tested where it is hardest: from inside the timer's own callback,
// for another timer due in the same phase, and with an id whose slot was reused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loop/loop.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class TimersTest : public looptest::LoopTest {};

TEST_P(TimersTest, TimeoutFiresOnceAndTheLoopEnds) {
  int fired = 0;
  loop.set_timeout(1, [&] { ++fired; });
  EXPECT_EQ(loop.timer_count(), 1u);
  EXPECT_FALSE(run_bounded());
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(loop.timer_count(), 0u);
  EXPECT_FALSE(loop.alive());
}

TEST_P(TimersTest, TimeoutsFireInDeadlineOrder) {
  std::vector<int> order;
  loop.set_timeout(30, [&] { order.push_back(30); });
  loop.set_timeout(10, [&] { order.push_back(10); });
  loop.set_timeout(20, [&] { order.push_back(20); });
  run_bounded();
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
}

TEST_P(TimersTest, EqualDeadlinesFireInInsertionOrder) {
  std::vector<int> order;
  for (int i = 0; i < 32; ++i) loop.set_timeout(5, [&order, i] { order.push_back(i); });
  run_bounded();
  ASSERT_EQ(order.size(), 32u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(order[i], i);
}

TEST_P(TimersTest, ZeroDelayMeansOneMillisecond) {
  loop.update_time();
  uint64_t set_at = loop.now();
  uint64_t fired_at = 0;
  loop.set_timeout(0, [&] { fired_at = loop.now(); });
  run_bounded();
  EXPECT_GE(fired_at, set_at + 1);
}

TEST_P(TimersTest, CallbackSeesLoopTimeAtOrAfterItsDeadline) {
  loop.update_time();
  uint64_t set_at = loop.now();
  uint64_t fired_at = 0;
  loop.set_timeout(15, [&] { fired_at = loop.now(); });
  run_bounded();
  EXPECT_GE(fired_at, set_at + 15);
}

TEST_P(TimersTest, IntervalClearedFromItsOwnCallbackStops) {
  int runs = 0;
  TimerId id = 0;
  bool cleared = false;
  id = loop.set_interval(1, [&] {
    if (++runs == 3) cleared = loop.clear_timer(id);
  });
  EXPECT_FALSE(run_bounded());
  EXPECT_EQ(runs, 3);
  EXPECT_TRUE(cleared);
  EXPECT_FALSE(loop.clear_timer(id)) << "already gone";
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_P(TimersTest, ClearingAFiredTimeoutFromItsOwnCallbackIsHarmless) {
  TimerId id = 0;
  bool result = true;
  int fired = 0;
  id = loop.set_timeout(1, [&] {
    ++fired;
    result = loop.clear_timer(id);  // a timeout is spent once it runs
  });
  run_bounded();
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(result);
}

TEST_P(TimersTest, ClearingAnotherTimerDueInTheSamePhaseCancelsIt) {
  TimerId second = 0;
  bool cleared = false;
  int second_runs = 0;
  loop.set_timeout(5, [&] { cleared = loop.clear_timer(second); });
  second = loop.set_timeout(5, [&] { ++second_runs; });
  let_a_millisecond_pass();
  run_bounded();
  EXPECT_TRUE(cleared);
  EXPECT_EQ(second_runs, 0);
}

TEST_P(TimersTest, StaleIdAfterSlotReuseCancelsNothing) {
  TimerId old_id = loop.set_timeout(1000, [] {});
  ASSERT_TRUE(loop.clear_timer(old_id));
  int fired = 0;
  TimerId new_id = loop.set_timeout(1, [&] { ++fired; });  // reuses the freed slot
  EXPECT_NE(new_id, old_id);
  EXPECT_FALSE(loop.clear_timer(old_id));
  run_bounded();
  EXPECT_EQ(fired, 1);
}

TEST_P(TimersTest, InvalidIdsAreRefused) {
  EXPECT_FALSE(loop.clear_timer(0));
  EXPECT_FALSE(loop.clear_timer(~TimerId{0}));
  loop.unref_timer(12345);  // harmless
  EXPECT_FALSE(loop.alive());
}

TEST_P(TimersTest, UnrefedTimerDoesNotKeepTheLoopAlive) {
  int fired = 0;
  TimerId id = loop.set_timeout(10'000, [&] { ++fired; });
  loop.unref_timer(id);
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(run_bounded());
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(loop.timer_count(), 1u) << "unref does not cancel";
  EXPECT_TRUE(loop.clear_timer(id));
}

TEST_P(TimersTest, UnrefedTimerStillFiresWhileSomethingElseKeepsTheLoopAlive) {
  std::vector<std::string> order;
  TimerId weak = loop.set_timeout(1, [&] { order.push_back("unrefed"); });
  loop.unref_timer(weak);
  loop.unref_timer(weak);  // twice is the same as once
  loop.set_timeout(20, [&] { order.push_back("refed"); });
  run_bounded();
  EXPECT_EQ(order, (std::vector<std::string>{"unrefed", "refed"}));
}

TEST_P(TimersTest, UnrefedIntervalDoesNotKeepTheLoopAlive) {
  int runs = 0;
  TimerId id = loop.set_interval(1, [&] { ++runs; });
  loop.unref_timer(id);
  loop.set_timeout(10, [] {});
  run_bounded();
  EXPECT_GE(runs, 1);
  EXPECT_FALSE(loop.alive());
  EXPECT_TRUE(loop.clear_timer(id));
}

TEST_P(TimersTest, IntervalSurvivesCallbacksThatCreateManyTimers) {
  // Each run adds timers (growing the slot table under the running interval's feet).
  int runs = 0, children = 0;
  TimerId id = 0;
  id = loop.set_interval(1, [&] {
    for (int i = 0; i < 100; ++i) loop.set_timeout(1, [&] { ++children; });
    if (++runs == 3) loop.clear_timer(id);
  });
  run_bounded();
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(children, 300);
}

TEST_P(TimersTest, IntervalClearedByAnotherTimerStops) {
  int runs = 0;
  TimerId interval = loop.set_interval(2, [&] { ++runs; });
  loop.set_timeout(11, [&] { EXPECT_TRUE(loop.clear_timer(interval)); });
  EXPECT_FALSE(run_bounded());
  EXPECT_GE(runs, 1);
  EXPECT_EQ(loop.timer_count(), 0u);
}

TEST_P(TimersTest, TimerSetFromATimerCallbackRunsInALaterIteration) {
  uint64_t outer_iteration = 0, inner_iteration = 0;
  loop.set_timeout(1, [&] {
    outer_iteration = loop.iteration();
    loop.set_timeout(1, [&] { inner_iteration = loop.iteration(); });
  });
  run_bounded();
  EXPECT_GT(inner_iteration, outer_iteration);
}

INSTANTIATE_TEST_SUITE_P(Backends, TimersTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
