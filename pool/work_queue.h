// pool/work_queue.h — the thread pool: a producer/consumer queue on pthreads (lab 04).
//
// The loop thread *produces* work requests into one FIFO; the pool's threads (osn-pool-0 ...)
// *consume* them: sleep on a condition variable until there is work, take the oldest request,
// run it without the lock, then hand it back to the loop that asked for it — the request goes
// onto that loop's "done" list and the loop's Async wakes the loop, which runs the request's
// finish() on the loop thread. One mutex guards the FIFO and the stats; each loop's done
// list has its own small mutex (as libuv's wq_mutex). The loop takes its done list once per
// wake-up, in the poll phase. docs/pool.md has the picture and the invariants.
//
// The contract (lab 04's starter removes the [lab 04] regions of pool/work_queue.cc, which
// implement the queue part of pool/thread_pool.h, and of LoopWork::run_done_callbacks in
// pool/loop_work.cc — labs/04-thread-pool/README.md; this header, pool/thread_pool.cc (one
// pool per process, fork, stats), the rest of the loop's side, the optional spin of
// pool/spin_wait.h and the requests built on top — queue_work.h, fs.h, dns.h, crypto_work.h —
// stay):
//  * submit() and cancel(): loop thread (checked unless NDEBUG: Loop::assert_in_loop_thread).
//    The request is owned by the pool until its finish() has returned.
//  * run() is called exactly once, on a pool thread, unless the request was cancelled first.
//  * finish(status) is called exactly once, on the loop thread of the loop given to submit():
//    status ok after run(), ECANCELED after a successful cancel(), or the reason the pool
//    could not start (e.g. a refused OSN_THREADPOOL_SIZE). Never from inside submit().
//  * While a request is in flight its loop has a pending request (Loop::ref_request).
//  * One pool per process, shared by every loop (as libuv's). Threads start on first use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kernel-io/result.h"
#include "loop/loop.h"

namespace osn::pool {

// What a work request does. Subclass it (queue_work.h does it for two callables).
class Task {
 public:
  virtual ~Task() = default;
  virtual void run() = 0;                       // on a pool thread: the blocking part
  virtual void finish(kio::Status status) = 0;  // on the loop thread: the callback
};

// Names a submitted request for cancel(). Stale handles (request finished) are harmless.
struct WorkHandle {
  uint32_t slot = 0;
  uint32_t generation = 0;  // 0: never a valid request
  bool valid() const { return generation != 0; }
};

// Queues `task`; its run() will happen on a pool thread and its finish() on `loop`'s thread.
WorkHandle submit(loop::Loop& loop, std::unique_ptr<Task> task);

// Takes a request out of the queue if no thread has started it; its finish() then receives
// ECANCELED (later, on the loop thread). false if it is running, done or unknown.
// Loop thread only.
bool cancel(loop::Loop& loop, WorkHandle handle);

struct PoolStats {
  size_t threads = 0;          // configured size (0 if the size was refused)
  size_t threads_running = 0;  // pool threads that exist now (0 until first use)
  size_t queued = 0;           // waiting in the FIFO now
  size_t running = 0;          // being run by a pool thread now
  uint64_t submitted = 0;      // totals since start (or reset_pool_stats)
  uint64_t completed = 0;
  uint64_t cancelled = 0;
  // Time from submit to a thread picking the request up, over the requests the histogram
  // holds: every one of a loop's first 1024, then every 16th (reading the clock for each
  // would cost a no-op request ~15% more on the loop thread). A sample, not every request.
  uint64_t wait_p50_ns = 0;
  uint64_t wait_p99_ns = 0;
  uint64_t wait_max_ns = 0;    // the longest wait among those sampled
  uint64_t wait_samples = 0;   // how many requests the histogram holds
};
PoolStats pool_stats();
void reset_pool_stats();

// The pool's size: OSN_THREADPOOL_SIZE or 4, fixed once the threads have started. An error
// (call "OSN_THREADPOOL_SIZE", EINVAL) if the variable is refused; pool_size_problem() says why
// (the message names the variable, its value and the range 1..1024).
kio::Result<size_t> pool_size();
std::string pool_size_problem();
// Every pool variable at once — OSN_THREADPOOL_SIZE, OSN_POOL_SPIN, OSN_POOL_BATCH — as a
// program checks them at start: the first one refused, said as the first request would
// receive it, or empty when the pool would start (or has).
std::string pool_environment_problem();

// Stops and joins every pool thread, e.g. before a test checks /proc/self/task. EBUSY while
// any request is queued or running. The next submit() starts fresh threads.
kio::Status shutdown_pool();

}  // namespace osn::pool
