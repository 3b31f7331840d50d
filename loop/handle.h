// loop/handle.h — what every long-lived loop object has in common.
//
// A handle (timer-like watcher, I/O watcher, stream, listener, async, signal) is an object
// bound to one loop. While it is *active* and *referenced* it keeps the loop alive: run()
// returns only when no such handle (and no pending request or queued callback) is left —
// libuv's uv_ref/uv_unref and Node's handle.ref()/unref(). close(cb) stops the handle at once
// and runs cb in the loop's close phase, as in Node. Destroying a handle also stops it at once.
//
// Ownership: the code that creates a handle owns it; the loop only borrows a pointer while the
// handle is registered. Thread affinity: loop thread only (Async::send is the one exception).
#pragma once

#include <functional>

namespace osn::loop {

class Loop;

class Handle {
 public:
  explicit Handle(Loop& loop) : loop_(&loop) {}
  virtual ~Handle();
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  Loop& loop() const { return *loop_; }
  bool is_active() const { return active_; }
  bool is_closing() const { return closing_; }
  bool has_ref() const { return refed_; }

  // An unreferenced handle still works but does not keep run() from returning.
  void ref();
  void unref();

  // Stops the handle now; `on_close` runs in the close phase of this iteration.
  void close(std::function<void()> on_close = {});

 protected:
  // Derived classes call this when they start or stop watching.
  void set_active(bool active);
  // Stops watching (unregisters from the loop and the backend). Called by close().
  virtual void stop_watching() = 0;

 private:
  Loop* loop_;
  bool active_ = false;
  bool refed_ = true;
  bool closing_ = false;
};

}  // namespace osn::loop
