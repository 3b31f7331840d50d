// pool/work_request.h — one work request, and the intrusive FIFO that holds requests.
//
// A request is always in exactly one place: free, in the pool's FIFO (queued), in a pool
// thread's hands (running), or on its loop's done list (waiting for finish()). The list links
// live inside the request, so queueing never allocates and cancel() can unlink a request from
// the middle of the FIFO in O(1). Internal to the pool layer. The pool mutex guards the links
// while queued and `state`; the loop's done mutex guards the links on its done list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "kernel-io/result.h"

namespace osn::pool {

class Task;
class LoopWork;

// kRunning stays set after run(), while the request waits on its loop's done list: a worker
// hands it back under the done mutex only, and cancel() needs no more than "not kQueued".
// kDone: finished without running (cancelled, dropped by forget(), or the pool refused to start).
enum class RequestState : uint8_t { kFree, kQueued, kRunning, kDone };

// The unit in which cores share memory: a write to one byte takes the whole 64-byte line from
// every other core's cache (x86-64 and most ARM cores). Fields written by different threads go
// on different lines (thread_pool.h, loop_work.h), or each write evicts the other's.
inline constexpr size_t kCacheLine = 64;

inline constexpr uint64_t kStampEveryUntil = 1024;  // a loop's first 1024 requests: all
inline constexpr uint64_t kStampEvery = 16;          // after that: every 16th

// What the request does is either a Task (submit()) or two callables kept in the slot itself
// (queue_work(), as libuv keeps work_cb/after_work_cb in the uv_work_t): a slot is reused, so
// the common request allocates nothing of its own. run() on a pool thread; the loop's side
// (pool/loop_work.cc) moves the rest out before calling back.
// Laid out in two cache lines (kCacheLine): the first holds what a pool thread reads or writes
// for a queue_work() request — the work, the links, the state — and the second the loop's
// (a pool thread reads it only for a Task, a stamped request, or a trace), so a request's trip
// to a worker and back moves one line each way, not three. after_work is an
// optional so that submit() move-constructs it in place and finish() destroys it there (a
// std::function's move-assignment builds and destroys a temporary, and a no-op request is
// ~100 ns end to end: docs/pool.md, "Where the time goes").
struct alignas(kCacheLine) WorkRequest {
  // ---- line 1: the pool thread's ----
  std::function<void()> work;  // used when task is null (empty after finish())
  LoopWork* owner = nullptr;   // the loop this request reports back to (fixed per slot)
  WorkRequest* prev = nullptr;
  WorkRequest* next = nullptr;
  RequestState state = RequestState::kFree;
  // Whether the wait-time histogram samples this request. Reading the clock costs the loop
  // thread, the pool's bottleneck, ~15% of a no-op request, so a loop stamps its first
  // kStampEveryUntil requests, then one in kStampEvery (LoopWork::submit).
  bool stamped = false;

  // ---- line 2: the loop's (and the stamps, touched by a pool thread only when stamped) ----
  alignas(kCacheLine) std::unique_ptr<Task> task;
  std::optional<std::function<void(kio::Status)>> after_work;  // used when task is null
  uint64_t queued_ns = 0;   // when submit() queued it (stamped requests)
  uint64_t started_ns = 0;  // when a pool thread took it (stamped requests, or a trace)
  const char* label = nullptr;  // the submitting callback's label ("GET /offload"), for traces
  kio::Status status;      // what finish() will receive
  uint32_t slot = 0;       // index in the owner's slot table
  uint32_t generation = 1; // bumped when the slot is freed: stale handles stop matching
  bool in_use = false;     // loop thread only: from submit until finish() is called

  void run();  // the blocking part (pool/loop_work.cc): task->run() or work()
};

// A doubly linked FIFO of requests it does not own.
class RequestList {
 public:
  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }
  WorkRequest* front() const { return head_; }

  void push_back(WorkRequest* r) {
    r->next = nullptr;
    r->prev = tail_;
    (tail_ ? tail_->next : head_) = r;
    tail_ = r;
    ++size_;
  }

  WorkRequest* pop_front() {
    WorkRequest* r = head_;
    if (r == nullptr) return nullptr;
    head_ = r->next;
    (head_ ? head_->prev : tail_) = nullptr;
    r->next = nullptr;
    --size_;
    return r;
  }

  void unlink(WorkRequest* r) {
    (r->prev ? r->prev->next : head_) = r->next;
    (r->next ? r->next->prev : tail_) = r->prev;
    r->prev = r->next = nullptr;
    --size_;
  }

  // Appends every request of `other`, in order, and leaves it empty: O(1).
  void append(RequestList& other) {
    if (other.empty()) return;
    other.head_->prev = tail_;
    (tail_ ? tail_->next : head_) = other.head_;
    tail_ = other.tail_;
    size_ += other.size_;
    other = RequestList{};
  }

  // Moves every request into the returned list; this one is left empty.
  RequestList take_all() {
    RequestList all = *this;
    *this = RequestList{};
    return all;
  }

 private:
  WorkRequest* head_ = nullptr;
  WorkRequest* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace osn::pool
