// labs/06-cluster/grader/handoff_grade.cc — part 2: send_connection / receive_connection.
//
// A real TCP connection is passed over a SOCK_SEQPACKET socketpair. Received means: a new
// descriptor number for the same open socket (the same inode, fstat(2)), bytes written on it
// reach the client, and the sender's copy is still open. Bad records are refused and any
// descriptor that came with them is closed (counted in /proc/self/fd).
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cluster/fd_handoff.h"
#include "kernel-io/fd_passing.h"
#include "kernel-io/socket.h"
#include "labs/grading/graded_test.h"

namespace osn::cluster {
namespace {

using grading::random_between;

struct TcpPair {
  kio::Fd client, server;
};

TcpPair tcp_pair(int listen_fd, uint16_t port) {
  TcpPair p;
  auto c = kio::connect_blocking(*kio::SocketAddress::ip("127.0.0.1", port));
  if (!c) return p;
  p.client = std::move(*c);
  for (int i = 0; i < 500; ++i) {
    auto s = kio::accept_connection(listen_fd);
    if (s) {
      p.server = std::move(*s);
      break;
    }
    pollfd pfd{listen_fd, POLLIN, 0};
    ::poll(&pfd, 1, 10);
  }
  return p;
}

ino_t inode_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

std::string read_some(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) != 1) return "";
  char buf[256];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

GRADED_TEST(FdHandoff, TheReceiverGetsTheSameOpenSocketUnderANewNumber, 10) {
  auto listener = kio::tcp_listen(*kio::SocketAddress::ip("127.0.0.1", 0));
  ASSERT_TRUE(listener.ok());
  const uint16_t port = kio::local_address(listener->get())->port();
  auto channel = kio::socket_pair(SOCK_SEQPACKET);
  ASSERT_TRUE(channel.ok());
  const int records = static_cast<int>(random_between(1, 12));
  std::vector<TcpPair> pairs;
  std::vector<uint64_t> ids;
  for (int i = 0; i < records; ++i) {
    pairs.push_back(tcp_pair(listener->get(), port));
    ASSERT_TRUE(pairs.back().server.valid());
    ids.push_back(static_cast<uint64_t>(random_between(1, INT64_MAX)));
    ASSERT_TRUE(send_connection(channel->first.get(), ids.back(), pairs.back().server.get()).ok());
    EXPECT_NE(inode_of(pairs.back().server.get()), 0u) << "send_connection must not close the sender's copy";
  }
  for (int i = 0; i < records; ++i) {
    auto got = receive_connection(channel->second.get());
    ASSERT_TRUE(got.ok()) << "record " << i << ": " << got.error().message();
    ASSERT_TRUE(got->has_value()) << "record " << i << " reported as a closed channel";
    const ReceivedConnection& conn = **got;
    EXPECT_EQ(conn.id, ids[static_cast<size_t>(i)]) << "record " << i;
    ASSERT_TRUE(conn.fd.valid());
    EXPECT_NE(conn.fd.get(), pairs[static_cast<size_t>(i)].server.get()) << "a new descriptor, not the same number";
    EXPECT_EQ(inode_of(conn.fd.get()), inode_of(pairs[static_cast<size_t>(i)].server.get())) << "not the same socket";
    const std::string hello = "hello " + std::to_string(i);
    ASSERT_EQ(::write(conn.fd.get(), hello.data(), hello.size()), static_cast<ssize_t>(hello.size()));
    EXPECT_EQ(read_some(pairs[static_cast<size_t>(i)].client.get(), 5000), hello) << "the received fd is the client's connection";
  }
  auto empty = receive_connection(channel->second.get());
  ASSERT_FALSE(empty.ok()) << "nothing sent: EAGAIN expected";
  EXPECT_TRUE(empty.error().would_block()) << empty.error().message();
}

GRADED_TEST(FdHandoff, BadRecordsAreRefusedAndTheirDescriptorsClosed, 5) {
  auto channel = kio::socket_pair(SOCK_SEQPACKET);
  ASSERT_TRUE(channel.ok());
  auto spare = kio::socket_pair(SOCK_STREAM);  // something to pass
  ASSERT_TRUE(spare.ok());
  const int fds[1] = {spare->first.get()};
  const size_t before = open_fds();
  for (const std::string bad : {"conn=", "conn=12x", "conn=-1", "nope=7", "conn=99999999999999999999999"}) {
    ASSERT_TRUE(kio::send_with_fds(channel->first.get(), bad, fds).ok());
    auto got = receive_connection(channel->second.get());
    EXPECT_FALSE(got.ok() && got->has_value()) << "'" << bad << "' accepted";
    if (!got.ok()) {
      EXPECT_TRUE(got.error().is(EBADMSG)) << bad << ": " << got.error().message();
    }
    EXPECT_EQ(open_fds(), before) << "the descriptor that came with '" << bad << "' was not closed";
  }
  const std::string no_fd = "conn=" + std::to_string(random_between(1, 1000));
  ASSERT_EQ(::send(channel->first.get(), no_fd.data(), no_fd.size(), 0), static_cast<ssize_t>(no_fd.size()));
  auto got = receive_connection(channel->second.get());
  ASSERT_FALSE(got.ok()) << "a record without a descriptor";
  EXPECT_TRUE(got.error().is(EBADMSG)) << got.error().message();
  channel->first.reset();
  auto closed = receive_connection(channel->second.get());
  ASSERT_TRUE(closed.ok()) << "the peer closed: not an error";
  EXPECT_FALSE(closed->has_value());
}

}  // namespace
}  // namespace osn::cluster
