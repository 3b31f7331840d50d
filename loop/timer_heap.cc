// loop/timer_heap.cc — sift up, sift down, and removal from the middle.
//
// Removing an arbitrary entry: move the last node into its place, then sift it up or down —
// whichever direction restores the heap order. position_ follows every move.
// Lab 03 (labs/03-timers-phases) has students write the part between the "[lab 03]" markers.
#include "loop/timer_heap.h"

// [lab 03] begin: the heap: place, sift_up, sift_down, insert, contains, erase
namespace osn::loop {

void TimerHeap::place(size_t index, const Node& node) {
  nodes_[index] = node;
  position_[node.slot] = static_cast<uint32_t>(index);
}

void TimerHeap::sift_up(size_t index) {
  Node node = nodes_[index];
  while (index > 0) {
    size_t parent = (index - 1) / 2;
    if (!earlier(node, nodes_[parent])) break;
    place(index, nodes_[parent]);
    index = parent;
  }
  place(index, node);
}

void TimerHeap::sift_down(size_t index) {
  Node node = nodes_[index];
  const size_t n = nodes_.size();
  for (;;) {
    size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && earlier(nodes_[child + 1], nodes_[child])) ++child;
    if (!earlier(nodes_[child], node)) break;
    place(index, nodes_[child]);
    index = child;
  }
  place(index, node);
}

void TimerHeap::insert(uint32_t slot, uint64_t deadline, uint64_t sequence) {
  if (slot >= position_.size()) position_.resize(slot + 1, kAbsent);
  if (position_[slot] != kAbsent) erase(slot);
  nodes_.push_back(Node{deadline, sequence, slot});
  position_[slot] = static_cast<uint32_t>(nodes_.size() - 1);
  sift_up(nodes_.size() - 1);
}

bool TimerHeap::contains(uint32_t slot) const {
  return slot < position_.size() && position_[slot] != kAbsent;
}

bool TimerHeap::erase(uint32_t slot) {
  if (!contains(slot)) return false;
  size_t index = position_[slot];
  position_[slot] = kAbsent;
  Node last = nodes_.back();
  nodes_.pop_back();
  if (index == nodes_.size()) return true;  // it was the last node
  place(index, last);
  if (index > 0 && earlier(last, nodes_[(index - 1) / 2]))
    sift_up(index);
  else
    sift_down(index);
  return true;
}

}  // namespace osn::loop
// [lab 03] end
