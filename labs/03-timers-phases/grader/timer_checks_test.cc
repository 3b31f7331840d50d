// Lab 03, timers: the heap against a model, and timers through the Loop, all randomized.
//
// The TimerHeap checks replay random inserts, restarts (insert of a slot already there),
// erases from anywhere and pops against a std::set ordered by (deadline, sequence). The Loop
// checks make timers with random delays and require Node's rules: earlier deadline first, equal
// deadlines in creation order, a cleared timer never runs, a timer made by a timer callback
// waits for a later pass. Counts and delays are random (the seed is printed; OSN_GRADE_SEED=N
// replays it); runs are bounded by an unreferenced guard timer, and no check measures speed.
#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "labs/grading/graded_test.h"
#include "loop/loop.h"
#include "loop/timer_heap.h"
#include "tests/support/bounded_wait.h"

namespace osn::loop {
namespace {

using grading::random_between;

// Runs the loop until it ends; a guard stops it (and the check fails) after limit_ms.
void run_bounded(Loop& loop, int limit_ms = 10'000) {
  EXPECT_TRUE(test::run_with_guard(loop, static_cast<uint64_t>(limit_ms)))
      << "the loop was still running after " << limit_ms << " ms";
}

// ---- the heap against a model --------------------------------------------------------------

struct Model {
  std::set<std::tuple<uint64_t, uint64_t, uint32_t>> order;  // (deadline, sequence, slot)
  std::map<uint32_t, std::pair<uint64_t, uint64_t>> where;     // slot -> (deadline, sequence)

  void insert(uint32_t slot, uint64_t deadline, uint64_t sequence) {
    erase(slot);
    order.insert({deadline, sequence, slot});
    where[slot] = {deadline, sequence};
  }
  bool erase(uint32_t slot) {
    auto it = where.find(slot);
    if (it == where.end()) return false;
    order.erase({it->second.first, it->second.second, slot});
    where.erase(it);
    return true;
  }
};

void expect_same(const TimerHeap& heap, const Model& model, int step) {
  ASSERT_EQ(heap.size(), model.order.size()) << "step " << step;
  ASSERT_EQ(heap.empty(), model.order.empty()) << "step " << step;
  if (model.order.empty()) return;
  ASSERT_EQ(heap.top_slot(), std::get<2>(*model.order.begin())) << "step " << step;
  ASSERT_EQ(heap.top_deadline(), std::get<0>(*model.order.begin())) << "step " << step;
}

GRADED_TEST(TimerHeapChecks, RandomOperationsMatchAModel, 7) {
  TimerHeap heap;
  Model model;
  const uint32_t slots = static_cast<uint32_t>(random_between(8, 300));
  const uint64_t deadlines = static_cast<uint64_t>(random_between(1, 50));  // few: many ties
  const int steps = static_cast<int>(random_between(2'000, 6'000));
  uint64_t sequence = 0;
  for (int step = 0; step < steps; ++step) {
    uint32_t slot = static_cast<uint32_t>(random_between(0, slots - 1));
    switch (random_between(0, 9)) {
      case 0: case 1: case 2: case 3: {  // insert, or restart a slot already in the heap
        uint64_t deadline = static_cast<uint64_t>(random_between(0, static_cast<int64_t>(deadlines)));
        heap.insert(slot, deadline, sequence);
        model.insert(slot, deadline, sequence);
        ++sequence;
        break;
      }
      case 4: case 5: {  // erase from anywhere
        bool had = model.erase(slot);
        ASSERT_EQ(heap.erase(slot), had) << "erase(" << slot << ") at step " << step;
        break;
      }
      case 6: case 7: {  // pop the earliest
        if (model.order.empty()) break;
        ASSERT_FALSE(heap.empty());
        uint32_t top = heap.top_slot();
        heap.pop();
        ASSERT_TRUE(model.erase(top)) << "top_slot() " << top << " was not in the heap";
        break;
      }
      default:
        ASSERT_EQ(heap.contains(slot), model.where.count(slot) == 1) << "contains(" << slot << ")";
    }
    expect_same(heap, model, step);
  }
  while (!heap.empty()) {  // and it drains in (deadline, sequence) order
    ASSERT_EQ(heap.top_slot(), std::get<2>(*model.order.begin()));
    heap.pop();
    model.order.erase(model.order.begin());
  }
  EXPECT_TRUE(model.order.empty());
}

GRADED_TEST(TimerHeapChecks, TiesComeOutInSequenceOrderWhateverTheSlots, 4) {
  TimerHeap heap;
  const uint32_t n = static_cast<uint32_t>(random_between(50, 500));
  std::vector<uint32_t> slots(n);
  std::iota(slots.begin(), slots.end(), 0u);
  std::shuffle(slots.begin(), slots.end(), grading::rng());  // slot numbers say nothing of order
  const uint64_t deadline = static_cast<uint64_t>(random_between(0, 1'000'000));
  for (uint32_t i = 0; i < n; ++i) heap.insert(slots[i], deadline, i);
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_FALSE(heap.empty());
    ASSERT_EQ(heap.top_slot(), slots[i]) << "the " << i << "th of " << n << " equal deadlines";
    heap.pop();
  }
  EXPECT_TRUE(heap.empty());
}

GRADED_TEST(TimerHeapChecks, ErasedSlotsAreGoneAndFreeForReuse, 2) {
  TimerHeap heap;
  const uint32_t n = static_cast<uint32_t>(random_between(20, 200));
  for (uint32_t slot = 0; slot < n; ++slot)
    heap.insert(slot, static_cast<uint64_t>(random_between(0, 1000)), slot);
  std::set<uint32_t> erased;
  for (uint32_t slot = 0; slot < n; ++slot)
    if (random_between(0, 2) == 0) {
      ASSERT_TRUE(heap.erase(slot));
      erased.insert(slot);
    }
  for (uint32_t slot : erased) {
    EXPECT_FALSE(heap.contains(slot));
    EXPECT_FALSE(heap.erase(slot)) << "erased twice";
  }
  EXPECT_EQ(heap.size(), n - erased.size());
  for (uint32_t slot : erased) heap.insert(slot, 0, n + slot);  // reused: now the earliest
  uint64_t last_deadline = 0;
  size_t reused_first = 0;
  while (!heap.empty()) {
    ASSERT_GE(heap.top_deadline(), last_deadline);
    last_deadline = heap.top_deadline();
    if (erased.count(heap.top_slot()) && last_deadline == 0) ++reused_first;
    heap.pop();
  }
  EXPECT_EQ(reused_first, erased.size());
}

// ---- timers through the loop ------------------------------------------------------------------

struct Planned {
  uint64_t delay;
  int index;  // creation order
};

// The order Node promises: by deadline (all made in one loop time here), ties by creation.
std::vector<int> node_order(std::vector<Planned> timers) {
  std::stable_sort(timers.begin(), timers.end(),
                   [](const Planned& a, const Planned& b) { return a.delay < b.delay; });
  std::vector<int> order;
  for (const Planned& t : timers) order.push_back(t.index);
  return order;
}

GRADED_TEST(LoopTimers, RandomDueTimesFireInDeadlineOrder, 6) {
  Loop loop;
  const int n = static_cast<int>(random_between(20, 200));
  std::vector<Planned> plan;
  std::vector<int> fired;
  for (int i = 0; i < n; ++i) {
    plan.push_back({static_cast<uint64_t>(random_between(1, 60)), i});
    loop.set_timeout(plan.back().delay, [&fired, i] { fired.push_back(i); });
  }
  EXPECT_EQ(loop.timer_count(), static_cast<size_t>(n));
  run_bounded(loop);
  EXPECT_EQ(fired, node_order(plan));
}

GRADED_TEST(LoopTimers, EqualDueTimesFireInInsertionOrder, 3) {
  Loop loop;
  const int groups = static_cast<int>(random_between(2, 6));
  std::vector<Planned> plan;
  std::vector<int> fired;
  std::vector<uint64_t> delays;
  for (int g = 0; g < groups; ++g) delays.push_back(static_cast<uint64_t>(random_between(1, 30)));
  const int n = static_cast<int>(random_between(20, 150));
  for (int i = 0; i < n; ++i) {  // interleaved: group of timer i is random
    plan.push_back({delays[static_cast<size_t>(random_between(0, groups - 1))], i});
    loop.set_timeout(plan.back().delay, [&fired, i] { fired.push_back(i); });
  }
  run_bounded(loop);
  EXPECT_EQ(fired, node_order(plan));
}

GRADED_TEST(LoopTimers, ClearedTimersNeverFire, 3) {
  Loop loop;
  const int n = static_cast<int>(random_between(20, 150));
  std::vector<Planned> plan;
  std::vector<TimerId> ids;
  std::vector<int> fired;
  std::set<int> cancelled;
  // Timer 0 is due first and cancels a random later timer due in the same pass or later.
  const int victim = static_cast<int>(random_between(1, n - 1));
  ids.push_back(loop.set_timeout(1, [&] {
    fired.push_back(0);
    EXPECT_TRUE(loop.clear_timer(ids[static_cast<size_t>(victim)])) << "timer " << victim;
  }));
  plan.push_back({1, 0});
  for (int i = 1; i < n; ++i) {
    plan.push_back({static_cast<uint64_t>(random_between(1, 40)), i});
    ids.push_back(loop.set_timeout(plan.back().delay, [&fired, i] { fired.push_back(i); }));
  }
  for (int i = 1; i < n; ++i)
    if (i != victim && random_between(0, 2) == 0) {
      EXPECT_TRUE(loop.clear_timer(ids[static_cast<size_t>(i)]));
      cancelled.insert(i);
    }
  cancelled.insert(victim);
  std::vector<int> want;
  for (int i : node_order(plan))
    if (!cancelled.count(i)) want.push_back(i);
  run_bounded(loop);
  EXPECT_EQ(fired, want);
  for (int i : cancelled) EXPECT_FALSE(loop.clear_timer(ids[static_cast<size_t>(i)])) << "twice";
  EXPECT_EQ(loop.timer_count(), 0u);
}

GRADED_TEST(LoopTimers, RestartedTimersFireAtTheirNewDeadline, 3) {
  Loop loop;
  const int n = static_cast<int>(random_between(10, 100));
  std::vector<uint64_t> delay(static_cast<size_t>(n));
  std::vector<TimerId> ids(static_cast<size_t>(n));
  std::vector<int> fired;
  for (int i = 0; i < n; ++i) {
    delay[static_cast<size_t>(i)] = static_cast<uint64_t>(random_between(1, 40));
    ids[static_cast<size_t>(i)] = loop.set_timeout(delay[static_cast<size_t>(i)], [&fired, i] { fired.push_back(i); });
  }
  // Restart some (Node's timeout.refresh(): cancel, then arm again with a new delay). The
  // restarted ones were armed last, so among equal deadlines they come after the others.
  std::vector<Planned> plan;
  std::vector<int> restarted;
  for (int i = 0; i < n; ++i) {
    if (random_between(0, 1) == 0) {
      plan.push_back({delay[static_cast<size_t>(i)], i});
      continue;
    }
    ASSERT_TRUE(loop.clear_timer(ids[static_cast<size_t>(i)]));
    restarted.push_back(i);
  }
  for (int i : restarted) {
    uint64_t again = static_cast<uint64_t>(random_between(1, 40));
    plan.push_back({again, i});
    loop.set_timeout(again, [&fired, i] { fired.push_back(i); });
  }
  run_bounded(loop);
  EXPECT_EQ(fired, node_order(plan));
}

GRADED_TEST(LoopTimers, ATimerMadeByATimerCallbackWaitsForALaterPass, 3) {
  Loop loop;
  const int n = static_cast<int>(random_between(3, 30));
  std::vector<uint64_t> ran_in(static_cast<size_t>(n), 0);
  uint64_t child_ran_in = 0;
  int child_runs = 0;
  for (int i = 0; i < n; ++i)
    loop.set_timeout(2, [&, i] {
      ran_in[static_cast<size_t>(i)] = loop.iteration();
      if (i == 0)
        loop.set_timeout(0, [&] {  // due "now" + 1 ms: never in this pass
          child_ran_in = loop.iteration();
          ++child_runs;
        });
    });
  run_bounded(loop);
  EXPECT_EQ(child_runs, 1);
  for (int i = 1; i < n; ++i)
    EXPECT_EQ(ran_in[static_cast<size_t>(i)], ran_in[0]) << "timers due together run in one pass";
  EXPECT_GT(child_ran_in, ran_in[0]) << "a timer made in the timers phase ran in the same pass";
}

GRADED_TEST(LoopTimers, IntervalsRepeatUntilCleared, 3) {
  Loop loop;
  const int runs = static_cast<int>(random_between(2, 12));
  int count = 0;
  int timeouts = 0;
  TimerId interval = 0;
  interval = loop.set_interval(static_cast<uint64_t>(random_between(1, 5)), [&] {
    if (++count == runs) {
      EXPECT_TRUE(loop.clear_timer(interval));
    }
  });
  for (int i = 0; i < 5; ++i) loop.set_timeout(static_cast<uint64_t>(random_between(1, 30)), [&] { ++timeouts; });
  run_bounded(loop);
  EXPECT_EQ(count, runs);
  EXPECT_EQ(timeouts, 5);
  EXPECT_EQ(loop.timer_count(), 0u);
}

}  // namespace
}  // namespace osn::loop
