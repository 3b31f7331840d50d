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

void TaskQueues::queue_microtask(Callback cb) {
  microtask_callbacks_.push_back(std::move(cb));
  microtasks_.push_back(nullptr);  // "the next callback", in its place in the order
}

// A frame destroyed while its resumption waits: forget it. Rare — only a frame destroyed
// between being woken and its turn — so a scan of what is queued. The entry stays (a null one
// would take a callback's place) and resumes nothing.
void TaskQueues::cancel_resumption(std::coroutine_handle<> frame) {
  for (size_t i = 0; i < microtasks_.size(); ++i)
    if (microtasks_[i] == frame) microtasks_[i] = std::noop_coroutine();
}

void TaskQueues::at_end_of_drain(Callback cb) { end_of_drain_.push_back(std::move(cb)); }

// [lab 08] begin: the microtask drain (run_microtasks, drain_ticks_and_microtasks)
// TODO(lab 08): run the microtask queue until it is empty, first in, first out. Each entry
// microtasks_.pop_front() gives is a frame to resume (resume(frame): it remembers the frame
// as the microtask running now), or a null handle: then the microtask is the next callback,
// microtask_callbacks_.pop_front(). Pop before running it: the microtask may queue more, and
// the rings may grow (and move) under it. A microtask queued by a microtask runs in this same
// call.
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
