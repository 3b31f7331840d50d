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
#include "pool/work_queue.h"
#include "pool/work_request.h"

namespace osn::pool {

// Owned by the loop (a Loop::Attachment). Slots: loop thread only; done_: done_mutex_;
// in_pool_: the pool mutex.
class LoopWork final : public loop::Loop::Attachment {
 public:
  explicit LoopWork(loop::Loop& loop);
  ~LoopWork() override;
  static LoopWork& of(loop::Loop& loop);

  // submit() and queue_work(): a Task, or (task null) the two callables. Loop thread.
  WorkHandle submit(std::unique_ptr<Task> task, std::function<void()> work,
                    std::function<void(kio::Status)> after_work);
  WorkRequest* find(WorkHandle handle);
  bool push_done(WorkRequest* r);  // pool mutex held; takes done_mutex_. true: call wake()
  void wake() {  // any thread
    async_.send();
    spinner_.wake_sent();  // optional fast path
  }

  size_t in_pool_ = 0;  // queued or running requests of this loop (pool mutex)
  uint64_t epoch_ = 0;  // the pool's fork epoch when this loop first used it

 private:
  void run_done_callbacks();  // the Async callback
  void start_fresh_if_forked();
  WorkRequest& allocate();
  void finish(WorkRequest* r);

  loop::Loop& loop_;
  loop::Async async_;
  pthread_mutex_t done_mutex_ = PTHREAD_MUTEX_INITIALIZER;
  RequestList done_;
  size_t in_flight_ = 0;  // submitted, finish() not yet run (loop thread)
  uint64_t submits_ = 0;  // requests submitted so far, to pick which are stamped (loop thread)
  LoopSpinner spinner_;   // the optional fast path (pool/spin_wait.h)
  std::vector<std::unique_ptr<WorkRequest>> slots_;
  std::vector<uint32_t> free_slots_;
};

}  // namespace osn::pool
