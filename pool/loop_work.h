// pool/loop_work.h — one loop's side of the pool (internal to the pool layer).
//
// Each loop that uses the pool gets one LoopWork, attached to the loop (as libuv keeps wq,
// wq_mutex and wq_async inside uv_loop_t): the table of its requests (slots, so a WorkHandle
// can be checked and reused without allocation), its done list, and the Async through which
// pool threads wake it. Pool threads push finished requests onto the done list; the Async's
// callback — in the poll phase, from the loop's wake-up watcher — takes the whole list once
// and runs each request's finish() on the loop thread (libuv's uv__work_done).
#pragma once

#include <pthread.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "loop/async.h"
#include "loop/loop.h"
#include "pool/spin_wait.h"
#include "pool/submit_batch.h"
#include "pool/work_queue.h"
#include "pool/work_request.h"

namespace osn::pool {

// Owned by the loop (a Loop::Attachment). Slots: loop thread only; done_: done_mutex_;
// entered_, left_: the pool mutex.
class ThreadPool;

class LoopWork final : public loop::Loop::Attachment {
 public:
  explicit LoopWork(loop::Loop& loop);
  ~LoopWork() override;
  static LoopWork& of(loop::Loop& loop);

  // submit() and queue_work(): a Task, or (task null) the two callables. Loop thread.
  WorkHandle submit(std::unique_ptr<Task>&& task, std::function<void()>&& work,
                    std::function<void(kio::Status)>&& after_work);
  WorkRequest* find(WorkHandle handle);
  // Gives the pool the submits SubmitBatch kept back (optional fast path; a no-op when none
  // are). Loop thread. cancel() calls it first; pool_stats(), reset_pool_stats() and
  // shutdown_pool() through hand_over_kept_submits_of_this_thread().
  void hand_over_kept_submits() {
    if (!batch_.empty()) enqueue_kept();
  }
  // hand_over_kept_submits() for every loop whose done list's callbacks run on this thread now
  // (pool_stats(), reset_pool_stats() and shutdown_pool() call it; usually there is none).
  static void hand_over_kept_submits_of_this_thread();
  bool push_done(WorkRequest* r);  // any thread; takes done_mutex_. true: call wake()
  void wake() {  // any thread
    async_.send();
    spinner_.wake_sent();  // optional fast path
  }

  uint64_t epoch_ = 0;  // the pool's fork epoch when this loop first used it
  // How many of this loop's requests the pool holds now, queued or running (pool mutex):
  // entered_ - left_. Two counts, each written by one side on every request — entered_ by
  // this loop's submits, left_ by the workers' hand-backs (and cancel, forget) — so that
  // neither side's write takes the other's cache line. forget() waits until they are equal.
  size_t in_pool() const { return entered_ - left_; }

 private:
  void run_done_callbacks();  // the Async callback
  void enqueue_kept();
  struct KeptSubmits;  // run_done_callbacks' scope: opens batch_, hands it over at the end
  void start_fresh_if_forked();  // a no-op unless this process forked since (loop_work.cc)
  void start_fresh_in_child();
  WorkRequest& allocate();
  void add_slot();
  void finish(WorkRequest* r);

  // The loop thread's own fields, touched on every request.
  loop::Loop& loop_;
  ThreadPool& pool_;  // ThreadPool::process(), looked up once
  size_t in_flight_ = 0;  // submitted, finish() not yet run (loop thread)
  uint64_t submits_ = 0;  // requests submitted so far, to pick which are stamped (loop thread)

 public:
  size_t entered_ = 0;  // requests this loop gave the pool (pool mutex; see in_pool())

 private:
  std::vector<std::unique_ptr<WorkRequest>> slots_;
  std::vector<uint32_t> free_slots_;
  loop::Async async_;
  LoopSpinner spinner_;   // the optional fast path (pool/spin_wait.h)
  SubmitBatch batch_;     // the other one (pool/submit_batch.h)

  // What pool threads write goes below, each on a cache line of its own, away from the loop's
  // fields above: a worker's write would otherwise evict them from the loop's cache on every
  // request (false sharing, pool/work_request.h). The done list and its mutex (libuv's wq and
  // wq_mutex) ...
  alignas(kCacheLine) pthread_mutex_t done_mutex_ = PTHREAD_MUTEX_INITIALIZER;
  RequestList done_;

 public:
  // ... and the count of this loop's requests that left the pool (pool mutex; see in_pool()).
  alignas(kCacheLine) size_t left_ = 0;
};

}  // namespace osn::pool
