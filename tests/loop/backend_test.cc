// tests/loop/backend_test.cc — the Backend contract, checked on every backend this build has.
//
// Real descriptors (pipes, socketpairs), no loop: add/modify/remove interest and ask wait()
// what is ready. Level-triggered means "reported again until drained".
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <algorithm>
#include <set>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/socket.h"
#include "loop/backend.h"
#include "tests/support/loop_fixture.h"
#include "tests/support/stream_pairs.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class BackendTest : public ::testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    auto b = make_backend(GetParam());
    ASSERT_TRUE(b) << b.error().message();
    backend = std::move(*b);
  }
  // Waits without blocking; returns the events reported for `fd` (0 if none).
  uint32_t events_for(int fd, int timeout_ms = 0) {
    ReadyEvent out[16];
    auto n = backend->wait(out, timeout_ms);
    EXPECT_TRUE(n) << n.error().message();
    uint32_t events = 0;
    for (size_t i = 0; n && i < *n; ++i)
      if (out[i].fd == fd) events |= out[i].events;
    return events;
  }
  std::unique_ptr<Backend> backend;
};

TEST(BackendRegistry, DefaultIsOneOfTheAvailableBackends) {
  auto names = available_backends();
  EXPECT_NE(std::find(names.begin(), names.end(), default_backend()), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "poll"), names.end());
  auto b = make_backend();
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ((*b)->name(), default_backend());
}

TEST(BackendRegistry, UnknownNameIsEinval) {
  auto b = make_backend("select");
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, EINVAL);
}

TEST_P(BackendTest, NameMatchesTheRequest) { EXPECT_EQ(backend->name(), GetParam()); }

TEST_P(BackendTest, EmptyPipeIsNotReadable) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  ASSERT_TRUE(backend->add(p->read_end.get(), kReadable));
  EXPECT_EQ(events_for(p->read_end.get()), 0u);
}

TEST_P(BackendTest, WaitWithTimeoutReturnsNothingWhenNothingIsReady) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  ASSERT_TRUE(backend->add(p->read_end.get(), kReadable));
  ReadyEvent out[4];
  auto n = backend->wait(out, 5);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, 0u);
}

TEST_P(BackendTest, DataMakesTheReadEndReadableUntilDrained) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  int fd = p->read_end.get();
  ASSERT_TRUE(backend->add(fd, kReadable));
  ASSERT_TRUE(kio::write_some(p->write_end.get(), {"ab", 2}));
  EXPECT_TRUE(events_for(fd, 1000) & kReadable);
  // Level-triggered: nothing was read, so it is reported again.
  EXPECT_TRUE(events_for(fd) & kReadable);
  char buf[2];
  ASSERT_TRUE(kio::read_some(fd, buf));
  EXPECT_EQ(events_for(fd), 0u);
}

TEST_P(BackendTest, ModifySwitchesBetweenReadableAndWritable) {
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  int fd = pair->first.get();
  ASSERT_TRUE(backend->add(fd, kWritable));
  EXPECT_EQ(events_for(fd, 1000) & (kReadable | kWritable), uint32_t{kWritable});
  ASSERT_TRUE(backend->modify(fd, kReadable));
  EXPECT_EQ(events_for(fd), 0u) << "writable must not be reported without interest";
  ASSERT_TRUE(kio::write_some(pair->second.get(), {"x", 1}));
  EXPECT_EQ(events_for(fd, 1000) & (kReadable | kWritable), uint32_t{kReadable});
  ASSERT_TRUE(backend->modify(fd, kReadable | kWritable));
  EXPECT_EQ(events_for(fd) & (kReadable | kWritable), uint32_t{kReadable | kWritable});
}

TEST_P(BackendTest, RemovedDescriptorIsNoLongerReported) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  int fd = p->read_end.get();
  ASSERT_TRUE(backend->add(fd, kReadable));
  ASSERT_TRUE(kio::write_some(p->write_end.get(), {"x", 1}));
  ASSERT_TRUE(backend->remove(fd));
  EXPECT_EQ(events_for(fd, 5), 0u);
  // Watching it again works, and the data is still there.
  ASSERT_TRUE(backend->add(fd, kReadable));
  EXPECT_TRUE(events_for(fd, 1000) & kReadable);
}

TEST_P(BackendTest, RemovingOrModifyingAnUnwatchedDescriptorFails) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  EXPECT_FALSE(backend->remove(p->read_end.get()));
  EXPECT_FALSE(backend->modify(p->read_end.get(), kReadable));
}

TEST_P(BackendTest, ClosedPeerIsReportedAsReadableWithHangup) {
  auto pair = kio::socket_pair();
  ASSERT_TRUE(pair);
  int fd = pair->first.get();
  ASSERT_TRUE(backend->add(fd, kReadable));
  pair->second.reset();
  uint32_t events = events_for(fd, 1000);
  EXPECT_TRUE(events & kReadable) << "EOF must wake a reader";
  EXPECT_TRUE(events & kHangup);
}

// Closes `fd` with SO_LINGER 0: the peer gets a reset (RST), not a FIN.
void reset_connection(kio::Fd& fd) {
  linger hard{1, 0};
  ASSERT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
  fd.reset();
}

TEST_P(BackendTest, NoInterestReportsNeitherDataNorWritability) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  int fd = pair->b.get();
  ASSERT_TRUE(backend->add(fd, 0));
  ASSERT_TRUE(kio::write_some(pair->a.get(), {"x", 1}));
  EXPECT_EQ(events_for(fd, 20), 0u) << "data waiting and room to write, but nobody asked";
  ASSERT_TRUE(backend->modify(fd, kReadable));
  EXPECT_TRUE(events_for(fd, 1000) & kReadable) << "asking again finds the data";
  ASSERT_TRUE(backend->modify(fd, 0));
  EXPECT_EQ(events_for(fd, 20), 0u);
}

TEST_P(BackendTest, NoInterestStillReportsAPeerReset) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  int fd = pair->b.get();
  ASSERT_TRUE(backend->add(fd, 0));
  reset_connection(pair->a);
  uint32_t events = events_for(fd, 1000);
  EXPECT_TRUE(events & kError) << "a reset is an error on every backend";
  EXPECT_TRUE(events & kHangup);
  EXPECT_FALSE(events & (kReadable | kWritable)) << "only what was asked, plus the end";
}

TEST_P(BackendTest, WriteOnlyInterestStillReportsAPeerReset) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  int fd = pair->b.get();
  ASSERT_TRUE(backend->add(fd, kReadable));
  ASSERT_TRUE(backend->modify(fd, kWritable));  // stopped reading, still writing
  reset_connection(pair->a);
  uint32_t events = 0;
  for (int i = 0; i < 50 && !(events & kError); ++i) events |= events_for(fd, 20);
  EXPECT_TRUE(events & kError);
  EXPECT_FALSE(events & kReadable);
}

TEST_P(BackendTest, MoreReadyDescriptorsThanRoomComeBackOnTheNextWait) {
  std::vector<kio::Pipe> pipes;
  std::set<int> want;
  for (int i = 0; i < 3; ++i) {
    auto p = kio::make_pipe();
    ASSERT_TRUE(p);
    ASSERT_TRUE(backend->add(p->read_end.get(), kReadable));
    ASSERT_TRUE(kio::write_some(p->write_end.get(), {"x", 1}));
    want.insert(p->read_end.get());
    pipes.push_back(std::move(*p));
  }
  std::set<int> seen;
  for (int round = 0; round < 2; ++round) {
    ReadyEvent out[2];
    auto n = backend->wait(out, 1000);
    ASSERT_TRUE(n);
    ASSERT_LE(*n, 2u);
    for (size_t i = 0; i < *n; ++i) {
      seen.insert(out[i].fd);
      char byte;
      ASSERT_TRUE(kio::read_some(out[i].fd, {&byte, 1}));  // drained: not reported again
    }
  }
  EXPECT_EQ(seen, want);
}

TEST_P(BackendTest, ManyDescriptorsOnlyTheReadyOnesAreReported) {
  std::vector<kio::Pipe> pipes;
  for (int i = 0; i < 50; ++i) {
    auto p = kio::make_pipe();
    ASSERT_TRUE(p);
    ASSERT_TRUE(backend->add(p->read_end.get(), kReadable));
    pipes.push_back(std::move(*p));
  }
  // Removing from the middle must keep the others watched (poll moves the last entry).
  ASSERT_TRUE(backend->remove(pipes[10].read_end.get()));
  ASSERT_TRUE(kio::write_some(pipes[49].write_end.get(), {"x", 1}));
  ASSERT_TRUE(kio::write_some(pipes[10].write_end.get(), {"x", 1}));
  ReadyEvent out[64];
  auto n = backend->wait(out, 1000);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, 1u);
  EXPECT_EQ(out[0].fd, pipes[49].read_end.get());
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
