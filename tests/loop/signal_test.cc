// tests/loop/signal_test.cc — real signals (kill(getpid(), SIGUSR1/SIGUSR2)) become loop
// callbacks on the loop thread; stop() restores the previous disposition; a forked child
// starts with default dispositions.
//
// kill(getpid()) may deliver the signal to any thread that does not block it; the self-pipe
// makes that irrelevant, which is exactly what the loop-thread assertion checks.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <vector>

#include "kernel-io/process.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "loop/signal.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class SignalTest : public looptest::LoopTest {};

sighandler_t current_handler(int signo) {
  struct sigaction now {};
  sigaction(signo, nullptr, &now);
  return now.sa_handler;
}

void test_handler(int) {}

TEST_P(SignalTest, SignalRunsTheCallbackOnTheLoopThread) {
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::vector<int> seen;
  bool on_loop_thread = false;
  Signal sig(loop, [&](int signo) {
    seen.push_back(signo);
    on_loop_thread = std::this_thread::get_id() == loop_thread;
    sig.stop();
  });
  ASSERT_TRUE(sig.start(SIGUSR1));
  EXPECT_EQ(sig.signo(), SIGUSR1);
  EXPECT_TRUE(sig.is_active());
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  run_bounded();
  EXPECT_EQ(seen, std::vector<int>{SIGUSR1});
  EXPECT_TRUE(on_loop_thread);
}

TEST_P(SignalTest, SignalWakesALoopBlockedInThePollPhase) {
  int calls = 0;
  Signal sig(loop, [&](int) {
    ++calls;
    sig.close();
  });
  ASSERT_TRUE(sig.start(SIGUSR2));
  std::thread sender([] { kill(getpid(), SIGUSR2); });
  run_bounded();
  sender.join();
  EXPECT_EQ(calls, 1);
}

TEST_P(SignalTest, EachHandleGetsItsOwnSignal) {
  std::vector<int> got1, got2;
  Signal s1(loop, [&](int signo) { got1.push_back(signo); });
  Signal s2(loop, [&](int signo) { got2.push_back(signo); });
  ASSERT_TRUE(s1.start(SIGUSR1));
  ASSERT_TRUE(s2.start(SIGUSR2));
  ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  CheckHandle until_both(loop);
  until_both.start([&] {
    if (!got1.empty() && !got2.empty()) {
      s1.stop();
      s2.stop();
      until_both.stop();
    }
  });
  run_bounded();
  EXPECT_EQ(got1, std::vector<int>{SIGUSR1});
  EXPECT_EQ(got2, std::vector<int>{SIGUSR2});
}

TEST_P(SignalTest, TwoHandlesForOneSignalBothRunAndTheLastStopRestores) {
  struct sigaction mine {}, before {};
  mine.sa_handler = test_handler;
  ASSERT_EQ(sigaction(SIGUSR1, &mine, &before), 0);
  int a_calls = 0, b_calls = 0;
  Signal a(loop, [&](int) { ++a_calls; });
  Signal b(loop, [&](int) {
    ++b_calls;
    b.stop();
    a.stop();
  });
  ASSERT_TRUE(a.start(SIGUSR1));
  ASSERT_TRUE(b.start(SIGUSR1));
  EXPECT_NE(current_handler(SIGUSR1), &test_handler);
  ASSERT_EQ(kill(getpid(), SIGUSR1), 0);
  run_bounded();
  EXPECT_EQ(a_calls, 1);
  EXPECT_EQ(b_calls, 1);
  EXPECT_EQ(current_handler(SIGUSR1), &test_handler) << "stop() restores the previous action";
  sigaction(SIGUSR1, &before, nullptr);
}

TEST_P(SignalTest, StoppingOneOfTwoKeepsOurHandlerInstalled) {
  Signal a(loop, [](int) {});
  Signal b(loop, [](int) {});
  ASSERT_TRUE(a.start(SIGUSR2));
  ASSERT_TRUE(b.start(SIGUSR2));
  sighandler_t ours = current_handler(SIGUSR2);
  a.stop();
  EXPECT_EQ(current_handler(SIGUSR2), ours);
  b.stop();
  EXPECT_EQ(current_handler(SIGUSR2), SIG_DFL);
}

TEST_P(SignalTest, DestroyingAHandleRestoresTheDisposition) {
  {
    Signal s(loop, [](int) {});
    ASSERT_TRUE(s.start(SIGUSR2));
    EXPECT_NE(current_handler(SIGUSR2), SIG_DFL);
  }
  EXPECT_EQ(current_handler(SIGUSR2), SIG_DFL);
}

TEST_P(SignalTest, StartingAgainMovesTheWatch) {
  std::vector<int> seen;
  Signal s(loop, [&](int signo) {
    seen.push_back(signo);
    s.stop();
  });
  ASSERT_TRUE(s.start(SIGUSR1));
  ASSERT_TRUE(s.start(SIGUSR2));
  EXPECT_EQ(current_handler(SIGUSR1), SIG_DFL) << "no longer watched";
  ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
  run_bounded();
  EXPECT_EQ(seen, std::vector<int>{SIGUSR2});
}

TEST_P(SignalTest, CallbackMayDestroyItsOwnHandleAndTheOtherOne) {
  std::unique_ptr<Signal> a, b;
  int calls = 0;
  auto destroy_both = [&](int) {
    ++calls;
    a.reset();  // one of them is the handle being dispatched
    b.reset();
  };
  a = std::make_unique<Signal>(loop, destroy_both);
  b = std::make_unique<Signal>(loop, destroy_both);
  ASSERT_TRUE(a->start(SIGUSR2));
  ASSERT_TRUE(b->start(SIGUSR2));
  ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
  run_bounded();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(current_handler(SIGUSR2), SIG_DFL);
}

TEST_P(SignalTest, UncatchableAndOutOfRangeSignalsAreRefused) {
  Signal s(loop, [](int) {});
  auto kill_status = s.start(SIGKILL);
  ASSERT_FALSE(kill_status);
  EXPECT_EQ(kill_status.error().code, EINVAL);
  EXPECT_FALSE(s.start(SIGSTOP));
  EXPECT_FALSE(s.start(0));
  EXPECT_FALSE(s.start(1000));
  EXPECT_FALSE(s.is_active());
  EXPECT_FALSE(loop.alive());
}

TEST_P(SignalTest, ActiveSignalKeepsTheLoopAliveUnlessUnrefed) {
  Signal s(loop, [](int) {});
  ASSERT_TRUE(s.start(SIGUSR1));
  EXPECT_TRUE(loop.alive());
  s.unref();
  EXPECT_FALSE(loop.alive());
  EXPECT_FALSE(run_bounded());
}

TEST_P(SignalTest, ForkedChildStartsWithTheDefaultDisposition) {
  Signal s(loop, [](int) {});
  ASSERT_TRUE(s.start(SIGUSR1));
  ASSERT_NE(current_handler(SIGUSR1), SIG_DFL);
  auto pid = kio::fork_process();
  ASSERT_TRUE(pid) << pid.error().message();
  if (*pid == 0) {
    // Child: only async-signal-safe calls, then _exit with the verdict.
    struct sigaction now {};
    if (sigaction(SIGUSR1, nullptr, &now) != 0) _exit(2);
    if (now.sa_handler != SIG_DFL) _exit(3);
    kill(getpid(), SIGUSR1);  // with the default action this ends the child
    _exit(4);
  }
  auto status = kio::wait_child_for(*pid, 5'000);
  ASSERT_TRUE(status);
  if (status->pid == 0) {
    kill(*pid, SIGKILL);
    (void)kio::wait_child(*pid, true);
    FAIL() << "child did not finish";
  }
  EXPECT_FALSE(status->exited) << status->describe();
  EXPECT_EQ(status->term_signal, SIGUSR1) << status->describe();
  EXPECT_NE(current_handler(SIGUSR1), SIG_DFL) << "the parent keeps its handler";
}

INSTANTIATE_TEST_SUITE_P(Backends, SignalTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
