// loop/task_queues.cc — next_tick, microtasks, set_immediate with the check phase, and the
// pending queue.
//
// The promises are in task_queues.h (Lab 03 writes this file). The one idea behind both
// phases: take the whole queue into a local batch *before* running it, so what a callback
// queues meanwhile waits for the next iteration. The tick queue is the exception: it is
// drained until empty, ticks queued by ticks included. Lab 03 (labs/03-timers-phases) has
// students write the parts between the "[lab 03]" markers; invoke() and the pending queue stay.
#include "loop/task_queues.h"

#include <utility>

namespace osn::loop {

void TaskQueues::invoke(Callback& cb) {
  cb();
  drain_ticks_and_microtasks();
}

// ---- next_tick --------------------------------------------------------------------------------

// [lab 03] begin: next_tick and drain_ticks
void TaskQueues::next_tick(Callback cb) { ticks_.push_back(std::move(cb)); }

void TaskQueues::drain_ticks() {
  if (draining_ticks_) return;  // a tick's callback runs inside this drain already
  draining_ticks_ = true;
  while (!ticks_.empty()) {  // the microtasks come after: drain_ticks_and_microtasks()
    Callback cb = std::move(ticks_.front());
    ticks_.pop_front();
    cb();
  }
  draining_ticks_ = false;
}
// [lab 03] end

// ---- microtasks, and the drain after every callback (the rule in task_queues.h) ---------------

void TaskQueues::queue_microtask(Callback cb) { push_microtask(Microtask{std::move(cb), {}}); }

void TaskQueues::queue_resumption(std::coroutine_handle<> frame) {
  push_microtask(Microtask{nullptr, frame});
}

void TaskQueues::push_microtask(Microtask m) {
  size_t capacity = microtasks_.size();
  if (microtask_tail_ - microtask_head_ == capacity) {  // full (or never used): double it
    std::vector<Microtask> bigger(capacity == 0 ? 64 : 2 * capacity);
    for (size_t i = 0; i < capacity; ++i)
      bigger[i] = std::move(microtasks_[(microtask_head_ + i) & (capacity - 1)]);
    microtasks_.swap(bigger);
    microtask_tail_ -= microtask_head_;
    microtask_head_ = 0;
    capacity = microtasks_.size();
  }
  microtasks_[microtask_tail_++ & (capacity - 1)] = std::move(m);
}

// A frame destroyed while its resumption waits: forget it. Rare — only a frame destroyed
// between being woken and its turn — so a scan of what is queued.
void TaskQueues::cancel_resumption(std::coroutine_handle<> frame) {
  const size_t mask = microtasks_.size() - 1;
  for (size_t i = microtask_head_; i != microtask_tail_; ++i)
    if (microtasks_[i & mask].frame == frame) microtasks_[i & mask].frame = nullptr;
}

void TaskQueues::at_end_of_drain(Callback cb) { end_of_drain_.push_back(std::move(cb)); }

// [lab 08] begin: the microtask drain (run_microtasks, drain_ticks_and_microtasks)
// TODO(lab 08): run the microtask queue until it is empty, first in, first out. Each slot of
// the ring microtasks_[microtask_head_ & (microtasks_.size() - 1)] holds either a frame to
// resume (slot.frame.resume()) or a callback (slot.cb). Empty the slot before running it: the
// microtask may queue more, and the ring may grow (and move) under it. A microtask queued by
// a microtask runs in this same call.
void TaskQueues::run_microtasks() {}

// TODO(lab 08): Node's processTicksAndRejections (the rule at the top of task_queues.h):
// drain_ticks(), then run_microtasks(), and round again while either queue has something.
// When both are empty, run (a batch of) the at_end_of_drain_ callbacks. Guard re-entrance
// with draining_, as drain_ticks() does with draining_ticks_. Until then only ticks drain.
void TaskQueues::drain_ticks_and_microtasks() {
  (void)draining_;
  drain_ticks();
}
// [lab 08] end

// ---- immediates and the check phase -------------------------------------------------------------

// [lab 03] begin: set_immediate, clear_immediate and the check phase that runs immediates
ImmediateId TaskQueues::set_immediate(Callback cb) {
  ImmediateId id = next_immediate_id_++;
  immediates_.push_back(Immediate{id, std::move(cb)});
  return id;
}

bool TaskQueues::clear_immediate(ImmediateId id) {
  for (auto it = immediates_.begin(); it != immediates_.end(); ++it) {
    if (it->id == id) {
      immediates_.erase(it);
      return true;
    }
  }
  for (Immediate& im : running_immediates_) {  // later in the batch running right now
    if (im.id == id && im.cb) {
      im.cb = nullptr;
      return true;
    }
  }
  return false;
}

size_t TaskQueues::run_check_phase() {
  if (immediates_.empty()) return 0;
  size_t ran = 0;
  running_immediates_.swap(immediates_);  // queued from now on: next iteration
  for (size_t i = 0; i < running_immediates_.size(); ++i) {
    Callback cb = std::move(running_immediates_[i].cb);
    if (!cb) continue;  // cleared by an earlier one
    invoke(cb);
    ++ran;
  }
  running_immediates_.clear();
  return ran;
}
// [lab 03] end

// ---- pending ----------------------------------------------------------------------------------

void TaskQueues::defer_to_pending(Callback cb) { pending_.push_back(std::move(cb)); }

size_t TaskQueues::run_pending_phase() {
  if (pending_.empty()) return 0;
  std::vector<Callback> batch;
  batch.swap(pending_);
  for (Callback& cb : batch) invoke(cb);
  return batch.size();
}

}  // namespace osn::loop
