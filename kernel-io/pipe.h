// kernel-io/pipe.h — pipes and the wake-up channel.
//
// A pipe is a one-way byte queue in the kernel: what is written to the write end is read from
// the read end. An eventfd (Linux) is a kernel counter behind one descriptor: write adds to
// it, read returns and resets it — the cheapest way for one thread to wake another that is
// blocked in epoll_wait. Where eventfd does not exist, a pipe does the same job.
#pragma once

#include <utility>

#include "kernel-io/fd.h"

namespace osn::kio {

struct Pipe {
  Fd read_end;
  Fd write_end;
};

// pipe2(O_NONBLOCK | O_CLOEXEC).
Result<Pipe> make_pipe();

// A wake-up channel: notify() from any thread (or a signal handler) makes read_fd() readable;
// drain() empties it again. eventfd where available, a pipe otherwise.
class WakeupChannel {
 public:
  static Result<WakeupChannel> create(bool force_pipe = false);

  int read_fd() const { return read_.get(); }
  bool uses_eventfd() const { return !write_.valid(); }

  // Async-signal-safe; never blocks (a full pipe already means "wake up").
  void notify() const;
  // Reads everything pending so the descriptor is no longer readable.
  void drain() const;

 private:
  Fd read_;
  Fd write_;  // invalid when read_ is an eventfd (one fd does both)
};

}  // namespace osn::kio
