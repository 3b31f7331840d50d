// tests/cluster/fork_child_test.cc — child_process.fork(): exec a program, talk over the channel.
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "cluster/fork_child.h"
#include "gtest/gtest.h"
#include "kernel-io/process.h"
#include "loop/loop.h"
#include "tests/support/run_program.h"

namespace osn::cluster {
namespace {

// build*/tests/cluster_test -> build*/bin/fork-child
std::string fork_child_program() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return {};
  std::string path(self, static_cast<size_t>(n));
  path = path.substr(0, path.rfind('/'));
  return path.substr(0, path.rfind('/')) + "/bin/fork-child";
}

TEST(ForkChild, RoundTripThenExitWithTheCodeAskedFor) {
  const std::string program = fork_child_program();
  if (::access(program.c_str(), X_OK) != 0) GTEST_SKIP() << program << " not built (make examples)";
  loop::Loop loop;
  auto child = fork_child(loop, program);
  ASSERT_TRUE(child.ok()) << child.error().message();
  ChildProcess& c = **child;
  const std::string big(2 << 20, 'b');
  int64_t ready_pid = 0;
  std::string echoed;
  int64_t echo_pid = 0;
  kio::ChildStatus status;
  c.on_message([&](const Message& m) {
    if (m.type() == "ready") {
      ready_pid = m.get_int("pid").value_or(0);
      c.send(Message("echo").set("data", big));
    } else if (m.type() == "echo-reply") {
      echoed = std::string(m.get("data"));
      echo_pid = m.get_int("pid").value_or(0);
      c.send(Message("exit").set_int("code", 7));
    }
  });
  c.on_exit([&](const kio::ChildStatus& s) { status = s; });
  auto guard = loop.set_timeout(10000, [&] {
    (void)c.kill(SIGKILL);
    loop.stop();
  });
  loop.unref_timer(guard);
  while (status.pid == 0 && loop.run(loop::RunMode::kOnce)) {
  }
  loop.clear_timer(guard);
  EXPECT_EQ(ready_pid, c.pid());
  EXPECT_EQ(echo_pid, c.pid()) << "a separate process answered";
  EXPECT_NE(c.pid(), ::getpid());
  EXPECT_EQ(echoed.size(), big.size());
  EXPECT_EQ(echoed, big);
  ASSERT_EQ(status.pid, c.pid());
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.exit_code, 7);
}

TEST(ForkChild, DisconnectingTheChannelEndsTheChild) {
  const std::string program = fork_child_program();
  if (::access(program.c_str(), X_OK) != 0) GTEST_SKIP() << program << " not built (make examples)";
  loop::Loop loop;
  auto child = fork_child(loop, program);
  ASSERT_TRUE(child.ok());
  ChildProcess& c = **child;
  kio::ChildStatus status;
  c.on_message([&](const Message& m) {
    if (m.type() == "ready") c.disconnect();
  });
  c.on_exit([&](const kio::ChildStatus& s) { status = s; });
  auto guard = loop.set_timeout(10000, [&] { (void)c.kill(SIGKILL); });
  loop.unref_timer(guard);
  while (status.pid == 0 && loop.run(loop::RunMode::kOnce)) {
  }
  loop.clear_timer(guard);
  ASSERT_EQ(status.pid, c.pid());
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.exit_code, 0);
}

TEST(ForkChild, TheChildProgramRefusesToRunWithoutAChannel) {
  const std::string program = fork_child_program();
  if (::access(program.c_str(), X_OK) != 0) GTEST_SKIP() << program << " not built (make examples)";
  kio::SpawnOptions options;
  options.program = program;
  auto pid = kio::spawn_process(options);
  ASSERT_TRUE(pid.ok());
  auto status = kio::wait_child_for(*pid, 5000);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->pid, *pid);
  EXPECT_EQ(status->exit_code, 2);
}

TEST(ForkChild, AMissingProgramIsReportedAsAnError) {
  loop::Loop loop;
  auto child = fork_child(loop, "/nonexistent/osn-program");
  ASSERT_FALSE(child.ok());
  EXPECT_TRUE(child.error().is(ENOENT)) << child.error().message();
}

// The parent program a user runs to try child_process.fork(): build/bin/fork-parent forks
// build/bin/fork-child, exchanges three messages and has it exit with code 0.
TEST(ForkParentExample, ForksTheChildProgramAndExchangesMessages) {
  const std::string program = osn::test::bin_dir() + "/fork-parent";
  if (::access(program.c_str(), X_OK) != 0) GTEST_SKIP() << program << " not built (make examples)";
  osn::test::ProgramResult run = osn::test::run_program(program, {});
  ASSERT_TRUE(run.started) << run.out;
  ASSERT_TRUE(run.finished) << "fork-parent did not finish:\n" << run.out << run.err;
  EXPECT_TRUE(run.status.exited);
  EXPECT_EQ(run.status.exit_code, 0) << run.out << run.err;
  int parent = 0, child = 0;
  ASSERT_EQ(std::sscanf(run.out.c_str(), "parent %d: forked child %d", &parent, &child), 2) << run.out;
  EXPECT_NE(parent, child);
  for (const char* line : {": ready\n", ": echo-reply text=hello 1\n", ": echo-reply text=hello 2\n",
                           ": echo-reply text=hello 3\n", ": exited with code 0\n"})
    EXPECT_NE(run.out.find("child " + std::to_string(child) + line), std::string::npos) << line << " in\n" << run.out;
  EXPECT_NE(::kill(child, 0), 0) << "the child is gone (reaped by fork-parent)";
}

}  // namespace
}  // namespace osn::cluster
