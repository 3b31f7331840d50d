// pool/thread_pool.h — the process's one thread pool (internal to the pool layer).
//
// Declares what pool/work_queue.cc (lab 04) implements: the FIFO of work requests, the pthread
// mutex and condition variables, the workers and the hand-back onto each loop's done list.
// One pool per process, shared by every loop, as libuv's: ThreadPool::process(). Its state is
// the one mutable global of the project, guarded by mutex_. docs/pool.md draws it.
#pragma once

#include <pthread.h>

#include <atomic>
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

// Spinning pays only while the thread we wait for runs on another core. A spin that times out
// says it did not (a busy machine, or slow work): then skip the next 1, 2, 4 ... 64 chances to
// spin, and go straight to sleep. One caught spin resets the backoff.
class SpinBackoff {
 public:
  bool should_spin() {
    if (skip_ == 0) return true;
    --skip_;
    return false;
  }
  void caught() { backoff_ = 1; }
  void missed() {
    skip_ = backoff_;
    if (backoff_ < 64) backoff_ *= 2;
  }

 private:
  uint32_t skip_ = 0;
  uint32_t backoff_ = 1;
};

// A hint to the CPU that this thread is spinning (x86 PAUSE, ARM YIELD).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
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
  WorkRequest* next_request(bool may_spin);
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
