// kernel-io/process.cc — fork, exec and wait, with the errors kept.
#include "kernel-io/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "kernel-io/pipe.h"
#include "kernel-io/signals.h"

extern char** environ;

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

Result<pid_t> spawn_process(const SpawnOptions& options) {
  // Everything the child needs is built here, before fork: after fork in a threaded program
  // only async-signal-safe calls are allowed until exec (no malloc).
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(options.program.c_str()));
  for (const auto& a : options.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  for (const auto& e : options.extra_env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  auto report = make_pipe();  // the child writes its exec errno here; exec closes it on success
  if (!report) return report.error();
  // An inherit target may be the very number the report pipe got; dup2 would then replace
  // our report end and an exec failure would go unreported. The child moves it above every
  // target first.
  int highest_target = 2;
  for (auto [from, to] : options.inherit) highest_target = std::max(highest_target, to);

  auto pid = fork_process();
  if (!pid) return pid;
  if (*pid == 0) {
    int report_fd = report->write_end.get();
    if (report_fd <= highest_target) report_fd = ::fcntl(report_fd, F_DUPFD_CLOEXEC, highest_target + 1);
    for (auto [from, to] : options.inherit) {
      if (from == to) {
        (void)set_cloexec(to, false);  // fcntl on a valid fd cannot fail here
      } else if (::dup2(from, to) < 0) {
        int err = errno;
        (void)!::write(report_fd, &err, sizeof err);
        ::_exit(127);
      }
    }
#ifdef __linux__
    ::execvpe(argv[0], argv.data(), envp.data());
#else
    environ = envp.data();
    ::execvp(argv[0], argv.data());
#endif
    int err = errno;
    (void)!::write(report_fd, &err, sizeof err);
    ::_exit(127);
  }
  report->write_end.reset();
  int child_errno = 0;
  ssize_t n;
  (void)set_nonblocking(report->read_end.get(), false);  // block until exec or _exit
  do {
    n = ::read(report->read_end.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof child_errno) {
    (void)wait_child(*pid, true);
    return SysError{"execvp", child_errno};
  }
  return *pid;
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
