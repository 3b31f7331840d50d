// pool/work_queue.cc — lab 04: the mutex, the condition variable, the workers' loop, and the
// hand-back to the loop thread. Read it beside libuv's src/threadpool.c: the same design.
//
//   loop thread            pool mutex: the FIFO, the idle count, the counters
//   submit() --push--> [ FIFO of requests ] --pop--> osn-pool-N: run() without a lock
//                                                           |
//   finish() <--Async-- [ loop's done list ] <--push--------+
//                       (that loop's own done mutex, as libuv's wq_mutex)
//
// Invariants: a worker holds the pool mutex only to take a request and to count it gone —
// never while running it, never while handing it back (that takes the loop's done mutex
// alone, as libuv's worker does). An idle worker sleeps on `work_available_`; a submit
// signals only when a worker is idle (and not already signalled). A loop is woken
// (Async::send, no lock held) when its done list goes from empty to non-empty; the loop takes
// the whole list once per wake-up (pool/loop_work.cc), so a request finished meanwhile waits
// for the next wake-up. Around it, not part of the lesson: pool/thread_pool.cc (one pool per
// process, fork, stats, record_wait), start_threads() and worker_main() below (reading the
// environment, naming the trace track), WorkRequest::run() (traces the work) and the optional
// spin of pool/spin_wait.h (the calls to spinner_, each marked "optional").
// labs/04-thread-pool/README.md is the lab.
#include "pool/thread_pool.h"

#include <cstdio>

#include "kernel-io/signals.h"
#include "loop/trace_file.h"
#include "pool/loop_work.h"

namespace osn::pool {

// Pool mutex held, on first use: reads the size and the two fast paths' switches (a refused
// value is said once, and every request then finishes with it), then starts the workers.
void ThreadPool::start_threads() {
  size_ = pool_size_from_environment();
  PoolSwitch spin = pool_spin_from_environment();
  PoolSwitch batch = pool_batch_from_environment();  // read by each loop (pool/submit_batch.h)
  const char* refused = !size_.ok() ? kPoolSizeVariable
                        : !spin.ok() ? kPoolSpinVariable
                        : !batch.ok() ? kPoolBatchVariable : nullptr;
  if (refused != nullptr) {
    if (!start_error_.ok()) return;  // said so already
    std::fprintf(stderr, "osnode pool: %s\n",
                 (!size_.ok() ? size_.error : !spin.ok() ? spin.error : batch.error).c_str());
    start_error_ = kio::SysError{refused, EINVAL};
    return;
  }
  spinner_.configure(spin.on);
  int rc = create_workers(size_.threads);
  if (workers_.size() < size_.threads)
    std::fprintf(stderr, "osnode pool: started %zu of %zu threads: %s\n", workers_.size(),
                 size_.threads, kio::SysError{"pthread_create", rc}.message().c_str());
  started_ = !workers_.empty();
  start_error_ = started_ ? kio::Status{} : kio::SysError{"pthread_create", rc ? rc : EAGAIN};
}

// Every pool thread starts here (given, not part of lab 04): its OSN_TRACE_FILE track is named
// from its index — not read back from the kernel, since the creator names the thread only
// after pthread_create has returned, and the thread may already be running (create_workers).
void* ThreadPool::worker_main(void* arg) {
  auto* self = static_cast<Worker*>(arg);
  if (loop::TraceFile* trace = loop::TraceFile::process())
    trace->name_this_thread("osn-pool-" + std::to_string(self->index));
  self->pool->work_loop();
  return nullptr;
}

// [lab 04] begin: the work queue — workers, condvar wait, FIFO, wake-ups, hand-back, submit, cancel, shutdown

// Threads start all at once, with every signal blocked: a thread inherits its creator's signal
// mask, so signals are only ever delivered to the loop's thread.
int ThreadPool::create_workers(size_t count) {
  kio::ScopedSignalBlock blocked = kio::ScopedSignalBlock::all();
  workers_.reserve(count);  // no reallocation: each thread holds &workers_[i]
  for (size_t i = 0; i < count; ++i) {
    workers_.push_back(Worker{this, i, {}});
    int rc = pthread_create(&workers_.back().thread, nullptr, &ThreadPool::worker_main,
                            &workers_.back());
    if (rc != 0) {
      workers_.pop_back();
      return rc;
    }
    // Named by its creator (pthread_setname_np writes /proc/self/task/TID/comm; 15 characters
    // kept). It takes no request before enqueue() releases the pool mutex we hold, so once
    // submit() returns, ps -L shows osn-pool-N, and no work runs under another name.
    char name[32];  // "osn-pool-1023" is 13
    std::snprintf(name, sizeof name, "osn-pool-%zu", i);
    (void)pthread_setname_np(workers_.back().thread, name);
  }
  return 0;
}

// The consumer: wait for work, take the oldest request, run it unlocked, hand it back, repeat.
void ThreadPool::work_loop() {
  pthread_mutex_lock(&mutex_);
  for (;;) {
    if (queue_.empty() && !stopping_) spinner_.spin_before_sleep(mutex_);  // optional
    // pthread_cond_wait releases the mutex while asleep and takes it again before returning.
    // A loop, not an if: wake-ups can be spurious, and another worker may take the request.
    while (queue_.empty() && !stopping_) {
      ++idle_threads_;
      pthread_cond_wait(&work_available_, &mutex_);
      --idle_threads_;
      if (signalled_ > 0) --signalled_;
    }
    if (stopping_) break;
    WorkRequest* r = take_oldest();
    // More queued and a worker idle: pass the baton (signalled under the mutex: see
    // claim_idle_worker).
    if (!queue_.empty() && claim_idle_worker()) pthread_cond_signal(&work_available_);
    pthread_mutex_unlock(&mutex_);
    r->run();  // the blocking part: no lock held (run() also traces it)
    // The hand-back takes only the loop's done mutex, not the pool's, as libuv's worker does:
    // holding both would make the loop, taking its done list, wait for us, and every submit
    // behind it wait for the pool mutex we hold (a convoy: docs/pool.md).
    LoopWork* owner = r->owner;  // r itself is the loop's once it is on the done list
    if (hand_back(r)) owner->wake();
    pthread_mutex_lock(&mutex_);
    // The loop's LoopWork stays alive until now: forget() waits for the request to have left.
    ++owner->left_;
    if (forgetting_ > 0) pthread_cond_broadcast(&request_left_);
  }
  pthread_mutex_unlock(&mutex_);
}

// Mutex held, a request just queued (or taken with more left). true: wake one idle worker —
// unless every idle one is already on its way (a futex wake-up is a system call). The caller
// signals while it still holds the mutex, as libuv's post() does: signalled after the unlock,
// a worker woken on its waker's CPU preempts it, and the two trade the CPU for every request
// (0.1 M no-ops/s: docs/pool.md, "Where the time goes").
bool ThreadPool::claim_idle_worker() {
  if (spinner_.spinning()) return false;  // optional fast path: it is awake and looking
  if (idle_threads_ <= signalled_) return false;
  ++signalled_;
  return true;
}

// Mutex held. The request's wait in the FIFO ends here (record_wait, given, stamps it).
WorkRequest* ThreadPool::take_oldest() {
  WorkRequest* r = queue_.pop_front();
  r->state = RequestState::kRunning;
  ++taken_;
  record_wait(*r);
  return r;
}

// No pool mutex: counts the request handed back (an atomic, for that reason — before
// push_done, so a callback that reads pool_stats() sees its own request done) and puts it on
// its loop's done list, under that list's own mutex (libuv's wq_mutex). true: the list was
// empty, so the loop must be woken (several completions before the loop looks cost one).
bool ThreadPool::hand_back(WorkRequest* r) {
  handed_back_.fetch_add(1, std::memory_order_relaxed);
  return r->owner->push_done(r);
}

// The producer (a loop thread): appends `requests` — one, or a run of them (pool/submit_batch.h),
// all of one loop — to the FIFO under one lock, and wakes a worker if one is idle. One signal
// serves a run: the woken worker passes the baton while more are queued.
void ThreadPool::enqueue(RequestList& requests) {
  LoopWork* owner = requests.front()->owner;
  {
    MutexLock lock(mutex_);
    if (!started_) start_threads();
    if (!started_) {  // no thread to run them: report why, on the loop thread, as a result
      while (WorkRequest* r = requests.pop_front()) {
        r->state = RequestState::kDone;
        r->status = start_error_;
        if (owner->push_done(r)) owner->wake();  // our own loop: no one waits on it
      }
      return;
    }
    for (WorkRequest* r = requests.front(); r != nullptr; r = r->next)
      r->state = RequestState::kQueued;
    owner->entered_ += requests.size();
    queue_.append(requests);
    if (claim_idle_worker()) pthread_cond_signal(&work_available_);
  }
  spinner_.work_submitted();  // optional fast path
}

// Only a request still in the FIFO can be cancelled; it goes to the done list with ECANCELED.
bool ThreadPool::cancel(WorkRequest* r) {
  MutexLock lock(mutex_);
  if (r->state != RequestState::kQueued) return false;  // a thread has it, or it is done
  queue_.unlink(r);
  ++r->owner->left_;
  r->state = RequestState::kDone;
  r->status = kio::SysError{"queue_work", ECANCELED};
  ++cancelled_;
  if (r->owner->push_done(r)) r->owner->wake();
  return true;
}

// Tells every worker to leave (they finish the request in hand first) and joins them all.
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

// Any thread; the pool mutex may be held (it comes first, then this one, never the other way
// round). true: the list was empty, so the caller must wake the loop.
bool LoopWork::push_done(WorkRequest* r) {
  MutexLock lock(done_mutex_);
  bool was_empty = done_.empty();
  done_.push_back(r);
  return was_empty;
}

// [lab 04] end

}  // namespace osn::pool
