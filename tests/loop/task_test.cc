// tests/loop/task_test.cc — Task<T>: eager, every co_await resumes as a microtask, results and
// errors flow to the awaiting frame, and frames are never leaked or resumed after their end
// (loop/task.h, loop/frame.h, loop/sleep.h). ASan runs of this suite check the "never".
#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "loop/loop.h"
#include "loop/promise.h"
#include "loop/sleep.h"
#include "loop/task.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using Labels = std::vector<std::string>;

class TaskTest : public looptest::LoopTest {};

Task<> two_awaits_of_null(Loop& loop, Labels& order) {
  (void)loop;
  order.push_back("a1");
  co_await nullptr;
  order.push_back("a2");
  co_await nullptr;
  order.push_back("a3");
}

// node (async fn with `await null` twice, a then-chain, a tick, an immediate, a log):
// a1 main tick a2 t1 a3 t2 t3 imm
TEST_P(TaskTest, AwaitOfAValueCostsOneMicrotaskTurnAsInNode) {
  Labels order;
  Task<> t = two_awaits_of_null(loop, order);
  Promise<int>::settled(loop, 0)
      .then([&](const kio::Result<int>&) { order.push_back("t1"); })
      .then([&](const kio::Status&) { order.push_back("t2"); })
      .then([&](const kio::Status&) { order.push_back("t3"); });
  loop.next_tick([&] { order.push_back("tick"); });
  loop.set_immediate([&] { order.push_back("imm"); });
  order.push_back("main");
  run_bounded();
  EXPECT_EQ(order, (Labels{"a1", "main", "tick", "a2", "t1", "a3", "t2", "t3", "imm"}));
  EXPECT_TRUE(t.done());
}

Task<int> add_later(Loop& loop, int a, int b) {
  co_await sleep(loop, 1);
  co_return a + b;
}

Task<int> fails(Loop& loop) {
  co_await sleep(loop, 1);
  co_return kio::SysError{"connect", ECONNREFUSED};
}

Task<std::string> caller(Loop& loop) {
  kio::Result<int> sum = co_await add_later(loop, 2, 3);
  if (!sum) co_return sum.error();
  kio::Result<int> bad = co_await fails(loop);
  if (bad) co_return std::string("fails() succeeded?");
  co_return std::to_string(*sum) + " then " + bad.error().message();
}

TEST_P(TaskTest, ResultsAndErrorsReachTheAwaitingFrame) {
  Task<std::string> t = caller(loop);
  EXPECT_FALSE(t.done());
  run_bounded();
  ASSERT_TRUE(t.done());
  kio::Result<std::string> r = t.result();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "5 then connect: ECONNREFUSED (Connection refused)");
  EXPECT_EQ(loop.unhandled_rejections(), 0u);
}

Task<int> immediately(Loop& loop, int v) {
  (void)loop;
  co_return v;
}

Task<> await_done_task(Loop& loop, Labels& order) {
  Task<int> done = immediately(loop, 4);
  order.push_back(done.done() ? "child done before await" : "child pending");
  kio::Result<int> v = co_await done;
  order.push_back("got " + std::to_string(*v));
}

TEST_P(TaskTest, AwaitingAFinishedTaskStillTakesAMicrotaskTurn) {
  Labels order;
  Task<> t = await_done_task(loop, order);
  order.push_back("after call");
  run_bounded();
  EXPECT_EQ(order, (Labels{"child done before await", "after call", "got 4"}));
}

Task<> sleeper(Loop& loop, Labels& order, const char* label, uint64_t ms) {
  co_await sleep(loop, ms);
  order.push_back(label);
}

TEST_P(TaskTest, SleepResumesInTimerOrder) {
  Labels order;
  Task<> a = sleeper(loop, order, "20 ms", 20);
  Task<> b = sleeper(loop, order, "1 ms", 1);
  Task<> c = sleeper(loop, order, "5 ms", 5);
  run_bounded();
  EXPECT_EQ(order, (Labels{"1 ms", "5 ms", "20 ms"}));
}

// A local whose destructor tells us the frame was destroyed.
struct Witness {
  bool* destroyed;
  ~Witness() { *destroyed = true; }
};

Task<> sleeps_long(Loop& loop, bool* resumed, bool* destroyed) {
  Witness w{destroyed};
  co_await sleep(loop, 60'000);
  *resumed = true;
}

TEST_P(TaskTest, DestroyingASuspendedTaskClearsItsTimerAndNeverResumes) {
  bool resumed = false, destroyed = false;
  auto t = std::make_unique<Task<>>(sleeps_long(loop, &resumed, &destroyed));
  EXPECT_EQ(loop.timer_count(), 1u);
  t.reset();
  EXPECT_TRUE(destroyed);
  EXPECT_EQ(loop.timer_count(), 0u);
  EXPECT_FALSE(run_bounded()) << "nothing keeps the loop alive any more";
  EXPECT_FALSE(resumed);
}

Task<> wakes_then_dies(Loop& loop, bool* resumed) {
  (void)loop;
  co_await nullptr;  // the wake-up is queued at once
  *resumed = true;
}

TEST_P(TaskTest, DestroyingATaskWhoseWakeUpIsQueuedTakesItBack) {
  bool resumed = false;
  auto t = std::make_unique<Task<>>(wakes_then_dies(loop, &resumed));
  EXPECT_TRUE(loop.alive());  // the queued resumption
  t.reset();
  run_bounded();
  EXPECT_FALSE(resumed);
}

TEST_P(TaskTest, ASpawnedTaskRunsToItsEndWithoutAnOwner) {
  Labels order;
  spawn(sleeper(loop, order, "spawned", 1));
  run_bounded();
  EXPECT_EQ(order, (Labels{"spawned"}));
}

// The loop is destroyed while a spawned frame sleeps: the frame is destroyed with it (the
// witness says so; ASan would report the leak otherwise), and never resumed.
TEST(TaskLifetime, ALoopDestroyedWithSpawnedFramesSuspendedDestroysThem) {
  bool resumed = false, destroyed = false;
  {
    Loop loop;
    spawn(sleeps_long(loop, &resumed, &destroyed));
    loop.run(RunMode::kNoWait);
    EXPECT_FALSE(destroyed);
  }
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(resumed);
}

Task<> waits_for(Loop& loop, Promise<int> p, bool* resumed, bool* destroyed) {
  (void)loop;
  Witness w{destroyed};
  (void)co_await p;
  *resumed = true;
}

TEST(TaskLifetime, ALoopDestroyedWithAFrameAwaitingAPromiseFreesBoth) {
  bool resumed = false, destroyed = false;
  {
    Loop loop;
    Promise<int> never(loop);
    spawn(waits_for(loop, never, &resumed, &destroyed));
    loop.run(RunMode::kNoWait);
  }
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(resumed);
}

TEST_P(TaskTest, AnErrorNobodyAwaitedIsReportedWhenTheTaskIsDestroyed) {
  testing::internal::CaptureStderr();
  {
    Task<int> t = fails(loop);
    run_bounded();
    EXPECT_TRUE(t.done());
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(loop.unhandled_rejections(), 1u);
  EXPECT_NE(err.find("unhandled rejection (a Task nobody awaited): connect: ECONNREFUSED"),
            std::string::npos) << err;
}

TEST_P(TaskTest, ASpawnedTaskThatFailsIsReported) {
  testing::internal::CaptureStderr();
  spawn(fails(loop));
  run_bounded();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(loop.unhandled_rejections(), 1u);
  EXPECT_NE(err.find("unhandled rejection (a spawned Task)"), std::string::npos) << err;
}

Task<int> throws(Loop& loop) {
  co_await nullptr;
  (void)loop;
  throw std::runtime_error("boom");
}

TEST_P(TaskTest, AnExceptionBecomesTheTasksError) {
  Task<int> t = throws(loop);
  run_bounded();
  kio::Result<int> r = t.result();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ECANCELED);
}

Task<> awaits_promise(Loop& loop, Promise<int> p, Labels& order) {
  (void)loop;
  kio::Result<int> v = co_await p;
  order.push_back("await got " + std::to_string(*v));
}

// Reactions run in the order they were attached, frames and callbacks alike.
TEST_P(TaskTest, AwaitingFramesAndThenCallbacksShareOneOrder) {
  Labels order;
  Promise<int> p(loop);
  p.then([&](const kio::Result<int>&) { order.push_back("then 1"); });
  Task<> t = awaits_promise(loop, p, order);
  p.then([&](const kio::Result<int>&) { order.push_back("then 2"); });
  loop.set_timeout(1, [&] { p.resolver().resolve(9); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"then 1", "await got 9", "then 2"}));
}

TEST_P(TaskTest, EveryResumptionRunsOnTheLoopThread) {
  std::thread::id resumed_on;
  auto body = [](Loop& loop, std::thread::id* where) -> Task<> {
    co_await sleep(loop, 1);
    *where = std::this_thread::get_id();
  };
  Task<> t = body(loop, &resumed_on);
  run_bounded();
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

INSTANTIATE_TEST_SUITE_P(Backends, TaskTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
