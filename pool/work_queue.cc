// pool/work_queue.cc — lab 04: the mutex, the condition variable, the worker's loop, and the
// hand-back to the loop thread.
//
//   loop thread            pool mutex guards: FIFO, every loop's done list, counters
//   submit() --push--> [ FIFO of requests ] --pop--> osn-pool-N: run() without the lock
//                                                           |
//   finish() <--Async-- [ loop's done list ] <--push--------+
//
// Invariants: a worker holds the mutex only to pop, to push back, and to count — never while
// running a task. A sleeping worker waits on `work_available_`; submit() signals it only when
// a worker sleeps and none is spinning. A loop is woken (Async::send, outside the mutex) only
// when its done list goes from empty to non-empty while the loop is not already draining it
// or spinning for it. docs/pool.md.
// This file implements ThreadPool (pool/thread_pool.h) and LoopWork::push_done; the loop's
// side of the hand-back (draining the done list) is pool/loop_work.cc.
#include "pool/thread_pool.h"

#include <cstdio>

#include "kernel-io/clock.h"
#include "kernel-io/signals.h"
#include "pool/loop_work.h"

namespace osn::pool {
namespace {

// An idle worker polls the FIFO this long before it sleeps on the condition variable (one
// spinner at a time): a request that arrives meanwhile starts without a futex wake-up.
// docs/pool.md, "the round trip", has the measurements.
constexpr uint64_t kWorkerSpinNs = 100'000;

kio::SysError cancelled_error() { return kio::SysError{"queue_work", ECANCELED}; }

}  // namespace

// ---- the pool ---------------------------------------------------------------------------------

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
  pthread_mutex_init(&mutex_, nullptr);  // held by the forking thread; make it new
  pthread_cond_init(&work_available_, nullptr);
  pthread_cond_init(&request_left_, nullptr);
  queue_ = RequestList{};  // the parent's requests stay the parent's
  workers_.clear();
  started_ = stopping_ = spinner_ = false;
  worker_spin_ = SpinBackoff{};
  queued_hint_.store(0, std::memory_order_relaxed);
  sleeping_ = waking_ = running_ = 0;
  submitted_ = completed_ = cancelled_ = 0;
  wait_.reset();
  ++epoch_;
}

// Threads start on first use, all at once, with every signal blocked: a thread inherits its
// creator's signal mask, so signals are only ever delivered to the loop's thread.
void ThreadPool::start_threads() {
  size_ = pool_size_from_environment();
  if (!size_.ok()) {
    if (!start_error_.ok()) return;  // said so already
    std::fprintf(stderr, "osnode pool: %s\n", size_.error.c_str());
    start_error_ = kio::SysError{kPoolSizeVariable, EINVAL};
    return;
  }
  kio::ScopedSignalBlock blocked = kio::ScopedSignalBlock::all();
  workers_.reserve(size_.threads);  // no reallocation: each thread holds &workers_[i]
  for (size_t i = 0; i < size_.threads; ++i) {
    workers_.push_back(Worker{this, i, {}});
    int rc = pthread_create(&workers_.back().thread, nullptr, &ThreadPool::worker_main,
                            &workers_.back());
    if (rc != 0) {
      workers_.pop_back();
      std::fprintf(stderr, "osnode pool: started %zu of %zu threads: %s\n", i, size_.threads,
                   kio::SysError{"pthread_create", rc}.message().c_str());
      if (i == 0) start_error_ = kio::SysError{"pthread_create", rc};
      break;
    }
    // Named by its creator, so the name is there before the thread first runs: what ps -L,
    // pstree -t and /proc/PID/task/*/comm show. The kernel keeps 15 characters.
    char name[32];  // "osn-pool-1023" is 13
    std::snprintf(name, sizeof name, "osn-pool-%zu", i);
    (void)pthread_setname_np(workers_.back().thread, name);
  }
  started_ = !workers_.empty();
  if (started_) start_error_ = {};
}

void ThreadPool::stop_threads() {
  std::vector<Worker> leaving;
  {
    MutexLock lock(mutex_);
    stopping_ = true;
    pthread_cond_broadcast(&work_available_);
    leaving = workers_;  // copies of the ids; the workers still read workers_[i] until joined
  }
  for (Worker& w : leaving) pthread_join(w.thread, nullptr);
  MutexLock lock(mutex_);
  workers_.clear();
  started_ = stopping_ = false;
}

void* ThreadPool::worker_main(void* arg) {
  auto* self = static_cast<Worker*>(arg);
  self->pool->work_loop();
  return nullptr;
}

// The consumer: take the oldest request, run it unlocked, hand it back, repeat. Handing one
// request back and taking the next happen in one critical section (one lock per request).
void ThreadPool::work_loop() {
  pthread_mutex_lock(&mutex_);
  for (;;) {
    WorkRequest* r = next_request();
    if (r == nullptr) break;  // stopping
    pthread_mutex_unlock(&mutex_);
    r->task->run();  // the blocking part: no lock held
    pthread_mutex_lock(&mutex_);
    LoopWork* loop = hand_back(r);
    if (loop != nullptr) {
      // Wake the loop *outside* the lock: a loop woken while we still held the mutex would
      // wake up only to block on it.
      pthread_mutex_unlock(&mutex_);
      loop->wake();
      pthread_mutex_lock(&mutex_);
      if (--loop->wakers_ == 0 && loop->in_pool_ == 0) pthread_cond_broadcast(&request_left_);
    }
  }
  pthread_mutex_unlock(&mutex_);
}

// Mutex held. Waits until there is work (or the pool stops). pthread_cond_wait releases the
// mutex while asleep and takes it again before returning. Spins first (one spinner at a time,
// while spinning keeps catching: SpinBackoff), so that the loop's next submit finds a worker
// awake.
WorkRequest* ThreadPool::next_request() {
  bool spun = false;
  for (;;) {
    if (stopping_) return nullptr;
    if (!queue_.empty()) return take_oldest();
    if (!spun && !spinner_ && worker_spin_.should_spin()) {
      spin_for_work();
      spun = true;
      continue;
    }
    ++sleeping_;
    pthread_cond_wait(&work_available_, &mutex_);  // a loop, not an if: wake-ups can be spurious
    --sleeping_;
    if (waking_ > 0) --waking_;
  }
}

// Mutex held (and released while spinning). Polls for work without sleeping, briefly.
void ThreadPool::spin_for_work() {
  spinner_ = true;
  pthread_mutex_unlock(&mutex_);
  const uint64_t start = kio::monotonic_ns();
  uint64_t next_yield = start;
  for (uint64_t now = start; queued_hint_.load(std::memory_order_relaxed) == 0 &&
                             now < start + kWorkerSpinNs;
       now = kio::monotonic_ns()) {
    spin_pause(now, next_yield);
  }
  pthread_mutex_lock(&mutex_);
  spinner_ = false;
  if (queue_.empty()) {
    worker_spin_.missed();
  } else {
    worker_spin_.caught();
  }
}

// Mutex held. Wakes one sleeping worker unless one is spinning or enough are already on their
// way: a futex wake-up is a system call, and a burst of submits must not pay one each.
void ThreadPool::wake_a_worker() {
  if (spinner_ || sleeping_ <= waking_) return;
  ++waking_;
  pthread_cond_signal(&work_available_);
}

WorkRequest* ThreadPool::take_oldest() {
  WorkRequest* r = queue_.pop_front();
  queued_hint_.store(queue_.size(), std::memory_order_relaxed);
  r->state = RequestState::kRunning;
  ++running_;
  r->owner->running_here_.fetch_add(1, std::memory_order_relaxed);
  wait_.record(kio::monotonic_ns() - r->queued_ns);
  // More work and someone asleep: pass the baton, so no request waits behind a running one.
  if (!queue_.empty()) wake_a_worker();
  return r;
}

// Mutex held. The request goes onto its loop's done list; the loop runs finish().
// Mutex held. Returns the request's loop if that loop must be woken (the caller does it,
// after unlocking; wakers_ keeps the loop's LoopWork alive until then).
LoopWork* ThreadPool::hand_back(WorkRequest* r) {
  --running_;
  ++completed_;
  r->state = RequestState::kDone;
  LoopWork* owner = r->owner;
  owner->running_here_.fetch_sub(1, std::memory_order_relaxed);
  --owner->in_pool_;
  if (owner->push_done(r)) {
    ++owner->wakers_;
    return owner;
  }
  if (owner->in_pool_ == 0 && owner->wakers_ == 0) pthread_cond_broadcast(&request_left_);
  return nullptr;
}

// The producer (a loop thread): appends `batch` to the FIFO, in order, under one lock.
void ThreadPool::enqueue(RequestList& batch) {
  uint64_t now = kio::monotonic_ns();
  MutexLock lock(mutex_);
  if (!started_) start_threads();
  while (WorkRequest* r = batch.pop_front()) {
    if (!started_) {  // no thread to run it: report why, on the loop thread, as a result
      r->state = RequestState::kDone;
      r->status = start_error_;
      if (r->owner->push_done(r)) r->owner->wake();  // our own loop: no one waits on it
      continue;
    }
    r->state = RequestState::kQueued;
    r->queued_ns = now;
    ++r->owner->in_pool_;
    ++submitted_;
    queue_.push_back(r);
    queued_hint_.store(queue_.size(), std::memory_order_relaxed);
    wake_a_worker();
  }
}

bool ThreadPool::cancel(WorkRequest* r) {
  MutexLock lock(mutex_);
  if (r->state == RequestState::kStaged) {
    r->owner->unstage(r);
  } else if (r->state == RequestState::kQueued) {
    queue_.unlink(r);
    queued_hint_.store(queue_.size(), std::memory_order_relaxed);
    --r->owner->in_pool_;
  } else {
    return false;  // a thread has it, or it is done
  }
  r->state = RequestState::kDone;
  r->status = cancelled_error();
  ++cancelled_;
  if (r->owner->push_done(r)) r->owner->wake();
  return true;
}

void ThreadPool::forget(LoopWork* lw) {
  MutexLock lock(mutex_);
  for (WorkRequest* r = queue_.front(); r != nullptr;) {
    WorkRequest* next = r->next;
    if (r->owner == lw) {
      queue_.unlink(r);
      r->state = RequestState::kDone;
      --lw->in_pool_;
      ++cancelled_;
    }
    r = next;
  }
  queued_hint_.store(queue_.size(), std::memory_order_relaxed);
  // Requests of a pre-fork epoch ran in the parent's threads; they never come back here.
  // Wait for running requests, and for workers about to wake this loop.
  while ((lw->in_pool_ > 0 || lw->wakers_ > 0) && lw->epoch_ == epoch_)
    pthread_cond_wait(&request_left_, &mutex_);
}

PoolStats ThreadPool::stats() {
  MutexLock lock(mutex_);
  PoolStats s;
  s.threads = started_ ? size_.threads : pool_size_from_environment().threads;
  s.threads_running = workers_.size();
  s.queued = queue_.size();
  s.running = running_;
  s.submitted = submitted_;
  s.completed = completed_;
  s.cancelled = cancelled_;
  s.wait_p50_ns = wait_.percentile(0.50);
  s.wait_p99_ns = wait_.percentile(0.99);
  s.wait_max_ns = wait_.max();
  return s;
}

void ThreadPool::reset_stats() {
  MutexLock lock(mutex_);
  submitted_ = completed_ = cancelled_ = 0;
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
    if (!queue_.empty() || running_ > 0) return kio::SysError{"shutdown_pool", EBUSY};
  }
  stop_threads();
  return {};
}

// ---- the hand-back: onto the loop's done list, and wake the loop if it is not looking ----

// Mutex held. true: the loop must be woken (Async::send) — only when the list was empty and
// nobody on the loop is looking at it anyway (draining it, or spinning for it).
bool LoopWork::push_done(WorkRequest* r) {
  bool was_empty = done_.empty();
  done_.push_back(r);
  has_done_.store(true, std::memory_order_release);
  return was_empty && !draining_ && !loop_spinning_;
}

}  // namespace osn::pool
