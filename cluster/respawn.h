// cluster/respawn.h — THE respawn rule: when a dead worker is replaced, and how soon.
//
// A worker that exits while the cluster is running (nobody asked it to stop: not a shutdown,
// not a rolling restart) is replaced in the same slot. If every replacement dies at once — a
// bad config, a missing file — forking again immediately would spin the CPU in a crash
// loop, so the delay grows:
//   delay = initial_delay_ms * 2^(crashes - 1), capped at max_delay_ms,
// where `crashes` counts consecutive deaths of the slot's workers that lived less than
// stable_after_ms. A worker that lived at least stable_after_ms was healthy: its death
// resets the count, and its replacement is forked after initial_delay_ms.
// This file is the only place the rule lives (lab 06 asks students to write it).
#pragma once

#include <cstdint>

namespace osn::cluster {

struct RespawnPolicy {
  uint64_t initial_delay_ms = 100;
  uint64_t max_delay_ms = 10'000;
  uint64_t stable_after_ms = 5'000;
};

// One per worker slot. Thread affinity: the primary's loop thread.
class RespawnBackoff {
 public:
  explicit RespawnBackoff(RespawnPolicy policy = {}) : policy_(policy) {}

  // A worker of this slot died after living `lived_ms`: how long to wait before forking
  // its replacement.
  uint64_t next_delay_ms(uint64_t lived_ms);

  unsigned consecutive_crashes() const { return crashes_; }

 private:
  RespawnPolicy policy_;
  unsigned crashes_ = 0;
};

}  // namespace osn::cluster
