// tests/loop/microtask_test.cc — queue_microtask and Node's drain rule (loop/task_queues.h).
//
// After every callback: every tick, then every microtask, round again until both are empty.
// The expected orders are what node 20 prints for the same programs (the .js twins in
// examples/ordering cover the same rules against node itself).
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

class MicrotaskTest : public looptest::LoopTest {};

TEST_P(MicrotaskTest, MicrotaskFromMainRunsAfterTicksAndBeforeAnyPhase) {
  Labels order;
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.queue_microtask([&] { order.push_back("microtask"); });
  loop.next_tick([&] { order.push_back("tick"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"tick", "microtask", "immediate"}));
}

// node: tick 1, tick 2, micro 1, micro from tick 1, micro 2, tick from micro 1, tick from micro
TEST_P(MicrotaskTest, TicksAndMicrotasksAlternateUntilBothAreEmpty) {
  Labels order;
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.next_tick([&] {
    order.push_back("tick 1");
    loop.queue_microtask([&] {
      order.push_back("micro from tick 1");
      loop.next_tick([&] { order.push_back("tick from micro"); });
    });
    loop.next_tick([&] { order.push_back("tick 2"); });
  });
  loop.queue_microtask([&] {
    order.push_back("micro 1");
    loop.next_tick([&] { order.push_back("tick from micro 1"); });
    loop.queue_microtask([&] { order.push_back("micro 2"); });
  });
  run_bounded();
  EXPECT_EQ(order, (Labels{"tick 1", "tick 2", "micro 1", "micro from tick 1", "micro 2",
                           "tick from micro 1", "tick from micro", "immediate"}));
}

TEST_P(MicrotaskTest, MicrotasksAreDrainedAfterEachTimerBeforeTheNext) {
  Labels order;
  loop.set_timeout(2, [&] {
    order.push_back("timer 1");
    loop.queue_microtask([&] { order.push_back("microtask"); });
  });
  loop.set_timeout(2, [&] { order.push_back("timer 2"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"timer 1", "microtask", "timer 2"}));
}

TEST_P(MicrotaskTest, MicrotasksAreDrainedAfterEachImmediate) {
  Labels order;
  loop.set_immediate([&] {
    order.push_back("immediate 1");
    loop.queue_microtask([&] { order.push_back("microtask"); });
  });
  loop.set_immediate([&] { order.push_back("immediate 2"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"immediate 1", "microtask", "immediate 2"}));
}

// A chain of microtasks is one drain: the immediate waits for all of them (as in Node, a
// microtask storm starves I/O).
TEST_P(MicrotaskTest, AMicrotaskChainRunsWhollyBeforeTheCheckPhase) {
  const int n = 10'000;
  int ran = 0;
  bool immediate_saw_all = false;
  loop.set_immediate([&] { immediate_saw_all = ran == n; });
  std::function<void()> hop = [&] {
    if (++ran < n) loop.queue_microtask(hop);
  };
  loop.queue_microtask(hop);
  run_bounded();
  EXPECT_EQ(ran, n);
  EXPECT_TRUE(immediate_saw_all);
}

TEST_P(MicrotaskTest, AQueuedMicrotaskKeepsRunAlive) {
  bool ran = false;
  loop.queue_microtask([&] { ran = true; });
  EXPECT_TRUE(loop.alive());
  run_bounded();
  EXPECT_TRUE(ran);
  EXPECT_FALSE(loop.alive());
}

TEST_P(MicrotaskTest, EndOfDrainRunsOnceBothQueuesAreEmpty) {
  Labels order;
  loop.set_immediate([&] {
    loop.at_end_of_drain([&] { order.push_back("end of drain"); });
    loop.queue_microtask([&] {
      order.push_back("microtask");
      loop.next_tick([&] { order.push_back("tick"); });
    });
  });
  run_bounded();
  EXPECT_EQ(order, (Labels{"microtask", "tick", "end of drain"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, MicrotaskTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
