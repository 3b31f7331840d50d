// labs/04-thread-pool/grader/pool_grade_support.h — what the lab 04 checks share: a pool of a
// chosen size, bounded waits (tests/support/bounded_wait.h) and the process's threads read
// from /proc/self/task (tests/support/thread_list.h), the same ones tests/pool uses.
//
// Every wait ends: a loop runs under an unref()'d guard timer, a gate that holds pool threads
// opens by itself after its deadline, so a broken answer fails a check instead of hanging it.
#pragma once

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "loop/loop.h"
#include "pool/work_queue.h"
#include "tests/support/bounded_wait.h"
#include "tests/support/thread_list.h"

namespace osn::lab04 {

// Stops the pool's threads (if any) and sets OSN_THREADPOOL_SIZE, so the next request starts
// exactly `threads` new ones. false if the pool would not stop (work still in flight).
inline bool use_pool_of(size_t threads) {
  if (!pool::shutdown_pool().ok()) return false;
  ::setenv("OSN_THREADPOOL_SIZE", std::to_string(threads).c_str(), 1);
  return true;
}

using test::blocked_signals_of;
using test::Gate;
using test::run_with_guard;
using test::ThreadInfo;
using test::threads_of_this_process;

// Waits (bounded) until `count` reaches `target`.
inline bool wait_for(const std::atomic<int>& count, int target, uint64_t ms = 10'000) {
  return test::wait_for_count(count, target, ms);
}

inline long this_tid() { return test::this_thread_id(); }

inline bool is_pool_name(const std::string& name) { return name.rfind("osn-pool-", 0) == 0; }

inline int count_pool_threads() { return test::count_threads_named("osn-pool-"); }

// After pthread_join a thread's /proc entry can outlive it by a moment: wait (bounded).
inline int pool_threads_left_after(uint64_t ms = 3000) { return test::threads_named_left_after("osn-pool-", ms); }

}  // namespace osn::lab04
