// labs/04-thread-pool/grader/pool_grade.cc — lab 04's checks, through the public API only
// (pool/work_queue.h, pool/queue_work.h) and the kernel's view of the process (/proc).
//
// Each check picks its sizes at random (grading::random_between; the seed is printed, replay
// with OSN_GRADE_SEED), so no answer can be fitted to fixed numbers. Each runs in its own
// process under the grade driver; each starts the pool it needs with use_pool_of().
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "labs/04-thread-pool/grader/pool_grade_support.h"
#include "labs/grading/graded_test.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "pool/queue_work.h"
#include "pool/work_queue.h"

namespace osn::lab04 {
namespace {

using grading::random_between;
using kio::Status;

// A Task that counts how many of its kind are alive: none may be left once the loop is done.
std::atomic<int> live_tasks{0};
class CountedTask final : public pool::Task {
 public:
  CountedTask(std::atomic<int>& ran, std::atomic<int>& finished, std::thread::id loop_thread,
              std::atomic<int>& on_wrong_thread)
      : ran_(ran), finished_(finished), loop_thread_(loop_thread), wrong_(on_wrong_thread) {
    ++live_tasks;
  }
  ~CountedTask() override { --live_tasks; }
  void run() override {
    if (std::this_thread::get_id() == loop_thread_) ++wrong_;
    ++ran_;
  }
  void finish(Status status) override {
    if (std::this_thread::get_id() != loop_thread_ || !status.ok()) ++wrong_;
    ++finished_;
  }

 private:
  std::atomic<int>& ran_;
  std::atomic<int>& finished_;
  std::thread::id loop_thread_;
  std::atomic<int>& wrong_;
};

GRADED_TEST(Pool, EveryWorkRunsOnceOnAPoolThreadAndItsCallbackOnTheLoopThread, 4) {
  const size_t threads = random_between(1, 8);
  const int requests = static_cast<int>(random_between(200, 3000));
  const int chained = static_cast<int>(random_between(10, 200));  // submitted from callbacks
  ASSERT_TRUE(use_pool_of(threads));
  loop::Loop loop;
  const std::thread::id loop_thread = std::this_thread::get_id();
  const int total = requests + chained;
  std::vector<std::atomic<int>> ran(total), called(total);
  std::vector<std::atomic<long>> ran_on(total);
  std::atomic<int> off_loop_callbacks{0}, bad_status{0}, work_on_loop{0};
  int next_chained = requests;
  std::function<void(int)> submit_one = [&](int i) {
    pool::queue_work(
        loop,
        [&, i] {
          if (std::this_thread::get_id() == loop_thread) ++work_on_loop;
          ran_on[i] = this_tid();
          ++ran[i];
        },
        [&, i](Status s) {
          if (std::this_thread::get_id() != loop_thread) ++off_loop_callbacks;
          if (!s.ok()) ++bad_status;
          ++called[i];
          if (next_chained < total) submit_one(next_chained++);
        });
  };
  for (int i = 0; i < requests; ++i) submit_one(i);
  // And requests made as Tasks (pool::submit), which must all be destroyed when done.
  const int tasks = static_cast<int>(random_between(20, 200));
  std::atomic<int> task_ran{0}, task_finished{0}, task_wrong{0};
  for (int i = 0; i < tasks; ++i)
    pool::submit(loop, std::make_unique<CountedTask>(task_ran, task_finished, loop_thread, task_wrong));
  ASSERT_TRUE(run_with_guard(loop)) << "not every request came back to the loop within 10 s ("
                                    << threads << " threads, " << total + tasks << " requests)";
  std::set<long> workers;
  for (int i = 0; i < total; ++i) {
    ASSERT_EQ(ran[i].load(), 1) << "request " << i << "'s work ran " << ran[i] << " times";
    ASSERT_EQ(called[i].load(), 1) << "request " << i << "'s callback ran " << called[i] << " times";
    workers.insert(ran_on[i].load());
  }
  EXPECT_EQ(work_on_loop.load(), 0) << "work ran on the loop thread: it must run on a pool thread";
  EXPECT_EQ(off_loop_callbacks.load(), 0) << "a callback ran on a pool thread, not the loop's";
  EXPECT_EQ(bad_status.load(), 0) << "a request that ran must finish with an ok status";
  EXPECT_EQ(task_ran.load(), tasks);
  EXPECT_EQ(task_finished.load(), tasks);
  EXPECT_EQ(task_wrong.load(), 0) << "a Task ran on the wrong thread or finished with an error";
  EXPECT_EQ(live_tasks.load(), 0) << "Tasks left alive after their finish(): a leak";
  EXPECT_LE(workers.size(), threads) << "work ran on more threads than OSN_THREADPOOL_SIZE";
  std::set<long> named;
  for (const ThreadInfo& t : threads_of_this_process())
    if (is_pool_name(t.name)) named.insert(t.tid);
  for (long tid : workers)
    EXPECT_TRUE(named.count(tid)) << "work ran on thread " << tid << ", which is not named osn-pool-N";
}

GRADED_TEST(PoolThreads, ExactlyAsManyAsAskedNamedOsnPool0ToNMinus1, 3) {
  const size_t threads = random_between(1, 8);
  ASSERT_TRUE(use_pool_of(threads));
  ASSERT_EQ(pool_threads_left_after(), 0) << "pool threads left after shutdown_pool()";
  // A sanitizer's runtime may start a thread of its own at the first pthread_create: let it.
  std::thread([] {}).join();
  const size_t others_before = threads_of_this_process().size();  // none is a pool thread
  EXPECT_EQ(count_pool_threads(), 0) << "threads must start on first use, not before";
  loop::Loop loop;
  Gate gate;
  std::atomic<int> inside{0};
  // As many blocking requests as threads: all of them must be running at once.
  for (size_t i = 0; i < threads; ++i)
    pool::queue_work(loop, [&] { ++inside, gate.wait(); }, [](Status) {});
  EXPECT_TRUE(wait_for(inside, static_cast<int>(threads)))
      << "only " << inside << " of " << threads << " requests run at once on " << threads << " threads";
  std::set<std::string> names;
  size_t others_now = 0;
  for (const ThreadInfo& t : threads_of_this_process()) {
    if (is_pool_name(t.name)) {
      names.insert(t.name);
    } else {
      ++others_now;
    }
  }
  gate.open();
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_LE(others_now, others_before) << "the pool started threads that are not named osn-pool-N";
  EXPECT_EQ(names.size(), threads) << "the pool must start exactly OSN_THREADPOOL_SIZE=" << threads
                                   << " threads";
  for (size_t i = 0; i < threads; ++i)
    EXPECT_TRUE(names.count("osn-pool-" + std::to_string(i))) << "no thread named osn-pool-" << i;
}

GRADED_TEST(PoolThreads, BlockEverySignalSoSignalsReachOnlyTheLoopThread, 1) {
  const size_t threads = random_between(1, 8);
  ASSERT_TRUE(use_pool_of(threads));
  loop::Loop loop;
  pool::queue_work(loop, [] {}, [](Status) {});
  ASSERT_TRUE(run_with_guard(loop));
  int seen = 0;
  for (const ThreadInfo& t : threads_of_this_process()) {
    if (!is_pool_name(t.name)) continue;
    ++seen;
    uint64_t blocked = blocked_signals_of(t.tid);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGPIPE})
      EXPECT_TRUE(blocked & (uint64_t{1} << (sig - 1)))
          << t.name << " does not block signal " << sig << " (SigBlk " << std::hex << blocked << ")";
  }
  EXPECT_EQ(seen, static_cast<int>(threads));
}

GRADED_TEST(PoolOrder, OneThreadStartsAndFinishesRequestsInSubmitOrder, 2) {
  ASSERT_TRUE(use_pool_of(1));
  const int requests = static_cast<int>(random_between(20, 400));
  loop::Loop loop;
  std::vector<int> started, finished;  // started: only the one pool thread writes it
  for (int i = 0; i < requests; ++i)
    pool::queue_work(loop, [&started, i] { started.push_back(i); },
                     [&finished, i](Status) { finished.push_back(i); });
  ASSERT_TRUE(run_with_guard(loop));
  std::vector<int> expected(requests);
  for (int i = 0; i < requests; ++i) expected[i] = i;
  EXPECT_EQ(started, expected) << "with one thread, requests must start oldest first (a FIFO)";
  EXPECT_EQ(finished, expected);
}

GRADED_TEST(PoolCancel, QueuedRequestsCancelRunningOnesDoNot, 3) {
  const size_t threads = random_between(1, 4);
  ASSERT_TRUE(use_pool_of(threads));
  loop::Loop loop;
  Gate gate;
  std::atomic<int> inside{0};
  std::vector<pool::WorkHandle> blockers;
  for (size_t i = 0; i < threads; ++i)
    blockers.push_back(pool::queue_work(loop, [&] { ++inside, gate.wait(); }, [](Status) {}));
  ASSERT_TRUE(wait_for(inside, static_cast<int>(threads))) << "the pool's threads never took the first requests";
  const int queued = static_cast<int>(random_between(5, 60));
  std::vector<std::atomic<int>> ran(queued);
  std::vector<int> callbacks(queued, 0);
  std::vector<Status> statuses(queued);
  std::vector<pool::WorkHandle> handles;
  for (int i = 0; i < queued; ++i)
    handles.push_back(pool::queue_work(loop, [&ran, i] { ++ran[i]; }, [&, i](Status s) {
      ++callbacks[i];
      statuses[i] = s;
    }));
  std::vector<bool> cancelled(queued, false);
  for (int i = 0; i < queued; ++i) {
    if (random_between(0, 2) != 0) continue;  // about a third
    EXPECT_TRUE(pool::cancel(loop, handles[i])) << "request " << i << " was still queued: cancel must succeed";
    cancelled[i] = true;
  }
  for (const pool::WorkHandle& h : blockers)
    EXPECT_FALSE(pool::cancel(loop, h)) << "a request a thread is running cannot be cancelled";
  gate.open();
  ASSERT_TRUE(run_with_guard(loop));
  for (int i = 0; i < queued; ++i) {
    ASSERT_EQ(callbacks[i], 1) << "request " << i << "'s callback ran " << callbacks[i] << " times";
    if (cancelled[i]) {
      EXPECT_EQ(ran[i].load(), 0) << "cancelled request " << i << " ran anyway";
      EXPECT_TRUE(!statuses[i].ok() && statuses[i].error().is(ECANCELED))
          << "cancelled request " << i << " must finish with ECANCELED";
    } else {
      EXPECT_EQ(ran[i].load(), 1) << "request " << i << " ran " << ran[i] << " times";
      EXPECT_TRUE(statuses[i].ok());
    }
    EXPECT_FALSE(pool::cancel(loop, handles[i])) << "a finished request cannot be cancelled";
  }
}

// Events of one run, in order: a prepare handle and a check handle mark where each
// iteration's poll phase begins and ends; the pool callbacks and the immediates they set fall
// between those marks.
struct Event {
  char what;  // 'P' prepare, 'C' check, 'W' a pool callback, 'I' an immediate
  uint64_t iteration;
  int index;
};

GRADED_TEST(PoolPhases, CallbacksRunInThePollPhaseAndTheDoneListOncePerWakeup, 3) {
  ASSERT_TRUE(use_pool_of(random_between(1, 8)));
  const int chain = static_cast<int>(random_between(3, 12));
  loop::Loop loop;
  std::vector<Event> events;
  loop::PrepareHandle prepare(loop);
  loop::CheckHandle check(loop);
  prepare.start([&] { events.push_back({'P', loop.iteration(), 0}); });
  check.start([&] { events.push_back({'C', loop.iteration(), 0}); });
  prepare.unref();
  check.unref();
  // Each callback sets an immediate and submits the next request, as Node's
  // fs.stat(() => { setImmediate(...); fs.stat(...) }): the immediate must come first.
  std::function<void(int)> link = [&](int i) {
    pool::queue_work(loop, [] {}, [&, i](Status) {
      events.push_back({'W', loop.iteration(), i});
      loop.set_immediate([&, i] { events.push_back({'I', loop.iteration(), i}); });
      if (i + 1 < chain) link(i + 1);
    });
  };
  link(0);
  ASSERT_TRUE(run_with_guard(loop));
  prepare.stop();
  check.stop();
  std::string order;
  for (const Event& e : events)
    if (e.what == 'W' || e.what == 'I') order += std::string(1, e.what) + std::to_string(e.index) + " ";
  std::string expected;
  for (int i = 0; i < chain; ++i) expected += "W" + std::to_string(i) + " I" + std::to_string(i) + " ";
  EXPECT_EQ(order, expected) << "a request submitted from a pool callback must complete in a later "
                                "iteration, after this iteration's immediates (take the done list once "
                                "per wake-up)";
  // Every pool callback: after its iteration's prepare phase, before its check phase.
  for (size_t k = 0; k < events.size(); ++k) {
    if (events[k].what != 'W') continue;
    char last_mark = 0;
    for (size_t j = k; j-- > 0;)
      if (events[j].what == 'P' || events[j].what == 'C') {
        last_mark = events[j].what;
        break;
      }
    EXPECT_EQ(last_mark, 'P') << "pool callback " << events[k].index
                              << " did not run in the poll phase (between prepare and check)";
  }
}

GRADED_TEST(PoolShutdown, ShutdownJoinsEveryThreadAndThePoolStartsAgain, 2) {
  const size_t threads = random_between(1, 8);
  ASSERT_TRUE(use_pool_of(threads));
  for (int round = 0; round < 2; ++round) {
    loop::Loop loop;
    Gate gate;
    std::atomic<int> inside{0};
    pool::queue_work(loop, [&] { ++inside, gate.wait(); }, [](Status) {});
    ASSERT_TRUE(wait_for(inside, 1));
    EXPECT_EQ(count_pool_threads(), static_cast<int>(threads)) << "round " << round;
    Status busy = pool::shutdown_pool();
    EXPECT_TRUE(!busy.ok() && busy.error().is(EBUSY)) << "shutdown while a request runs must say EBUSY";
    gate.open();
    ASSERT_TRUE(run_with_guard(loop));
    Status done = pool::shutdown_pool();
    ASSERT_TRUE(done.ok()) << done.error().message();
    EXPECT_EQ(pool_threads_left_after(), 0) << "shutdown_pool() must stop and join every thread";
    EXPECT_EQ(pool::pool_stats().threads_running, 0u);
  }
}

// The blocking-vs-offload experiment as a mechanism: a 1 ms interval timer ticks on the loop
// thread. Work done on the loop thread sees no tick while it runs; the same work offloaded to
// the pool sees the loop keep ticking (it waits until it has seen a few ticks, bounded).
GRADED_TEST(PoolOffload, TheLoopKeepsTickingWhileWorkIsOffloaded, 2) {
  ASSERT_TRUE(use_pool_of(random_between(1, 8)));
  const int wanted = static_cast<int>(random_between(3, 10));
  loop::Loop loop;
  std::atomic<int> ticks{0};
  loop::TimerId ticker = loop.set_interval(1, [&] { ++ticks; });
  loop.unref_timer(ticker);
  // Blocking: on the loop thread, inside a callback, for a while.
  int ticks_while_blocking = -1;
  loop.set_timeout(0, [&] {
    int at_start = ticks.load();
    const uint64_t until = kio::monotonic_ns() + 50'000'000u;
    while (kio::monotonic_ns() < until) {
    }
    ticks_while_blocking = ticks.load() - at_start;
  });
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_EQ(ticks_while_blocking, 0) << "a callback that blocks the loop thread stops its timers";
  // Offloaded: the work waits on a pool thread until the loop has ticked `wanted` more times.
  int ticks_while_offloaded = -1;
  std::atomic<bool> saw_ticks{false};
  int at_submit = ticks.load();
  pool::queue_work(
      loop, [&] { saw_ticks = wait_for(ticks, at_submit + wanted, 10'000); },
      [&](Status) { ticks_while_offloaded = ticks.load() - at_submit; });
  ASSERT_TRUE(run_with_guard(loop, 15'000));
  loop.clear_timer(ticker);
  EXPECT_TRUE(saw_ticks.load()) << "the loop did not tick while the work ran: was it run on the loop thread, "
                                   "or did the loop wait for it?";
  EXPECT_GE(ticks_while_offloaded, wanted);
}

}  // namespace
}  // namespace osn::lab04
