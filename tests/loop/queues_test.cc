// tests/loop/queues_test.cc — next_tick, set_immediate/clear_immediate, defer_to_pending.
//
// next_tick: drained after every callback, ticks queued by ticks join the same drain.
// set_immediate: check phase; one queued during the check phase waits for the next iteration.
// defer_to_pending: the next pending phase; one queued during the pending phase waits too.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loop/loop.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using Labels = std::vector<std::string>;

class QueuesTest : public looptest::LoopTest {};

TEST_P(QueuesTest, TickFromMainRunsBeforeAnyPhase) {
  Labels order;
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.defer_to_pending([&] { order.push_back("pending"); });
  loop.next_tick([&] { order.push_back("tick"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"tick", "pending", "immediate"}));
}

TEST_P(QueuesTest, TicksQueuedByTicksJoinTheSameDrain) {
  Labels order;
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.next_tick([&] {
    order.push_back("tick 1");
    loop.next_tick([&] {
      order.push_back("tick 2");
      loop.next_tick([&] { order.push_back("tick 3"); });
    });
  });
  run_bounded();
  EXPECT_EQ(order, (Labels{"tick 1", "tick 2", "tick 3", "immediate"}));
}

TEST_P(QueuesTest, TicksAreDrainedAfterEachImmediate) {
  Labels order;
  loop.set_immediate([&] {
    order.push_back("immediate 1");
    loop.next_tick([&] { order.push_back("tick"); });
  });
  loop.set_immediate([&] { order.push_back("immediate 2"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"immediate 1", "tick", "immediate 2"}));
}

TEST_P(QueuesTest, TicksAreDrainedAfterEachTimer) {
  Labels order;
  loop.set_timeout(2, [&] {
    order.push_back("timer 1");
    loop.next_tick([&] { order.push_back("tick"); });
  });
  loop.set_timeout(2, [&] { order.push_back("timer 2"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"timer 1", "tick", "timer 2"}));
}

TEST_P(QueuesTest, TicksAreDrainedAfterEachPendingCallback) {
  Labels order;
  loop.defer_to_pending([&] {
    order.push_back("pending 1");
    loop.next_tick([&] { order.push_back("tick"); });
  });
  loop.defer_to_pending([&] { order.push_back("pending 2"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"pending 1", "tick", "pending 2"}));
}

TEST_P(QueuesTest, InvokeRunsTheCallbackThenTheTicks) {
  Labels order;
  auto cb = [&] {
    order.push_back("callback");
    loop.next_tick([&] { order.push_back("tick"); });
  };
  loop.invoke(cb);
  EXPECT_EQ(order, (Labels{"callback", "tick"}));
  EXPECT_FALSE(loop.alive());
}

TEST_P(QueuesTest, ImmediatesRunInFifoOrder) {
  std::vector<int> order;
  for (int i = 0; i < 10; ++i) loop.set_immediate([&order, i] { order.push_back(i); });
  run_bounded();
  ASSERT_EQ(order.size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(order[i], i);
}

TEST_P(QueuesTest, ImmediateQueuedDuringCheckPhaseRunsNextIteration) {
  uint64_t first = 0, second = 0;
  loop.set_immediate([&] {
    first = loop.iteration();
    loop.set_immediate([&] { second = loop.iteration(); });
  });
  run_bounded();
  EXPECT_EQ(second, first + 1);
}

TEST_P(QueuesTest, ClearedImmediateNeverRuns) {
  int ran = 0;
  ImmediateId id = loop.set_immediate([&] { ++ran; });
  EXPECT_NE(id, 0u);
  EXPECT_TRUE(loop.clear_immediate(id));
  EXPECT_FALSE(loop.clear_immediate(id));
  EXPECT_FALSE(loop.alive());
  run_bounded();
  EXPECT_EQ(ran, 0);
}

TEST_P(QueuesTest, ImmediateClearedByAnEarlierOneInTheSameCheckPhaseNeverRuns) {
  int second_ran = 0;
  ImmediateId second = 0;
  bool cleared = false;
  loop.set_immediate([&] { cleared = loop.clear_immediate(second); });
  second = loop.set_immediate([&] { ++second_ran; });
  run_bounded();
  EXPECT_TRUE(cleared);
  EXPECT_EQ(second_ran, 0);
}

TEST_P(QueuesTest, ClearingARunningOrFinishedImmediateReturnsFalse) {
  ImmediateId self = 0;
  bool cleared_self = true;
  self = loop.set_immediate([&] { cleared_self = loop.clear_immediate(self); });
  run_bounded();
  EXPECT_FALSE(cleared_self);
  EXPECT_FALSE(loop.clear_immediate(self));
  EXPECT_FALSE(loop.clear_immediate(0));
}

TEST_P(QueuesTest, ImmediatesGetDistinctIds) {
  ImmediateId a = loop.set_immediate([] {});
  ImmediateId b = loop.set_immediate([] {});
  EXPECT_NE(a, b);
  EXPECT_NE(a, 0u);
  run_bounded();
}

TEST_P(QueuesTest, PendingRunsAfterTimersAndBeforeImmediates) {
  Labels order;
  loop.set_timeout(1, [&] { order.push_back("timer"); });
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.defer_to_pending([&] { order.push_back("pending"); });
  let_a_millisecond_pass();
  run_bounded();
  EXPECT_EQ(order, (Labels{"timer", "pending", "immediate"}));
}

TEST_P(QueuesTest, PendingQueuedFromTheCheckPhaseRunsInTheNextIteration) {
  uint64_t deferred_at = 0, ran_at = 0;
  loop.set_immediate([&] {
    deferred_at = loop.iteration();
    loop.defer_to_pending([&] { ran_at = loop.iteration(); });
  });
  run_bounded();
  EXPECT_EQ(ran_at, deferred_at + 1);
}

TEST_P(QueuesTest, PendingQueuedDuringThePendingPhaseWaitsOneIteration) {
  uint64_t first = 0, second = 0;
  loop.defer_to_pending([&] {
    first = loop.iteration();
    loop.defer_to_pending([&] { second = loop.iteration(); });
  });
  run_bounded();
  EXPECT_EQ(second, first + 1);
}

TEST_P(QueuesTest, QueuedWorkKeepsTheLoopAlive) {
  EXPECT_FALSE(loop.alive());
  loop.next_tick([] {});
  EXPECT_TRUE(loop.alive());
  run_bounded();
  EXPECT_FALSE(loop.alive());
  loop.set_immediate([] {});
  EXPECT_TRUE(loop.alive());
  run_bounded();
  loop.defer_to_pending([] {});
  EXPECT_TRUE(loop.alive());
  run_bounded();
  EXPECT_FALSE(loop.alive());
}

INSTANTIATE_TEST_SUITE_P(Backends, QueuesTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
