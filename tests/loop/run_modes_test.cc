// tests/loop/run_modes_test.cc — run(default|once|nowait), stop(), alive() and requests.
//
// Like uv_run: default runs until nothing keeps the loop alive (or stop()); once runs one
// iteration and may block in the poll phase, but returns having made progress; nowait runs
// one iteration without blocking.
#include <gtest/gtest.h>

#include <system_error>
#include <thread>

#include "loop/async.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class RunModesTest : public looptest::LoopTest {};

TEST(LoopCreate, ReportsAnUnknownBackendAsAValue) {
  auto bad = Loop::create("select");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, EINVAL);
  EXPECT_THROW(Loop("select"), std::system_error);
  auto good = Loop::create();
  ASSERT_TRUE(good) << good.error().message();
  EXPECT_EQ((*good)->backend_name(), default_backend());
}

TEST_P(RunModesTest, UsesTheRequestedBackend) { EXPECT_EQ(loop.backend_name(), GetParam()); }

TEST_P(RunModesTest, EmptyLoopReturnsAtOnce) {
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(run_bounded());
  EXPECT_EQ(loop.iteration(), 1u) << "one iteration, then nothing keeps it alive";
}

TEST_P(RunModesTest, DefaultRunsUntilNothingIsLeft) {
  int runs = 0;
  TimerId id = 0;
  id = loop.set_interval(1, [&] {
    if (++runs == 3) loop.clear_timer(id);
  });
  EXPECT_FALSE(run_bounded());
  EXPECT_EQ(runs, 3);
}

TEST_P(RunModesTest, NoWaitRunsOneIterationWithoutBlocking) {
  int fired = 0;
  loop.update_time();
  uint64_t start = loop.now();
  TimerId id = loop.set_timeout(10'000, [&] { ++fired; });
  EXPECT_TRUE(loop.run(RunMode::kNoWait)) << "the timer still keeps the loop alive";
  EXPECT_EQ(loop.iteration(), 1u);
  EXPECT_EQ(fired, 0);
  loop.update_time();
  EXPECT_LT(loop.now() - start, 10'000u) << "nowait must not block until the timer";
  loop.clear_timer(id);
}

TEST_P(RunModesTest, OnceRunsOneIteration) {
  int immediates = 0;
  loop.set_immediate([&] {
    ++immediates;
    loop.set_immediate([&] { ++immediates; });  // next iteration
  });
  EXPECT_TRUE(loop.run(RunMode::kOnce));
  EXPECT_EQ(immediates, 1);
  EXPECT_EQ(loop.iteration(), 1u);
  EXPECT_FALSE(loop.run(RunMode::kOnce));
  EXPECT_EQ(immediates, 2);
}

TEST_P(RunModesTest, OnceBlocksForATimerAndRunsIt) {
  // Forward progress, as uv_run(UV_RUN_ONCE) promises: a poll phase that ended because the
  // next timer came due is followed by that timer, not by an empty return.
  int fired = 0;
  loop.set_timeout(5, [&] { ++fired; });
  bool alive = loop.run(RunMode::kOnce);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(alive);
}

TEST_P(RunModesTest, StopFromACallbackEndsRunAfterThisIteration) {
  int runs = 0;
  TimerId id = loop.set_interval(1, [&] {
    if (++runs == 2) loop.stop();
  });
  EXPECT_TRUE(run_bounded()) << "stopped, but the interval is still there";
  EXPECT_EQ(runs, 2);
  // run() again continues where it stopped.
  loop.set_timeout(3, [&] { loop.clear_timer(id); });
  EXPECT_FALSE(run_bounded());
  EXPECT_GE(runs, 3);
}

TEST_P(RunModesTest, StopMakesThePollPhaseOnlyLook) {
  // With stop() requested before the poll phase, a loop with nothing due must not block.
  PrepareHandle prepare(loop);
  prepare.start([&] { loop.stop(); });
  TimerId far = loop.set_timeout(10'000, [] {});
  loop.update_time();
  uint64_t start = loop.now();
  EXPECT_TRUE(loop.run());
  loop.update_time();
  EXPECT_LT(loop.now() - start, 10'000u);
  loop.clear_timer(far);
}

TEST_P(RunModesTest, AliveFollowsTimersHandlesAndQueues) {
  EXPECT_FALSE(loop.alive());
  TimerId t = loop.set_timeout(1'000, [] {});
  EXPECT_TRUE(loop.alive());
  loop.unref_timer(t);
  EXPECT_FALSE(loop.alive());
  loop.clear_timer(t);

  CheckHandle check(loop);
  check.start([] {});
  EXPECT_TRUE(loop.alive());
  EXPECT_EQ(loop.active_handles(), 1u);
  check.stop();
  EXPECT_FALSE(loop.alive());
  EXPECT_EQ(loop.active_handles(), 0u);

  ImmediateId im = loop.set_immediate([] {});
  EXPECT_TRUE(loop.alive());
  loop.clear_immediate(im);
  EXPECT_FALSE(loop.alive());
}

TEST_P(RunModesTest, RequestsKeepTheLoopAliveUntilUnrefed) {
  loop.ref_request();
  loop.ref_request();
  EXPECT_EQ(loop.active_requests(), 2u);
  EXPECT_TRUE(loop.alive());
  loop.unref_request();
  EXPECT_TRUE(loop.alive());
  loop.unref_request();
  EXPECT_EQ(loop.active_requests(), 0u);
  EXPECT_FALSE(loop.alive());
}

TEST_P(RunModesTest, InFlightRequestKeepsRunGoingUntilItCompletes) {
  // The shape of pool work: ref_request(); work on another thread; completion via an
  // (unreferenced) Async; unref_request() on the loop thread.
  bool completed = false;
  Async done(loop, [&] {
    completed = true;
    loop.unref_request();
  });
  done.unref();
  loop.ref_request();
  std::thread worker([&] { done.send(); });
  EXPECT_FALSE(run_bounded());
  worker.join();
  EXPECT_TRUE(completed);
  EXPECT_EQ(loop.active_requests(), 0u);
}

TEST_P(RunModesTest, NowIsCachedPerIteration) {
  uint64_t first = 0, second = 0;
  loop.set_immediate([&] {
    first = loop.now();
    volatile uint64_t spin = 0;
    for (int i = 0; i < 1'000'000; ++i) spin = spin + 1;
    second = loop.now();
  });
  run_bounded();
  EXPECT_EQ(first, second) << "now() changes only when the loop updates it";
}

TEST_P(RunModesTest, ReadBufferIsAvailable) { EXPECT_GE(loop.read_buffer().size(), 4096u); }

INSTANTIATE_TEST_SUITE_P(Backends, RunModesTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
