// labs/04-thread-pool/grader/pool_grade_support.h — what the lab 04 checks share: a pool of a
// chosen size, bounded waits, and the process's threads read from /proc/self/task.
//
// Every wait ends: a loop runs under an unref()'d guard timer, a gate that holds pool threads
// opens by itself after its deadline, so a broken answer fails a check instead of hanging it.
#pragma once

#include <dirent.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "kernel-io/clock.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::lab04 {

// Stops the pool's threads (if any) and sets OSN_THREADPOOL_SIZE, so the next request starts
// exactly `threads` new ones. false if the pool would not stop (work still in flight).
inline bool use_pool_of(size_t threads) {
  if (!pool::shutdown_pool().ok()) return false;
  ::setenv("OSN_THREADPOOL_SIZE", std::to_string(threads).c_str(), 1);
  return true;
}

// Runs `loop` until nothing keeps it alive (true) or `ms` pass (false).
inline bool run_with_guard(loop::Loop& loop, uint64_t ms = 10'000) {
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

// Waits (bounded) until `count` reaches `target`.
inline bool wait_for(const std::atomic<int>& count, int target, uint64_t ms = 10'000) {
  const uint64_t deadline = kio::monotonic_ns() + ms * 1'000'000u;
  while (count.load() < target && kio::monotonic_ns() < deadline) ::usleep(200);
  return count.load() >= target;
}

// Holds pool threads inside their work until open() (at the latest after 10 s).
class Gate {
 public:
  void open() { open_.store(true, std::memory_order_release); }
  void wait() const {
    const uint64_t deadline = kio::monotonic_ns() + 10'000'000'000u;
    while (!open_.load(std::memory_order_acquire) && kio::monotonic_ns() < deadline) ::usleep(200);
  }

 private:
  std::atomic<bool> open_{false};
};

inline long this_tid() { return ::syscall(SYS_gettid); }

struct ThreadInfo {
  long tid;
  std::string name;  // /proc/self/task/TID/comm: what ps -L shows
};

inline std::vector<ThreadInfo> threads_of_this_process() {
  std::vector<ThreadInfo> threads;
  DIR* dir = ::opendir("/proc/self/task");
  if (dir == nullptr) return threads;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string name;
    if (std::getline(comm, name)) threads.push_back({std::atol(entry->d_name), name});
  }
  ::closedir(dir);
  return threads;
}

inline bool is_pool_name(const std::string& name) { return name.rfind("osn-pool-", 0) == 0; }

inline int count_pool_threads() {
  int n = 0;
  for (const ThreadInfo& t : threads_of_this_process()) n += is_pool_name(t.name);
  return n;
}

// After pthread_join a thread's /proc entry can outlive it by a moment: wait (bounded).
inline int pool_threads_left_after(uint64_t ms = 3000) {
  const uint64_t deadline = kio::monotonic_ns() + ms * 1'000'000u;
  while (count_pool_threads() != 0 && kio::monotonic_ns() < deadline) ::usleep(1000);
  return count_pool_threads();
}

// SigBlk of one thread: the signals it blocks, as a bit mask (bit N-1 is signal N).
inline uint64_t blocked_signals_of(long tid) {
  std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("SigBlk:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  return 0;
}

}  // namespace osn::lab04
