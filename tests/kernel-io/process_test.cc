// tests/kernel-io/process_test.cc — fork, exec, waitpid, kill, and closing inherited fds:
// real children, every one reaped (ChildGuard), every wait bounded.
#include "kernel-io/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/signals.h"
#include "kernel-io/socket.h"
#include "tests/support/fd_table.h"
#include "tests/support/process_guard.h"

namespace osn::kio {
namespace {

// A child that blocks until `release` becomes readable (the parent closes its write end).
pid_t fork_waiting_child(const Pipe& release) {
  auto pid = fork_process();
  EXPECT_TRUE(pid.ok()) << pid.error().message();
  if (pid && *pid == 0) {
    ::close(release.write_end.get());  // else the child's own copy keeps the pipe open
    auto woke = wait_readable(release.read_end.get(), 10'000);
    ::_exit(woke && *woke ? 0 : 1);
  }
  return pid ? *pid : -1;
}

SpawnOptions command(std::string program, std::vector<std::string> args = {}) {
  SpawnOptions options;
  options.program = std::move(program);
  options.args = std::move(args);
  return options;
}

Result<ChildStatus> spawn_and_wait(const SpawnOptions& options) {
  auto pid = spawn_process(options);
  if (!pid) return pid.error();
  test::ChildGuard child(*pid);
  return child.wait_for(10'000);
}

TEST(Fork, ReturnsZeroInTheChildAndThePidInTheParent) {
  auto pid = fork_process();
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  if (*pid == 0) ::_exit(::getppid() > 1 ? 7 : 1);
  test::ChildGuard guard(*pid);
  EXPECT_GT(*pid, 0);
  auto status = wait_child(*pid, true);
  ASSERT_TRUE(status.ok()) << status.error().message();
  guard.forget();
  EXPECT_EQ(status->pid, *pid);
  EXPECT_TRUE(status->exited);
  EXPECT_EQ(status->exit_code, 7);
  EXPECT_EQ(status->term_signal, 0);
  EXPECT_EQ(status->describe(), "exited with code 7");
}

TEST(Wait, NonBlockingSaysPidZeroWhileTheChildRuns) {
  auto release = make_pipe();
  ASSERT_TRUE(release.ok());
  test::ChildGuard child(fork_waiting_child(*release));
  ASSERT_GT(child.pid(), 0);
  auto running = wait_child(child.pid(), false);
  ASSERT_TRUE(running.ok()) << running.error().message();
  EXPECT_EQ(running->pid, 0);
  release->write_end.reset();  // EOF wakes the child
  auto done = child.wait_for(10'000);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->describe(), "exited with code 0");
}

TEST(Wait, ForATimeoutReturnsPidZeroAndLeavesTheChild) {
  auto release = make_pipe();
  ASSERT_TRUE(release.ok());
  test::ChildGuard child(fork_waiting_child(*release));
  ASSERT_GT(child.pid(), 0);
  auto timed_out = wait_child_for(child.pid(), 20);
  ASSERT_TRUE(timed_out.ok());
  EXPECT_EQ(timed_out->pid, 0);
  ASSERT_TRUE(send_signal(child.pid(), 0).ok()) << "signal 0: the child still exists";
}

TEST(Wait, ForAnyChildReportsWhichOne) {
  auto pid = fork_process();
  ASSERT_TRUE(pid.ok());
  if (*pid == 0) ::_exit(0);
  test::ChildGuard guard(*pid);
  auto status = wait_child(-1, true);
  ASSERT_TRUE(status.ok());
  guard.forget();
  EXPECT_EQ(status->pid, *pid);
}

TEST(Wait, WithNoChildrenLeftIsEchild) {
  auto none = wait_child(-1, false);
  ASSERT_FALSE(none.ok()) << "a child of an earlier test was not reaped";
  EXPECT_EQ(none.error().message(), "waitpid: ECHILD (No child processes)");
}

TEST(Signal, KillingAChildIsDescribedByTheSignal) {
  for (int signo : {SIGKILL, SIGTERM}) {
    auto release = make_pipe();
    ASSERT_TRUE(release.ok());
    test::ChildGuard child(fork_waiting_child(*release));
    ASSERT_GT(child.pid(), 0);
    ASSERT_TRUE(send_signal(child.pid(), signo).ok());
    auto status = child.wait_for(10'000);
    ASSERT_TRUE(status.ok());
    EXPECT_FALSE(status->exited);
    EXPECT_EQ(status->term_signal, signo);
    EXPECT_EQ(status->describe(), std::string("killed by ") + signal_name(signo));
  }
}

TEST(Signal, ToNobodyOrWithABadNumberNamesTheCall) {
  auto nobody = send_signal(1 << 30, SIGTERM);  // above any pid_max
  ASSERT_FALSE(nobody.ok());
  EXPECT_EQ(nobody.error().message(), "kill: ESRCH (No such process)");
  auto bad = send_signal(::getpid(), 9999);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "kill: EINVAL (Invalid argument)");
}

TEST(Spawn, RunsAProgramAndReportsItsExitCode) {
  auto ok = spawn_and_wait(command("/bin/true"));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->describe(), "exited with code 0");
  auto three = spawn_and_wait(command("/bin/sh", {"-c", "exit 3"}));
  ASSERT_TRUE(three.ok()) << three.error().message();
  EXPECT_EQ(three->describe(), "exited with code 3");
}

TEST(Spawn, LooksNamesUpInPath) {
  auto ok = spawn_and_wait(command("true"));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(ok->describe(), "exited with code 0");
}

TEST(Spawn, AMissingProgramIsEnoentInTheParentAndLeavesNoZombie) {
  for (const char* missing : {"/nonexistent/osn-no-such-program", "osn-no-such-program"}) {
    auto pid = spawn_process(command(missing));
    ASSERT_FALSE(pid.ok()) << missing << " started as pid " << pid.value();
    EXPECT_EQ(pid.error().message(), "execvp: ENOENT (No such file or directory)");
  }
  auto none = wait_child(-1, false);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.error().is(ECHILD)) << "spawn_process reaped its failed child";
}

TEST(Spawn, AFileThatIsNotExecutableIsEacces) {
  auto pid = spawn_process(command("/etc/passwd"));
  ASSERT_FALSE(pid.ok());
  EXPECT_TRUE(pid.error().is(EACCES)) << pid.error().message();
}

TEST(Spawn, AddsExtraEnvironment) {
  SpawnOptions options = command("/bin/sh", {"-c", "test \"$OSN_GREETING\" = hello"});
  options.extra_env = {"OSN_GREETING=hello"};
  auto status = spawn_and_wait(options);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "exited with code 0");
}

TEST(Spawn, InheritedDescriptorsAreVisibleAndOthersAreNot) {
  auto out = make_pipe();
  auto sp = socket_pair();
  ASSERT_TRUE(out && sp);
  int kept = out->write_end.get();
  std::string script = "echo to-three >&3; echo same-number >&" + std::to_string(kept) +
                       "; test ! -e /proc/$$/fd/" + std::to_string(sp->first.get());
  SpawnOptions options = command("/bin/sh", {"-c", script});
  options.inherit = {{kept, 3}, {kept, kept}};
  auto status = spawn_and_wait(options);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "exited with code 0") << "the close-on-exec socket leaked";
  EXPECT_TRUE(is_cloexec(kept)) << "the parent's own flag is untouched";
  out->write_end.reset();
  char buf[64];
  auto n = read_exact(out->read_end.get(), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "to-three\nsame-number\n");
}

// {x -> y, y -> x}: done one dup2 after another, the first would overwrite the second's
// source and both numbers would end up on the same pipe.
TEST(Spawn, InheritedDescriptorsCanSwapNumbers) {
  auto a = make_pipe();
  auto b = make_pipe();
  ASSERT_TRUE(a && b);
  int x = a->write_end.get(), y = b->write_end.get();
  SpawnOptions options = command(
      "/bin/sh", {"-c", "echo via-y >&" + std::to_string(y) + "; echo via-x >&" + std::to_string(x)});
  options.inherit = {{x, y}, {y, x}};
  auto status = spawn_and_wait(options);
  ASSERT_TRUE(status.ok()) << status.error().message();
  ASSERT_EQ(status->describe(), "exited with code 0");
  a->write_end.reset();
  b->write_end.reset();
  char buf[32];
  auto n = read_exact(a->read_end.get(), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "via-y\n") << "number y must carry a's pipe";
  n = read_exact(b->read_end.get(), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "via-x\n") << "number x must carry b's pipe";
}

TEST(Spawn, ABadInheritedDescriptorIsReportedAsDup2) {
  // A number nothing here has open (spawn_process's own pipe takes the lowest free ones).
  int closed = 900;
  ASSERT_LT(::fcntl(closed, F_GETFD), 0);
  SpawnOptions options = command("/bin/true");
  options.inherit = {{closed, 3}};
  auto pid = spawn_process(options);
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.error().message(), "dup2: EBADF (Bad file descriptor)");
}

uint64_t status_mask(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::strtoull(line.c_str() + key.size() + 1, nullptr, 16);
  ADD_FAILURE() << key << " missing in: " << text;
  return ~0ull;
}

uint64_t bit(int signo) { return 1ull << (signo - 1); }

// A runtime blocks signals in threads and ignores SIGPIPE; a program it starts must not
// inherit either (ignored and blocked signals survive execve).
TEST(Spawn, TheChildStartsWithDefaultSignalsAndAnEmptyMask) {
  auto out = make_pipe();
  ASSERT_TRUE(out.ok());
  struct sigaction old_pipe {};
  ASSERT_EQ(::sigaction(SIGPIPE, nullptr, &old_pipe), 0);
  ASSERT_TRUE(ignore_sigpipe().ok());
  Result<ChildStatus> status = SysError{"not run", 0};
  {
    ScopedSignalBlock block({SIGUSR1});
    SpawnOptions options =
        command("/bin/sh", {"-c", "exec grep -E '^Sig(Blk|Ign):' /proc/self/status >&3"});
    options.inherit = {{out->write_end.get(), 3}};
    status = spawn_and_wait(options);
  }
  ASSERT_TRUE(restore_action(SIGPIPE, old_pipe).ok());
  ASSERT_TRUE(status.ok()) << status.error().message();
  ASSERT_EQ(status->describe(), "exited with code 0");
  out->write_end.reset();
  char buf[256];
  auto n = read_exact(out->read_end.get(), buf);
  ASSERT_TRUE(n.ok());
  std::string text(buf, *n);
  EXPECT_EQ(status_mask(text, "SigBlk") & bit(SIGUSR1), 0u) << text;
  EXPECT_EQ(status_mask(text, "SigIgn") & bit(SIGPIPE), 0u) << text;
}

TEST(CloseFdsExcept, AForkedChildKeepsOnlyWhatItWasTold) {
  auto a = make_pipe();
  auto b = make_pipe();
  auto report = make_pipe();
  ASSERT_TRUE(a && b && report);
  int keep_a = a->read_end.get();
  int report_fd = report->write_end.get();
  auto status = test::run_in_child([&] {
    close_fds_except({keep_a, report_fd});
    std::string list;
    for (int fd : test::open_fds())
      if (fd > 2) list += std::to_string(fd) + " ";
    return write_all(report_fd, {list.data(), list.size()}).ok() ? 0 : 1;
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  ASSERT_EQ(status->describe(), "exited with code 0");
  char buf[256];
  auto n = read_some(report->read_end.get(), buf);
  ASSERT_TRUE(n.ok()) << n.error().message();
  int lo = std::min(keep_a, report_fd), hi = std::max(keep_a, report_fd);
  EXPECT_EQ(std::string(buf, *n), std::to_string(lo) + " " + std::to_string(hi) + " ");
  EXPECT_TRUE(is_cloexec(b->read_end.get())) << "the parent's descriptors are untouched";
}

}  // namespace
}  // namespace osn::kio
