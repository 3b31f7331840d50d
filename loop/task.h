// loop/task.h — Task<T>: a C++20 coroutine that runs on the loop, as an async function in Node.
//
//   Task<int> answer(Loop& loop) {
//     co_await sleep(loop, 10);            // the frame waits; the loop runs other callbacks
//     kio::Result<int> r = co_await other(loop);   // another Task: its value, or its error
//     if (!r) co_return r.error();         // errors are values: propagate them by hand
//     co_return *r + 1;
//   }
//   Task<> check(Loop& loop) {              // Task<void>: co_return; or fall off the end,
//     kio::Status s = co_await other_void(loop);
//     if (!s) co_await fail(s.error());    // and fail with an error as a value (no throw)
//   }
//
// Rules, each Node's:
//  - The body runs at once, up to its first co_await (an async function is eager).
//  - Every co_await resumes as a microtask (loop/frame.h): co_await of a Task or Promise that
//    is already done, or of a plain value (`co_await 0`, Node's `await null`), still costs one
//    microtask turn — as `await` does since Node 12.
//  - co_await of a Task or Promise gives a kio::Result<T> (a Task<void>: kio::Status).
//  - A Task fails with an error value: `co_return error;` (Task<T>), `co_await fail(error)`
//    (any Task, Task<void> included), or an exception escaping the body (ECANCELED).
// Ownership: the Task owns its coroutine frame and destroys it in ~Task, suspended or not —
// destroying a suspended Task cancels what it waits for (every awaiter disarms itself). A Task
// must therefore be destroyed before its loop, like a handle. spawn(std::move(task))
// hands the frame to the loop instead (Node's un-awaited async call): it frees itself when it
// finishes, and ~Loop destroys any still suspended. A Task that finished with an error nobody
// awaited is an unhandled rejection (loop/unhandled_rejection.h): reported on stderr, never
// swallowed. Loop thread only. docs/async.md walks through a frame's life.
#pragma once

#include <coroutine>
#include <optional>
#include <utility>

#include "kernel-io/result.h"
#include "loop/frame.h"
#include "loop/unhandled_rejection.h"

namespace osn::loop {

template <class T>
class Task;

// co_await of a value that is not an awaitable: one microtask turn, then the value back.
template <class V>
struct ValueAwaiter {
  V value;
  Waiting waiting;
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    waiting.suspend(h);
    return waiting.suspend_for_one_turn();
  }
  V await_resume() {
    waiting.resumed();
    return std::move(value);
  }
};

template <class A>
concept Awaiter = requires(A& a) {
  a.await_ready();
  a.await_resume();
};
template <class A>
concept HasCoAwait = requires(A&& a) { std::forward<A>(a).operator co_await(); };

// The frame's end: hand the result to whoever awaits it (as a microtask), or — if the loop
// owns the frame — report an error nobody can await any more and free the frame.
template <class P>
void hand_over_result(std::coroutine_handle<P> h) noexcept {
  P& p = h.promise();
  if (p.spawned_) {
    if (p.failed()) report_unhandled_rejection(p.loop(), p.error(), "a spawned Task");
    h.destroy();  // ~TaskPromiseBase unlinks it from the loop's list
    return;
  }
  if (p.continuation_ != nullptr) p.continuation_->wake();
}

template <class P>
struct FinalAwaiter {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<P> h) noexcept { hand_over_result(h); }
  void await_resume() const noexcept {}
};

// `co_await fail(error)`: the body ends here, its Task finished with `error` — what
// `co_return error;` does in a Task<T>, for a Task<void> too. (C++ lets a promise have
// return_void or return_value, never both, so a Task<void>, which must allow `co_return;` and
// falling off the end, cannot take `co_return error;`.) The frame is never resumed: it stays
// suspended here, finished, until its owner destroys it (a spawned one is freed at once), and
// its locals are destroyed then. Any Task may use it.
struct Failure {
  kio::SysError error;
  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) noexcept {
    h.promise().settle(typename P::Settled(error));
    hand_over_result(h);
  }
  void await_resume() const noexcept {}  // never called: the frame is not resumed
};
inline Failure fail(kio::SysError error) { return Failure{error}; }

// How a body hands back its result: co_return value (or error) for Task<T>; for Task<void>
// co_return; or falling off the end (it fails only if an exception escaped it).
template <class T, class Promise>
struct ReturnValue {
  template <class V>
  void return_value(V&& value) {
    static_cast<Promise*>(this)->settle(kio::Result<T>(std::forward<V>(value)));
  }
};
template <class Promise>
struct ReturnValue<void, Promise> {
  void return_void() { static_cast<Promise*>(this)->settle(kio::Status()); }
};

template <class T>
class TaskPromise : public TaskPromiseBase, public ReturnValue<T, TaskPromise<T>> {
 public:
  using Settled = kio::Result<T>;  // for T = void: kio::Status
  template <class... Args>
  explicit TaskPromise(Args&... args) : TaskPromiseBase(args...) {
    self_ = std::coroutine_handle<TaskPromise>::from_promise(*this);
  }

  Task<T> get_return_object() { return Task<T>(std::coroutine_handle<TaskPromise>::from_promise(*this)); }
  FinalAwaiter<TaskPromise> final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept {
    result_.emplace(kio::SysError{"an exception escaped a Task coroutine", ECANCELED});
  }

  // co_await of anything that is not an awaitable is `await value`: one microtask turn.
  template <class A>
  decltype(auto) await_transform(A&& a) {
    if constexpr (Awaiter<std::remove_cvref_t<A>> || HasCoAwait<A>) {
      return std::forward<A>(a);
    } else {
      return ValueAwaiter<std::decay_t<A>>{std::forward<A>(a), {}};
    }
  }

  void settle(Settled result) { result_.emplace(std::move(result)); }
  // Finished: the body returned, failed (co_await fail) or let an exception escape.
  bool finished() const { return result_.has_value(); }
  bool failed() const { return result_ && !result_->ok(); }
  const kio::SysError& error() const { return result_->error(); }
  Settled take_result() { return std::move(*result_); }

 private:
  std::optional<Settled> result_;
};

// The awaiting frame waits for the child's FinalAwaiter to wake it.
template <class T>
class TaskAwaiter {
 public:
  explicit TaskAwaiter(TaskPromise<T>& child) : child_(child) {}
  TaskAwaiter(const TaskAwaiter&) = delete;
  ~TaskAwaiter() {  // the awaiting frame is being destroyed while it waits: stop the wake-up
    if (child_.continuation_ == waiting_.frame()) child_.continuation_ = nullptr;
  }
  bool await_ready() const noexcept { return false; }
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    waiting_.suspend(h);
    child_.awaited_ = true;
    if (child_.finished()) return waiting_.suspend_for_one_turn();  // still one turn
    child_.continuation_ = waiting_.frame();
    return true;
  }
  kio::Result<T> await_resume() {
    waiting_.resumed();
    child_.continuation_ = nullptr;
    return child_.take_result();
  }

 private:
  TaskPromise<T>& child_;
  Waiting waiting_;
};

template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = TaskPromise<T>;

  Task(Task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~Task() { reset(); }

  bool done() const { return frame_ && frame_.promise().finished(); }
  // co_await task (the Task must stay alive until the awaiting frame resumes: a temporary
  // in the co_await expression does).
  TaskAwaiter<T> operator co_await() & { return TaskAwaiter<T>(frame_.promise()); }
  TaskAwaiter<T> operator co_await() && { return TaskAwaiter<T>(frame_.promise()); }
  // The result of a finished Task, for a caller outside any coroutine (main, a test).
  kio::Result<T> result() {
    frame_.promise().awaited_ = true;
    return frame_.promise().take_result();
  }

 private:
  friend class TaskPromise<T>;
  template <class U> friend void spawn(Task<U> task);
  explicit Task(std::coroutine_handle<promise_type> frame) : frame_(frame) {}
  void reset() {
    if (!frame_) return;
    promise_type& p = frame_.promise();
    if (p.failed() && !p.awaited_)  // finished with an error nobody took
      report_unhandled_rejection(p.loop(), p.error(), "a Task nobody awaited");
    frame_.destroy();
    frame_ = {};
  }
  std::coroutine_handle<promise_type> frame_;
};

// Hands the frame to the loop: it runs on without an owner, frees itself when it finishes
// (reporting an error it finished with), and ~Loop destroys it if it is still suspended then.
void spawn_frame(TaskPromiseBase& frame);  // spawned_frames.cc

template <class T>
void spawn(Task<T> task) {
  if (!task.frame_) return;
  if (task.frame_.promise().finished()) return;  // ~Task reports an error nobody awaited
  TaskPromiseBase& frame = task.frame_.promise();
  task.frame_ = {};
  spawn_frame(frame);
}

}  // namespace osn::loop
