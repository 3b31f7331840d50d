// pool/thread_pool.h — the process's one thread pool (internal to the pool layer).
//
// Declares what pool/work_queue.cc (lab 04) implements: the FIFO of work requests, the pthread
// mutex and condition variables, the workers and the hand-back onto each loop's done list.
// One pool per process, shared by every loop, as libuv's: ThreadPool::process(). Its state is
// the one mutable global of the project, guarded by mutex_. docs/pool.md draws it.
#pragma once

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel-io/result.h"
#include "loop/metrics.h"
#include "pool/pool_size.h"
#include "pool/work_queue.h"
#include "pool/work_request.h"

namespace osn::pool {

class LoopWork;

class MutexLock {
 public:
  explicit MutexLock(pthread_mutex_t& m) : m_(m) { pthread_mutex_lock(&m_); }
  ~MutexLock() { pthread_mutex_unlock(&m_); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  pthread_mutex_t& m_;
};

// Spinning pays only while the thread we wait for runs on another core. Spins that keep timing
// out say it does not (a busy machine, or slow work): then skip the next 1, 2, 4 ... 64 chances
// to spin, and go straight to sleep. One miss alone is forgiven: on a quiet machine it is a
// timer tick or a passing process that briefly preempted the other side, and backing off for it
// would send the next round trips through the slow sleep-and-wake path (measured: that alone
// doubled the p99). One caught spin resets the backoff.
class SpinBackoff {
 public:
  uint64_t n_skip=0,n_caught=0,n_missed=0;
  ~SpinBackoff(){ if (getenv("XDBG")) fprintf(stderr,"spin skip=%lu caught=%lu missed=%lu\n",n_skip,n_caught,n_missed);}
  bool should_spin() {
    if (skip_ == 0) return true;
    --skip_; ++n_skip;
    return false;
  }
  void caught() {++n_caught;
    backoff_ = 1;
    missed_in_a_row_ = 0;
  }
  void missed() {++n_missed;
    if (++missed_in_a_row_ < 1) return;
    skip_ = backoff_;
    if (backoff_ < 64) backoff_ *= 2;
  }

 private:
  uint32_t skip_ = 0;
  uint32_t backoff_ = 1;
  uint32_t missed_in_a_row_ = 0;
};

// A hint to the CPU that this thread is spinning (x86 PAUSE, ARM YIELD).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// One step of a spin-wait, at time `now`: a sched_yield() at the start and every
// kSpinYieldNs, a short burst of cpu_relax() in between. Why yield: the thread we spin for may
// have been put on *our* CPU (schedulers like to wake a thread next to its waker, and with 5
// threads on 2 cores, or another program on the other core, they often share one); then it
// runs only when we stop. Measured on a quiet 2-core machine: without the yield, runs where
// both sides ended up on one core paid a whole spin (~100 us) every few dozen round trips, or
// 6-12 us per round trip with a yield only every 2-5 us. With no one else to run, a yield is
// one cheap system call that returns at once.
inline void spin_pause(uint64_t now, uint64_t& next_yield_ns) {
  constexpr uint64_t kSpinYieldNs = 2'000;  // next_yield_ns starts at the spin's start
  if (now < next_yield_ns) {
    for (int i = 0; i < 16; ++i) cpu_relax();
    return;
  }
  sched_yield();
  next_yield_ns = now + kSpinYieldNs;
}

// Thread affinity: enqueue/cancel/forget from loop threads; the workers are its own threads;
// stats/size/shutdown from anywhere. Everything below mutex_ is guarded by it.
class ThreadPool {
 public:
  static ThreadPool& process();
  ~ThreadPool() { stop_threads(); }

  void enqueue(RequestList& batch);
  bool cancel(WorkRequest* r);
  void forget(LoopWork* lw);  // a loop is going away: drop its queued work, wait for running
  PoolStats stats();
  void reset_stats();
  kio::Result<size_t> size();
  std::string size_problem();
  kio::Status shutdown();

  pthread_mutex_t mutex_ = PTHREAD_MUTEX_INITIALIZER;
  uint64_t epoch_ = 0;  // +1 in every forked child

 private:
  struct Worker {
    ThreadPool* pool;
    size_t index;
    pthread_t thread;
  };
  ThreadPool();
  static void* worker_main(void* arg);
  void work_loop();
  WorkRequest* next_request();
  WorkRequest* take_oldest();
  void wake_a_worker();
  void spin_for_work();
  LoopWork* hand_back(WorkRequest* r);
  void start_threads();
  void stop_threads();
  void reset_in_child();

  pthread_cond_t work_available_ = PTHREAD_COND_INITIALIZER;  // workers sleep here
  pthread_cond_t request_left_ = PTHREAD_COND_INITIALIZER;    // forget() waits here
  RequestList queue_;
  std::vector<Worker> workers_;
  PoolSizeChoice size_;
  kio::Status start_error_;
  bool started_ = false;
  bool stopping_ = false;
  std::atomic<size_t> queued_hint_{0};  // queue_.size(), for the spinner (no mutex)
  bool spinner_ = false;  // a worker is polling queued_hint_ instead of sleeping
  SpinBackoff worker_spin_;
  size_t sleeping_ = 0;  // workers waiting on work_available_
  size_t waking_ = 0;    // of those, signalled but not yet running again
  size_t running_ = 0;
  uint64_t submitted_ = 0, completed_ = 0, cancelled_ = 0;
  loop::LatencyHistogram wait_;
};

}  // namespace osn::pool
