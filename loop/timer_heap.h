// loop/timer_heap.h — a binary min-heap of timer deadlines.
//
// The loop must answer two questions fast: "when is the next timer due?" (to choose how long
// to block in the poll phase) and "which timers are due now?". A binary heap keeps the
// earliest deadline at the root: peek O(1), insert and remove O(log n). Ties are broken by a
// sequence number, so timers with the same deadline fire in the order they were created (as
// libuv does, and as Node guarantees). Lab 03 has students write its heap (timer_heap.cc).
//
// Contract: entries are identified by a caller-chosen `slot` (a small integer; each slot is in
// the heap at most once). erase() removes any slot in O(log n) — timers are often cancelled
// long before they fire (an idle timeout reset on every request), so lazy deletion would pile
// up dead entries. insert() of a slot that is already in the heap moves it to its new
// (deadline, sequence): a restarted timer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace osn::loop {

class TimerHeap {
 public:
  void insert(uint32_t slot, uint64_t deadline, uint64_t sequence);
  // Removes `slot` if present; returns whether it was.
  bool erase(uint32_t slot);
  bool contains(uint32_t slot) const;

  bool empty() const { return nodes_.empty(); }
  size_t size() const { return nodes_.size(); }
  // Only when !empty():
  uint32_t top_slot() const { return nodes_.front().slot; }
  uint64_t top_deadline() const { return nodes_.front().deadline; }
  void pop() { erase(top_slot()); }

 private:
  struct Node {
    uint64_t deadline;
    uint64_t sequence;
    uint32_t slot;
  };
  static bool earlier(const Node& a, const Node& b) {
    return a.deadline != b.deadline ? a.deadline < b.deadline : a.sequence < b.sequence;
  }
  void place(size_t index, const Node& node);  // store node at index, record its position
  void sift_up(size_t index);
  void sift_down(size_t index);

  static constexpr uint32_t kAbsent = UINT32_MAX;
  std::vector<Node> nodes_;         // the heap, root at index 0; children of i: 2i+1, 2i+2
  std::vector<uint32_t> position_;  // slot -> index in nodes_, or kAbsent
};

}  // namespace osn::loop
