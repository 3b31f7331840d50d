// tests/loop/timer_heap_test.cc — the min-heap behind timers, against a reference multiset.
//
// The property test replays a seeded random sequence of inserts, erases (from anywhere) and
// pops on both a TimerHeap and a std::multiset ordered by (deadline, sequence): after every
// step the two must agree on size, membership and the earliest entry.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "loop/timer_heap.h"

namespace osn::loop {
namespace {

TEST(TimerHeap, StartsEmpty) {
  TimerHeap heap;
  EXPECT_TRUE(heap.empty());
  EXPECT_EQ(heap.size(), 0u);
  EXPECT_FALSE(heap.contains(0));
  EXPECT_FALSE(heap.erase(0));
}

TEST(TimerHeap, EarliestDeadlineIsOnTop) {
  TimerHeap heap;
  heap.insert(0, 30, 0);
  heap.insert(1, 10, 1);
  heap.insert(2, 20, 2);
  EXPECT_EQ(heap.top_slot(), 1u);
  EXPECT_EQ(heap.top_deadline(), 10u);
  heap.pop();
  EXPECT_EQ(heap.top_slot(), 2u);
  heap.pop();
  EXPECT_EQ(heap.top_slot(), 0u);
  heap.pop();
  EXPECT_TRUE(heap.empty());
}

TEST(TimerHeap, EqualDeadlinesComeOutInSequenceOrder) {
  TimerHeap heap;
  // Inserted with descending slots but ascending sequence numbers.
  for (uint32_t i = 0; i < 20; ++i) heap.insert(19 - i, 5, i);
  for (uint32_t i = 0; i < 20; ++i) {
    ASSERT_EQ(heap.top_slot(), 19 - i);
    heap.pop();
  }
}

TEST(TimerHeap, EraseFromTheMiddleKeepsTheOrder) {
  TimerHeap heap;
  for (uint32_t i = 0; i < 10; ++i) heap.insert(i, 100 - i * 10, i);
  EXPECT_TRUE(heap.erase(5));
  EXPECT_FALSE(heap.contains(5));
  EXPECT_FALSE(heap.erase(5));
  EXPECT_EQ(heap.size(), 9u);
  uint64_t last = 0;
  while (!heap.empty()) {
    EXPECT_GE(heap.top_deadline(), last);
    EXPECT_NE(heap.top_slot(), 5u);
    last = heap.top_deadline();
    heap.pop();
  }
}

TEST(TimerHeap, InsertingAPresentSlotAgainMovesIt) {
  TimerHeap heap;
  heap.insert(0, 10, 0);
  heap.insert(1, 20, 1);
  heap.insert(0, 30, 2);  // slot 0 rescheduled (an interval re-armed)
  EXPECT_EQ(heap.size(), 2u);
  EXPECT_EQ(heap.top_slot(), 1u);
}

// (deadline, sequence, slot): the reference order.
using Entry = std::tuple<uint64_t, uint64_t, uint32_t>;

void check_agrees(const TimerHeap& heap, const std::multiset<Entry>& ref) {
  ASSERT_EQ(heap.size(), ref.size());
  ASSERT_EQ(heap.empty(), ref.empty());
  if (ref.empty()) return;
  ASSERT_EQ(heap.top_deadline(), std::get<0>(*ref.begin()));
  ASSERT_EQ(heap.top_slot(), std::get<2>(*ref.begin()));
}

void replay_random_operations(uint32_t seed) {
  std::mt19937 rng(seed);
  constexpr uint32_t kSlots = 64;
  TimerHeap heap;
  std::multiset<Entry> ref;
  std::map<uint32_t, Entry> by_slot;
  uint64_t sequence = 0;
  for (int step = 0; step < 5'000; ++step) {
    uint32_t slot = rng() % kSlots;
    switch (rng() % 4) {
      case 0:
      case 1: {  // insert (or re-insert: the heap moves the slot)
        uint64_t deadline = rng() % 50;  // few values: many ties
        if (auto it = by_slot.find(slot); it != by_slot.end()) {
          ref.erase(it->second);
          by_slot.erase(it);
        }
        Entry e{deadline, sequence, slot};
        heap.insert(slot, deadline, sequence++);
        ref.insert(e);
        by_slot[slot] = e;
        break;
      }
      case 2: {  // erase from anywhere
        bool present = by_slot.count(slot) > 0;
        ASSERT_EQ(heap.contains(slot), present);
        ASSERT_EQ(heap.erase(slot), present);
        if (present) {
          ref.erase(by_slot[slot]);
          by_slot.erase(slot);
        }
        break;
      }
      default:  // pop the earliest
        if (ref.empty()) break;
        uint32_t top = std::get<2>(*ref.begin());
        ASSERT_EQ(heap.top_slot(), top);
        heap.pop();
        by_slot.erase(top);
        ref.erase(ref.begin());
    }
    ASSERT_NO_FATAL_FAILURE(check_agrees(heap, ref)) << "seed " << seed << " step " << step;
  }
  while (!ref.empty()) {  // drain: strictly the reference order
    ASSERT_EQ(heap.top_slot(), std::get<2>(*ref.begin())) << "seed " << seed;
    heap.pop();
    ref.erase(ref.begin());
  }
  EXPECT_TRUE(heap.empty());
}

TEST(TimerHeap, RandomOperationsAgreeWithAReferenceMultiset) {
  for (uint32_t seed : {1u, 2u, 3u, 42u, 20261126u}) {
    SCOPED_TRACE(seed);
    replay_random_operations(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace osn::loop
