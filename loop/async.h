// loop/async.h — waking the loop from another thread.
//
// The loop's thread spends its idle time blocked in epoll_wait/kevent/poll. Another thread
// (a pool worker that finished a job) cannot call into the loop directly — callbacks run only
// on the loop's thread. Instead it calls send(): an atomic flag is set and the loop's wake-up
// descriptor (eventfd, or a pipe) is written, which makes the poll phase return; the loop then
// runs the callback of every Async whose flag is set. Several send()s before the loop notices
// coalesce into one callback (as uv_async_send does). Watch: strace -f -e eventfd2,write,read
// Ownership: the creator; the handle must outlive every thread that may still call send().
// Thread affinity: send() from any thread; everything else loop thread only.
#pragma once

#include <atomic>

#include "loop/handle.h"
#include "loop/loop.h"

namespace osn::loop {

class Async final : public Handle {
 public:
  // Active from construction: an Async keeps the loop alive until closed or unref()ed.
  Async(Loop& loop, Callback cb);
  ~Async() override;

  // Thread-safe and async-signal-safe.
  void send();

 private:
  friend class Loop;
  void stop_watching() override;

  Callback cb_;
  std::atomic<bool> pending_{false};
};

}  // namespace osn::loop
