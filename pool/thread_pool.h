// pool/thread_pool.h — the process's one thread pool (internal to the pool layer; lab 04).
//
// Declares what pool/work_queue.cc implements, the design of libuv's threadpool.c: one FIFO
// of work requests, one pthread mutex, one condition variable the idle workers sleep on, a
// count of idle workers (a submit signals only when one is idle), named workers, stats, and
// the hand-back of each finished request onto its loop's done list. One pool per process,
// shared by every loop: ThreadPool::process(). Its state is the one mutable global of the
// project, guarded by mutex_. docs/pool.md draws it.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel-io/result.h"
#include "loop/metrics.h"
#include "pool/pool_size.h"
#include "pool/spin_wait.h"
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

// Thread affinity: enqueue/cancel/forget from loop threads; the workers are its own threads;
// stats/size/shutdown from anywhere. Every data member is guarded by mutex_ except epoch_,
// handed_back_ (an atomic, counted by hand_back without the lock) and the spin's submit count
// (an atomic, pool/spin_wait.h).
class ThreadPool {
 public:
  static ThreadPool& process();
  ~ThreadPool() { stop_threads(); }

  void enqueue(RequestList& requests);  // one or more of one loop; leaves `requests` empty
  bool cancel(WorkRequest* r);
  void forget(LoopWork* lw);  // a loop is going away: drop its queued work, wait for running
  PoolStats stats();
  void reset_stats();
  kio::Result<size_t> size();
  std::string size_problem();
  kio::Status shutdown();

 private:
  struct Worker {
    ThreadPool* pool;
    size_t index;
    pthread_t thread;
  };
  ThreadPool();
  static void* worker_main(void* arg);
  void work_loop();
  WorkRequest* take_oldest();
  bool claim_idle_worker();
  bool hand_back(WorkRequest* r);
  void record_wait(WorkRequest& r);  // mutex held: stamps r's start, its wait into wait_ (sampled r)
  void start_threads();
  int create_workers(size_t count);
  void stop_threads();
  void reset_in_child();

  // The data, laid out for the cache. A write to a cache line takes it from every other
  // core's cache (false sharing, pool/work_request.h), so fields are grouped by who writes
  // them and when:
  //   line 1: the mutex and the FIFO       — both sides, every request, under the lock;
  //   line 2: taken_                       — the workers, under the lock: it travels with it;
  //   line 3: idle_threads_ ... stopping_  — read on every request, written rarely;
  //   line 4: handed_back_                 — the workers, every request, outside the lock;
  //   then the optional spin (two lines of its own), and what is written rarely.
  // Outside the lock nobody touches lines 1-3, so a lock handoff moves two lines, and the
  // holder never waits inside it for a line another core is writing. docs/pool.md ("Where
  // the time goes") measures it.
 public:
  alignas(kCacheLine) pthread_mutex_t mutex_ = PTHREAD_MUTEX_INITIALIZER;

 private:
  RequestList queue_;  // with the mutex: 40 + 24 bytes, one line
  // Requests a worker took from the FIFO (under the lock). Nothing counts submits: every
  // request queued is still queued, taken, or cancelled, so stats() adds those up, and the
  // loop writes no counter on its way in.
  alignas(kCacheLine) uint64_t taken_ = 0;
  alignas(kCacheLine) size_t idle_threads_ = 0;  // workers asleep on work_available_ ...
  size_t signalled_ = 0;     // ... of which this many are already woken and on their way
  uint32_t forgetting_ = 0;  // forget() calls waiting on request_left_
  bool started_ = false;
  bool stopping_ = false;
  // Requests a worker handed back: an atomic, counted in hand_back() without the pool mutex
  // and before push_done(), so a callback that reads pool_stats() sees its own request done.
  // Running = taken_ - handed_back_.
  alignas(kCacheLine) std::atomic<uint64_t> handed_back_{0};
  WorkSpinner spinner_;  // the optional fast path (pool/spin_wait.h); the queue works without it

 public:
  alignas(kCacheLine) uint64_t epoch_ = 0;  // +1 in every forked child; read by every submit

 private:
  uint64_t cancelled_ = 0;
  uint64_t completed_before_ = 0;  // handed_back_ at the last reset_stats()
  uint64_t submitted_before_ = 0;  // taken_ + queued at the last reset_stats()
  pthread_cond_t work_available_ = PTHREAD_COND_INITIALIZER;  // idle workers sleep here
  pthread_cond_t request_left_ = PTHREAD_COND_INITIALIZER;    // forget() waits here
  std::vector<Worker> workers_;
  PoolSizeChoice size_;
  kio::Status start_error_;
  loop::LatencyHistogram wait_;  // queue waits of the stamped requests (pool/work_request.h)
};

}  // namespace osn::pool
