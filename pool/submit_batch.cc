// pool/submit_batch.cc — OSN_POOL_BATCH, the switch of the batched submits.
#include "pool/submit_batch.h"

#include <cstdlib>

namespace osn::pool {

PoolSwitch parse_pool_batch(const char* text) {
  return parse_pool_switch(kPoolBatchVariable, text, kPoolBatchDefault,
                           "every submit takes the pool mutex",
                           "a pool callback's submits are handed over in batches");
}

PoolSwitch pool_batch_from_environment() { return parse_pool_batch(std::getenv(kPoolBatchVariable)); }

}  // namespace osn::pool
