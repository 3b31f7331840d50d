// tests/pool/pool_test_support.h — bounded waits for pool tests.
//
// Every wait here ends: a loop runs under a guard timer (unref()'d, so it never keeps the loop
// alive itself), and a gate that holds pool threads busy opens by itself after a deadline.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <string>
#include <vector>

#include "kernel-io/clock.h"
#include "loop/loop.h"
#include "pool/queue_work.h"
#include "tests/support/run_program.h"

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

// Runs `loop` until nothing keeps it alive (true) or `ms` pass (false).
inline bool run_with_guard(loop::Loop& loop, uint64_t ms = 5000) {
  bool timed_out = false;
  loop::TimerId guard = loop.set_timeout(ms, [&] {
    timed_out = true;
    loop.stop();
  });
  loop.unref_timer(guard);
  loop.run();
  if (!timed_out) loop.clear_timer(guard);
  return !timed_out;
}

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

// Holds pool threads inside their work until open() (or, at the latest, after 5 s).
class Gate {
 public:
  void open() { open_.store(true, std::memory_order_release); }
  void wait() const {
    uint64_t deadline = kio::monotonic_ns() + 5'000'000'000u;
    while (!open_.load(std::memory_order_acquire) && kio::monotonic_ns() < deadline) usleep(100);
  }

 private:
  std::atomic<bool> open_{false};
};

// Waits (bounded) until `count` reaches `target`.
inline bool wait_for_count(const std::atomic<int>& count, int target, uint64_t ms = 5000) {
  uint64_t deadline = kio::monotonic_ns() + ms * 1'000'000u;
  while (count.load() < target && kio::monotonic_ns() < deadline) usleep(100);
  return count.load() >= target;
}

// The names of this process's threads: what `ps -L -p PID` prints in its CMD column.
inline std::vector<std::string> thread_names() {
  std::vector<std::string> names;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string name;
    if (std::getline(comm, name)) names.push_back(name);
  }
  closedir(dir);
  return names;
}

inline int count_pool_threads() {
  int n = 0;
  for (const std::string& name : thread_names()) n += name.rfind("osn-pool-", 0) == 0;
  return n;
}

// After pthread_join a thread's /proc/self/task entry can outlive it by a moment: wait (bounded).
inline int pool_threads_after_shutdown(uint64_t ms = 2000) {
  uint64_t deadline = kio::monotonic_ns() + ms * 1'000'000u;
  while (count_pool_threads() != 0 && kio::monotonic_ns() < deadline) usleep(1000);
  return count_pool_threads();
}

}  // namespace osn::pool::testing
