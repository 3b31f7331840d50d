// kernel-io/spawn.cc — spawn_process: fork, place the inherited fds with dup2, exec, and learn
// whether exec worked.
//
// Lab 01's part: the three regions marked `[lab 01]` (the contract is spawn_process in
// process.h; labs/01-processes-fds/README.md is the lab). The steps:
//   1. before fork: argv and envp as char* arrays, and a close-on-exec *report pipe* — after
//      fork, a child of a threaded program may only make async-signal-safe calls (no malloc);
//   2. fork with every signal blocked, so none of our handlers runs in the child;
//   3. in the child: dup2 each inherited fd to its number, reset the signals, exec;
//      if that fails, write {step, errno} into the report pipe and _exit(127);
//   4. in the parent: read the report pipe. End of file = exec closed it = success; a report
//      = failure, and the child is reaped here so it never lingers as a zombie.
// Watch: strace -f -e trace=clone,execve,dup2,read,wait4 (docs/kernel-io.md, "Processes").
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/signals.h"

extern char** environ;

namespace osn::kio {

namespace {

// What a child that could not exec tells its parent: which step failed, and errno.
struct ChildFailure {
  int step;  // index into kChildSteps
  int err;
};
constexpr const char* kChildSteps[] = {"dup2", "execvp"};
constexpr int kStepDup2 = 0, kStepExec = 1;

[[noreturn]] void report_and_exit(int report_fd, int step) {
  ChildFailure failure{step, errno};
  (void)!::write(report_fd, &failure, sizeof failure);
  ::_exit(127);
}

// In the child: moves each inherited fd to its number. Two passes, so that one target number
// never clobbers another pair's source ({5->3, 3->4}): first copy every source above all
// targets (close-on-exec copies that vanish at exec), then dup2 the copies into place (the
// result of dup2 is not close-on-exec: it survives exec).
void place_inherited_fds(const std::vector<std::pair<int, int>>& inherit, std::vector<int>& copies,
                         int above, int report_fd) {
  // [lab 01] begin: place_inherited_fds — the two passes of F_DUPFD_CLOEXEC copies, then dup2
  // TODO(lab 01): for each pair {from, to} of `inherit`, first copy `from` to a number >= `above`
  // with fcntl(F_DUPFD_CLOEXEC) into copies[i]; then, in a second pass, dup2(copies[i], to).
  // Why two passes: with {5->3, 3->4}, a dup2(5, 3) first would overwrite the 3 that is still
  // to be moved to 4. On any failure: report_and_exit(report_fd, kStepDup2).
  (void)inherit;
  (void)copies;
  (void)above;
  (void)report_fd;
  (void)kStepDup2;
  // [lab 01] end
}

// In the parent: EOF on the report pipe means exec succeeded; a ChildFailure means it did
// not, and the child (which _exit()ed) is reaped here.
Result<pid_t> wait_for_exec(pid_t pid, int report_read) {
  // [lab 01] begin: wait_for_exec — read the report pipe; EOF is success, a report is reaped
  // TODO(lab 01): block in read(2) on report_read (it may be non-blocking: set_nonblocking(fd,
  // false) first; retry on EINTR). End of file (read returns 0) means exec closed the pipe's
  // other end: return pid. A whole ChildFailure means the child failed and _exit()ed: reap it
  // with wait_child(pid, true) and return SysError{kChildSteps[failure.step], failure.err}.
  (void)pid;
  (void)report_read;
  (void)kChildSteps;
  return SysError{"spawn (TODO lab 01: wait_for_exec)", ENOSYS};
  // [lab 01] end
}

}  // namespace

Result<pid_t> spawn_process(const SpawnOptions& options) {
  // Step 1: everything the child needs, built before fork.
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

  // The report pipe's write end sits above every inherited target, so no dup2 in the child
  // can overwrite it; exec closes it (close-on-exec) on success.
  auto report = make_pipe();
  if (!report) return report.error();
  auto report_write = Fd(::fcntl(report->write_end.get(), F_DUPFD_CLOEXEC, above));
  if (!report_write) return last_error("fcntl(F_DUPFD_CLOEXEC)");
  report->write_end.reset();

  // Steps 2 and 3.
  Result<pid_t> pid = 0;
  // [lab 01] begin: spawn_process steps 2-3 — fork; in the child: the dup2s, signals reset, exec
  // TODO(lab 01): fork with every signal blocked (ScopedSignalBlock::all() for the scope of the
  // fork), pid = fork_process(). In the child (pid 0): place_inherited_fds(options.inherit,
  // copies, above, report_write.get()), reset_signals_for_exec(), then execvpe(argv[0],
  // argv.data(), envp.data()) (on macOS: environ = envp.data(); execvp); if exec returns, it
  // failed: report_and_exit(report_write.get(), kStepExec). The parent goes on below.
  (void)&report_and_exit;
  (void)&place_inherited_fds;
  (void)kStepExec;
  pid = SysError{"fork (TODO lab 01: spawn_process)", ENOSYS};
  // [lab 01] end
  if (!pid) return pid;
  // Step 4. Our copy of the write end must close first, or read() would never see EOF.
  report_write.reset();
  return wait_for_exec(*pid, report->read_end.get());
}

}  // namespace osn::kio
