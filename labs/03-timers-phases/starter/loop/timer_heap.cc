// loop/timer_heap.cc — sift up, sift down, and removal from the middle.
//
// Removing an arbitrary entry: move the last node into its place, then sift it up or down —
// whichever direction restores the heap order. position_ follows every move.
// Lab 03 (labs/03-timers-phases) has students write the part between the "[lab 03]" markers.
#include "loop/timer_heap.h"

// [lab 03] begin: the heap: place, sift_up, sift_down, insert, contains, erase
#include <cstdio>
#include <cstdlib>

namespace osn::loop {

// Until a function is written it stops the program and names itself, so a check fails at
// once instead of hanging in a loop whose timers never come due. Delete it when all are done.
[[noreturn]] static void not_written(const char* part) {
  std::fprintf(stderr, "TODO(lab 03): %s is not written yet (labs/03-timers-phases/README.md)\n",
               part);
  std::abort();
}

// TODO(lab 03): store `node` at nodes_[index] and record the index in position_[node.slot].
void TimerHeap::place(size_t, const Node&) { not_written("TimerHeap::place"); }

// TODO(lab 03): move the node at `index` up while it is earlier() than its parent (i-1)/2.
void TimerHeap::sift_up(size_t) { not_written("TimerHeap::sift_up"); }

// TODO(lab 03): move the node at `index` down while a child (2i+1, 2i+2) is earlier().
void TimerHeap::sift_down(size_t) { not_written("TimerHeap::sift_down"); }

// TODO(lab 03): grow position_ to hold `slot`; a slot already in the heap is moved (a
// restart); append the node and sift it up.
void TimerHeap::insert(uint32_t, uint64_t, uint64_t) { not_written("TimerHeap::insert"); }

// TODO(lab 03): is `slot` in the heap? (position_ knows, without searching.)
bool TimerHeap::contains(uint32_t) const { not_written("TimerHeap::contains"); }

// TODO(lab 03): remove `slot` from anywhere in O(log n): the last node takes its place and
// sifts up or down, whichever restores the order. false if it was not in the heap.
bool TimerHeap::erase(uint32_t) { not_written("TimerHeap::erase"); }

}  // namespace osn::loop
// [lab 03] end
