// tests/kernel-io/fd_passing_test.cc — SCM_RIGHTS: an open descriptor crosses into another
// process (a forked child that did not have it), arrives close-on-exec, several at once, and
// the errors on the way.
#include "kernel-io/fd_passing.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/signals.h"
#include "kernel-io/socket.h"
#include "tests/support/fd_table.h"
#include "tests/support/process_guard.h"

namespace osn::kio {
namespace {

std::span<const char> bytes(std::string_view s) { return {s.data(), s.size()}; }

bool contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

Result<Received> receive_within(int socket, std::span<char> buf) {
  auto ready = wait_readable(socket, 5'000);
  if (!ready) return ready.error();
  if (!*ready) return SysError{"recvmsg (test wait)", ETIMEDOUT};
  return receive_with_fds(socket, buf);
}

// Child side of the hand-over test: receive one fd, check it, write through it.
int child_writes_through_received_fd(int channel) {
  char buf[8];
  auto got = receive_within(channel, buf);
  if (!got) return 10;
  if (got->bytes != 1 || got->fds.size() != 1) return 11;
  if (!is_cloexec(got->fds[0].get())) return 12;
  if (!write_all(got->fds[0].get(), bytes("written by the child"))) return 13;
  return 0;
}

TEST(FdPassing, APipeWriteEndReachesAForkedChildThatWritesThroughIt) {
  auto sp = socket_pair();
  ASSERT_TRUE(sp.ok()) << sp.error().message();
  auto pid = fork_process();
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  if (*pid == 0) {
    sp->first.reset();
    ::_exit(child_writes_through_received_fd(sp->second.get()));
  }
  test::ChildGuard child(*pid);
  sp->second.reset();

  // Made after fork: the child can only get this pipe through the socket.
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fds[] = {p->write_end.get()};
  auto sent = send_with_fds(sp->first.get(), bytes("!"), fds);
  ASSERT_TRUE(sent.ok()) << sent.error().message();
  EXPECT_EQ(*sent, 1u);
  p->write_end.reset();  // from now on only the child holds a write end

  char buf[64];
  auto n = read_exact(p->read_end.get(), buf);  // until EOF: the child exited
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(std::string_view(buf, *n), "written by the child");
  auto status = child.wait_for(5'000);
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "exited with code 0");
}

TEST(FdPassing, SeveralDescriptorsArriveAsNewNumbersForTheSameFiles) {
  auto sp = socket_pair();
  auto p1 = make_pipe();
  auto p2 = make_pipe();
  ASSERT_TRUE(sp && p1 && p2);
  int originals[] = {p1->read_end.get(), p1->write_end.get(), p2->write_end.get()};
  ASSERT_TRUE(send_with_fds(sp->first.get(), bytes("fds"), originals).ok());

  std::vector<int> before = test::open_fds();
  char buf[8];
  auto got = receive_within(sp->second.get(), buf);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(std::string_view(buf, got->bytes), "fds");
  EXPECT_FALSE(got->truncated);
  ASSERT_EQ(got->fds.size(), 3u);
  std::vector<int> after = test::open_fds();
  for (size_t i = 0; i < 3; ++i) {
    int fd = got->fds[i].get();
    EXPECT_FALSE(contains(before, fd)) << fd << " was already open";
    EXPECT_TRUE(contains(after, fd)) << fd << " is missing from /proc/self/fd";
    EXPECT_EQ(test::fd_target(fd), test::fd_target(originals[i])) << "same open file";
    EXPECT_TRUE(is_cloexec(fd));
  }
  EXPECT_EQ(after.size(), before.size() + 3);
  got->fds.clear();
  EXPECT_EQ(test::open_fds(), before) << "the received Fds closed their numbers";
}

TEST(FdPassing, PlainBytesArriveWithoutDescriptors) {
  auto sp = socket_pair();
  ASSERT_TRUE(sp.ok());
  ASSERT_TRUE(send_with_fds(sp->first.get(), bytes("just data"), {}).ok());
  char buf[16];
  auto got = receive_within(sp->second.get(), buf);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string_view(buf, got->bytes), "just data");
  EXPECT_TRUE(got->fds.empty());
  EXPECT_FALSE(got->truncated);
}

TEST(FdPassing, MoreDescriptorsThanFitAreReportedAsTruncated) {
  auto sp = socket_pair();
  auto p = make_pipe();
  ASSERT_TRUE(sp && p);
  // Send more than kMaxPassedFds with a raw sendmsg, as a misbehaving peer would.
  constexpr size_t kSent = kMaxPassedFds + 4;
  std::vector<int> many(kSent, p->write_end.get());
  char byte = '!';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kSent)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * kSent);
  std::memcpy(CMSG_DATA(c), many.data(), sizeof(int) * kSent);
  ASSERT_EQ(::sendmsg(sp->first.get(), &msg, 0), 1);

  std::vector<int> before = test::open_fds();
  char buf[4];
  {
    auto got = receive_within(sp->second.get(), buf);
    ASSERT_TRUE(got.ok()) << got.error().message();
    EXPECT_TRUE(got->truncated);
    EXPECT_LE(got->fds.size(), kMaxPassedFds);
  }
  EXPECT_EQ(test::open_fds(), before) << "nothing leaked from a truncated message";
}

TEST(FdPassing, ReceiveReportsWouldBlockAndEndOfStream) {
  auto sp = socket_pair();
  ASSERT_TRUE(sp.ok());
  char buf[4];
  auto empty = receive_with_fds(sp->second.get(), buf);
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.error().would_block());
  EXPECT_STREQ(empty.error().call, "recvmsg");
  sp->first.reset();
  auto eof = receive_with_fds(sp->second.get(), buf);
  ASSERT_TRUE(eof.ok());
  EXPECT_EQ(eof->bytes, 0u);
}

TEST(FdPassing, SendRefusesWhatCannotBeSent) {
  auto sp = socket_pair();
  auto p = make_pipe();
  ASSERT_TRUE(sp && p);
  int one[] = {p->read_end.get()};
  auto no_bytes = send_with_fds(sp->first.get(), {}, one);
  ASSERT_FALSE(no_bytes.ok());
  EXPECT_EQ(no_bytes.error().message(), "sendmsg: EINVAL (Invalid argument)");
  std::vector<int> too_many(kMaxPassedFds + 1, p->read_end.get());
  auto over = send_with_fds(sp->first.get(), bytes("x"), too_many);
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(over.error().is(EINVAL));

  int closed = p->write_end.get();
  p->write_end.reset();
  int stale[] = {closed};
  auto bad_fd = send_with_fds(sp->first.get(), bytes("x"), stale);
  ASSERT_FALSE(bad_fd.ok());
  EXPECT_EQ(bad_fd.error().message(), "sendmsg: EBADF (Bad file descriptor)");
  auto bad_socket = send_with_fds(closed, bytes("x"), {});
  ASSERT_FALSE(bad_socket.ok());
  EXPECT_TRUE(bad_socket.error().is(EBADF));
}

TEST(FdPassing, SendingToAVanishedPeerGivesEpipeNotSigpipe) {
  auto status = test::run_in_child([] {
    if (!set_default_action(SIGPIPE)) return 10;
    auto sp = socket_pair();
    if (!sp) return 11;
    sp->second.reset();
    int fds[] = {sp->first.get()};
    auto n = send_with_fds(sp->first.get(), bytes("x"), fds);
    return !n && n.error().is(EPIPE) ? 0 : 12;
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "exited with code 0");
}

}  // namespace
}  // namespace osn::kio
