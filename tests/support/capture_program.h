// tests/support/capture_program.h — run one of our programs (or node) and capture what it prints.
//
// fork + exec through kio::spawn_process with stdout and stderr on two pipes; both are read
// until EOF with poll(2), and the child is reaped — everything bounded by a deadline, after
// which the child is killed. bin_dir() finds build/bin next to the running test binary
// (BUILD/tests/NAME_test -> BUILD/bin), unless OSN_BIN_DIR says otherwise.
#pragma once

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"

namespace osn::looptest {

struct ProgramOutput {
  bool started = false;  // false: spawn failed (see out for the reason)
  bool finished = false;  // false: killed at the deadline
  kio::ChildStatus status;
  std::string out, err;
};

inline std::string bin_dir() {
  if (const char* dir = std::getenv("OSN_BIN_DIR"); dir && *dir) return dir;
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "build/bin";
  std::string path(self, static_cast<size_t>(n));
  path.erase(path.rfind('/'));  // BUILD/tests
  return path + "/../bin";
}

// Is `name` an executable somewhere on PATH?
inline bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

inline ProgramOutput run_program(const std::string& program, std::vector<std::string> args,
                                 std::vector<std::string> env = {}, int timeout_ms = 10'000) {
  ProgramOutput result;
  auto out = kio::make_pipe();
  auto err = kio::make_pipe();
  if (!out || !err) return result;
  kio::SpawnOptions options;
  options.program = program;
  options.args = std::move(args);
  options.extra_env = std::move(env);
  options.inherit = {{out->write_end.get(), 1}, {err->write_end.get(), 2}};
  auto pid = kio::spawn_process(options);
  out->write_end.reset();
  err->write_end.reset();
  if (!pid) {
    result.out = pid.error().message();
    return result;
  }
  result.started = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  pollfd fds[2] = {{out->read_end.get(), POLLIN, 0}, {err->read_end.get(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_ends = 2;
  while (open_ends > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 100) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      auto n = kio::read_some(fds[i].fd, buf);
      if (n && *n > 0) {
        sinks[i]->append(buf, *n);
      } else if (!n && n.error().would_block()) {
        continue;
      } else {
        fds[i].fd = -1;  // EOF or error: this end is done
        --open_ends;
      }
    }
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  auto status = kio::wait_child_for(*pid, left.count() > 0 ? static_cast<int>(left.count()) : 0);
  if (status && status->pid != 0) {
    result.finished = true;
    result.status = *status;
  } else {
    ::kill(*pid, SIGKILL);
    (void)kio::wait_child(*pid, true);
  }
  return result;
}

}  // namespace osn::looptest
