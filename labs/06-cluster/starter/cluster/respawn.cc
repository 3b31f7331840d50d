// cluster/respawn.cc — whether to replace a dead worker, and the exponential backoff with a
// reset after a healthy life (see respawn.h). Lab 06's part: the two regions marked [lab 06].
#include "cluster/respawn.h"

#include <algorithm>

namespace osn::cluster {

bool should_respawn(const SlotFacts& slot) {
  // [lab 06] begin: should_respawn — the one rule (respawn.h)
  // TODO(lab 06): true only while the cluster runs, for a slot that nobody serves and for which
  // no replacement is already scheduled (respawn.h).
  (void)slot;
  return false;
  // [lab 06] end
}

uint64_t RespawnBackoff::next_delay_ms(uint64_t lived_ms) {
  // [lab 06] begin: next_delay_ms — exponential backoff, reset after a healthy life
  // TODO(lab 06): a life of at least policy_.stable_after_ms resets crashes_; count this crash;
  // the delay is initial_delay_ms * 2^(crashes_ - 1), capped at max_delay_ms (and must not
  // overflow however long the crash loop goes on).
  (void)lived_ms;
  return 0;
  // [lab 06] end
}

}  // namespace osn::cluster
