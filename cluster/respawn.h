// cluster/respawn.h — THE respawn rule: whether a dead worker is replaced, and how soon.
//
// Whether (should_respawn): a worker that exits while the cluster is running is replaced in
// the same slot, unless the slot is already served — by a live worker nobody asked to stop
// (the new worker of a rolling restart) or by a replacement already scheduled. During a
// graceful shutdown nothing is replaced.
// How soon (RespawnBackoff): if every replacement dies at once — a bad config, a missing
// file — forking again immediately would spin the CPU in a crash loop, so the delay grows:
//   delay = initial_delay_ms * 2^(crashes - 1), capped at max_delay_ms,
// where `crashes` counts consecutive deaths of the slot's workers that lived less than
// stable_after_ms. A worker that lived at least stable_after_ms was healthy: its death
// resets the count, and its replacement is forked after initial_delay_ms.
// This file and respawn.cc are the only place the rule lives: the primary
// (primary_lifecycle.cc) gathers the facts and asks. Lab 06 asks students to write respawn.cc.
#pragma once

#include <cstdint>

namespace osn::cluster {

// What the primary knows about a slot when one of its workers has just exited.
struct SlotFacts {
  bool cluster_running = true;       // false once a graceful shutdown has begun
  bool replacement_scheduled = false;  // a respawn timer for this slot is already running
  bool served = false;                 // a live worker of this slot that was not asked to stop
};

// The rule: replace the worker only while the cluster runs, in a slot nobody serves and for
// which no replacement is on its way.
bool should_respawn(const SlotFacts& slot);

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
