// cluster/respawn.cc — whether to replace a dead worker, and the exponential backoff with a
// reset after a healthy life (see respawn.h). Lab 06's part: this whole file.
#include "cluster/respawn.h"

#include <algorithm>

namespace osn::cluster {

bool should_respawn(const SlotFacts& slot) {
  return slot.cluster_running && !slot.replacement_scheduled && !slot.served;
}

uint64_t RespawnBackoff::next_delay_ms(uint64_t lived_ms) {
  if (lived_ms >= policy_.stable_after_ms) crashes_ = 0;  // it was healthy: start over
  ++crashes_;
  uint64_t delay = policy_.initial_delay_ms;
  for (unsigned i = 1; i < crashes_ && delay < policy_.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, policy_.max_delay_ms);
}

}  // namespace osn::cluster
