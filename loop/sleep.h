// loop/sleep.h — co_await sleep(loop, ms): a timer as an awaitable (Node's timers/promises).
//
// The frame suspends; a timer (timers phase, loop/timers.cc) wakes it, and it resumes as a
// microtask right after the timer's callback — where Node resumes
// `await setTimeout(ms)`. As set_timeout, a delay below 1 ms is 1 ms. A frame destroyed while
// it sleeps clears its timer (~Sleep), so a cancelled sleep leaves nothing behind. The timer
// keeps the loop alive, as any referenced timer. Loop thread only. Lab 08 writes sleep.cc.
#pragma once

#include <coroutine>
#include <cstdint>

#include "loop/frame.h"
#include "loop/loop.h"

namespace osn::loop {

class Sleep {
 public:
  Sleep(Loop& loop, uint64_t delay_ms) : loop_(loop), delay_ms_(delay_ms) {}
  // Movable only before it is awaited (GCC may move the co_await operand into the frame).
  Sleep(Sleep&& other) noexcept : loop_(other.loop_), delay_ms_(other.delay_ms_) {}
  Sleep& operator=(const Sleep&) = delete;
  ~Sleep();

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    waiting_.suspend(h);
    start();
  }
  void await_resume();

 private:
  void start();  // arms the timer that wakes the frame
  Loop& loop_;
  uint64_t delay_ms_;
  TimerId timer_ = 0;  // 0: not armed (not started, or fired)
  Waiting waiting_;
};

inline Sleep sleep(Loop& loop, uint64_t delay_ms) { return Sleep(loop, delay_ms); }

}  // namespace osn::loop
