// loop/fifo.h — a first-in first-out queue that costs nothing while empty.
//
// std::deque would do, but libstdc++'s deque allocates its map and a first 512-byte block as
// soon as it is constructed, even empty: every Stream paid ~600 bytes for a write queue that
// most never use (a response the kernel takes whole is never queued). Fifo is a vector and the
// index of its first element; it frees its storage whenever it becomes empty, so an idle
// connection holds no queue memory at all. pop_front is O(1); the vector only grows at the back.
// Ownership: owns its elements. Thread affinity: none (a plain container).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace osn::loop {

template <class T>
class Fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  T& operator[](size_t i) { return items_[head_ + i]; }
  T& front() { return items_[head_]; }
  T& back() { return items_.back(); }
  void push_back(T&& item) { items_.push_back(std::move(item)); }
  void pop_front() {
    items_[head_] = T{};  // its resources go now, not when the queue empties
    if (++head_ == items_.size()) clear();
  }
  void clear() {
    std::vector<T>().swap(items_);  // frees the storage: an empty Fifo holds nothing
    head_ = 0;
  }
  void swap(Fifo& other) {
    items_.swap(other.items_);
    std::swap(head_, other.head_);
  }
  T* begin() { return items_.data() + head_; }
  T* end() { return items_.data() + items_.size(); }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace osn::loop
