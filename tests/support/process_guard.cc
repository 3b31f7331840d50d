// tests/support/process_guard.cc — killing and reaping test children.
#include "tests/support/process_guard.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace osn::test {

kio::Result<kio::ChildStatus> ChildGuard::wait_for(int timeout_ms) {
  if (pid_ <= 0) return kio::SysError{"waitpid", ECHILD};
  auto status = kio::wait_child_for(pid_, timeout_ms);
  if (status && status->pid != 0) pid_ = -1;  // reaped: the number may be reused now
  return status;
}

void ChildGuard::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

kio::Result<kio::ChildStatus> run_in_child(const std::function<int()>& body, int timeout_ms) {
  auto pid = kio::fork_process();
  if (!pid) return pid.error();
  if (*pid == 0) ::_exit(body());
  ChildGuard guard(*pid);
  return guard.wait_for(timeout_ms);  // on timeout the guard's destructor kills and reaps
}

}  // namespace osn::test
