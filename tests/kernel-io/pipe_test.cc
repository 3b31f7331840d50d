// tests/kernel-io/pipe_test.cc — pipe2(2), and the wake-up channel on eventfd and on its pipe
// fallback: notify makes it readable, drain empties it, notify never blocks.
#include "kernel-io/pipe.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "kernel-io/io.h"
#include "tests/support/fd_table.h"

namespace osn::kio {
namespace {

void expect_nonblocking_cloexec(int fd) {
  EXPECT_TRUE(is_nonblocking(fd));
  EXPECT_TRUE(is_cloexec(fd));
  EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK);
  EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

bool readable_now(int fd) {
  auto r = wait_readable(fd, 0);
  EXPECT_TRUE(r.ok());
  return r && *r;
}

TEST(Pipe, IsAOneWayQueueBornNonBlockingAndCloexec) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok()) << p.error().message();
  expect_nonblocking_cloexec(p->read_end.get());
  expect_nonblocking_cloexec(p->write_end.get());
  EXPECT_EQ(test::fd_target(p->read_end.get()).rfind("pipe:[", 0), 0u);
  EXPECT_EQ(test::fd_target(p->read_end.get()), test::fd_target(p->write_end.get()));

  ASSERT_EQ(::write(p->write_end.get(), "abc", 3), 3);
  char buf[8];
  ASSERT_EQ(::read(p->read_end.get(), buf, sizeof buf), 3);
  EXPECT_EQ(std::string(buf, 3), "abc");
  EXPECT_LT(::write(p->read_end.get(), "x", 1), 0) << "the read end cannot be written";
  EXPECT_EQ(errno, EBADF);
  EXPECT_LT(::read(p->read_end.get(), buf, 1), 0) << "empty and non-blocking";
  EXPECT_EQ(errno, EAGAIN);
}

class Wakeup : public ::testing::TestWithParam<bool> {
 protected:
  bool force_pipe() const { return GetParam(); }
};

TEST_P(Wakeup, UsesEventfdUnlessAPipeIsForced) {
  auto w = WakeupChannel::create(force_pipe());
  ASSERT_TRUE(w.ok()) << w.error().message();
  expect_nonblocking_cloexec(w->read_fd());
  std::string target = test::fd_target(w->read_fd());
#ifdef __linux__
  EXPECT_EQ(w->uses_eventfd(), !force_pipe());
  if (force_pipe()) {
    EXPECT_EQ(target.rfind("pipe:[", 0), 0u) << target;
  } else {
    EXPECT_EQ(target, "anon_inode:[eventfd]");
  }
#else
  EXPECT_FALSE(w->uses_eventfd());
#endif
}

TEST_P(Wakeup, NotifyMakesReadableAndDrainEmpties) {
  auto w = WakeupChannel::create(force_pipe());
  ASSERT_TRUE(w.ok()) << w.error().message();
  EXPECT_FALSE(readable_now(w->read_fd()));
  w->notify();
  w->notify();
  w->notify();
  EXPECT_TRUE(readable_now(w->read_fd()));
  w->drain();
  EXPECT_FALSE(readable_now(w->read_fd())) << "three notifies, one drain";
  w->drain();  // draining an empty channel returns at once
  EXPECT_FALSE(readable_now(w->read_fd()));
}

TEST_P(Wakeup, NotifyNeverBlocksEvenWhenThePipeIsFull) {
  auto w = WakeupChannel::create(force_pipe());
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 200'000; ++i) w->notify();  // far beyond a 64 KiB pipe
  EXPECT_TRUE(readable_now(w->read_fd()));
  w->drain();
  EXPECT_FALSE(readable_now(w->read_fd()));
}

TEST_P(Wakeup, NotifyLeavesErrnoAlone) {
  auto w = WakeupChannel::create(force_pipe());
  ASSERT_TRUE(w.ok());
  for (int i = 0; i < 100'000; ++i) w->notify();  // some of these fail with EAGAIN (pipe)
  errno = EDOM;
  w->notify();
  EXPECT_EQ(errno, EDOM) << "a signal handler may call notify(); it must restore errno";
  w->drain();
}

TEST_P(Wakeup, WakesAWaiterOnAnotherThread) {
  auto w = WakeupChannel::create(force_pipe());
  ASSERT_TRUE(w.ok());
  const WakeupChannel& channel = *w;
  std::thread notifier([&channel] { channel.notify(); });
  auto woke = wait_readable(w->read_fd(), 5'000);
  notifier.join();
  ASSERT_TRUE(woke.ok());
  EXPECT_TRUE(*woke);
  w->drain();
}

TEST_P(Wakeup, SurvivesAMove) {
  auto w = WakeupChannel::create(force_pipe());
  ASSERT_TRUE(w.ok());
  int fd = w->read_fd();
  WakeupChannel moved = std::move(*w);
  EXPECT_EQ(moved.read_fd(), fd);
  moved.notify();
  EXPECT_TRUE(readable_now(fd));
  moved.drain();
}

INSTANTIATE_TEST_SUITE_P(EventfdAndPipe, Wakeup, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Pipe") : std::string("Eventfd");
                         });

}  // namespace
}  // namespace osn::kio
