// pool/pool_switch.h — an on/off switch read from the environment, strictly: "0" or "1".
//
// The pool's two optional fast paths each have one (OSN_POOL_SPIN, pool/spin_wait.h;
// OSN_POOL_BATCH, pool/submit_batch.h). Anything but 0 or 1 is refused with a message that
// names the variable, the value and what each setting means; the pool then refuses to start
// (ThreadPool::start_threads), and pool_environment_problem() (pool/work_queue.h) says why at a
// program's start, as for OSN_THREADPOOL_SIZE.
#pragma once

#include <string>

namespace osn::pool {

struct PoolSwitch {
  bool on = true;
  std::string error;  // empty when ok(); otherwise names the variable, its value and 0|1
  bool ok() const { return error.empty(); }
};

// `text` is the variable's value, or nullptr when unset (then `default_on`).
PoolSwitch parse_pool_switch(const char* variable, const char* text, bool default_on,
                             const char* off_means, const char* on_means);

}  // namespace osn::pool
