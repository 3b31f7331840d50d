// loop/task_queues.cc — next_tick, set_immediate with the check phase, and the pending queue.
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
  drain_ticks();
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
