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
  void start() {
    slot_ = std::make_shared<Slot>();
    slot_->waiter = waiting_.frame();
    handle_ = submit_(loop_, [slot = slot_](R result) {
      slot->result.emplace(std::move(result));  // loop thread: after_work
      if (slot->waiter != nullptr) slot->waiter->wake();
    });
  }
  R await_resume() {
    waiting_.resumed();
    return std::move(*slot_->result);
  }
  ~AwaitWork() {
    if (!slot_ || slot_->result) return;  // never started, or finished
    slot_->waiter = nullptr;              // the completion still comes: it wakes nobody
    (void)cancel(loop_, handle_);         // and if no thread took it yet, it never runs
  }
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
