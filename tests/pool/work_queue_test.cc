// tests/pool/work_queue_test.cc — queue_work's promises: where callbacks run, in what order,
// cancellation, exactly-once completion, and a pending request keeping the loop alive.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loop/loop.h"
#include "pool/queue_work.h"
#include "pool/work_queue.h"
#include "pool/work_request.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

using testing::Gate;
using testing::run_with_guard;
using testing::wait_for_count;

std::string current_thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

TEST(WorkQueue, WorkRunsOnAPoolThreadAndAfterWorkOnTheLoopThread) {
  loop::Loop loop;
  const std::thread::id loop_thread = std::this_thread::get_id();
  constexpr int kRequests = 64;
  std::vector<std::string> work_threads(kRequests);
  int after_on_loop = 0;
  for (int i = 0; i < kRequests; ++i) {
    queue_work(
        loop, [&, i] { work_threads[i] = current_thread_name(); },
        [&](kio::Status status) {
          EXPECT_TRUE(status.ok());
          after_on_loop += std::this_thread::get_id() == loop_thread;
        });
  }
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_EQ(after_on_loop, kRequests);
  for (const std::string& name : work_threads) EXPECT_EQ(name.rfind("osn-pool-", 0), 0u) << name;
}

TEST(WorkQueue, OneThreadStartsRequestsInSubmissionOrder) {
  ASSERT_TRUE(shutdown_pool().ok());
  const char* before = std::getenv("OSN_THREADPOOL_SIZE");
  const std::string saved = before ? before : "";
  setenv("OSN_THREADPOOL_SIZE", "1", 1);
  {
    loop::Loop loop;
    std::vector<int> started;  // written by the pool's only thread
    constexpr int kRequests = 200;
    int done = 0;
    for (int i = 0; i < kRequests; ++i)
      queue_work(loop, [&, i] { started.push_back(i); }, [&](kio::Status) { ++done; });
    ASSERT_TRUE(run_with_guard(loop));
    ASSERT_EQ(done, kRequests);
    ASSERT_EQ(pool_size().value(), 1u);
    for (int i = 0; i < kRequests; ++i) EXPECT_EQ(started[i], i);
  }
  if (before) {
    setenv("OSN_THREADPOOL_SIZE", saved.c_str(), 1);
  } else {
    unsetenv("OSN_THREADPOOL_SIZE");
  }
  ASSERT_TRUE(shutdown_pool().ok());
}

TEST(WorkQueue, CancelTakesAQueuedRequestOutAndReportsEcanceled) {
  loop::Loop loop;
  Gate gate;
  std::atomic<int> busy{0};
  const size_t threads = pool_size().value();
  for (size_t i = 0; i < threads; ++i)  // occupy every thread
    queue_work(loop, [&] { ++busy; gate.wait(); }, [](kio::Status) {});
  ASSERT_TRUE(wait_for_count(busy, static_cast<int>(threads)));
  std::atomic<bool> ran{false};
  int calls = 0;
  kio::Status seen;
  WorkHandle h = queue_work(loop, [&] { ran = true; }, [&](kio::Status s) { ++calls, seen = s; });
  EXPECT_TRUE(cancel(loop, h));
  EXPECT_FALSE(cancel(loop, h)) << "a second cancel of the same request";
  gate.open();
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_FALSE(ran);
  EXPECT_EQ(calls, 1);
  ASSERT_FALSE(seen.ok());
  EXPECT_TRUE(seen.error().is(ECANCELED)) << seen.error().message();
}

TEST(WorkQueue, CancelFailsOnceAThreadHasStartedTheRequest) {
  loop::Loop loop;
  Gate gate;
  std::atomic<int> started{0};
  kio::Status seen = kio::SysError{"not called", 0};
  WorkHandle h = queue_work(loop, [&] { ++started, gate.wait(); }, [&](kio::Status s) { seen = s; });
  ASSERT_TRUE(wait_for_count(started, 1));
  EXPECT_FALSE(cancel(loop, h));
  gate.open();
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_TRUE(seen.ok());
  EXPECT_FALSE(cancel(loop, h)) << "a finished request's handle is stale";
}

TEST(WorkQueue, CancelRaceEveryRequestGetsExactlyOneAfterWork) {
  loop::Loop loop;
  constexpr int kRequests = 3000;
  std::vector<std::atomic<int>> runs(kRequests);
  std::vector<int> after_calls(kRequests, 0);
  std::vector<int> cancelled_status(kRequests, 0);
  std::vector<bool> cancel_said_yes(kRequests, false);
  std::vector<WorkHandle> handles(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    handles[i] = queue_work(
        loop, [&, i] { runs[i].fetch_add(1); },
        [&, i](kio::Status s) {
          ++after_calls[i];
          cancelled_status[i] = !s.ok() && s.error().is(ECANCELED);
        });
    // Cancel some at once and some a little later, while threads are taking them.
    if (i % 3 == 0) cancel_said_yes[i] = cancel(loop, handles[i]);
    if (i % 3 == 1 && i > 30) cancel_said_yes[i - 30] = cancel(loop, handles[i - 30]);
  }
  ASSERT_TRUE(run_with_guard(loop, 10'000));
  int cancelled = 0;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_EQ(after_calls[i], 1) << "request " << i;
    EXPECT_EQ(cancelled_status[i], cancel_said_yes[i] ? 1 : 0) << "request " << i;
    EXPECT_EQ(runs[i].load(), cancel_said_yes[i] ? 0 : 1) << "request " << i;
    cancelled += cancel_said_yes[i];
  }
  EXPECT_GT(cancelled, 0);
}

TEST(WorkQueue, ARequestSubmittedAndCancelledInsideAfterWorkNeverRuns) {
  loop::Loop loop;
  Gate gate;
  std::atomic<bool> second_ran{false};
  kio::Status second_status;
  bool cancelled = false;
  auto threads = pool_size();
  ASSERT_TRUE(threads.ok());
  queue_work(loop, [] {}, [&](kio::Status) {
    // Every thread gets a request that holds it; the second request queues behind them, so it
    // is still in the FIFO when cancel() comes.
    for (size_t i = 0; i < *threads; ++i) queue_work(loop, [&] { gate.wait(); }, [](kio::Status) {});
    WorkHandle second = queue_work(loop, [&] { second_ran = true; },
                                   [&](kio::Status s) { second_status = s; });
    cancelled = cancel(loop, second);
    gate.open();
  });
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(second_ran.load());
  ASSERT_FALSE(second_status.ok());
  EXPECT_TRUE(second_status.error().is(ECANCELED));
}

// Node: fs.stat inside an fs callback, next to a setImmediate — the immediate runs first. The
// done list is taken once per wake-up, so the chained request's callback waits for the next
// iteration's poll phase even when it finished while the first callback was still running.
TEST(WorkQueue, ARequestChainedFromAfterWorkCompletesAfterThatIterationsImmediate) {
  for (int round = 0; round < 50; ++round) {
    loop::Loop loop;
    std::vector<std::string> events;
    queue_work(loop, [] {}, [&](kio::Status) {
      events.push_back("after 1");
      loop.set_immediate([&] { events.push_back("immediate"); });
      queue_work(loop, [] {}, [&](kio::Status) { events.push_back("after 2"); });
    });
    ASSERT_TRUE(run_with_guard(loop));
    std::vector<std::string> expected = {"after 1", "immediate", "after 2"};
    ASSERT_EQ(events, expected) << "round " << round;
  }
}

// Submitting is a loop-thread call: from another thread it is caught (debug builds), as the
// loop's own entry points are (tests/loop/thread_check_test.cc).
TEST(WorkQueueDeathTest, SubmittingFromAThreadThatDoesNotOwnTheLoopAborts) {
#ifdef NDEBUG
  GTEST_SKIP() << "built with NDEBUG: the thread check is compiled out";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        loop::Loop loop;
        std::thread other([&] { queue_work(loop, [] {}, [](kio::Status) {}); });
        other.join();
      },
      "osnode: pool::submit called from thread [0-9]+, but the loop runs on thread [0-9]+");
}

TEST(WorkQueue, APendingRequestKeepsTheLoopAlive) {
  loop::Loop loop;
  Gate gate;
  bool after = false;
  queue_work(loop, [&] { gate.wait(); }, [&](kio::Status) { after = true; });
  EXPECT_EQ(loop.active_requests(), 1u);
  EXPECT_TRUE(loop.alive());
  loop.set_timeout(20, [&] { gate.open(); });
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_TRUE(after) << "run() returned before after_work";
  EXPECT_EQ(loop.active_requests(), 0u);
  EXPECT_FALSE(loop.alive());
}

TEST(WorkQueue, AfterWorkMaySubmitMoreAndTicksDrainBetweenCallbacks) {
  loop::Loop loop;
  std::vector<std::string> events;
  std::function<void(int)> chain = [&](int left) {
    queue_work(loop, [] {}, [&, left](kio::Status) {
      events.push_back("after " + std::to_string(left));
      loop.next_tick([&, left] { events.push_back("tick " + std::to_string(left)); });
      if (left > 1) chain(left - 1);
    });
  };
  chain(3);
  ASSERT_TRUE(run_with_guard(loop));
  std::vector<std::string> expected = {"after 3", "tick 3", "after 2", "tick 2", "after 1",
                                       "tick 1"};
  EXPECT_EQ(events, expected);
}

TEST(WorkQueue, TwoLoopsOnTwoThreadsEachGetTheirOwnCallbacks) {
  constexpr int kRequests = 200;
  auto run_one = [](int& on_own_thread) {
    loop::Loop loop;
    const auto me = std::this_thread::get_id();
    for (int i = 0; i < kRequests; ++i)
      queue_work(loop, [] {}, [&](kio::Status) { on_own_thread += std::this_thread::get_id() == me; });
    EXPECT_TRUE(run_with_guard(loop));
  };
  int a = 0, b = 0;
  std::thread first(run_one, std::ref(a));
  std::thread second(run_one, std::ref(b));
  first.join();
  second.join();
  EXPECT_EQ(a, kRequests);
  EXPECT_EQ(b, kRequests);
}

TEST(WorkQueue, StatsCountCompletedCancelledAndWaits) {
  loop::Loop loop;
  reset_pool_stats();
  Gate gate;
  std::atomic<int> busy{0};
  const size_t threads = pool_size().value();
  for (size_t i = 0; i < threads; ++i)
    queue_work(loop, [&] { ++busy, gate.wait(); }, [](kio::Status) {});
  ASSERT_TRUE(wait_for_count(busy, static_cast<int>(threads)));
  WorkHandle extra = queue_work(loop, [] {}, [](kio::Status) {});
  queue_work(loop, [] {}, [](kio::Status) {});
  PoolStats during = pool_stats();
  EXPECT_EQ(during.running, threads);
  EXPECT_EQ(during.queued, 2u);
  EXPECT_TRUE(cancel(loop, extra));
  gate.open();
  ASSERT_TRUE(run_with_guard(loop));
  PoolStats after = pool_stats();
  EXPECT_EQ(after.submitted, threads + 2);
  EXPECT_EQ(after.completed, threads + 1);
  EXPECT_EQ(after.cancelled, 1u);
  EXPECT_EQ(after.queued, 0u);
  EXPECT_EQ(after.running, 0u);
  EXPECT_EQ(after.threads, threads);
  EXPECT_EQ(after.wait_samples, threads + 1);  // a fresh loop: each request that ran
  EXPECT_LE(after.wait_p50_ns, after.wait_p99_ns);
  EXPECT_LE(after.wait_p99_ns, after.wait_max_ns);
}

// The wait histogram holds a sample (pool/work_request.h): all of a loop's first
// kStampEveryUntil requests, then every kStampEvery-th. 2000 requests on a fresh loop:
// 1024 + the 61 indices 1024, 1040 ... 1984.
TEST(WorkQueue, WaitHistogramHoldsAllOfALoopsFirstRequestsThenEverySixteenth) {
  loop::Loop loop;
  reset_pool_stats();
  constexpr uint64_t kRequests = 2000;
  uint64_t done = 0;
  for (uint64_t i = 0; i < kRequests; ++i)
    queue_work(loop, [] {}, [&](kio::Status s) { done += s.ok() ? 1 : 0; });
  ASSERT_TRUE(run_with_guard(loop));
  PoolStats after = pool_stats();
  EXPECT_EQ(done, kRequests);
  EXPECT_EQ(after.completed, kRequests);
  EXPECT_EQ(after.wait_samples,
            kStampEveryUntil + (kRequests - kStampEveryUntil + kStampEvery - 1) / kStampEvery);
  EXPECT_EQ(after.wait_samples, 1085u);
  EXPECT_LE(after.wait_p50_ns, after.wait_p99_ns);
  EXPECT_LE(after.wait_p99_ns, after.wait_max_ns);
}

TEST(WorkQueue, DestroyingALoopDropsItsQueuedWorkAndWaitsForRunningWork) {
  Gate gate;
  std::atomic<int> busy{0};
  std::atomic<int> finished_work{0};
  int after_calls = 0;
  std::thread opener;
  {
    loop::Loop loop;
    const size_t threads = pool_size().value();
    for (size_t i = 0; i < threads; ++i)
      queue_work(loop, [&] { ++busy, gate.wait(), ++finished_work; }, [&](kio::Status) { ++after_calls; });
    ASSERT_TRUE(wait_for_count(busy, static_cast<int>(threads)));
    for (int i = 0; i < 10; ++i) queue_work(loop, [&] { ++finished_work; }, [&](kio::Status) { ++after_calls; });
    opener = std::thread([&] { usleep(20'000), gate.open(); });
  }  // ~Loop: queued requests are dropped, running ones are waited for
  opener.join();
  EXPECT_EQ(after_calls, 0);
  EXPECT_EQ(finished_work.load(), static_cast<int>(pool_size().value()));
  EXPECT_EQ(pool_stats().queued, 0u);
}

TEST(WorkQueue, ShutdownRefusesWhileWorkIsInFlight) {
  loop::Loop loop;
  Gate gate;
  std::atomic<int> busy{0};
  queue_work(loop, [&] { ++busy, gate.wait(); }, [](kio::Status) {});
  ASSERT_TRUE(wait_for_count(busy, 1));
  kio::Status refused = shutdown_pool();
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().is(EBUSY));
  gate.open();
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_TRUE(shutdown_pool().ok());
  EXPECT_EQ(testing::pool_threads_after_shutdown(), 0);
}

}  // namespace
}  // namespace osn::pool
