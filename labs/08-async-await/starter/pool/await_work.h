// pool/await_work.h — co_await of pool work: the work on a pool thread, the frame resumed on
// the loop thread.
//
// AwaitWork<R> turns any request that reports once, on the loop thread, through a callback
// (every request of pool/: fs, lookup, pbkdf2, queue_result) into an awaitable. await_suspend
// submits the request; its completion (after_work, poll phase, loop thread) stores the result
// and wakes the frame, which resumes as a microtask right after that callback — where Node
// resumes `await fs.promises.stat()`. The frame never runs on a pool thread.
//
// Ownership: the completion callback and the awaiter share one small Slot (std::shared_ptr:
// two owners whose lifetimes are independent). If the frame is destroyed first, ~AwaitWork
// cancels the request if no thread took it yet and leaves the Slot without a waiter, so the
// completion that still comes wakes nobody. Loop thread only. Lab 08 writes the marked part.
#pragma once

#include <cerrno>
#include <coroutine>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "kernel-io/result.h"
#include "loop/frame.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::pool {

template <class R>
class AwaitWork {
 public:
  using Done = std::function<void(R)>;
  // Submits the request, calling `done` once with its result on the loop thread.
  using Submit = std::function<WorkHandle(loop::Loop&, Done done)>;

  AwaitWork(loop::Loop& loop, Submit submit) : loop_(loop), submit_(std::move(submit)) {}
  AwaitWork(AwaitWork&& other) noexcept : loop_(other.loop_), submit_(std::move(other.submit_)) {}
  AwaitWork& operator=(const AwaitWork&) = delete;

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    waiting_.suspend(h);
    start();
  }

  // [lab 08] begin: the pool-work awaitable (start, await_resume, ~AwaitWork)
  // TODO(lab 08): make the Slot (std::make_shared) with this frame as its waiter
  // (waiting_.frame()), then submit_(loop_, done) where `done` — it runs on the loop thread —
  // stores the result in the slot and wakes the waiter, if there still is one. Keep the
  // WorkHandle in handle_.
  void start() { (void)loop_; }
  // TODO(lab 08): the wake-up is spent (waiting_.resumed()); hand out the slot's result.
  R await_resume() { return R(kio::SysError{"lab 08: AwaitWork not written", ENOSYS}); }
  // TODO(lab 08): destroyed before the result came: leave the slot without a waiter, and
  // cancel the request if no pool thread took it yet (pool::cancel).
  ~AwaitWork() {}
  // [lab 08] end

 private:
  struct Slot {
    std::optional<R> result;
    loop::TaskPromiseBase* waiter = nullptr;
  };
  loop::Loop& loop_;
  Submit submit_;
  std::shared_ptr<Slot> slot_;
  WorkHandle handle_;
  loop::Waiting waiting_;
};

}  // namespace osn::pool
