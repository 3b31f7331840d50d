// kernel-io/process.h — making and reaping processes: fork(2), execve(2), waitpid(2).
//
// fork() copies the calling process: same code, a copy-on-write copy of memory, copies of
// every open descriptor (pointing at the same open files), and only the calling thread.
// exec replaces the program in a process but keeps its pid and its descriptors that are not
// close-on-exec. A parent must reap each child with waitpid() or it stays a zombie
// (`ps -o pid,stat` shows Z). Watch: `pstree -p`, `strace -f -e clone,execve,wait4`.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "kernel-io/result.h"

namespace osn::kio {

// fork(2). Returns 0 in the child and the child's pid in the parent.
Result<pid_t> fork_process();

// How a child ended, as waitpid() reported it.
struct ChildStatus {
  pid_t pid = 0;            // 0: no child has changed state (WNOHANG)
  bool exited = false;      // exit()ed normally: see exit_code
  int exit_code = 0;
  int term_signal = 0;      // killed by this signal (when !exited)
  std::string describe() const;  // "exited with code 3", "killed by SIGKILL"
};

// waitpid(pid, WNOHANG when !block). pid -1 means any child. ECHILD when none is left.
Result<ChildStatus> wait_child(pid_t pid, bool block);

// Waits for `pid` at most timeout_ms (polling with WNOHANG); pid 0 in the result on timeout.
Result<ChildStatus> wait_child_for(pid_t pid, int timeout_ms);

// What to start with spawn_process.
struct SpawnOptions {
  std::string program;                 // path, or a name looked up in PATH
  std::vector<std::string> args;       // argv[1..]
  std::vector<std::string> extra_env;  // "NAME=value" added to the current environment
  // Descriptors the child keeps: each {parent_fd, child_fd} is dup2()ed to child_fd in the
  // child (without close-on-exec). Everything else close-on-exec vanishes at exec.
  std::vector<std::pair<int, int>> inherit;
};

// fork + exec, in kernel-io/spawn.cc (lab 01's part: that file is what a student writes).
// The child runs only async-signal-safe calls between fork and exec: argv and
// envp are built before fork. Fails with the exec error (e.g. "execvp: ENOENT") or the dup2
// error of an `inherit` entry, reported back to the parent through a close-on-exec pipe — the
// trick posix_spawn implementations use; the failed child is reaped before returning.
// The child starts with every signal at SIG_DFL and an empty signal mask (like libuv): an
// ignored SIGPIPE or the pool's blocked mask would otherwise survive execve.
Result<pid_t> spawn_process(const SpawnOptions& options);

// Closes every descriptor >= 3 not in `keep` (reads /proc/self/fd or /dev/fd).
// For a freshly forked child that must not hold its parent's sockets.
void close_fds_except(const std::vector<int>& keep);

// kill(2).
Status send_signal(pid_t pid, int signo);

}  // namespace osn::kio
