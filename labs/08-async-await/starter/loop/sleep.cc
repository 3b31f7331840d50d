// loop/sleep.cc — the timer awaitable: arm a timer whose callback wakes the frame.
//
// The callback captures only `this` (the Sleep lives in the suspended frame), so arming it
// allocates nothing beyond the timer slot. See sleep.h for the rules.
#include "loop/sleep.h"

namespace osn::loop {

// [lab 08] begin: the timer awaitable (Sleep::start, Sleep::await_resume, ~Sleep)
// TODO(lab 08): arm a timer of delay_ms_ (loop_.set_timeout) whose callback forgets the timer
// (timer_ = 0) and wakes the frame (waiting_.wake(): a microtask, right after the callback).
void Sleep::start() {
  (void)delay_ms_;
  (void)timer_;
}

// TODO(lab 08): the wake-up is spent: tell the frame (waiting_.resumed()).
void Sleep::await_resume() {}

// TODO(lab 08): a frame destroyed while it sleeps must not leave its timer behind.
Sleep::~Sleep() {}
// [lab 08] end

}  // namespace osn::loop
