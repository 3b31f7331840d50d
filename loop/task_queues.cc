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
void TaskQueues::next_tick(Callback cb) { ticks_.push_back(std::move(cb)); }

void TaskQueues::drain_ticks() {
  if (draining_ticks_) return;  // a tick's callback runs inside this drain already
  draining_ticks_ = true;
  while (!ticks_.empty()) {  // (with microtasks: || !microtasks_.empty(), draining both)
    Callback cb = std::move(ticks_.front());
    ticks_.pop_front();
    cb();
  }
  draining_ticks_ = false;
}
// [lab 03] end

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
