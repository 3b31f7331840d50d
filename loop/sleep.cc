// loop/sleep.cc — the timer awaitable: arm a timer whose callback wakes the frame.
//
// The callback captures only `this` (the Sleep lives in the suspended frame), so arming it
// allocates nothing beyond the timer slot. See sleep.h for the rules.
#include "loop/sleep.h"

namespace osn::loop {

// [lab 08] begin: the timer awaitable (Sleep::start, Sleep::await_resume, ~Sleep)
void Sleep::start() {
  timer_ = loop_.set_timeout(delay_ms_, [this] {
    timer_ = 0;
    waiting_.wake();  // a microtask, run right after this timer's callback
  });
}

void Sleep::await_resume() { waiting_.resumed(); }

Sleep::~Sleep() {
  if (timer_ != 0) loop_.clear_timer(timer_);  // the frame went away while it slept
}
// [lab 08] end

}  // namespace osn::loop
