// kernel-io/process.cc — fork, wait, kill, with the errors kept. spawn_process (fork + exec)
// is in spawn.cc.
#include "kernel-io/process.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "kernel-io/signals.h"

namespace osn::kio {

Result<pid_t> fork_process() {
  pid_t pid = ::fork();
  if (pid < 0) return last_error("fork");
  return pid;
}

std::string ChildStatus::describe() const {
  if (exited) return "exited with code " + std::to_string(exit_code);
  return std::string("killed by ") + signal_name(term_signal);
}

Result<ChildStatus> wait_child(pid_t pid, bool block) {
  int status = 0;
  pid_t got;
  do {
    got = ::waitpid(pid, &status, block ? 0 : WNOHANG);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return last_error("waitpid");
  ChildStatus s;
  s.pid = got;
  if (got == 0) return s;
  if (WIFEXITED(status)) {
    s.exited = true;
    s.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    s.term_signal = WTERMSIG(status);
  }
  return s;
}

Result<ChildStatus> wait_child_for(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto s = wait_child(pid, false);
    if (!s || s->pid != 0 || std::chrono::steady_clock::now() >= deadline) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void close_fds_except(const std::vector<int>& keep) {
  std::vector<int> open_fds;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) d = ::opendir("/dev/fd");
  if (d != nullptr) {
    int self = ::dirfd(d);
    while (dirent* e = ::readdir(d)) {
      int fd = std::atoi(e->d_name);
      if (e->d_name[0] != '.' && fd > 2 && fd != self) open_fds.push_back(fd);
    }
    ::closedir(d);
  }
  for (int fd : open_fds)
    if (std::find(keep.begin(), keep.end(), fd) == keep.end()) ::close(fd);
}

Status send_signal(pid_t pid, int signo) {
  if (::kill(pid, signo) < 0) return last_error("kill");
  return {};
}

}  // namespace osn::kio
