// tests/support/process_guard.h — no test leaves a process behind.
//
// A forked child that outlives its test keeps ports, pipes and CPU busy and turns into a
// zombie when nobody reaps it. ChildGuard owns a pid the way Fd owns a descriptor: when the
// guard dies (test passed, failed an ASSERT, or returned early) it sends SIGKILL and reaps the
// child with waitpid(2). run_in_child() is the usual shape of a "do this in a child" test.
// Thread affinity: use a guard on the thread that forked the child.
#pragma once

#include <sys/types.h>

#include <functional>

#include "kernel-io/process.h"

namespace osn::test {

class ChildGuard {
 public:
  ChildGuard() = default;
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() { kill_and_reap(); }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;

  pid_t pid() const { return pid_; }

  // Waits (bounded) for the child to end by itself and forgets it once reaped.
  // pid 0 in the result: still running after timeout_ms (the guard keeps it).
  kio::Result<kio::ChildStatus> wait_for(int timeout_ms);

  // The child was reaped elsewhere: do not touch the (possibly reused) pid again.
  void forget() { pid_ = -1; }

  // SIGKILL + blocking waitpid; a no-op when there is no child. Safe to call twice.
  void kill_and_reap();

 private:
  pid_t pid_ = -1;
};

// Forks; the child runs `body` and _exit()s with its return value (it must not return through
// GoogleTest, which would print a second report). The parent waits up to timeout_ms; on
// timeout the child is killed and the result has pid 0. A child body should call only simple,
// async-signal-safe-ish code (no gtest macros, no threads).
kio::Result<kio::ChildStatus> run_in_child(const std::function<int()>& body, int timeout_ms = 5'000);

}  // namespace osn::test
