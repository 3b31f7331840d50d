// pool/thread_pool.cc — the pool's housekeeping around lab 04's queue: one pool per process,
// a fresh pool in a forked child, forgetting a loop, stats and size. The queue itself (workers,
// FIFO, hand-back, stopping the threads) is pool/work_queue.cc.
#include "pool/thread_pool.h"

#include "kernel-io/clock.h"
#include "pool/loop_work.h"

namespace osn::pool {

ThreadPool& ThreadPool::process() {
  static ThreadPool pool;
  return pool;
}

ThreadPool::ThreadPool() {
  // fork() copies only the calling thread: a child must not inherit a mutex held by a pool
  // thread that does not exist there. Hold the mutex across fork, then give the child a fresh,
  // unstarted pool (libuv does the same with pthread_atfork).
  pthread_atfork([] { pthread_mutex_lock(&process().mutex_); },
                 [] { pthread_mutex_unlock(&process().mutex_); },
                 [] { process().reset_in_child(); });
}

void ThreadPool::reset_in_child() {
  // The child's one thread is the one that locked the mutex in the prepare handler, so it may
  // unlock it (re-initialising a locked mutex is undefined, and TSan reports a double lock at
  // the child's first pool request).
  pthread_mutex_unlock(&mutex_);
  pthread_cond_init(&work_available_, nullptr);
  pthread_cond_init(&request_left_, nullptr);
  queue_ = RequestList{};  // the parent's requests stay the parent's
  workers_.clear();
  started_ = stopping_ = false;
  idle_threads_ = signalled_ = 0;
  forgetting_ = 0;
  taken_ = cancelled_ = completed_before_ = submitted_before_ = 0;
  handed_back_ = 0;
  wait_.reset();
  spinner_.reset();
  ++epoch_;
}

void ThreadPool::forget(LoopWork* lw) {
  MutexLock lock(mutex_);
  for (WorkRequest* r = queue_.front(); r != nullptr;) {
    WorkRequest* next = r->next;
    if (r->owner == lw) {
      queue_.unlink(r);
      r->state = RequestState::kDone;
      ++lw->left_;
      ++cancelled_;
    }
    r = next;
  }
  // Requests of a pre-fork epoch ran in the parent's threads; they never come back here.
  // Wait for running requests: a worker counts one off only after its hand-back and wake-up.
  ++forgetting_;
  while (lw->in_pool() > 0 && lw->epoch_ == epoch_) pthread_cond_wait(&request_left_, &mutex_);
  --forgetting_;
}

// ---- stats and size (read under the mutex, from any thread) ----------------------------------

PoolStats ThreadPool::stats() {
  MutexLock lock(mutex_);
  PoolStats s;
  s.threads = started_ ? size_.threads : pool_size_from_environment().threads;
  s.threads_running = workers_.size();
  s.queued = queue_.size();
  const uint64_t handed_back = handed_back_.load(std::memory_order_relaxed);
  s.running = taken_ - handed_back;
  s.submitted = taken_ + queue_.size() + cancelled_ - submitted_before_;
  s.completed = handed_back - completed_before_;
  s.cancelled = cancelled_;
  s.wait_p50_ns = wait_.percentile(0.50);
  s.wait_p99_ns = wait_.percentile(0.99);
  s.wait_max_ns = wait_.max();
  s.wait_samples = wait_.count();
  return s;
}

// Mutex held, by take_oldest: the request leaves the FIFO now, so its wait ends now. Only
// stamped requests (LoopWork::submit stamps a sample, pool/work_request.h) read the clock
// and have a wait to record.
void ThreadPool::record_wait(WorkRequest& r) {
  if (!r.stamped) return;
  r.started_ns = kio::monotonic_ns();
  if (r.started_ns >= r.queued_ns) wait_.record(r.started_ns - r.queued_ns);
}

void ThreadPool::reset_stats() {
  MutexLock lock(mutex_);
  cancelled_ = 0;
  submitted_before_ = taken_ + queue_.size();
  completed_before_ = handed_back_.load(std::memory_order_relaxed);
  wait_.reset();
}

kio::Result<size_t> ThreadPool::size() {
  MutexLock lock(mutex_);
  PoolSizeChoice choice = started_ ? size_ : pool_size_from_environment();
  if (!choice.ok()) return kio::SysError{kPoolSizeVariable, EINVAL};
  return choice.threads;
}

std::string ThreadPool::size_problem() {
  MutexLock lock(mutex_);
  return started_ ? std::string{} : pool_size_from_environment().error;
}

kio::Status ThreadPool::shutdown() {
  {
    MutexLock lock(mutex_);
    if (!queue_.empty() || taken_ > handed_back_.load(std::memory_order_relaxed))
      return kio::SysError{"shutdown_pool", EBUSY};
  }
  stop_threads();
  return {};
}

// ---- the public functions of pool/work_queue.h that are not about one loop --------------------

// Called from a pool callback, these first hand the pool what that callback (and those before
// it) submitted and the batch kept back (pool/submit_batch.h), so the caller sees its own
// requests as queued, exactly as without the batch.

PoolStats pool_stats() {
  LoopWork::hand_over_kept_submits_of_this_thread();
  return ThreadPool::process().stats();
}
void reset_pool_stats() {
  LoopWork::hand_over_kept_submits_of_this_thread();
  ThreadPool::process().reset_stats();
}
kio::Result<size_t> pool_size() { return ThreadPool::process().size(); }
std::string pool_size_problem() { return ThreadPool::process().size_problem(); }

// The size first, then each fast path's switch, in the order start_threads checks them.
std::string pool_environment_problem() {
  for (const std::string& error : {pool_size_problem(), pool_spin_from_environment().error,
                                   pool_batch_from_environment().error})
    if (!error.empty()) return error;
  return {};
}
kio::Status shutdown_pool() {
  LoopWork::hand_over_kept_submits_of_this_thread();
  return ThreadPool::process().shutdown();
}

}  // namespace osn::pool
