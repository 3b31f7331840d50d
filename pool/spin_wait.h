// pool/spin_wait.h — the pool's optional fast path: an idle worker polls for new work briefly
// before it sleeps on the condition variable. Not part of lab 04; the queue works without it.
//
// Why: a sleeping worker costs the submitter a futex wake-up and the worker a trip through
// the scheduler (µs on an idle machine, tens of µs on a VM). A worker that is still awake when
// the next request comes takes it at once. What it does NOT do: it never touches the done list,
// the loop or the order of anything — requests still leave the FIFO oldest first, and their
// callbacks still run only in the loop's poll phase, the done list taken once per wake-up.
// Switch: OSN_POOL_SPIN=0|1 (read when the pool starts; default on, chosen by measurement:
// docs/pool.md). Thread affinity: every member is called with the pool mutex held, except
// that spin_before_sleep() releases it while it spins.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace osn::pool {

inline constexpr const char* kPoolSpinVariable = "OSN_POOL_SPIN";
inline constexpr bool kPoolSpinDefault = true;

struct PoolSpinChoice {
  bool on = kPoolSpinDefault;
  std::string error;  // empty when ok(); otherwise names the variable, its value and 0|1
  bool ok() const { return error.empty(); }
};

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

// One spinning worker at a time. work_queue.cc calls it at three points: before a worker
// sleeps (spin_before_sleep), when a request is queued (work_submitted), and before it
// signals the condition variable (spinning: if a worker is awake and looking, no signal).
class WorkSpinner {
 public:
  void configure(bool on) { on_ = on; }
  // Pool mutex held. If spinning is on, nobody else spins and the backoff allows: releases
  // `mutex`, polls for a submit for up to kWorkerSpinNs, takes `mutex` again. The caller then
  // looks at its FIFO as before, and sleeps if it is (still) empty.
  void spin_before_sleep(pthread_mutex_t& mutex);
  void work_submitted() { submits_.fetch_add(1, std::memory_order_release); }
  bool spinning() const { return spinning_; }
  void reset() {  // in a forked child
    spinning_ = false;
    backoff_ = SpinBackoff{};
  }

 private:
  bool on_ = kPoolSpinDefault;
  bool spinning_ = false;
  std::atomic<uint64_t> submits_{0};
  SpinBackoff backoff_;
};

}  // namespace osn::pool
