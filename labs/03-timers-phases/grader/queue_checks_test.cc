// Lab 03, queues and the check phase: next_tick, set_immediate / clear_immediate, and where
// the check phase sits in an iteration, through the Loop's public API.
//
// Randomized shapes (trees of ticks, batches of immediates that queue more, random clears) are
// compared with what Node's rules say must happen; loop.iteration() shows in which iteration a
// callback ran, so "the next iteration" is checked, not guessed. Runs are bounded by an
// unreferenced guard timer; no check measures speed.
#include <sys/socket.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "labs/grading/graded_test.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "tests/support/bounded_wait.h"

namespace osn::loop {
namespace {

using grading::random_between;

void run_bounded(Loop& loop, int limit_ms = 10'000) {
  EXPECT_TRUE(test::run_with_guard(loop, static_cast<uint64_t>(limit_ms)))
      << "the loop was still running after " << limit_ms << " ms";
}

// A random tree of ticks: tick k queues children[k]. Node runs them first-in first-out, the
// ticks that ticks queue included, all before anything else.
GRADED_TEST(Queues, TicksQueuedByTicksRunFirstInFirstOut, 5) {
  Loop loop;
  const int n = static_cast<int>(random_between(10, 200));
  std::vector<std::vector<int>> children(static_cast<size_t>(n));
  std::vector<int> roots;
  for (int k = 0; k < n; ++k) {
    if (k < 3 || random_between(0, 3) == 0)
      roots.push_back(k);
    else
      children[static_cast<size_t>(random_between(0, k - 1))].push_back(k);
  }
  std::vector<std::string> ran;
  std::function<void(int)> queue_tick = [&](int k) {
    loop.next_tick([&, k] {
      ran.push_back("tick " + std::to_string(k));
      for (int child : children[static_cast<size_t>(k)]) queue_tick(child);
    });
  };
  loop.set_immediate([&] { ran.push_back("immediate"); });
  for (int k : roots) queue_tick(k);
  // The FIFO the rules describe.
  std::vector<std::string> want;
  std::deque<int> fifo(roots.begin(), roots.end());
  while (!fifo.empty()) {
    int k = fifo.front();
    fifo.pop_front();
    want.push_back("tick " + std::to_string(k));
    for (int child : children[static_cast<size_t>(k)]) fifo.push_back(child);
  }
  want.push_back("immediate");
  run_bounded(loop);
  EXPECT_EQ(ran, want);
}

// Each immediate queues a tick: that tick runs before the next immediate.
GRADED_TEST(Queues, TicksAreDrainedAfterEveryImmediate, 4) {
  Loop loop;
  const int n = static_cast<int>(random_between(3, 60));
  std::vector<std::string> ran, want;
  for (int i = 0; i < n; ++i) {
    bool with_tick = random_between(0, 1) == 1;
    loop.set_immediate([&, i, with_tick] {
      ran.push_back("immediate " + std::to_string(i));
      if (with_tick) loop.next_tick([&, i] { ran.push_back("tick " + std::to_string(i)); });
    });
    want.push_back("immediate " + std::to_string(i));
    if (with_tick) want.push_back("tick " + std::to_string(i));
  }
  run_bounded(loop);
  EXPECT_EQ(ran, want);
}

// A check phase runs the immediates queued before it, in order; ones they queue run in the
// next iteration's check phase, after the whole batch.
GRADED_TEST(Queues, ImmediatesQueuedByImmediatesWaitForTheNextIteration, 5) {
  Loop loop;
  const int n = static_cast<int>(random_between(3, 80));
  struct Ran {
    int id;
    uint64_t iteration;
  };
  std::vector<Ran> ran;
  std::vector<int> want_first, want_second;
  int next_id = n;
  for (int i = 0; i < n; ++i) {
    int follow = random_between(0, 1) == 1 ? next_id++ : -1;
    want_first.push_back(i);
    if (follow >= 0) want_second.push_back(follow);
    loop.set_immediate([&, i, follow] {
      ran.push_back({i, loop.iteration()});
      if (follow >= 0) loop.set_immediate([&, follow] { ran.push_back({follow, loop.iteration()}); });
    });
  }
  run_bounded(loop);
  ASSERT_EQ(ran.size(), want_first.size() + want_second.size());
  const uint64_t first = ran[0].iteration;
  for (size_t k = 0; k < ran.size(); ++k) {
    bool in_first = k < want_first.size();
    int want_id = in_first ? want_first[k] : want_second[k - want_first.size()];
    EXPECT_EQ(ran[k].id, want_id) << "position " << k;
    EXPECT_EQ(ran[k].iteration, in_first ? first : first + 1) << "immediate " << ran[k].id;
  }
}

GRADED_TEST(Queues, ClearedImmediatesNeverRun, 4) {
  Loop loop;
  const int n = static_cast<int>(random_between(5, 80));
  std::vector<ImmediateId> ids(static_cast<size_t>(n));
  std::vector<int> ran;
  std::set<int> cleared;
  const int victim = static_cast<int>(random_between(1, n - 1));  // cleared by immediate 0
  for (int i = 0; i < n; ++i)
    ids[static_cast<size_t>(i)] = loop.set_immediate([&, i] {
      ran.push_back(i);
      if (i == 0) {
        EXPECT_TRUE(loop.clear_immediate(ids[static_cast<size_t>(victim)]));
      }
      EXPECT_FALSE(loop.clear_immediate(ids[static_cast<size_t>(i)])) << "it is running already";
    });
  std::set<ImmediateId> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), ids.size()) << "every immediate gets its own id";
  EXPECT_FALSE(distinct.count(0)) << "0 is never an id";
  for (int i = 1; i < n; ++i)
    if (i != victim && random_between(0, 2) == 0) {
      EXPECT_TRUE(loop.clear_immediate(ids[static_cast<size_t>(i)]));
      cleared.insert(i);
    }
  cleared.insert(victim);
  run_bounded(loop);
  std::vector<int> want;
  for (int i = 0; i < n; ++i)
    if (!cleared.count(i)) want.push_back(i);
  EXPECT_EQ(ran, want);
  for (ImmediateId id : ids) EXPECT_FALSE(loop.clear_immediate(id)) << "ran or cleared already";
  EXPECT_FALSE(loop.clear_immediate(ids.back() + 1000)) << "never existed";
}

// The check phase comes right after the poll phase and after the timers phase of the same
// iteration: an immediate set in an I/O callback or a timer callback runs in that iteration,
// and before a 0 ms timer set beside it.
GRADED_TEST(Queues, TheCheckPhaseFollowsPollAndTimersInTheSameIteration, 5) {
  Loop loop;
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  std::vector<std::string> ran;
  uint64_t io_iteration = 0, immediate_after_io = 0, timer_iteration = 0, immediate_after_timer = 0;
  IoWatcher watcher(loop, pair->second.get(), [&](uint32_t) {
    char byte;
    (void)kio::read_some(pair->second.get(), {&byte, 1});
    watcher.stop();
    io_iteration = loop.iteration();
    ran.push_back("io");
    loop.set_timeout(0, [&] {
      ran.push_back("timeout");
      timer_iteration = loop.iteration();
      loop.set_immediate([&] {
        ran.push_back("immediate after timer");
        immediate_after_timer = loop.iteration();
      });
    });
    loop.set_immediate([&] {
      ran.push_back("immediate after io");
      immediate_after_io = loop.iteration();
    });
  });
  ASSERT_TRUE(watcher.start(kReadable));
  ASSERT_TRUE(kio::write_some(pair->first.get(), {"x", 1}));
  run_bounded(loop);
  EXPECT_EQ(ran, (std::vector<std::string>{"io", "immediate after io", "timeout", "immediate after timer"}));
  EXPECT_EQ(immediate_after_io, io_iteration);
  EXPECT_EQ(immediate_after_timer, timer_iteration);
}

// With immediates queued the poll phase must only look, not block: a chain of immediates gets
// through while a referenced 60 s timer keeps the loop alive (a poll phase that blocked would
// sit there until the guard stopped the loop).
GRADED_TEST(Queues, QueuedImmediatesKeepThePollPhaseFromBlocking, 3) {
  Loop loop;
  const int n = static_cast<int>(random_between(3, 30));
  int done = 0;
  TimerId keep_alive = loop.set_timeout(60'000, [] {});
  std::function<void()> step = [&] {
    if (++done == n) {
      loop.clear_timer(keep_alive);
      return;
    }
    loop.set_immediate(step);
  };
  loop.set_immediate(step);
  run_bounded(loop);
  EXPECT_EQ(done, n);
}

// An immediate alone keeps the loop alive, and so does a tick queued before run().
GRADED_TEST(Queues, QueuedWorkKeepsTheLoopAlive, 2) {
  Loop loop;
  EXPECT_FALSE(loop.alive());
  bool ran_immediate = false, ran_tick = false;
  loop.set_immediate([&] { ran_immediate = true; });
  EXPECT_TRUE(loop.alive());
  run_bounded(loop);
  EXPECT_TRUE(ran_immediate);
  loop.next_tick([&] { ran_tick = true; });
  EXPECT_TRUE(loop.alive());
  run_bounded(loop);
  EXPECT_TRUE(ran_tick);
  EXPECT_FALSE(loop.alive());
}

// A drain that is already running is not entered again: a tick that invokes a callback (which
// drains ticks afterwards) finishes before the tick that callback queued.
GRADED_TEST(Queues, ADrainInsideADrainReturnsAtOnce, 2) {
  Loop loop;
  std::vector<std::string> ran;
  loop.next_tick([&] {
    ran.push_back("tick begins");
    std::function<void()> inner = [&] {
      ran.push_back("inner callback");
      loop.next_tick([&] { ran.push_back("tick from inner"); });
    };
    loop.invoke(inner);  // runs inner, then drain_ticks(): already draining, so it returns
    ran.push_back("tick ends");
  });
  run_bounded(loop);
  EXPECT_EQ(ran, (std::vector<std::string>{"tick begins", "inner callback", "tick ends", "tick from inner"}));
}

}  // namespace
}  // namespace osn::loop
