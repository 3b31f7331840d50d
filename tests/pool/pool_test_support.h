// tests/pool/pool_test_support.h — bounded waits and thread counts for pool tests.
//
// Every wait here ends: the guard timer, the counter wait and the gate are
// tests/support/bounded_wait.h, the thread list tests/support/thread_list.h (lab 04's grader
// uses the same); what is pool-only stays here (refused-variable children, osn-pool- names).
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "loop/loop.h"
#include "pool/queue_work.h"
#include "tests/support/bounded_wait.h"
#include "tests/support/run_program.h"
#include "tests/support/thread_list.h"

namespace osn::pool::testing {

// Runs one disabled test of this binary (`filter`) in a child process with `variable=value` in
// its environment (a value of our own is removed first, so the child sees only this one) and
// returns what it printed on stdout and stderr together; `exited_zero` says whether it ended
// with status 0 within 10 s. For tests of refused environment variables.
struct ChildRun {
  bool exited_zero = false;
  std::string said;
};
inline ChildRun run_test_child_with(const std::string& filter, const char* variable,
                                    const std::string& value) {
  const char* ours = std::getenv(variable);
  const std::string saved = ours ? ours : "";
  ::unsetenv(variable);
  osn::test::RunOptions options = osn::test::RunOptions::with_env({std::string(variable) + "=" + value});
  auto run = osn::test::run_program("/proc/self/exe",
                                    {"--gtest_also_run_disabled_tests", "--gtest_filter=" + filter},
                                    options);
  if (ours) ::setenv(variable, saved.c_str(), 1);
  ChildRun result;
  result.exited_zero = run.finished && run.status.exited && run.status.exit_code == 0;
  result.said = run.out + run.err;
  if (!run.finished) result.said += "\n(the child did not finish within 10 s)";
  return result;
}

using osn::test::run_with_guard;

// The child side of a refused-variable test: the first request of a loop fails with EINVAL,
// and the error names `variable` (the pool never started a thread).
inline void expect_first_request_refused_by(const char* variable) {
  loop::Loop loop;
  kio::Status seen;
  queue_work(loop, [] {}, [&](kio::Status s) { seen = s; });
  ASSERT_TRUE(run_with_guard(loop));
  ASSERT_FALSE(seen.ok());
  EXPECT_TRUE(seen.error().is(EINVAL));
  EXPECT_STREQ(seen.error().call, variable);
}

using osn::test::Gate;
using osn::test::wait_for_count;

// The names of this process's threads: what `ps -L -p PID` prints in its CMD column.
inline std::vector<std::string> thread_names() {
  std::vector<std::string> names;
  for (const osn::test::ThreadInfo& t : osn::test::threads_of_this_process()) names.push_back(t.name);
  return names;
}

inline int count_pool_threads() { return osn::test::count_threads_named("osn-pool-"); }

// After pthread_join a thread's /proc/self/task entry can outlive it by a moment: wait (bounded).
inline int pool_threads_after_shutdown(uint64_t ms = 2000) {
  return osn::test::threads_named_left_after("osn-pool-", ms);
}

}  // namespace osn::pool::testing
