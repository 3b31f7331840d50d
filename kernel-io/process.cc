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

namespace {

// What a child that could not exec tells its parent: which step failed, and errno.
struct ChildFailure {
  int step;  // index into kChildSteps
  int err;
};
constexpr const char* kChildSteps[] = {"dup2", "execvp"};

[[noreturn]] void report_and_exit(int report_fd, int step) {
  ChildFailure failure{step, errno};
  (void)!::write(report_fd, &failure, sizeof failure);
  ::_exit(127);
}

// exec resets caught signals to SIG_DFL but keeps ignored ones and the signal mask; a program
// we start must not inherit our SIG_IGN for SIGPIPE or the mask the pool threads run with.
void reset_signals_for_exec() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int signo = 1; signo < NSIG; ++signo)
    if (signo != SIGKILL && signo != SIGSTOP) ::sigaction(signo, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// In the parent: EOF on the report pipe means exec succeeded; a ChildFailure means it did
// not, and the child (which _exit()ed) is reaped here so it never lingers as a zombie.
Result<pid_t> wait_for_exec(pid_t pid, int report_read) {
  ChildFailure failure{};
  ssize_t n;
  (void)set_nonblocking(report_read, false);  // block until exec or _exit
  do {
    n = ::read(report_read, &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n != sizeof failure) return pid;
  (void)wait_child(pid, true);
  bool known_step = failure.step >= 0 && failure.step < 2;
  return SysError{known_step ? kChildSteps[failure.step] : "spawn", failure.err};
}

// In the child: moves each inherited fd to its number. Two passes, so that one target number
// never clobbers another pair's source ({5->3, 3->4}): first copy every source above all
// targets (close-on-exec copies that vanish at exec), then dup2 the copies into place.
void place_inherited_fds(const std::vector<std::pair<int, int>>& inherit, std::vector<int>& copies,
                         int above, int report_fd) {
  for (size_t i = 0; i < inherit.size(); ++i) {
    copies[i] = ::fcntl(inherit[i].first, F_DUPFD_CLOEXEC, above);
    if (copies[i] < 0) report_and_exit(report_fd, 0);
  }
  for (size_t i = 0; i < inherit.size(); ++i)
    if (::dup2(copies[i], inherit[i].second) < 0) report_and_exit(report_fd, 0);
}

}  // namespace

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
  std::vector<int> copies(options.inherit.size(), -1);
  int above = 3;
  for (auto [from, to] : options.inherit) above = std::max(above, to + 1);

  // The child writes a ChildFailure here; exec closes it (close-on-exec) on success. It sits
  // above every inherited target so no dup2 in the child can overwrite it.
  auto report = make_pipe();
  if (!report) return report.error();
  auto report_write = Fd(::fcntl(report->write_end.get(), F_DUPFD_CLOEXEC, above));
  if (!report_write) return last_error("fcntl(F_DUPFD_CLOEXEC)");
  report->write_end.reset();

  Result<pid_t> pid = 0;
  {
    auto no_handlers_in_child = ScopedSignalBlock::all();  // until the child has reset them
    pid = fork_process();
    if (pid && *pid == 0) {
      place_inherited_fds(options.inherit, copies, above, report_write.get());
      reset_signals_for_exec();
#ifdef __linux__
      ::execvpe(argv[0], argv.data(), envp.data());
#else
      environ = envp.data();
      ::execvp(argv[0], argv.data());
#endif
      report_and_exit(report_write.get(), 1);
    }
  }
  if (!pid) return pid;
  report_write.reset();
  return wait_for_exec(*pid, report->read_end.get());
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
