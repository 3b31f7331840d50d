// tests/loop/async_test.cc — Async: waking the loop from other threads.
//
// Real std::threads call send(); the callback must run on the loop thread only, and sends
// that arrive before the loop notices coalesce (at least one callback, never more than sends).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "loop/async.h"
#include "loop/loop.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class AsyncTest : public looptest::LoopTest {};

TEST_P(AsyncTest, SendFromTheLoopThreadRunsTheCallback) {
  int calls = 0;
  Async async(loop, [&] {
    ++calls;
    async.close();
  });
  EXPECT_TRUE(async.is_active());
  async.send();
  EXPECT_EQ(calls, 0) << "never inside send()";
  run_bounded();
  EXPECT_EQ(calls, 1);
}

TEST_P(AsyncTest, SendsBeforeTheLoopLooksCoalesceIntoOneCallback) {
  int calls = 0;
  Async async(loop, [&] { ++calls; });
  for (int i = 0; i < 100; ++i) async.send();
  loop.run(RunMode::kNoWait);
  EXPECT_EQ(calls, 1);
  async.close();
  run_bounded();
}

TEST_P(AsyncTest, ManyThreadsManySendsCallbacksOnTheLoopThreadOnly) {
  constexpr int kThreads = 4;
  constexpr int kSendsEach = 2'000;
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::atomic<int> finished{0};
  int calls = 0;
  bool wrong_thread = false;
  Async async(loop, [&] {
    ++calls;
    if (std::this_thread::get_id() != loop_thread || !loop.in_loop_thread()) wrong_thread = true;
    if (finished.load() == kThreads) async.close();
  });
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < kSendsEach; ++i) async.send();
      finished.fetch_add(1);
      async.send();  // one more after the count: the loop will see `finished` complete
    });
  }
  run_bounded();
  for (auto& t : senders) t.join();
  EXPECT_FALSE(wrong_thread);
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, kThreads * (kSendsEach + 1));
  EXPECT_TRUE(async.is_closing());
}

TEST_P(AsyncTest, SendWakesALoopBlockedInThePollPhase) {
  // Nothing but the Async keeps the loop alive, and no timer is due: the poll phase blocks
  // until the other thread's send() writes the wake-up descriptor.
  int calls = 0;
  Async async(loop, [&] {
    ++calls;
    async.close();
  });
  std::thread sender([&] { async.send(); });
  run_bounded();
  sender.join();
  EXPECT_EQ(calls, 1);
}

TEST_P(AsyncTest, CloseFromItsOwnCallbackStopsFurtherCallbacks) {
  int calls = 0, closed = 0;
  Async async(loop, [&] {
    ++calls;
    async.close([&] { ++closed; });
    async.send();  // after close: ignored
  });
  async.send();
  run_bounded();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(closed, 1);
  EXPECT_FALSE(loop.alive());
}

TEST_P(AsyncTest, CallbackMayDestroyItsOwnAsync) {
  int calls = 0;
  std::unique_ptr<Async> async;
  async = std::make_unique<Async>(loop, [&] {
    ++calls;
    async.reset();
  });
  async->send();
  run_bounded();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(async, nullptr);
  EXPECT_EQ(loop.active_handles(), 0u);
}

TEST_P(AsyncTest, CallbackMayCloseAnotherPendingAsync) {
  int first_calls = 0, second_calls = 0;
  std::unique_ptr<Async> second;
  Async first(loop, [&] {
    ++first_calls;
    second.reset();  // its flag is set too, but it must not run any more
    first.close();
  });
  second = std::make_unique<Async>(loop, [&] { ++second_calls; });
  first.send();
  second->send();
  run_bounded();
  EXPECT_EQ(first_calls, 1);
  EXPECT_EQ(second_calls, 0);
}

TEST_P(AsyncTest, UnrefedAsyncDoesNotKeepTheLoopAlive) {
  Async async(loop, [] {});
  EXPECT_TRUE(loop.alive());
  async.unref();
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(run_bounded());
}

TEST_P(AsyncTest, InLoopThreadIsFalseOnOtherThreads) {
  EXPECT_TRUE(loop.in_loop_thread());
  bool other = true;
  std::thread t([&] { other = loop.in_loop_thread(); });
  t.join();
  EXPECT_FALSE(other);
}

INSTANTIATE_TEST_SUITE_P(Backends, AsyncTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
