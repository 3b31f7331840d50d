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
// TODO(lab 03): next_tick(cb) queues cb at the back of ticks_.
void TaskQueues::next_tick(Callback) {}

// TODO(lab 03): drain_ticks() runs ticks from the front of ticks_ until none is left — ticks
// queued meanwhile included. A call while a drain is running (draining_ticks_) returns at once.
void TaskQueues::drain_ticks() {
  (void)draining_ticks_;  // named until you use it: clang warns of an unused private field
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
// First in, first out, until the queue is empty: a microtask queued by a microtask runs in
// this same drain (unlike the phases, which take a batch). Each entry is popped before it
// runs, as it may queue more (and the rings may grow under it).
void TaskQueues::run_microtasks() {
  while (!microtasks_.empty()) {
    if (std::coroutine_handle<> frame = microtasks_.pop_front()) {
      resume(frame);  // a co_await's turn (std::noop_coroutine() if cancelled)
    } else {
      Callback cb = microtask_callbacks_.pop_front();
      cb();
    }
  }
}

void TaskQueues::drain_ticks_and_microtasks() {
  if (draining_) return;  // a tick or microtask runs inside this drain already
  draining_ = true;
  do {
    drain_ticks();
    run_microtasks();
    if (!end_of_drain_.empty() && ticks_.empty()) {
      std::vector<Callback> batch;
      batch.swap(end_of_drain_);
      for (Callback& cb : batch) cb();
    }
  } while (!ticks_.empty() || has_microtasks());
  draining_ = false;
}
// [lab 08] end

// ---- immediates and the check phase -------------------------------------------------------------

// [lab 03] begin: set_immediate, clear_immediate and the check phase that runs immediates
// TODO(lab 03): set_immediate(cb) queues {a new id, cb} in immediates_ and returns the id
// (next_immediate_id_ counts from 1; 0 is never an id).
ImmediateId TaskQueues::set_immediate(Callback) {
  (void)next_immediate_id_;  // named until you use it (see drain_ticks)
  return 0;
}

// TODO(lab 03): clear_immediate(id) removes a queued immediate, or empties the callback of one
// later in the batch the check phase is running (running_immediates_). false if neither.
bool TaskQueues::clear_immediate(ImmediateId) { return false; }

// TODO(lab 03): run_check_phase() takes the whole queue into running_immediates_ first (one
// queued meanwhile waits for the next iteration), runs each callback that was not cleared
// with invoke(), and returns how many ran. run_pending_phase() below is the model.
size_t TaskQueues::run_check_phase() { return 0; }
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
