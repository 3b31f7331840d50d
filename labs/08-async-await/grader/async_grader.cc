// labs/08-async-await/grader/async_grader.cc — lab 08: the microtask drain, the timer
// awaitable and the pool-work awaitable.
//
// Checks the mechanisms, not only the output: the drain's order against Node's own stored
// output for randomly chosen programs (node_orders.txt), timers resuming frames as microtasks
// right after their callback, pool work running on an osn-pool-N thread while the frame
// resumes on the loop thread, and no leak (live heap blocks counted around each scenario, and
// frames destroyed while they wait never resumed).
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "labs/08-async-await/grader/random_program.h"
#include "labs/grading/graded_test.h"
#include "loop/loop.h"
#include "loop/sleep.h"
#include "loop/task.h"
#include "pool/promises.h"

// ---- live heap blocks, to see a leak --------------------------------------------------------
namespace {
std::atomic<long> g_live_blocks{0};
}
void* operator new(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  g_live_blocks.fetch_add(1, std::memory_order_relaxed);
  return p;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
  if (p) g_live_blocks.fetch_sub(1, std::memory_order_relaxed);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace {

using osn::grading::random_between;
using osn::loop::Loop;
using osn::loop::RunMode;
using osn::loop::Task;
using Labels = std::vector<std::string>;

long live_blocks() { return g_live_blocks.load(std::memory_order_relaxed); }

// Runs the loop until `done` or ~10 s; false if it ran out of time.
template <class Done>
bool run_until(Loop& loop, Done done) {
  bool expired = false;
  auto guard = loop.set_timeout(10'000, [&] { expired = true; loop.stop(); });
  loop.unref_timer(guard);
  while (!done() && !expired && loop.run(RunMode::kOnce)) {}
  loop.clear_timer(guard);
  return !expired;
}

std::map<uint32_t, std::string> node_orders() {
  std::map<uint32_t, std::string> table;
  std::ifstream in("labs/08-async-await/grader/node_orders.txt");
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    if (colon != std::string::npos)
      table[static_cast<uint32_t>(std::stoul(line.substr(0, colon)))] = line.substr(colon + 2);
  }
  return table;
}

// ---- 1. the microtask drain -----------------------------------------------------------------

GRADED_TEST(Lab08Drain, TicksThenMicrotasksThenRoundAgain, 10) {
  Loop loop;
  Labels order;
  loop.set_immediate([&] { order.push_back("immediate"); });
  loop.next_tick([&] {
    order.push_back("tick 1");
    loop.queue_microtask([&] {
      order.push_back("micro from tick");
      loop.next_tick([&] { order.push_back("tick from micro"); });
    });
    loop.next_tick([&] { order.push_back("tick 2"); });
  });
  loop.queue_microtask([&] {
    order.push_back("micro 1");
    loop.queue_microtask([&] { order.push_back("micro 2"); });
  });
  ASSERT_TRUE(run_until(loop, [] { return false; }));
  EXPECT_EQ(order, (Labels{"tick 1", "tick 2", "micro 1", "micro from tick", "micro 2",
                           "tick from micro", "immediate"}));
}

GRADED_TEST(Lab08Drain, MicrotasksRunAfterEveryCallbackNotOncePerPhase, 5) {
  Loop loop;
  Labels order;
  int n = static_cast<int>(random_between(2, 6));
  for (int i = 0; i < n; ++i)
    loop.set_immediate([&, i] {
      order.push_back("immediate " + std::to_string(i));
      loop.queue_microtask([&, i] { order.push_back("micro " + std::to_string(i)); });
    });
  ASSERT_TRUE(run_until(loop, [] { return false; }));
  Labels expected;
  for (int i = 0; i < n; ++i) {
    expected.push_back("immediate " + std::to_string(i));
    expected.push_back("micro " + std::to_string(i));
  }
  EXPECT_EQ(order, expected);
}

// Random programs of ticks, microtasks, immediates, thens and awaits, against what node 20
// printed for the very same programs.
GRADED_TEST(Lab08Drain, RandomProgramsOrderedExactlyAsNode, 15) {
  auto table = node_orders();
  ASSERT_EQ(table.size(), 40u) << "node_orders.txt not found: run from the repository root";
  for (int round = 0; round < 8; ++round) {
    uint32_t seed = static_cast<uint32_t>(random_between(1, 40));
    Loop loop;
    ASSERT_EQ(lab08::run_program(loop, seed), table[seed]) << "program " << seed
        << " (see it with: node labs/08-async-await/grader/random_program.js " << seed << ")";
  }
}

GRADED_TEST(Lab08Drain, AMillionChainedMicrotasksAllocateNothingOnceWarm, 5) {
  Loop loop;
  struct Hop {
    Loop* loop;
    long* left;
    void operator()() const {
      if (--*left > 0) loop->queue_microtask(*this);
    }
  };
  long left = 1000;
  loop.queue_microtask(Hop{&loop, &left});
  ASSERT_TRUE(run_until(loop, [&] { return left == 0; }));
  left = 1'000'000;
  long before = live_blocks();
  loop.queue_microtask(Hop{&loop, &left});
  ASSERT_TRUE(run_until(loop, [&] { return left == 0; }));
  EXPECT_EQ(left, 0);
  EXPECT_LE(live_blocks() - before, 0) << "the drain leaked or kept heap blocks";
}

// ---- 2. the timer awaitable -----------------------------------------------------------------

Task<> sleeper(Loop& loop, uint64_t ms, int id, std::vector<int>* woke, std::thread::id* on) {
  co_await osn::loop::sleep(loop, ms);
  woke->push_back(id);
  *on = std::this_thread::get_id();
}

GRADED_TEST(Lab08Timer, FramesWakeInDeadlineOrderOnTheLoopThread, 10) {
  Loop loop;
  int n = static_cast<int>(random_between(3, 8));
  std::vector<std::pair<uint64_t, int>> plan;
  for (int i = 0; i < n; ++i) plan.push_back({static_cast<uint64_t>(random_between(1, 40)) * 2, i});
  std::vector<int> woke;
  std::thread::id on;
  std::vector<Task<>> tasks;
  for (auto& [ms, id] : plan) tasks.push_back(sleeper(loop, ms, id, &woke, &on));
  EXPECT_TRUE(woke.empty()) << "a sleep resumed before the loop ran";
  ASSERT_TRUE(run_until(loop, [&] { return woke.size() == plan.size(); }));
  std::stable_sort(plan.begin(), plan.end(),
                   [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<int> expected;
  for (auto& p : plan) expected.push_back(p.second);
  EXPECT_EQ(woke, expected);
  EXPECT_EQ(on, std::this_thread::get_id());
}

// The frame resumes as a microtask right after its timer's callback: before the next timer
// with the same deadline (Node: `await setTimeout(d)` then a setTimeout(d) callback).
GRADED_TEST(Lab08Timer, TheFrameResumesRightAfterItsTimerBeforeTheNext, 10) {
  Loop loop;
  Labels order;
  uint64_t d = static_cast<uint64_t>(random_between(2, 20));
  auto body = [](Loop& loop, uint64_t d, Labels* order) -> Task<> {
    co_await osn::loop::sleep(loop, d);
    order->push_back("slept");
  };
  Task<> t = body(loop, d, &order);
  loop.set_timeout(d, [&] { order.push_back("timer after"); });
  ASSERT_TRUE(run_until(loop, [&] { return order.size() == 2; }));
  EXPECT_EQ(order, (Labels{"slept", "timer after"}));
}

GRADED_TEST(Lab08Timer, ADestroyedSleeperLeavesNoTimerAndNoBlock, 10) {
  long before = live_blocks();
  bool resumed = false;
  {
    Loop loop;
    auto body = [](Loop& loop, bool* resumed) -> Task<> {
      co_await osn::loop::sleep(loop, 60'000);
      *resumed = true;
    };
    auto t = std::make_unique<Task<>>(body(loop, &resumed));
    EXPECT_EQ(loop.timer_count(), 1u) << "co_await sleep must arm one timer";
    t.reset();
    EXPECT_EQ(loop.timer_count(), 0u) << "a destroyed sleeper must clear its timer";
    osn::loop::spawn(body(loop, &resumed));  // and one the loop destroys
    loop.run(RunMode::kNoWait);
  }
  EXPECT_FALSE(resumed);
  EXPECT_EQ(live_blocks(), before) << "heap blocks leaked";
}

// ---- 3. the pool-work awaitable -------------------------------------------------------------

GRADED_TEST(Lab08Pool, WorkOnAPoolThreadResumptionOnTheLoopThread, 15) {
  Loop loop;
  int n = static_cast<int>(random_between(2, 6));
  struct Seen {
    std::string work_thread;
    std::thread::id resumed_on;
    long value = 0;
  };
  std::vector<Seen> seen(n);
  auto body = [](Loop& loop, long x, Seen* s) -> Task<> {
    osn::kio::Result<long> r = co_await osn::pool::promises::work<long>(loop, [x, s]() -> osn::kio::Result<long> {
      char name[32] = {};
      pthread_getname_np(pthread_self(), name, sizeof name);
      s->work_thread = name;
      return x * x;
    });
    s->resumed_on = std::this_thread::get_id();
    s->value = r ? *r : -1;
  };
  std::vector<Task<>> tasks;
  std::vector<long> xs;
  for (int i = 0; i < n; ++i) {
    xs.push_back(random_between(1, 100000));
    tasks.push_back(body(loop, xs.back(), &seen[i]));
  }
  ASSERT_TRUE(run_until(loop, [&] {
    for (auto& t : tasks)
      if (!t.done()) return false;
    return true;
  }));
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(seen[i].value, xs[i] * xs[i]);
    EXPECT_EQ(seen[i].work_thread.rfind("osn-pool-", 0), 0u) << seen[i].work_thread;
    EXPECT_EQ(seen[i].resumed_on, std::this_thread::get_id());
  }
}

GRADED_TEST(Lab08Pool, ARealRequestGivesItsResultOrItsError, 10) {
  Loop loop;
  auto body = [](Loop& loop, int* ok_size, int* missing) -> Task<> {
    auto st = co_await osn::pool::promises::stat(loop, "labs/08-async-await/grader/node_orders.txt");
    *ok_size = st ? static_cast<int>(st->st_size) : -1;
    auto gone = co_await osn::pool::promises::stat(loop, "/nonexistent/lab08");
    *missing = gone ? 0 : gone.error().code;
  };
  int ok_size = 0, missing = 0;
  Task<> t = body(loop, &ok_size, &missing);
  ASSERT_TRUE(run_until(loop, [&] { return t.done(); }));
  EXPECT_GT(ok_size, 0);
  EXPECT_EQ(missing, ENOENT);
}

GRADED_TEST(Lab08Pool, AFrameDestroyedWhileItsWorkRunsIsNeverResumedAndLeaksNothing, 10) {
  {  // warm the pool up: its threads and queues are allocated once per process
    Loop loop;
    auto warm = [](Loop& loop) -> Task<> {
      (void)co_await osn::pool::promises::work<int>(loop, []() -> osn::kio::Result<int> { return 0; });
    };
    Task<> t = warm(loop);
    run_until(loop, [&] { return t.done(); });
  }
  long before = live_blocks();
  bool resumed = false;
  std::atomic<bool> work_ran{false};
  std::atomic<bool> frame_gone{false};
  {
    Loop loop;
    auto body = [](Loop& loop, bool* resumed, std::atomic<bool>* ran,
                   std::atomic<bool>* gone) -> Task<> {
      (void)co_await osn::pool::promises::work<int>(loop, [ran, gone]() -> osn::kio::Result<int> {
        ran->store(true);
        // Finish only after the loop thread has destroyed the frame (bounded: ~10 s), so the
        // completion always arrives after the destruction, however late the loop wakes.
        for (int i = 0; i < 10'000 && !gone->load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return 1;
      });
      *resumed = true;
    };
    auto t = std::make_unique<Task<>>(body(loop, &resumed, &work_ran, &frame_gone));
    // Destroy the frame only once a pool thread has started its work (a slow machine or TSan
    // may take longer than any fixed delay), so the work is running, not cancelled.
    bool destroyed = false;
    osn::loop::TimerId poll = loop.set_interval(1, [&] {
      if (!destroyed && work_ran.load()) {
        t.reset();
        destroyed = true;
        frame_gone.store(true);
      }
    });
    run_until(loop, [&] { return destroyed; });
    loop.clear_timer(poll);
    run_until(loop, [] { return false; });  // the request in flight keeps the loop alive
  }
  EXPECT_TRUE(work_ran.load()) << "the work was never submitted to the pool";
  EXPECT_FALSE(resumed) << "a destroyed frame was resumed";
  EXPECT_EQ(live_blocks(), before) << "heap blocks leaked";
}

}  // namespace
