// loop/signal.h — signals delivered as ordinary loop callbacks (the self-pipe trick).
//
// A signal handler interrupts whatever the thread was doing, so it may do almost nothing
// safely. osnode's handler does one async-signal-safe thing: it writes the signal number as
// one byte into a pipe owned by the loop that watches that signal. The pipe's read end is an
// ordinary descriptor in the loop's backend, so the signal wakes the poll phase and the
// Signal handle's callback runs later on the loop thread, where any code is allowed —
// how the cluster primary turns SIGCHLD, SIGTERM and SIGHUP into events.
// One loop per process watches a given signal at a time (the last one started wins).
// After fork() the child starts with default dispositions and no signal routing.
// Ownership: the creator. Thread affinity: loop thread only.
#pragma once

#include <functional>
#include <vector>

#include "kernel-io/pipe.h"
#include "loop/handle.h"
#include "loop/io_watcher.h"

namespace osn::loop {

class Signal final : public Handle {
 public:
  using SignalCallback = std::function<void(int signo)>;

  Signal(Loop& loop, SignalCallback cb);
  ~Signal() override;

  // Starts delivering `signo`. Starting again with another number moves the watch.
  kio::Status start(int signo);
  void stop() { stop_watching(); }
  int signo() const { return signo_; }

 private:
  friend class SignalRouter;
  void stop_watching() override;

  SignalCallback cb_;
  int signo_ = 0;
};

// One per loop, made on the first Signal::start: the self-pipe and its watcher.
class SignalRouter {
 public:
  static kio::Result<std::unique_ptr<SignalRouter>> create(Loop& loop);
  ~SignalRouter();

  kio::Status add(Signal* handle, int signo);
  void remove(Signal* handle);

 private:
  SignalRouter(Loop& loop, kio::Pipe pipe);
  void dispatch();  // the pipe is readable: read signal numbers, run callbacks

  Loop& loop_;
  kio::Pipe pipe_;
  IoWatcher watcher_;
  std::vector<Signal*> handles_;
};

}  // namespace osn::loop
