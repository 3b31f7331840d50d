// loop/task_queues.cc — next_tick, set_immediate and the pending queue.
//
// Three queues, three promises (Lab 03 has students write this file):
//  - next_tick: runs right after the current callback, before any other. Ticks queued by a
//    tick join the same drain, so a tick storm can starve I/O — exactly as in Node.
//  - set_immediate: runs in the check phase, right after the poll phase. The check phase takes
//    the whole queue first (loop.cc), so an immediate queued by an immediate waits one
//    iteration and I/O gets its turn.
//  - pending: I/O callbacks a handle deferred (e.g. a write that finished synchronously reports
//    in the next iteration's pending phase, never inside the write() call itself).
#include "loop/loop.h"

namespace osn::loop {

void Loop::next_tick(Callback cb) { ticks_.push_back(std::move(cb)); }

void Loop::drain_ticks() {
  if (draining_ticks_) return;  // a tick's callback runs inside this drain already
  draining_ticks_ = true;
  while (!ticks_.empty()) {
    Callback cb = std::move(ticks_.front());
    ticks_.pop_front();
    cb();
  }
  draining_ticks_ = false;
}

ImmediateId Loop::set_immediate(Callback cb) {
  ImmediateId id = next_immediate_id_++;
  immediates_.push_back(Immediate{id, std::move(cb)});
  return id;
}

bool Loop::clear_immediate(ImmediateId id) {
  for (auto it = immediates_.begin(); it != immediates_.end(); ++it) {
    if (it->id == id) {
      immediates_.erase(it);
      return true;
    }
  }
  for (Immediate& im : running_immediates_) {  // one of the check phase running right now
    if (im.id == id && im.cb) {
      im.cb = nullptr;
      return true;
    }
  }
  return false;
}

void Loop::defer_to_pending(Callback cb) { pending_.push_back(std::move(cb)); }

}  // namespace osn::loop
