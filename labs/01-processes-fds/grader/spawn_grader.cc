// labs/01-processes-fds/grader/spawn_grader.cc — lab 01's checks of spawn_process.
//
// Each check starts real programs (/bin/sh, cat, sleep) through kio::spawn_process and looks
// at the mechanism from outside: the exit status waitpid(2) reports, bytes through the pipes
// placed at the child's descriptor numbers, /proc/PID/{stat,comm,status} of the child (it is
// our child, exec really happened before spawn_process returned, its signals are reset), and
// that a child whose exec failed was reaped (no zombie). Inputs are random (grading::rng()).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/signals.h"
#include "labs/grading/graded_test.h"
#include "tests/support/process_guard.h"

namespace osn::kio {
namespace {

using grading::random_between;

// A random word of lowercase letters, so the expected output cannot be written in advance.
std::string random_word(size_t length) {
  std::string s;
  for (size_t i = 0; i < length; ++i) s += static_cast<char>('a' + random_between(0, 25));
  return s;
}

// Reads `fd` to end of file (bounded: 10 s without data is an error).
std::string read_to_eof(int fd) {
  std::string all;
  char buf[4096];
  for (;;) {
    auto ready = wait_readable(fd, 10'000);
    if (!ready || !*ready) return all + "<timed out>";
    auto n = read_some(fd, buf);
    if (!n) {
      if (n.error().would_block()) continue;
      return all + "<read error>";
    }
    if (*n == 0) return all;
    all.append(buf, *n);
  }
}

std::string proc_file(pid_t pid, const char* name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The value of "Name:\t..." in /proc/PID/status.
std::string status_field(pid_t pid, const std::string& field) {
  std::istringstream in(proc_file(pid, "status"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field + ":", 0) == 0) {
      std::string value = line.substr(field.size() + 1);
      return value.erase(0, value.find_first_not_of(" \t"));
    }
  return "";
}

// Is `signo` in a /proc/PID/status signal mask ("SigBlk:\t0000000000010000": bit signo - 1)?
bool in_signal_set(const std::string& hex_mask, int signo) {
  if (hex_mask.empty()) return true;  // no such process: count it as not reset
  unsigned long long mask = std::stoull(hex_mask, nullptr, 16);
  return (mask >> (signo - 1)) & 1;
}

// No child of ours is left, not even a zombie: waitpid(-1, WNOHANG) says ECHILD.
bool no_child_left() {
  int status;
  return ::waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

GRADED_TEST(Spawn, ExitStatusComesBackThroughWaitpid, 5) {
  int code = static_cast<int>(random_between(1, 120));
  auto pid = spawn_process({"/bin/sh", {"-c", "exit " + std::to_string(code)}, {}, {}});
  ASSERT_TRUE(pid) << pid.error().message();
  test::ChildGuard guard(*pid);
  auto status = guard.wait_for(10'000);
  ASSERT_TRUE(status) << status.error().message();
  ASSERT_EQ(status->pid, *pid) << "the child did not end within 10 s";
  EXPECT_TRUE(status->exited) << status->describe();
  EXPECT_EQ(status->exit_code, code);
}

GRADED_TEST(Spawn, ArgumentsAndEnvironmentReachTheProgram, 5) {
  std::string word = random_word(static_cast<size_t>(random_between(5, 20)));
  std::string value = random_word(8);
  auto out = make_pipe();
  ASSERT_TRUE(out);
  auto pid = spawn_process({"sh", {"-c", "printf '%s:%s' \"$1\" \"$OSN_LAB01_VALUE\"", "sh", word},
                            {"OSN_LAB01_VALUE=" + value}, {{out->write_end.get(), 1}}});
  ASSERT_TRUE(pid) << pid.error().message();
  test::ChildGuard guard(*pid);
  out->write_end.reset();  // ours must close, or the read below never sees end of file
  EXPECT_EQ(read_to_eof(out->read_end.get()), word + ":" + value);
  auto status = guard.wait_for(10'000);
  ASSERT_TRUE(status && status->pid == *pid);
  EXPECT_EQ(status->exit_code, 0);
}

GRADED_TEST(Spawn, PipesBecomeTheChildsStdinAndStdout, 10) {
  // cat copies its stdin (fd 0) to its stdout (fd 1): both must be our pipes.
  std::string text;
  size_t lines = static_cast<size_t>(random_between(50, 3000));
  for (size_t i = 0; i < lines; ++i) text += random_word(static_cast<size_t>(random_between(1, 30))) + "\n";
  auto in = make_pipe(), out = make_pipe();
  ASSERT_TRUE(in && out);
  // make_pipe's ends are non-blocking; cat expects the ordinary blocking kind.
  ASSERT_TRUE(set_nonblocking(in->read_end.get(), false) && set_nonblocking(out->write_end.get(), false));
  auto pid = spawn_process({"cat", {}, {}, {{in->read_end.get(), 0}, {out->write_end.get(), 1}}});
  ASSERT_TRUE(pid) << pid.error().message();
  test::ChildGuard guard(*pid);
  in->read_end.reset();
  out->write_end.reset();
  // Write from a child process of our own, so a full pipe cannot block this one.
  pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    out->read_end.reset();
    bool ok = static_cast<bool>(write_all(in->write_end.get(), {text.data(), text.size()}, 20'000));
    ::_exit(ok ? 0 : 1);
  }
  test::ChildGuard writer_guard(writer);
  in->write_end.reset();
  EXPECT_EQ(read_to_eof(out->read_end.get()), text);
  auto status = guard.wait_for(10'000);
  ASSERT_TRUE(status && status->pid == *pid);
  EXPECT_TRUE(status->exited && status->exit_code == 0) << status->describe();
}

// Two free descriptor numbers in [5, 9] (the range sh redirections can name).
std::pair<int, int> two_free_numbers() {
  std::vector<int> free;
  for (int n = 5; n <= 9; ++n)
    if (::fcntl(n, F_GETFD) < 0) free.push_back(n);
  if (free.size() < 2) return {-1, -1};
  size_t a = static_cast<size_t>(random_between(0, static_cast<int64_t>(free.size()) - 1));
  size_t b = static_cast<size_t>(random_between(0, static_cast<int64_t>(free.size()) - 2));
  if (b >= a) ++b;
  return {free[a], free[b]};
}

GRADED_TEST(Spawn, CrossedDescriptorsLandWhereAsked, 10) {
  // The parent holds pipe A's write end at number x and pipe B's at y, and asks for them the
  // other way round in the child: {x -> y, y -> x}. A dup2 in one pass would overwrite y
  // before moving it.
  auto a = make_pipe(), b = make_pipe();
  ASSERT_TRUE(a && b);
  auto [x, y] = two_free_numbers();  // after make_pipe, which may itself take numbers in 5..9
  ASSERT_GE(x, 0) << "fewer than two free descriptor numbers in 5..9";
  ASSERT_EQ(::dup2(a->write_end.get(), x), x);
  ASSERT_EQ(::dup2(b->write_end.get(), y), y);
  Fd at_x(x), at_y(y);
  ASSERT_TRUE(set_cloexec(x) && set_cloexec(y));
  a->write_end.reset();
  b->write_end.reset();
  std::string one = random_word(12), two = random_word(12);
  std::string script = "printf " + one + " >&" + std::to_string(y) + "; printf " + two + " >&" + std::to_string(x);
  auto pid = spawn_process({"/bin/sh", {"-c", script}, {}, {{x, y}, {y, x}}});
  ASSERT_TRUE(pid) << pid.error().message();
  test::ChildGuard guard(*pid);
  at_x.reset();
  at_y.reset();
  EXPECT_EQ(read_to_eof(a->read_end.get()), one) << "pipe A (parent fd " << x << ") should be the child's fd " << y;
  EXPECT_EQ(read_to_eof(b->read_end.get()), two) << "pipe B (parent fd " << y << ") should be the child's fd " << x;
  auto status = guard.wait_for(10'000);
  ASSERT_TRUE(status && status->pid == *pid);
}

GRADED_TEST(Spawn, ExecHasHappenedWhenSpawnReturns, 5) {
  // spawn_process returns only after the report pipe said "exec worked" (end of file), so the
  // child is already the new program: /proc/PID/comm says sleep, and we are its parent.
  auto pid = spawn_process({"sleep", {std::to_string(random_between(30, 60))}, {}, {}});
  ASSERT_TRUE(pid) << pid.error().message();
  test::ChildGuard guard(*pid);
  EXPECT_EQ(proc_file(*pid, "comm"), "sleep\n");
  EXPECT_EQ(status_field(*pid, "PPid"), std::to_string(::getpid()));
}

GRADED_TEST(Spawn, TheChildStartsWithDefaultSignals, 5) {
  // The parent ignores SIGPIPE and SIGUSR2 and blocks SIGUSR1; none of that may reach the
  // new program (execve keeps an ignored disposition and the mask).
  struct sigaction old_pipe {}, old_usr2 {}, ignore {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old_pipe), 0);
  ASSERT_EQ(::sigaction(SIGUSR2, &ignore, &old_usr2), 0);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &block, &old_mask), 0);
  auto pid = spawn_process({"sleep", {"30"}, {}, {}});
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::sigaction(SIGUSR2, &old_usr2, nullptr);
  ASSERT_TRUE(pid) << pid.error().message();
  test::ChildGuard guard(*pid);
  EXPECT_FALSE(in_signal_set(status_field(*pid, "SigBlk"), SIGUSR1)) << "SIGUSR1 is still blocked in the child";
  EXPECT_FALSE(in_signal_set(status_field(*pid, "SigIgn"), SIGPIPE)) << "SIGPIPE is still ignored in the child";
  EXPECT_FALSE(in_signal_set(status_field(*pid, "SigIgn"), SIGUSR2)) << "SIGUSR2 is still ignored in the child";
}

GRADED_TEST(Spawn, AMissingProgramIsAnExecErrorAndLeavesNoZombie, 5) {
  ASSERT_TRUE(no_child_left());
  std::string missing = "/nonexistent-" + random_word(10) + "/program";
  auto pid = spawn_process({missing, {}, {}, {}});
  ASSERT_FALSE(pid) << "spawn_process returned pid " << *pid << " for " << missing;
  EXPECT_STREQ(pid.error().call, "execvp");
  EXPECT_EQ(pid.error().code, ENOENT) << pid.error().message();
  EXPECT_TRUE(no_child_left()) << "the child that could not exec was not reaped";
}

GRADED_TEST(Spawn, ABadInheritedDescriptorIsADup2Error, 5) {
  ASSERT_TRUE(no_child_left());
  int not_open = static_cast<int>(random_between(700, 900));
  ASSERT_LT(::fcntl(not_open, F_GETFD), 0);
  auto pid = spawn_process({"true", {}, {}, {{not_open, 3}}});
  ASSERT_FALSE(pid) << "spawn_process started a child with fd " << not_open << " that is not open";
  EXPECT_STREQ(pid.error().call, "dup2");
  EXPECT_EQ(pid.error().code, EBADF) << pid.error().message();
  EXPECT_TRUE(no_child_left()) << "the child that failed was not reaped";
}

}  // namespace
}  // namespace osn::kio
