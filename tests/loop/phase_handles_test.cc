// tests/loop/phase_handles_test.cc — one iteration's phases in order; idle/prepare/check
// handles; I/O watchers; close() and the close phase; handles that stop or destroy
// themselves (or each other) while their phase runs.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using Labels = std::vector<std::string>;

class PhaseHandlesTest : public looptest::LoopTest {};

TEST(PhaseNames, AreNodesPhaseNames) {
  EXPECT_STREQ(phase_name(Phase::kTimers), "timers");
  EXPECT_STREQ(phase_name(Phase::kPending), "pending");
  EXPECT_STREQ(phase_name(Phase::kIdle), "idle");
  EXPECT_STREQ(phase_name(Phase::kPrepare), "prepare");
  EXPECT_STREQ(phase_name(Phase::kPoll), "poll");
  EXPECT_STREQ(phase_name(Phase::kCheck), "check");
  EXPECT_STREQ(phase_name(Phase::kClose), "close");
}

TEST_P(PhaseHandlesTest, OneIterationRunsThePhasesInNodesOrder) {
  Labels order;
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::write_some(pair->second.get(), {"x", 1}));
  IoWatcher io(loop, pair->first.get(), [&](uint32_t) { order.push_back("poll"); });
  ASSERT_TRUE(io.start(kReadable));
  IdleHandle idle(loop);
  PrepareHandle prepare(loop);
  CheckHandle check(loop);
  CheckHandle closing(loop);
  idle.start([&] { order.push_back("idle"); });
  prepare.start([&] { order.push_back("prepare"); });
  check.start([&] { order.push_back("check handle"); });
  closing.start([] {});
  closing.close([&] { order.push_back("close"); });
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.defer_to_pending([&] { order.push_back("pending"); });
  loop.set_timeout(1, [&] { order.push_back("timers"); });
  let_a_millisecond_pass();  // the 1 ms timer is due when the iteration starts

  loop.run(RunMode::kOnce);
  EXPECT_EQ(order, (Labels{"timers", "pending", "idle", "prepare", "poll", "immediate",
                           "check handle", "close"}));
  EXPECT_EQ(loop.iteration(), 1u);
}

TEST_P(PhaseHandlesTest, PhaseHandlesRunEveryIterationUntilStopped) {
  // Prepare and check handles alone would let the poll phase block (as in libuv); the idle
  // handle keeps the iterations coming.
  IdleHandle idle(loop);
  PrepareHandle prepare(loop);
  CheckHandle check(loop);
  int idles = 0, prepares = 0, checks = 0;
  idle.start([&] { ++idles; });
  prepare.start([&] { ++prepares; });
  check.start([&] {
    if (++checks == 5) {
      check.stop();
      prepare.stop();
      idle.stop();
    }
  });
  EXPECT_TRUE(prepare.is_active());
  EXPECT_EQ(check.phase(), Phase::kCheck);
  EXPECT_EQ(prepare.phase(), Phase::kPrepare);
  run_bounded();
  EXPECT_EQ(idles, 5);
  EXPECT_EQ(prepares, 5);
  EXPECT_EQ(checks, 5);
  EXPECT_FALSE(check.is_active());
}

TEST_P(PhaseHandlesTest, ActiveIdleHandleKeepsThePollPhaseFromBlocking) {
  // A watched pipe that never becomes readable would block the poll phase forever; an active
  // idle handle must make it only look. The guard turns "blocked" into a failure.
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  IoWatcher never(loop, pair->first.get(), [](uint32_t) {});
  ASSERT_TRUE(never.start(kReadable));
  IdleHandle idle(loop);
  int runs = 0;
  idle.start([&] {
    if (++runs == 100) {
      idle.stop();
      never.stop();
    }
  });
  run_bounded();
  EXPECT_EQ(runs, 100);
}

TEST_P(PhaseHandlesTest, HandleStartedDuringItsPhaseRunsNextIteration) {
  IdleHandle first(loop), second(loop);
  uint64_t first_at = 0, second_at = 0;
  first.start([&] {
    first_at = loop.iteration();
    first.stop();
    second.start([&] {
      second_at = loop.iteration();
      second.stop();
    });
  });
  run_bounded();
  EXPECT_EQ(second_at, first_at + 1);
}

TEST_P(PhaseHandlesTest, StoppingALaterHandleInTheSamePhaseSkipsIt) {
  IdleHandle a(loop), b(loop);
  int b_runs = 0;
  a.start([&] {
    a.stop();
    b.stop();
  });
  b.start([&] { ++b_runs; });
  run_bounded();
  EXPECT_EQ(b_runs, 0);
}

TEST_P(PhaseHandlesTest, CallbackMayDestroyItsOwnHandle) {
  auto idle = std::make_unique<IdleHandle>(loop);
  auto after = std::make_unique<IdleHandle>(loop);
  int runs = 0, after_runs = 0;
  idle->start([&] {
    ++runs;
    idle.reset();  // the handle whose callback is running
  });
  after->start([&] {
    ++after_runs;
    after.reset();
  });
  run_bounded();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(after_runs, 1);
  EXPECT_EQ(loop.active_handles(), 0u);
}

TEST_P(PhaseHandlesTest, UnrefedHandleDoesNotKeepTheLoopAlive) {
  CheckHandle check(loop);
  check.start([] {});
  EXPECT_TRUE(loop.alive());
  EXPECT_EQ(loop.active_handles(), 1u);
  check.unref();
  EXPECT_FALSE(check.has_ref());
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(run_bounded());
  check.ref();
  EXPECT_TRUE(loop.alive());
  check.stop();
  EXPECT_FALSE(loop.alive());
}

TEST_P(PhaseHandlesTest, CloseRunsItsCallbackOnceInTheClosePhase) {
  Labels order;
  CheckHandle check(loop);
  check.start([] {});
  loop.set_immediate([&] {
    check.close([&] { order.push_back("close 1"); });
    check.close([&] { order.push_back("close 2"); });  // ignored: already closing
    EXPECT_TRUE(check.is_closing());
    EXPECT_FALSE(check.is_active());
    loop.set_immediate([&] { order.push_back("next immediate"); });
    loop.next_tick([&] { order.push_back("tick"); });
  });
  run_bounded();
  EXPECT_EQ(order, (Labels{"tick", "close 1", "next immediate"}));
}

TEST_P(PhaseHandlesTest, ClosingHandleKeepsTheLoopAliveUntilItsClosePhase) {
  IdleHandle idle(loop);
  idle.close();
  EXPECT_TRUE(loop.alive());
  run_bounded();
  EXPECT_FALSE(loop.alive());
}

// ---- IoWatcher ---------------------------------------------------------------------------

TEST_P(PhaseHandlesTest, WatcherReportsReadableAndStopsOnRequest) {
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  int calls = 0;
  IoWatcher w(loop, pair->first.get(), [&](uint32_t events) {
    EXPECT_TRUE(events & kReadable);
    ++calls;
    w.stop();
  });
  EXPECT_EQ(w.fd(), pair->first.get());
  ASSERT_TRUE(w.start(kReadable));
  EXPECT_EQ(w.interest(), uint32_t{kReadable});
  EXPECT_TRUE(w.is_active());
  ASSERT_TRUE(kio::write_some(pair->second.get(), {"x", 1}));
  run_bounded();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(w.interest(), 0u);
}

TEST_P(PhaseHandlesTest, WatcherInterestCanChangeAndZeroWatchesOnlyForTheEnd) {
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  uint32_t seen = 0;
  IoWatcher w(loop, pair->first.get(), [&](uint32_t events) {
    seen = events;
    w.stop();
  });
  ASSERT_TRUE(w.start(kReadable));
  ASSERT_TRUE(w.start(kWritable));  // modify: a fresh socket is writable
  run_bounded();
  EXPECT_TRUE(seen & kWritable);
  EXPECT_FALSE(seen & kReadable);
  ASSERT_TRUE(w.start(kReadable));
  ASSERT_TRUE(w.start(0));  // still watched for kError/kHangup, but keeps nobody alive
  EXPECT_TRUE(w.is_watching());
  EXPECT_FALSE(w.is_active());
  EXPECT_FALSE(loop.alive());
  w.stop();
  EXPECT_FALSE(w.is_watching());
}

TEST_P(PhaseHandlesTest, OnlyOneWatcherPerDescriptor) {
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  IoWatcher a(loop, pair->first.get(), [](uint32_t) {});
  IoWatcher b(loop, pair->first.get(), [](uint32_t) {});
  ASSERT_TRUE(a.start(kReadable));
  auto s = b.start(kReadable);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, EEXIST);
  a.stop();
  EXPECT_TRUE(b.start(kReadable)) << "free again once the first one stopped";
}

TEST_P(PhaseHandlesTest, WatcherMayDestroyItselfAndAnotherReadyWatcher) {
  auto p1 = kio::socket_pair();
  auto p2 = kio::socket_pair();
  ASSERT_TRUE(p1 && p2);
  ASSERT_TRUE(kio::write_some(p1->second.get(), {"x", 1}));
  ASSERT_TRUE(kio::write_some(p2->second.get(), {"x", 1}));
  std::unique_ptr<IoWatcher> a, b;
  int calls = 0;
  auto destroy_both = [&](uint32_t) {
    ++calls;
    a.reset();  // one of these is the running watcher
    b.reset();
  };
  a = std::make_unique<IoWatcher>(loop, p1->first.get(), destroy_both);
  b = std::make_unique<IoWatcher>(loop, p2->first.get(), destroy_both);
  ASSERT_TRUE(a->start(kReadable));
  ASSERT_TRUE(b->start(kReadable));
  run_bounded();
  EXPECT_EQ(calls, 1) << "the stale event of the destroyed watcher must be dropped";
}

TEST_P(PhaseHandlesTest, WatcherOnAnInvalidDescriptorFails) {
  IoWatcher w(loop, -1, [](uint32_t) {});
  EXPECT_FALSE(w.start(kReadable));
  EXPECT_FALSE(w.is_active());
}

INSTANTIATE_TEST_SUITE_P(Backends, PhaseHandlesTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
