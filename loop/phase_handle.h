// loop/phase_handle.h — idle, prepare and check handles: "run this every iteration".
//
// libuv lets a program hook into three phases of each iteration: idle (before prepare; while
// any idle handle is active the poll phase does not block), prepare (just before blocking for
// I/O) and check (just after). Node builds setImmediate on a check handle. A handle started
// *during* its own phase first runs in the next iteration.
// Ownership: the creator. Thread affinity: loop thread only.
#pragma once

#include "loop/handle.h"
#include "loop/loop.h"

namespace osn::loop {

class PhaseHandle : public Handle {
 public:
  PhaseHandle(Loop& loop, Phase phase) : Handle(loop), phase_(phase) {}
  ~PhaseHandle() override { stop(); }

  // Runs cb once per iteration in this handle's phase until stop().
  void start(Callback cb);
  void stop() { stop_watching(); }
  Phase phase() const { return phase_; }

 private:
  friend class Loop;
  void stop_watching() override;

  Phase phase_;
  Callback cb_;
};

class IdleHandle final : public PhaseHandle {
 public:
  explicit IdleHandle(Loop& loop) : PhaseHandle(loop, Phase::kIdle) {}
};
class PrepareHandle final : public PhaseHandle {
 public:
  explicit PrepareHandle(Loop& loop) : PhaseHandle(loop, Phase::kPrepare) {}
};
class CheckHandle final : public PhaseHandle {
 public:
  explicit CheckHandle(Loop& loop) : PhaseHandle(loop, Phase::kCheck) {}
};

}  // namespace osn::loop
