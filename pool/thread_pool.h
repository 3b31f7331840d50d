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
// stats/size/shutdown from anywhere. Everything below mutex_ is guarded by it.
class ThreadPool {
 public:
  static ThreadPool& process();
  ~ThreadPool() { stop_threads(); }

  void enqueue(WorkRequest* r);
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
  WorkRequest* take_oldest();
  bool claim_idle_worker();
  bool hand_back(WorkRequest* r);
  void record_wait(const WorkRequest& r);  // mutex held: into wait_, if r was stamped
  void start_threads();
  int create_workers(size_t count);
  void stop_threads();
  void reset_in_child();

  pthread_cond_t work_available_ = PTHREAD_COND_INITIALIZER;  // idle workers sleep here
  pthread_cond_t request_left_ = PTHREAD_COND_INITIALIZER;    // forget() waits here
  RequestList queue_;
  std::vector<Worker> workers_;
  PoolSizeChoice size_;
  kio::Status start_error_;
  bool started_ = false;
  bool stopping_ = false;
  size_t idle_threads_ = 0;  // workers asleep on work_available_ ...
  size_t signalled_ = 0;     // ... of which this many are already woken and on their way
  size_t running_ = 0;
  uint64_t submitted_ = 0, completed_ = 0, cancelled_ = 0;
  loop::LatencyHistogram wait_;  // queue waits of the stamped requests (pool/work_request.h)
  WorkSpinner spinner_;  // the optional fast path (pool/spin_wait.h); the queue works without it
};

}  // namespace osn::pool
