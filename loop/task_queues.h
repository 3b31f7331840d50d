// loop/task_queues.h — the queues of callbacks, and the check phase that runs immediates.
//
// THE DRAIN RULE (Node's processTicksAndRejections, checked against node 20): after every
// callback, run the whole next_tick queue, then the whole microtask queue, and go round again
// until both are empty. So a microtask queued by a tick runs in this same drain (after the
// ticks), and a tick queued by a microtask runs once the microtask queue has drained; nothing
// else (no timer, no I/O, no immediate) runs until both queues are empty.
//
// Lab 03 (labs/03-timers-phases) has students write the tick and immediate parts of
// task_queues.cc behind this contract (with timer_heap.cc); lab 08 (labs/08-async-await) writes
// the microtask drain. Each part is a [lab NN] region of task_queues.cc. Node's rules, queue by
// queue:
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
//  - queue_microtask(cb): cb runs in the drain after the current callback, after the ticks
//    (queueMicrotask; a promise's then-callbacks and every co_await resumption are microtasks).
//    A microtask queued by a microtask joins the same drain. queue_resumption(frame) is the
//    same for a suspended coroutine: the frame's handle itself goes in the queue (8 bytes, no
//    std::function, nothing allocated: the path every co_await takes), and
//    cancel_resumption(frame) takes it back when the frame is destroyed before its turn.
//  - at_end_of_drain(cb): cb runs once both queues are empty, before the drain returns — where
//    Node looks for unhandled rejections (loop/unhandled_rejection.h).
// Every callback these queues run is followed by drain_ticks_and_microtasks(), the rule above.
//
// Ownership: the Loop owns one TaskQueues and the callbacks queued in it. Thread affinity:
// the loop thread only (Loop's entry points check it before forwarding here).
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "loop/ring.h"

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

  // ---- microtasks, and the drain rule at the top of this file ----
  void queue_microtask(Callback cb);
  // Inline: the whole cost of a co_await's wake-up is this store (and the pop in the drain).
  void queue_resumption(std::coroutine_handle<> frame) { microtasks_.push_back(frame); }
  void cancel_resumption(std::coroutine_handle<> frame);
  // Would a resumption of `frame` queued now be the very next thing the drain runs? True when
  // `frame` is the microtask running now and nothing else is queued: then a co_await of
  // something ready already may take its one turn in place (frame.h, suspend_for_one_turn()) —
  // the order of everything else is the same as if it had gone round the queue.
  bool is_next_microtask(std::coroutine_handle<> frame) const {
    return frame == running_frame_ && microtasks_.empty();
  }
  void at_end_of_drain(Callback cb);
  // Ticks, then microtasks, until both are empty; called after every callback. Re-entrant
  // calls (from a tick or a microtask) return at once: the outer drain goes on.
  void drain_ticks_and_microtasks();

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
  bool has_microtasks() const { return !microtasks_.empty(); }
  bool has_immediates() const { return !immediates_.empty(); }
  bool has_pending() const { return !pending_.empty(); }
  // Nothing for drain_ticks_and_microtasks() to do: the common case after a callback, tested
  // inline by Loop::invoke so that a callback queueing nothing costs no call.
  bool nothing_to_drain() const {
    return ticks_.empty() && microtasks_.empty() && end_of_drain_.empty();
  }

 private:
  struct Immediate {
    ImmediateId id;
    Callback cb;  // empty once cleared while its batch runs
  };
  void invoke(Callback& cb);  // cb(), then drain_ticks_and_microtasks()
  void run_microtasks();      // until the microtask queue is empty
  // Resumes a queued frame, remembering it as the microtask running now (is_next_microtask).
  void resume(std::coroutine_handle<> frame) {
    running_frame_ = frame;
    frame.resume();
    running_frame_ = nullptr;
  }

  std::deque<Callback> ticks_;
  bool draining_ticks_ = false;
  // The microtask queue, in the order queued: each entry is a frame to resume, or a null
  // handle, which stands for the next callback of microtask_callbacks_ (queue_microtask). Two
  // rings, so a resumption is 8 bytes with no std::function to build, move or test; both keep
  // their order, so together they are one FIFO. A cancelled resumption becomes
  // std::noop_coroutine(), whose resume() does nothing. Rings never shrink (ring.h): a steady
  // stream of microtasks — a million co_awaits — allocates nothing once they have grown.
  Ring<std::coroutine_handle<>> microtasks_;
  Ring<Callback> microtask_callbacks_;
  std::coroutine_handle<> running_frame_;  // the frame resume() is running, else null
  std::vector<Callback> end_of_drain_;
  bool draining_ = false;
  std::vector<Immediate> immediates_;          // queued for the next check phase
  std::vector<Immediate> running_immediates_;  // the batch the check phase is running
  ImmediateId next_immediate_id_ = 1;
  std::vector<Callback> pending_;
};

}  // namespace osn::loop
