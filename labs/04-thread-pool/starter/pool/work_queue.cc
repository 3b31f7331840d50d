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

// TODO(lab 04): write the work queue. The contract of every function is in
// labs/04-thread-pool/README.md ("The contract, function by function"); the members you use
// are declared in pool/thread_pool.h (ThreadPool) and pool/loop_work.h (LoopWork).

// TODO(lab 04): start `count` threads, with every signal blocked while you create them
// (kio::ScopedSignalBlock::all()), each running worker_main() with &workers_[i] as argument;
// name thread i "osn-pool-i" (pthread_setname_np). Return 0, or pthread_create's error code.
int ThreadPool::create_workers(size_t count) {
  (void)count;
  return ENOSYS;
}

// TODO(lab 04): the consumer. Under mutex_: sleep on work_available_ while the FIFO is empty
// (counting yourself in idle_threads_), leave when stopping_, take the oldest request, run it
// WITHOUT the mutex (r->run(), given: it also traces), hand it back to its loop WITHOUT the
// mutex too (and wake that loop if hand_back says so), then, under mutex_ again, count it
// off its loop (++owner->left_; broadcast request_left_ if forgetting_). Repeat.
void ThreadPool::work_loop() {}

// TODO(lab 04): mutex held. Decide whether a submit must signal an idle worker
// (idle_threads_, signalled_). Optional: return false while spinner_.spinning().
bool ThreadPool::claim_idle_worker() { return false; }

// TODO(lab 04): mutex held. Pop the FIFO's oldest request, mark it running, count it in
// taken_, and call record_wait(*r) (given: the wait histogram).
WorkRequest* ThreadPool::take_oldest() { return nullptr; }

// TODO(lab 04): NO pool mutex. Count the request in handed_back_ (an atomic) and push it onto
// its loop's done list. true: the loop must be woken.
bool ThreadPool::hand_back(WorkRequest* r) {
  (void)r;
  return false;
}

// TODO(lab 04): the producer, on a loop thread: `requests` holds one or more requests of one
// loop, in submit order. Start the threads on first use; if they cannot start, finish each
// request with start_error_ through the done list. Otherwise queue them all under one lock
// (state, their loop's entered_, queue_.append; the stamps are taken already) and signal one
// idle worker (it passes the baton while more are queued).
void ThreadPool::enqueue(RequestList& requests) { (void)requests; }

// TODO(lab 04): take `r` out of the FIFO if it is still queued; it then finishes with
// ECANCELED. false if a thread has it or it is done.
bool ThreadPool::cancel(WorkRequest* r) {
  (void)r;
  return false;
}

// TODO(lab 04): tell every worker to leave, wake them all, join every thread, then forget
// them (workers_ empty, started_ false) so the next request starts fresh ones.
void ThreadPool::stop_threads() {}

// TODO(lab 04): any thread (the pool mutex may be held). Append `r` to this loop's done list
// under done_mutex_. true: the list was empty before, so the caller must wake() the loop.
bool LoopWork::push_done(WorkRequest* r) {
  (void)r;
  return false;
}

// [lab 04] end

}  // namespace osn::pool
