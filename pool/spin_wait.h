// pool/spin_wait.h — the pool's optional fast path: spin briefly instead of sleeping, on both
// sides of the queue. Not part of lab 04; the queue works the same without it.
//
// Why: a sleeping thread costs its waker a system call (futex, eventfd write) and itself a
// trip through the scheduler — µs on an idle machine, 10-30 µs to wake an idle CPU of a VM.
// Two spinners, each bounded and backing off when it keeps missing (SpinBackoff):
//  * WorkSpinner: an idle worker polls for a new submit before it sleeps on the condvar;
//  * LoopSpinner: a loop whose poll phase is about to block, with pool requests in flight
//    and its recent waits for the pool short, polls for a worker's wake-up first.
// What they do NOT do: change what runs when. Requests still leave the FIFO oldest first;
// the worker still writes the loop's wake-up descriptor; callbacks still run only in the poll
// phase, the done list taken once per wake-up. The loop's spin only makes the poll phase's
// kernel wait that follows return at once instead of sleeping.
// Switch: OSN_POOL_SPIN=0|1 (default on, chosen by measurement: docs/pool.md).
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "pool/pool_switch.h"

namespace osn::pool {

inline constexpr const char* kPoolSpinVariable = "OSN_POOL_SPIN";
inline constexpr bool kPoolSpinDefault = true;

using PoolSpinChoice = PoolSwitch;  // pool/pool_switch.h

// `text` is the variable's value, or nullptr when unset (then the default). Only "0" and "1".
PoolSpinChoice parse_pool_spin(const char* text);
PoolSpinChoice pool_spin_from_environment();

// Spinning pays only while the thread we wait for runs on another core. Spins that keep
// missing say it does not (a busy machine, or no submits coming): then skip the next 1, 2,
// 4 ... 64 chances to spin and go straight to sleep. One miss alone is forgiven — on a quiet
// machine it is a timer tick or a passing process — so only the second miss in a row backs
// off. One caught spin resets everything.
class SpinBackoff {
 public:
  static constexpr uint32_t kMaxSkip = 64;
  bool should_spin() {
    if (skip_ == 0) return true;
    --skip_;
    return false;
  }
  void caught() {
    backoff_ = 1;
    missed_in_a_row_ = 0;
  }
  void missed() {
    if (++missed_in_a_row_ < 2) return;  // the first miss in a row is forgiven
    skip_ = backoff_;
    if (backoff_ < kMaxSkip) backoff_ *= 2;
  }

 private:
  uint32_t skip_ = 0;
  uint32_t backoff_ = 1;
  uint32_t missed_in_a_row_ = 0;
};

// The workers' half. Thread affinity: pool mutex held for every member, except that
// spin_before_sleep() releases it while it spins. One spinning worker at a time.
// work_queue.cc calls it at three points: before a worker sleeps (spin_before_sleep), when a
// request is queued (work_submitted, just after the mutex is released), and before anyone
// signals the condition variable (spinning: a worker is awake and looking, so no signal; the
// worker that takes the request passes the baton if more are queued, as without the spin).
class WorkSpinner {
 public:
  void configure(bool on) { on_ = on; }
  // Pool mutex held. If spinning is on, nobody else spins and the backoff allows: releases
  // `mutex`, polls for a submit for up to kWorkerSpinNs, takes `mutex` again. The caller then
  // looks at its FIFO as before, and sleeps if it is (still) empty.
  void spin_before_sleep(pthread_mutex_t& mutex);
  // Just after the pool mutex was released — so that the spinner, seeing the change, finds it
  // free. A load and a store, no locked read-modify-write on the loop's path: two loops
  // submitting at once may lose one count, but the value still changes, which is all a
  // spinner looks for.
  void work_submitted() {
    submits_.store(submits_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  bool spinning() const { return spinning_; }
  void reset() {  // in a forked child
    spinning_ = false;
    backoff_ = SpinBackoff{};
  }

 private:
  // The submit count on a cache line (64 bytes: kCacheLine, pool/work_request.h) of its own:
  // the loop writes it on every request, a spinning worker reads it; the flags below are read
  // under the pool mutex on every request.
  alignas(64) std::atomic<uint64_t> submits_{0};
  alignas(64) bool on_ = kPoolSpinDefault;
  bool spinning_ = false;
  SpinBackoff backoff_;
};

// The loop's half, owned by one loop's LoopWork (pool/loop_work.h). Thread affinity: the loop
// thread, except wake_sent() (any thread: the worker that just sent the loop's Async).
class LoopSpinner {
 public:
  LoopSpinner() : on_(pool_spin_from_environment().on) {}
  // Before the done list is taken: wake-ups counted after this are for what comes next; and
  // if the loop was waiting for the pool, how long that wait (the "gap") was.
  void taking_done_list();
  // Just before the poll phase may block for `timeout_ms` (-1: no limit): with `in_flight`
  // requests out, no wake-up sent since the list was taken, and recent gaps short, polls for
  // a worker's wake_sent() for up to kLoopSpinNs. Runs nothing.
  void before_blocking_poll(int timeout_ms, size_t in_flight);
  void wake_sent() { wakes_.fetch_add(1, std::memory_order_release); }

 private:
  bool on_;
  uint64_t wakes_seen_ = 0;
  uint64_t waiting_since_ns_ = 0;  // when the poll phase last began to wait with work out
  uint64_t recent_gap_ns_ = 0;     // average of the last few waits for the pool
  std::atomic<uint64_t> wakes_{0};
  SpinBackoff backoff_;
};

}  // namespace osn::pool
