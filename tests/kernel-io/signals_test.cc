// tests/kernel-io/signals_test.cc — names, sigaction, SIGPIPE, and masks that defer signals.
// Signals are sent to ourselves with kill(2)/pthread_kill(3); handlers only notify a wake-up
// channel (async-signal-safe), and the test waits for it with a bounded poll.
#include "kernel-io/signals.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <string>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "tests/support/process_guard.h"

namespace osn::kio {
namespace {

// Signal-handler state: the only kind of mutable global the house rules allow.
volatile sig_atomic_t g_caught = 0;
const WakeupChannel* g_wakeup = nullptr;

void on_signal(int signo) {
  g_caught = signo;
  if (g_wakeup != nullptr) g_wakeup->notify();
}

// Installs on_signal for one signal and restores the old action afterwards.
class HandlerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = WakeupChannel::create();
    ASSERT_TRUE(w.ok()) << w.error().message();
    wakeup_.emplace(std::move(*w));
    g_wakeup = &*wakeup_;
    g_caught = 0;
  }
  void TearDown() override {
    if (installed_) {
      EXPECT_TRUE(restore_action(signo_, previous_).ok());
    }
    g_wakeup = nullptr;
  }
  void install(int signo) {
    signo_ = signo;
    auto s = install_handler(signo, on_signal, &previous_);
    ASSERT_TRUE(s.ok()) << s.error().message();
    installed_ = true;
  }
  bool caught_within(int timeout_ms) {
    auto r = wait_readable(wakeup_->read_fd(), timeout_ms);
    return r.ok() && *r;
  }

  std::optional<WakeupChannel> wakeup_;
  struct sigaction previous_ {};
  int signo_ = 0;
  bool installed_ = false;
};

bool blocked_in_this_thread(int signo) {
  sigset_t now;
  pthread_sigmask(SIG_SETMASK, nullptr, &now);
  return sigismember(&now, signo) == 1;
}

struct sigaction current_action(int signo) {
  struct sigaction sa {};
  ::sigaction(signo, nullptr, &sa);
  return sa;
}

// The "SigCgt:" line of /proc/self/status: a bit per signal this process has a handler for.
uint64_t caught_mask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("SigCgt:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  return 0;
}

TEST(SignalName, NamesCommonSignals) {
  EXPECT_STREQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_STREQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_STREQ(signal_name(SIGPIPE), "SIGPIPE");
  EXPECT_STREQ(signal_name(SIGCHLD), "SIGCHLD");
  EXPECT_STREQ(signal_name(0), "SIG?");
  EXPECT_STREQ(signal_name(SIGRTMIN + 1), "SIG?");
}

TEST_F(HandlerFixture, InstalledHandlerRunsWhenWeSignalOurselves) {
  install(SIGUSR1);
  ASSERT_TRUE(send_signal(::getpid(), SIGUSR1).ok());
  ASSERT_TRUE(caught_within(5'000));
  EXPECT_EQ(g_caught, SIGUSR1);
}

TEST_F(HandlerFixture, HandlerUsesSaRestartAndShowsInSigCgt) {
  install(SIGUSR2);
  struct sigaction now = current_action(SIGUSR2);
  EXPECT_EQ(now.sa_handler, &on_signal);
  EXPECT_TRUE(now.sa_flags & SA_RESTART);
  EXPECT_TRUE(sigismember(&now.sa_mask, SIGTERM)) << "other signals wait while ours runs";
  EXPECT_TRUE(caught_mask() & (1ull << (SIGUSR2 - 1)));
}

TEST_F(HandlerFixture, RestoreActionPutsThePreviousOneBack) {
  struct sigaction before = current_action(SIGUSR1);
  install(SIGUSR1);
  ASSERT_TRUE(restore_action(SIGUSR1, previous_).ok());
  installed_ = false;
  EXPECT_EQ(current_action(SIGUSR1).sa_handler, before.sa_handler);
}

TEST_F(HandlerFixture, SetDefaultActionRemovesTheHandler) {
  install(SIGUSR1);
  ASSERT_TRUE(set_default_action(SIGUSR1).ok());
  EXPECT_EQ(current_action(SIGUSR1).sa_handler, SIG_DFL);
}

TEST(InstallHandler, RefusesSigkillAndNamesTheCall) {
  auto s = install_handler(SIGKILL, on_signal);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "sigaction: EINVAL (Invalid argument)");
  EXPECT_TRUE(set_default_action(SIGSTOP).error().is(EINVAL));
  struct sigaction any {};
  EXPECT_TRUE(restore_action(SIGKILL, any).error().is(EINVAL));
}

TEST(IgnoreSigpipe, SetsSigIgnForTheWholeProcess) {
  struct sigaction before = current_action(SIGPIPE);
  ASSERT_TRUE(ignore_sigpipe().ok());
  EXPECT_EQ(current_action(SIGPIPE).sa_handler, SIG_IGN);
  ASSERT_TRUE(restore_action(SIGPIPE, before).ok());
}

TEST_F(HandlerFixture, ABlockedSignalWaitsAsPendingUntilUnblocked) {
  install(SIGUSR2);
  {
    ScopedSignalBlock block({SIGUSR2});
    EXPECT_TRUE(blocked_in_this_thread(SIGUSR2));
    ASSERT_EQ(pthread_kill(pthread_self(), SIGUSR2), 0);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_TRUE(sigismember(&pending, SIGUSR2)) << "blocked: it waits as pending (SigPnd)";
    EXPECT_EQ(g_caught, 0);
  }
  EXPECT_FALSE(blocked_in_this_thread(SIGUSR2));
  ASSERT_TRUE(caught_within(5'000)) << "unblocking delivers the pending signal";
  EXPECT_EQ(g_caught, SIGUSR2);
}

TEST(ScopedSignalBlock, AllBlocksEveryBlockableSignalAndRestores) {
  ASSERT_FALSE(blocked_in_this_thread(SIGTERM));
  {
    auto block = ScopedSignalBlock::all();
    for (int signo : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGCHLD, SIGPIPE})
      EXPECT_TRUE(blocked_in_this_thread(signo)) << signal_name(signo);
  }
  EXPECT_FALSE(blocked_in_this_thread(SIGTERM));
  EXPECT_FALSE(blocked_in_this_thread(SIGUSR1));
}

TEST(ScopedSignalBlock, NestedBlocksRestoreInOrder) {
  {
    ScopedSignalBlock outer({SIGUSR1});
    {
      ScopedSignalBlock inner({SIGUSR2});
      EXPECT_TRUE(blocked_in_this_thread(SIGUSR1));
      EXPECT_TRUE(blocked_in_this_thread(SIGUSR2));
    }
    EXPECT_TRUE(blocked_in_this_thread(SIGUSR1));
    EXPECT_FALSE(blocked_in_this_thread(SIGUSR2));
  }
  EXPECT_FALSE(blocked_in_this_thread(SIGUSR1));
}

TEST(ScopedSignalBlock, AMovedFromBlockDoesNotUnblockEarly) {
  std::optional<ScopedSignalBlock> holder;
  {
    ScopedSignalBlock block({SIGUSR1});
    holder.emplace(std::move(block));
  }  // the moved-from block ends here
  EXPECT_TRUE(blocked_in_this_thread(SIGUSR1)) << "only the new owner may restore the mask";
  holder.reset();
  EXPECT_FALSE(blocked_in_this_thread(SIGUSR1));
}

TEST(ScopedSignalBlock, ThreadsInheritTheMaskOfTheirCreator) {
  bool blocked_in_thread = false;
  {
    ScopedSignalBlock block({SIGUSR1});
    pthread_t t;
    ASSERT_EQ(pthread_create(
                  &t, nullptr,
                  [](void* out) -> void* {
                    *static_cast<bool*>(out) = blocked_in_this_thread(SIGUSR1);
                    return nullptr;
                  },
                  &blocked_in_thread),
              0);
    ASSERT_EQ(pthread_join(t, nullptr), 0);
  }
  EXPECT_TRUE(blocked_in_thread);
}

TEST(ForkedChild, KilledBySigkillIsDescribedSo) {
  auto status = test::run_in_child([] {
    (void)send_signal(::getpid(), SIGKILL);
    return 0;
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "killed by SIGKILL");
}

}  // namespace
}  // namespace osn::kio
