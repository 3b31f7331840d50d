// tests/loop/watchdog_test.cc — OSN_WATCHDOG_MS: a thread that names the callback blocking
// the loop.
//
// The blocking callback spins until the watchdog has reported it (bounded), so the test does
// not depend on how fast this machine is: it checks what was reported, never when.
#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "kernel-io/clock.h"
#include "loop/loop.h"
#include "loop/watchdog.h"

namespace osn::loop {
namespace {

constexpr uint64_t kBoundNs = 20'000'000'000;  // 20 s: generous under heavy load

TEST(Watchdog, AcceptsWholeMillisecondsFrom1To3600000) {
  for (std::string_view good : {"1", "200", "3600000"}) {
    uint64_t ms = 0;
    EXPECT_EQ(parse_watchdog_ms(good, &ms), "") << good;
    EXPECT_EQ(std::to_string(ms), good);
  }
}

TEST(Watchdog, RefusesOtherValuesNamingTheVariable) {
  for (std::string_view bad : {"", "0", "abc", "-5", "3600001", "12ms", " 5", "99999999999"}) {
    uint64_t ms = 7;
    std::string problem = parse_watchdog_ms(bad, &ms);
    EXPECT_NE(problem.find("OSN_WATCHDOG_MS=" + std::string(bad) + ":"), std::string::npos) << problem;
    EXPECT_EQ(ms, 7u) << "a refused value leaves the output alone";
  }
}

// A Loop made with the variable set starts a watchdog; the variable is removed again at once.
std::unique_ptr<Loop> loop_with_watchdog(const char* ms) {
  ::setenv("OSN_WATCHDOG_MS", ms, 1);
  auto loop = std::make_unique<Loop>();
  ::unsetenv("OSN_WATCHDOG_MS");
  return loop;
}

TEST(Watchdog, NamesThePhaseAndTheLabelOfTheBlockingCallback) {
  auto loop = loop_with_watchdog("30");
  ASSERT_EQ(loop->watchdog_ms(), 30u);  // the thread starts with run()
  WatchdogReport seen;
  TimerId id = loop->set_timeout(1, [&] {
    const uint64_t give_up = kio::monotonic_ns() + kBoundNs;
    while (kio::monotonic_ns() < give_up && loop->watchdog_report().count == 0) {
    }  // CPU-bound on the loop thread, until the watchdog has spoken
    seen = loop->watchdog_report();
  });
  loop->label_timer(id, "test: busy timer");
  loop->run();
  EXPECT_EQ(seen.count, 1u);
  EXPECT_TRUE(seen.ongoing);
  EXPECT_EQ(seen.phase, "timers");
  EXPECT_EQ(seen.label, "test: busy timer");
  EXPECT_GE(seen.blocked_ms, 30u);
}

TEST(Watchdog, SaysWhenTheLoopIsBackAndStaysQuietWhileItWaits) {
  auto loop = loop_with_watchdog("400");  // long: a preempted (not blocked) loop must not count
  loop->set_timeout(1, [&] {
    loop->label_callback("test: spin");
    const uint64_t give_up = kio::monotonic_ns() + kBoundNs;
    while (kio::monotonic_ns() < give_up && loop->watchdog_report().count == 0) {
    }
  });
  // Then an idle loop (waiting in the kernel for a timer) until the watchdog saw the end.
  loop->set_interval(5, [&, polls = 0]() mutable {
    if (!loop->watchdog_report().ongoing || ++polls > 4000) loop->stop();
  });
  loop->run();
  WatchdogReport last = loop->watchdog_report();
  EXPECT_FALSE(last.ongoing);
  EXPECT_EQ(last.count, 1u) << "waiting in poll is not being blocked";
  EXPECT_EQ(last.label, "test: spin");
}

// Threads of this process named osn-watchdog (/proc/self/task/TID/comm), waiting (bounded) for
// `want`: a joined thread's /proc entry can outlive it by a moment.
int watchdog_threads(int want) {
  int n = -1;
  for (const uint64_t give_up = kio::monotonic_ns() + kBoundNs; kio::monotonic_ns() < give_up; ::usleep(1000)) {
    n = 0;
    if (DIR* dir = ::opendir("/proc/self/task")) {
      while (dirent* e = ::readdir(dir)) {
        std::string name;
        if (e->d_name[0] != '.' && std::getline(std::ifstream(std::string("/proc/self/task/") + e->d_name + "/comm"), name))
          n += name == "osn-watchdog";
      }
      ::closedir(dir);
    }
    if (n == want) break;
  }
  return n;
}

// A cluster primary forks respawned workers from its running loop: the watchdog's thread is
// joined first (the child must come from a single-threaded process) and comes back after,
// still reporting.
TEST(Watchdog, StopsItsThreadForAForkAndResumesAfterIt) {
  auto loop = loop_with_watchdog("30");
  int before = -1, during = -1, after = -1;
  WatchdogReport seen;
  loop->set_timeout(1, [&] {
    before = watchdog_threads(1);
    loop->stop_threads_for_fork();
    during = watchdog_threads(0);
    loop->resume_threads_after_fork();
    after = watchdog_threads(1);
    loop->label_callback("test: after resume");
    const uint64_t give_up = kio::monotonic_ns() + kBoundNs;
    while (kio::monotonic_ns() < give_up && loop->watchdog_report().count == 0) {
    }
    seen = loop->watchdog_report();
  });
  loop->run();
  EXPECT_EQ(before, 1);
  EXPECT_EQ(during, 0) << "the watchdog thread is still there when the primary forks";
  EXPECT_EQ(after, 1);
  EXPECT_EQ(seen.count, 1u) << "the resumed watchdog does not report";
  EXPECT_EQ(seen.label, "test: after resume");
}

TEST(Watchdog, OffWithoutTheVariable) {
  if (std::getenv("OSN_WATCHDOG_MS")) GTEST_SKIP() << "OSN_WATCHDOG_MS is set in this environment";
  Loop loop;
  EXPECT_EQ(loop.watchdog_ms(), 0u);
  EXPECT_EQ(loop.watchdog_report().count, 0u);
}

}  // namespace
}  // namespace osn::loop
