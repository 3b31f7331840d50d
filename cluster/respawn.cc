// cluster/respawn.cc — whether to replace a dead worker, and the exponential backoff with a
// reset after a healthy life (see respawn.h). Lab 06's part: the two regions marked [lab 06].
#include "cluster/respawn.h"

#include <algorithm>

namespace osn::cluster {

bool should_respawn(const SlotFacts& slot) {
  // [lab 06] begin: should_respawn — the one rule (respawn.h)
  return slot.cluster_running && !slot.replacement_scheduled && !slot.served;
  // [lab 06] end
}

uint64_t RespawnBackoff::next_delay_ms(uint64_t lived_ms) {
  // [lab 06] begin: next_delay_ms — exponential backoff, reset after a healthy life
  if (lived_ms >= policy_.stable_after_ms) crashes_ = 0;  // it was healthy: start over
  ++crashes_;
  uint64_t delay = policy_.initial_delay_ms;
  for (unsigned i = 1; i < crashes_ && delay < policy_.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, policy_.max_delay_ms);
  // [lab 06] end
}

}  // namespace osn::cluster
