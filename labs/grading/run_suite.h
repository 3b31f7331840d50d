// A graded check that runs some of the tree's own tests on the student's code.
//
// A lab's grader may compile one of osnode's test files into itself (a grader .cc that only
// #includes tests/loop/backend_test.cc, say). Those tests are ordinary TEST/TEST_P, worth no
// points by themselves; a GRADED_TEST then calls run_suite_in_child("Backends/BackendTest.*/epoll")
// and gets its points only if every test the filter selects passes. The tests run in a child
// process — this same grader binary (/proc/self/exe), started again with --gtest_filter — so a
// test that crashes or hangs costs this check and nothing else. The child is bounded by a
// deadline and killed after it; its output is kept (the first 64 KiB) for the failure message.
// run_child() is the same for any program (lab 03 runs examples/ordering's binary with it).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace osn::grading {

// A child program's end: how it exited and what it printed.
struct ChildRun {
  bool finished = false;  // exited before the deadline (else it was killed)
  int exit_code = -1;     // -1 when it died of a signal
  std::string output;     // stdout and stderr, interleaved, at most 64 KiB
};

// Runs argv[0] (a path) with argv, stdout and stderr on one pipe; waits at most limit_ms.
inline ChildRun run_child(const std::vector<std::string>& argv, int limit_ms) {
  ChildRun run;
  int out[2];
  if (argv.empty() || ::pipe2(out, O_CLOEXEC) != 0) {
    run.output = "run_child: no program, or pipe2 failed";
    return run;
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  if (pid < 0) {
    ::close(out[0]);
    run.output = "run_child: fork failed";
    return run;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  bool open = true;
  while (open && std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, 100) < 0 && errno != EINTR) break;
    if (p.revents == 0) continue;
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      open = false;
      break;
    }
    if (run.output.size() < 64 * 1024) run.output.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  if (open) ::kill(pid, SIGKILL);  // past the deadline
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.finished = !open;
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && run.output.empty())
    run.output = "run_child: cannot execute " + argv[0];
  return run;
}

// The count in gtest's summary line `[  PASSED  ] 7 tests.` (0 if the line is absent).
inline int passed_count(const std::string& output) {
  const std::string mark = "[  PASSED  ] ";
  size_t at = output.rfind(mark);
  return at == std::string::npos ? 0 : std::atoi(output.c_str() + at + mark.size());
}

// Runs this binary again with --gtest_filter=FILTER; waits at most limit_ms.
inline ChildRun run_suite_in_child(const std::string& filter, int limit_ms = 120'000) {
  return run_child({"/proc/self/exe", "--gtest_filter=" + filter, "--gtest_color=no"}, limit_ms);
}

// The check itself: every selected test passes, and at least `at_least` of them ran (a filter
// that matches nothing passes vacuously in gtest, so it must not here).
inline void expect_suite_passes(const std::string& filter, int at_least = 1) {
  ChildRun run = run_suite_in_child(filter);
  EXPECT_TRUE(run.finished) << filter << ": still running at the deadline; output:\n" << run.output;
  EXPECT_EQ(run.exit_code, 0) << filter << ": some tests failed; output:\n" << run.output;
  EXPECT_GE(passed_count(run.output), at_least) << filter << ": fewer tests passed than the suite has";
}

}  // namespace osn::grading
