// pool/submit_batch.h — the pool's second optional fast path: while a loop runs the callbacks
// of a done list, the requests they submit reach the pool in batches, one lock for many. Not
// part of lab 04; the queue works the same without it.
//
// Why: every submit takes the pool mutex, and the mutex and the FIFO sit on a cache line that
// a worker on another core wrote last: each submit waits for that line to come over (a cache
// miss, and often a futex when the two collide). Under load a loop's submits come from its
// pool callbacks — the done list's callbacks each submit the next request — so they come in
// runs. Kept on the loop's own list and appended to the FIFO together, at most kMaxKept at a
// time, they move the line once per run instead of once per request (measured: docs/pool.md,
// "The second fast path: batched submits": on 2 threads, 4.7 M -> 10.6 M no-ops/s in the
// prototype, libuv 9.1 M).
//
// What it does NOT change: the FIFO order (a run is appended in submit order, after everything
// queued before it), which callbacks run in which iteration (a request submitted from a pool
// callback completes in a later iteration either way: the done list is taken once per
// wake-up), cancel() (it hands the kept requests over first, so a request is cancellable as
// soon as it is submitted), and what pool_stats()/shutdown_pool() see when called from the
// loop (they, and reset_pool_stats(), hand them over too). What it does change: a worker sees a kept request when the
// run ends — after at most kMaxKept more submits, or when the done list's callbacks are over,
// whichever comes first. Interrupt coalescing and Nagle's algorithm make the same trade: a
// little latency under load for far fewer transfers. So a pool callback must not wait (block)
// for work it has just submitted — it would wait for itself. (It must not block at all: the
// loop is one thread.)
// Switch: OSN_POOL_BATCH=0|1 (default on, chosen by measurement: docs/pool.md).
#pragma once

#include <cstddef>

#include "pool/pool_switch.h"
#include "pool/work_request.h"

namespace osn::pool {

inline constexpr const char* kPoolBatchVariable = "OSN_POOL_BATCH";
inline constexpr bool kPoolBatchDefault = true;

// `text` is the variable's value, or nullptr when unset (then the default). Only "0" and "1".
PoolSwitch parse_pool_batch(const char* text);
PoolSwitch pool_batch_from_environment();

// One loop's kept submits, owned by its LoopWork (pool/loop_work.h). Thread affinity: that
// loop's thread only. open() when a done list's callbacks begin, close() when they end; while
// open, keep() holds back each submit, and the LoopWork hands the run to the pool (enqueue)
// when full() and after close().
class SubmitBatch {
 public:
  // 64: measured against 1-256 (docs/pool.md); a run shorter than ~32 moves the line too often
  // to pay, a longer one gains little more and keeps requests back longer.
  static constexpr size_t kMaxKept = 64;

  SubmitBatch() : on_(pool_batch_from_environment().on) {}
  void open() { open_ = on_; }
  void close() { open_ = false; }
  bool keep(WorkRequest* r) {  // true: kept (the batch is open), to be handed over later
    if (!open_) return false;
    kept_.push_back(r);
    return true;
  }
  bool full() const { return kept_.size() >= kMaxKept; }
  bool empty() const { return kept_.empty(); }
  RequestList& kept() { return kept_; }  // enqueue() empties it
  void drop() { kept_ = RequestList{}; }  // in a forked child: the parent hands them over

 private:
  bool on_;
  bool open_ = false;
  RequestList kept_;
};

}  // namespace osn::pool
