// pool/loop_work.h — one loop's side of the pool (internal to the pool layer).
//
// Each loop that uses the pool gets one LoopWork, attached to the loop (as libuv keeps wq,
// wq_mutex and wq_async inside uv_loop_t): the table of its requests (slots, so a WorkHandle
// can be checked and reused without allocation), its done list, and the Async through which
// pool threads wake it. Pool threads push finished requests onto the done list; the loop
// drains it and runs each request's finish() on its own thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "loop/async.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "pool/thread_pool.h"
#include "pool/work_queue.h"
#include "pool/work_request.h"

namespace osn::pool {

// Per-loop side of the hand-back: the loop's done list, its Async, and its request slots.
// Owned by the loop (a Loop::Attachment). Slots: loop thread only; done_/draining_/in_pool_:
// pool mutex.
class LoopWork final : public loop::Loop::Attachment {
 public:
  explicit LoopWork(loop::Loop& loop);
  ~LoopWork() override;
  static LoopWork& of(loop::Loop& loop);

  WorkRequest& allocate(std::unique_ptr<Task> task);
  WorkRequest* find(WorkHandle handle);
  void submit(WorkRequest& r);
  void unstage(WorkRequest* r) { staged_.unlink(r); }  // loop thread
  bool push_done(WorkRequest* r);  // pool mutex held; any thread. true: call wake()
  void wake() { async_.send(); }    // any thread

  size_t in_pool_ = 0;  // queued or running requests of this loop (pool mutex)
  size_t wakers_ = 0;   // workers between hand_back and wake() for this loop (pool mutex)
  std::atomic<size_t> running_here_{0};  // of in_pool_, running now (written under the mutex)
  uint64_t epoch_ = 0;  // the pool's fork epoch when this loop first used it

 private:
  void drain();  // the Async callback: runs finish() of every done request
  void finish(WorkRequest* r);
  void spin_before_poll();
  bool wait_for_done_until(uint64_t deadline);

  loop::Loop& loop_;
  loop::Async async_;
  loop::PrepareHandle prepare_;
  loop::IdleHandle skip_poll_sleep_;  // started: the next poll phase must not block
  RequestList done_;
  bool draining_ = false;       // the loop is running finish() callbacks: no wake-up needed
  bool loop_spinning_ = false;  // the loop is polling done_ before its poll phase: ditto
  std::atomic<bool> has_done_{false};  // !done_.empty(), for the spinning loop (no mutex)
  size_t in_flight_ = 0;        // submitted, finish() not yet run (loop thread)
  uint64_t recent_age_ns_ = 0;  // how old completions were when drained, smoothed
  SpinBackoff spin_;            // loop thread
  // Requests submitted from finish() callbacks wait here and enter the FIFO together at the
  // end of the batch: one lock for many submits (loop thread only).
  RequestList staged_;
  bool in_drain_ = false;
  std::vector<std::unique_ptr<WorkRequest>> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace osn::pool
