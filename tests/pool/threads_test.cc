// tests/pool/threads_test.cc — what `ps -L` and `pstree -t` would show, read from /proc:
// the pool's threads by name, their signal masks, and a fresh pool after fork().
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <string>

#include "kernel-io/process.h"
#include "loop/loop.h"
#include "pool/queue_work.h"
#include "pool/work_queue.h"
#include "tests/support/run_program.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

using testing::count_pool_threads;
using testing::run_with_guard;
using testing::thread_names;

void use_the_pool() {
  loop::Loop loop;
  queue_work(loop, [] {}, [](kio::Status) {});
  ASSERT_TRUE(run_with_guard(loop));
}

TEST(PoolThreads, NoneExistBeforeFirstUseThenOsnPool0To3) {
  ASSERT_TRUE(shutdown_pool().ok());
  EXPECT_EQ(testing::pool_threads_after_shutdown(), 0) << "threads start lazily, on first use";
  use_the_pool();
  auto names = thread_names();
  const size_t size = pool_size().value();
  std::string all;
  for (const std::string& name : names) all += name + " ";
  EXPECT_EQ(count_pool_threads(), static_cast<int>(size)) << "threads: " << all;
  for (size_t i = 0; i < size; ++i) {
    std::string expected = "osn-pool-" + std::to_string(i);
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  EXPECT_EQ(pool_stats().threads_running, size);
}

// SigBlk in /proc/self/task/TID/status: the signals that thread blocks, as a hex mask.
uint64_t blocked_signals_of(const std::string& tid) {
  std::ifstream status("/proc/self/task/" + tid + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("SigBlk:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  return 0;
}

TEST(PoolThreads, BlockEverySignalSoSignalsGoToTheLoopThread) {
  use_the_pool();
  DIR* dir = opendir("/proc/self/task");
  ASSERT_NE(dir, nullptr);
  int checked = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("osn-pool-", 0) != 0) continue;
    uint64_t mask = blocked_signals_of(entry->d_name);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGCHLD, SIGPIPE})
      EXPECT_TRUE(mask & (uint64_t{1} << (sig - 1))) << name << " does not block " << sig;
    ++checked;
  }
  closedir(dir);
  EXPECT_EQ(checked, static_cast<int>(pool_size().value()));
}

bool under_thread_sanitizer() {
#if defined(__SANITIZE_THREAD__)
  return true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  return true;
#endif
#endif
  return false;
}

// In the child: no pool threads are inherited (fork copies only the calling thread); the
// pool is fresh and unstarted, and starts when the child uses it. Exit code says what failed.
int child_after_fork() {
  if (count_pool_threads() != 0) return 10;
  if (pool_stats().threads_running != 0) return 11;
  loop::Loop loop;
  std::atomic<int> ran{0};
  int after = 0;
  for (int i = 0; i < 20; ++i) queue_work(loop, [&] { ++ran; }, [&](kio::Status s) { after += s.ok(); });
  if (!run_with_guard(loop)) return 12;
  if (ran.load() != 20 || after != 20) return 13;
  if (count_pool_threads() != static_cast<int>(pool_size().value())) return 14;
  return 0;
}

TEST(PoolThreads, AForkedChildGetsAFreshPoolThatWorks) {
  if (under_thread_sanitizer())
    GTEST_SKIP() << "ThreadSanitizer does not support starting threads after a multi-threaded fork";
  use_the_pool();
  ASSERT_GT(count_pool_threads(), 0);
  std::fflush(nullptr);
  auto pid = kio::fork_process();
  ASSERT_TRUE(pid.ok());
  if (*pid == 0) _exit(child_after_fork());
  auto status = kio::wait_child_for(*pid, 10'000);
  ASSERT_TRUE(status.ok());
  if (status->pid == 0) {
    (void)kio::send_signal(*pid, SIGKILL);
    (void)kio::wait_child(*pid, true);
    FAIL() << "the child did not finish in 10 s";
  }
  EXPECT_TRUE(status->exited) << status->describe();
  EXPECT_EQ(status->exit_code, 0) << "10: inherited pool threads, 11: pool not fresh, "
                                     "12: timed out, 13: wrong results, 14: no threads started";
  EXPECT_GT(count_pool_threads(), 0) << "the parent's pool is untouched";
}

// A process forks after the pool exists but before it started (as the cluster's primary does:
// it reads pool_size() at start-up, then forks workers). The atfork prepare handler locks the
// pool's mutex; the child must unlock it — re-initialising a locked mutex is undefined, and
// under ThreadSanitizer the child's first request was reported as a double lock. The scenario
// needs a single-threaded parent, so the test reruns this binary as that parent
// (OSN_FORK_PROBE=1) and the rerun's child uses the pool; any sanitizer report fails it.
TEST(PoolThreads, AChildForkedBeforeThePoolStartedUsesItCleanly) {
  if (std::getenv("OSN_FORK_PROBE") != nullptr) {  // the rerun: single-threaded until here
    ASSERT_TRUE(pool_size().ok());
    std::fflush(nullptr);
    auto pid = kio::fork_process();
    ASSERT_TRUE(pid.ok());
    if (*pid == 0) {
      loop::Loop loop;
      int done = 0;
      for (int i = 0; i < 8; ++i) queue_work(loop, [] {}, [&](kio::Status s) { done += s.ok(); });
      _exit(run_with_guard(loop) && done == 8 ? 0 : 12);
    }
    auto status = kio::wait_child_for(*pid, 20'000);
    ASSERT_TRUE(status.ok());
    if (status->pid == 0) {
      (void)kio::send_signal(*pid, SIGKILL);
      (void)kio::wait_child(*pid, true);
      FAIL() << "the child did not finish in 20 s";
    }
    EXPECT_TRUE(status->exited && status->exit_code == 0) << status->describe();
    return;
  }
  auto r = test::run_program("/proc/self/exe",
                             {"--gtest_filter=PoolThreads.AChildForkedBeforeThePoolStartedUsesItCleanly"},
                             test::RunOptions::with_env({"OSN_FORK_PROBE=1"}));
  ASSERT_TRUE(r.started) << r.err;
  ASSERT_TRUE(r.finished) << "the rerun did not finish";
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("ThreadSanitizer"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("[  PASSED  ] 1 test"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace osn::pool
