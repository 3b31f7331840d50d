// loop/ring.h — a first-in first-out ring that grows and never shrinks: a queue whose steady
// traffic allocates nothing.
//
// The microtask queue (task_queues.h) carries a million co_await resumptions a second; each
// push and pop must be a store and a load, no allocation, no type erasure. Ring is a vector of
// power-of-two size and two counters that only count up: the slot of count c is
// c & (capacity - 1), so wrapping needs no branch. When full it doubles (moving the elements
// in order); it never gives the storage back, so once it has grown to the deepest queue seen,
// pushing and popping allocate nothing. Unlike Fifo (fifo.h), which frees its storage when it
// empties (an idle connection holds nothing), Ring suits a queue that empties and refills all
// the time. Ownership: owns its elements. Thread affinity: none (a plain container).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace osn::loop {

template <class T>
class Ring {
 public:
  bool empty() const { return head_ == tail_; }
  size_t size() const { return tail_ - head_; }
  void push_back(T item) {
    if (tail_ - head_ == slots_.size()) grow();
    slots_[tail_++ & mask_] = std::move(item);
  }
  // Moves the oldest element out (the slot keeps a moved-from T until it is reused).
  T pop_front() { return std::move(slots_[head_++ & mask_]); }
  // The i-th element from the front (0 is the oldest), for a scan such as a cancellation.
  T& operator[](size_t i) { return slots_[(head_ + i) & mask_]; }

 private:
  [[gnu::noinline]] void grow() {
    std::vector<T> bigger(slots_.empty() ? 64 : 2 * slots_.size());
    for (size_t i = 0; i < size(); ++i) bigger[i] = std::move((*this)[i]);
    tail_ -= head_;
    head_ = 0;
    slots_.swap(bigger);
    mask_ = slots_.size() - 1;
  }
  std::vector<T> slots_;
  size_t mask_ = 0;
  size_t head_ = 0;  // counts up: the next element to pop is slots_[head_ & mask_]
  size_t tail_ = 0;  // counts up: the next push goes to slots_[tail_ & mask_]
};

}  // namespace osn::loop
