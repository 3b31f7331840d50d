// tests/support/thread_list.cc — reading /proc/self/task.
#include "tests/support/thread_list.h"

#include <dirent.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "kernel-io/clock.h"

namespace osn::test {

std::vector<ThreadInfo> threads_of_this_process() {
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

int count_threads_named(std::string_view prefix) {
  int n = 0;
  for (const ThreadInfo& t : threads_of_this_process()) n += t.name.rfind(prefix, 0) == 0;
  return n;
}

int threads_named_left_after(std::string_view prefix, uint64_t ms) {
  const uint64_t deadline = kio::monotonic_ns() + ms * 1'000'000u;
  while (count_threads_named(prefix) != 0 && kio::monotonic_ns() < deadline) ::usleep(1000);
  return count_threads_named(prefix);
}

uint64_t blocked_signals_of(long tid) {
  std::ifstream status("/proc/self/task/" + std::to_string(tid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("SigBlk:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  return 0;
}

long this_thread_id() { return ::syscall(SYS_gettid); }

}  // namespace osn::test
