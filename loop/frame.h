// loop/frame.h — a suspended coroutine frame, and how the loop wakes it: as a microtask.
//
// A C++20 coroutine's frame is the closure that survives an await: its locals, its arguments
// and the point where it stopped live on the heap (one allocation, when the coroutine is
// called), not on the stack, so the function can return to the loop and carry on later. This
// file holds what every frame of a loop::Task has (TaskPromiseBase) and the one way it is
// resumed: wake() queues the frame on its loop's microtask queue (Loop::queue_resumption), so
// every co_await resumes in the drain after a callback, exactly where Node resumes an await.
//
// Ownership: the frame is owned by its Task (task.h) or, once spawn()ed, by the loop
// (spawned_frames.cc). A frame destroyed while a wake-up is queued takes it back
// (~TaskPromiseBase), so the queue never resumes a freed frame. Loop thread only.
// docs/async.md tells the whole story.
#pragma once

#include <concepts>
#include <coroutine>
#include <type_traits>

#include "loop/loop.h"

namespace osn::loop {

// How a coroutine is given its loop: a Loop& among its parameters, or an object with a loop()
// member that returns one (a Stream, a WorkerContext).
template <class A>
concept LoopLike = std::is_same_v<std::remove_cvref_t<A>, Loop> ||
                   requires(A& a) { { a.loop() } -> std::same_as<Loop&>; };

template <class A>
Loop* loop_of(A& arg) {
  if constexpr (std::is_same_v<std::remove_cv_t<A>, Loop>) {
    return &arg;
  } else if constexpr (LoopLike<A>) {
    return &arg.loop();
  } else {
    return nullptr;
  }
}

class TaskPromiseBase;

// A place in the loop's list of spawned frames (spawned_frames.cc): unlinking needs no lookup.
struct SpawnLink {
  SpawnLink* prev = this;
  SpawnLink* next = this;
  TaskPromiseBase* frame = nullptr;  // null in the list's head
  bool linked() const { return next != this; }
  void unlink() {
    prev->next = next;
    next->prev = prev;
    prev = next = this;
  }
};

class TaskPromiseBase {
 public:
  template <class... Args>
  explicit TaskPromiseBase(Args&... args) {
    static_assert((LoopLike<Args> || ...),
                  "a loop::Task coroutine takes the Loop& it runs on (or a handle) as a parameter");
    ((loop_ = loop_ ? loop_ : loop_of(args)), ...);
  }
  ~TaskPromiseBase();  // spawned_frames.cc
  TaskPromiseBase(const TaskPromiseBase&) = delete;
  TaskPromiseBase& operator=(const TaskPromiseBase&) = delete;

  Loop& loop() const { return *loop_; }
  std::coroutine_handle<> frame() const { return self_; }

  // Resume this frame as a microtask (after the current callback and its ticks).
  void wake() {
    woken_ = true;
    loop_->queue_resumption(self_);
  }
  // For an awaiter whose value is ready already (a plain value, a settled Promise, a finished
  // Task) — one microtask turn all the same, as in Node — called from await_suspend, whose
  // return value it is. If this frame is the microtask running now and the queue is empty,
  // its resumption would be the next thing the drain runs, so it goes on in place (false: do
  // not suspend) — nothing else can run in between, so every order is Node's. Otherwise it
  // is queued (wake()) and the frame suspends (true).
  bool suspend_for_one_turn() {
    if (loop_->is_next_microtask(self_)) return false;
    wake();
    return true;
  }
  // Called by an awaiter's await_resume: the wake-up is spent.
  void resumed() { woken_ = false; }

  // Eager, as an async function in Node: the body runs at once, up to its first co_await.
  std::suspend_never initial_suspend() noexcept { return {}; }

 protected:
  std::coroutine_handle<> self_;  // set by the derived promise (it knows the frame's type)

 private:
  template <class P> friend void hand_over_result(std::coroutine_handle<P> h) noexcept;
  template <class T> friend class TaskAwaiter;
  template <class T> friend class Task;
  friend class SpawnedFrames;
  friend void spawn_frame(TaskPromiseBase& frame);

  Loop* loop_ = nullptr;
  bool woken_ = false;                       // a resumption of this frame is queued
  TaskPromiseBase* continuation_ = nullptr;  // the frame awaiting this one's result
  bool awaited_ = false;                     // someone awaited (or read) the result
  bool spawned_ = false;                     // owned by the loop (spawn): frees itself
  SpawnLink spawn_link_;                     // in the loop's list while spawned
};

// The piece every awaiter in osnode embeds: the frame suspended on it, from await_suspend to
// await_resume. Only a loop::Task may await osnode's awaitables (the static_assert says so).
class Waiting {
 public:
  template <class P>
  void suspend(std::coroutine_handle<P> h) {
    static_assert(std::is_base_of_v<TaskPromiseBase, P>,
                  "osnode awaitables are awaited from a loop::Task coroutine");
    frame_ = &h.promise();
  }
  TaskPromiseBase* frame() const { return frame_; }
  Loop& loop() const { return frame_->loop(); }
  void wake() const { frame_->wake(); }
  bool suspend_for_one_turn() const { return frame_->suspend_for_one_turn(); }
  void resumed() const {
    if (frame_) frame_->resumed();
  }

 private:
  TaskPromiseBase* frame_ = nullptr;
};

}  // namespace osn::loop
