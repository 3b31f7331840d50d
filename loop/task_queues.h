// loop/task_queues.h — the three queues of callbacks, and the check phase that runs immediates.
//
// Lab 03 (labs/03-timers-phases) has students write task_queues.cc's [lab 03] regions behind
// exactly this contract (with timer_heap.cc).
// Three queues, three promises — Node's rules:
//  - next_tick(cb): cb runs right after the callback that is running now returns, before any
//    other callback (drain_ticks(), which the loop calls after *every* callback). A tick queued
//    by a tick joins the same drain, so a tick storm starves I/O — exactly as in Node.
//  - set_immediate(cb): cb runs in the check phase, right after the poll phase, in the order
//    queued. run_check_phase() takes the whole queue first: an immediate queued by an
//    immediate waits for the next iteration, so I/O gets its turn. clear_immediate(id) also
//    cancels one that is later in the batch the check phase is running now.
//  - defer_to_pending(cb): cb runs in the next pending phase (an I/O callback a handle deferred,
//    e.g. a write that finished inside write() reports here, never inside the write() call).
//    run_pending_phase() takes the whole queue first, like the check phase.
// Every callback these queues run is followed by drain_ticks(). When the microtask queue
// arrives it lives here too, and drain_ticks() becomes Node's processTicksAndRejections:
// every tick, then every microtask, round again until both are empty.
//
// Ownership: the Loop owns one TaskQueues and the callbacks queued in it. Thread affinity:
// the loop thread only (Loop's entry points check it before forwarding here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

namespace osn::loop {

using Callback = std::function<void()>;
using ImmediateId = uint64_t;  // 0 is never a valid id

class TaskQueues {
 public:
  // ---- next_tick ----
  void next_tick(Callback cb);
  // Runs queued ticks until none is left; called after every callback. Re-entrant calls (from
  // a tick's own callback) return at once: the outer drain goes on.
  void drain_ticks();

  // ---- immediates (check phase) ----
  ImmediateId set_immediate(Callback cb);  // never returns 0
  // false if `id` already ran, was cleared, or never existed.
  bool clear_immediate(ImmediateId id);
  // The check phase's queue: runs the immediates queued before it started; returns how many.
  size_t run_check_phase();

  // ---- pending ----
  void defer_to_pending(Callback cb);
  // The pending phase: runs the callbacks deferred before it started; returns how many.
  size_t run_pending_phase();

  // What the loop needs to decide whether it is alive and how long it may block.
  bool has_ticks() const { return !ticks_.empty(); }
  bool has_immediates() const { return !immediates_.empty(); }
  bool has_pending() const { return !pending_.empty(); }

 private:
  struct Immediate {
    ImmediateId id;
    Callback cb;  // empty once cleared while its batch runs
  };
  void invoke(Callback& cb);  // cb(), then drain_ticks()

  std::deque<Callback> ticks_;
  bool draining_ticks_ = false;
  std::vector<Immediate> immediates_;          // queued for the next check phase
  std::vector<Immediate> running_immediates_;  // the batch the check phase is running
  ImmediateId next_immediate_id_ = 1;
  std::vector<Callback> pending_;
};

}  // namespace osn::loop
