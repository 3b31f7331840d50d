// tests/kernel-io/socket_test.cc — addresses, TCP on 127.0.0.1 and [::1], Unix sockets in a
// private directory, socketpair, socket options, half-close, and the errors each call names.
#include "kernel-io/socket.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/un.h>

#include <string>
#include <string_view>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "tests/support/net.h"
#include "tests/support/temp_dir.h"

namespace osn::kio {
namespace {

std::span<const char> bytes(std::string_view s) { return {s.data(), s.size()}; }

// Born non-blocking and close-on-exec: asked through our helpers and through fcntl directly.
void expect_nonblocking_cloexec(int fd) {
  EXPECT_TRUE(is_nonblocking(fd));
  EXPECT_TRUE(is_cloexec(fd));
  EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK) << "fd " << fd;
  EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC) << "fd " << fd;
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t len = sizeof value;
  EXPECT_EQ(::getsockopt(fd, level, name, &value, &len), 0);
  return value;
}

Result<Fd> accept_within(int listen_fd, SocketAddress* peer = nullptr) {
  auto ready = wait_readable(listen_fd, 5'000);
  if (!ready) return ready.error();
  if (!*ready) return SysError{"accept (test wait)", ETIMEDOUT};
  return accept_connection(listen_fd, peer);
}

// One round trip both ways over a connected pair.
void expect_exchange(int a, int b) {
  ASSERT_TRUE(write_all(a, bytes("ping")).ok());
  char buf[4];
  auto n = read_exact(b, buf);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(std::string_view(buf, *n), "ping");
  ASSERT_TRUE(write_all(b, bytes("pong")).ok());
  n = read_exact(a, buf);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(std::string_view(buf, *n), "pong");
}

// Listens on host:0, connects, accepts, checks flags and addresses, exchanges bytes.
void tcp_round_trip(const char* host, int family) {
  auto addr = SocketAddress::ip(host, 0);
  ASSERT_TRUE(addr.ok());
  auto listener = tcp_listen(*addr);
  ASSERT_TRUE(listener.ok()) << listener.error().message();
  expect_nonblocking_cloexec(listener->get());
  auto bound = local_address(listener->get());
  ASSERT_TRUE(bound.ok()) << bound.error().message();
  EXPECT_EQ(bound->family(), family);
  EXPECT_NE(bound->port(), 0) << "port 0 means: kernel, choose one";

  auto client = connect_blocking(*bound);
  ASSERT_TRUE(client.ok()) << client.error().message();
  expect_nonblocking_cloexec(client->get());
  SocketAddress peer;
  auto server = accept_within(listener->get(), &peer);
  ASSERT_TRUE(server.ok()) << server.error().message();
  expect_nonblocking_cloexec(server->get());

  auto client_local = local_address(client->get());
  ASSERT_TRUE(client_local.ok());
  EXPECT_EQ(peer.to_string(), client_local->to_string());
  auto client_peer = peer_address(client->get());
  ASSERT_TRUE(client_peer.ok());
  EXPECT_EQ(client_peer->to_string(), bound->to_string());
  expect_exchange(client->get(), server->get());
}

TEST(SocketAddress, ParsesIpv4) {
  auto a = SocketAddress::ip("127.0.0.1", 8080);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->port(), 8080);
  EXPECT_EQ(a->size(), sizeof(sockaddr_in));
  EXPECT_EQ(a->to_string(), "127.0.0.1:8080");
  EXPECT_EQ(a->get()->sa_family, AF_INET);
  EXPECT_EQ(*a->size_ptr(), a->size()) << "the length getsockname/accept write back into";
}

TEST(SocketAddress, ParsesIpv6) {
  auto a = SocketAddress::ip("::1", 80);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(a->port(), 80);
  EXPECT_EQ(a->size(), sizeof(sockaddr_in6));
  EXPECT_EQ(a->to_string(), "[::1]:80");
}

TEST(SocketAddress, RefusesNamesAndGarbage) {
  for (const char* bad : {"not-an-ip", "localhost", "", "1.2.3.4.5", "256.0.0.1"}) {
    auto a = SocketAddress::ip(bad, 1);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.error().message(), "inet_pton: EINVAL (Invalid argument)");
  }
}

TEST(SocketAddress, UnixPath) {
  auto a = SocketAddress::unix_path("/tmp/osn.sock");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family(), AF_UNIX);
  EXPECT_EQ(a->port(), 0);
  EXPECT_EQ(a->to_string(), "/tmp/osn.sock");
}

TEST(SocketAddress, UnixPathMustFitSunPath) {
  constexpr size_t kRoom = sizeof(sockaddr_un{}.sun_path);  // 108 on Linux, with the NUL
  EXPECT_TRUE(SocketAddress::unix_path(std::string(kRoom - 1, 'a')).ok());
  auto too_long = SocketAddress::unix_path(std::string(kRoom, 'a'));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, ENAMETOOLONG);
  EXPECT_EQ(too_long.error().message(), "unix_path: ENAMETOOLONG (File name too long)");
}

TEST(Tcp, Ipv4ListenConnectAcceptExchange) { tcp_round_trip("127.0.0.1", AF_INET); }

TEST(Tcp, Ipv6ListenConnectAcceptExchange) {
  if (!test::ipv6_loopback_available()) GTEST_SKIP() << "IPv6 loopback [::1] is not available here";
  tcp_round_trip("::1", AF_INET6);
}

TEST(Tcp, AcceptOnAnEmptyQueueWouldBlock) {
  auto listener = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(listener.ok());
  auto none = accept_connection(listener->get());
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.error().would_block());
  EXPECT_EQ(none.error().message().rfind("accept4: EAGAIN", 0), 0u) << none.error().message();
}

TEST(Tcp, NonBlockingConnectFinishesWhenWritable) {
  auto listener = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(listener.ok());
  auto client = tcp_connect(local_address(listener->get()).value());
  ASSERT_TRUE(client.ok()) << client.error().message();
  expect_nonblocking_cloexec(client->get());
  auto writable = wait_writable(client->get(), 5'000);
  ASSERT_TRUE(writable.ok());
  ASSERT_TRUE(*writable);
  auto err = socket_error(client->get());
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(*err, 0);
}

TEST(Tcp, ConnectToAClosedPortIsRefused) {
  uint16_t port = test::free_tcp_port();
  ASSERT_NE(port, 0);
  auto addr = SocketAddress::ip("127.0.0.1", port).value();
  auto refused = connect_blocking(addr);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(), "connect: ECONNREFUSED (Connection refused)");

  // The same, the way the loop sees it: writable, then SO_ERROR says how it ended.
  auto pending = tcp_connect(addr);
  ASSERT_TRUE(pending.ok()) << pending.error().message();
  ASSERT_TRUE(wait_writable(pending->get(), 5'000).value());
  auto err = socket_error(pending->get());
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(*err, ECONNREFUSED);
}

TEST(Tcp, SecondListenerOnAPortIsRefusedUnlessBothReusePort) {
  auto first = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(first.ok());
  auto bound = local_address(first->get()).value();
  auto second = tcp_listen(bound);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message(), "bind: EADDRINUSE (Address already in use)");

  ListenOptions shared;
  shared.reuse_port = true;
  auto a = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value(), shared);
  ASSERT_TRUE(a.ok()) << a.error().message();
  EXPECT_EQ(int_option(a->get(), SOL_SOCKET, SO_REUSEPORT), 1);
  auto b = tcp_listen(local_address(a->get()).value(), shared);
  EXPECT_TRUE(b.ok()) << b.error().message();
}

// tcp_bind without listen: the port is taken (nobody else can listen there without asking to
// share), yet no connection is accepted — how the cluster's primary holds a reuseport port.
TEST(Tcp, ABoundSocketThatDoesNotListenHoldsThePortButTakesNoConnection) {
  auto held = tcp_bind(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(held.ok()) << held.error().message();
  EXPECT_EQ(int_option(held->get(), SOL_SOCKET, SO_REUSEADDR), 1);
  EXPECT_EQ(int_option(held->get(), SOL_SOCKET, SO_REUSEPORT), 0);
  auto port = local_address(held->get()).value();
  ASSERT_NE(port.port(), 0) << "port 0: the kernel chose one";
  auto refused = connect_blocking(port, 2'000);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().is(ECONNREFUSED)) << refused.error().message();

  // Listeners that share the port (SO_REUSEPORT) may still bind beside it...
  ListenOptions shared;
  shared.reuse_port = true;
  auto worker = tcp_listen(port, shared);
  ASSERT_TRUE(worker.ok()) << worker.error().message();
  // ...but once one listens, a socket that did not ask to share cannot bind the port.
  auto intruder = tcp_bind(port);
  ASSERT_FALSE(intruder.ok());
  EXPECT_TRUE(intruder.error().is(EADDRINUSE)) << intruder.error().message();
}

TEST(Tcp, BindToAnAddressThisMachineDoesNotHaveFails) {
  auto addr = SocketAddress::ip("192.0.2.1", 0);  // TEST-NET-1: documentation only
  auto listener = tcp_listen(addr.value());
  ASSERT_FALSE(listener.ok());
  EXPECT_EQ(listener.error().message().rfind("bind: EADDRNOTAVAIL", 0), 0u)
      << listener.error().message();
}

TEST(Tcp, ShutdownWriteIsAHalfClose) {
  auto listener = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(listener.ok());
  auto client = connect_blocking(local_address(listener->get()).value());
  ASSERT_TRUE(client.ok());
  auto server = accept_within(listener->get());
  ASSERT_TRUE(server.ok()) << server.error().message();
  ASSERT_TRUE(shutdown_write(client->get()).ok());
  char buf[8];
  auto eof = read_exact(server->get(), buf);
  ASSERT_TRUE(eof.ok());
  EXPECT_EQ(*eof, 0u) << "the server reads EOF after the client's FIN";
  ASSERT_TRUE(write_all(server->get(), bytes("still")).ok());
  auto n = read_exact(client->get(), {buf, 5});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "still") << "the half-closed side can still read";
}

TEST(Tcp, ShutdownOfAnUnconnectedSocketNamesTheCall) {
  Fd fresh(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));  // never connected
  ASSERT_TRUE(fresh.valid());
  auto s = shutdown_write(fresh.get());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "shutdown: ENOTCONN (Transport endpoint is not connected)");
}

TEST(SocketOptions, ReadBackWhatWasSet) {
  auto listener = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(listener.ok());
  auto client = connect_blocking(local_address(listener->get()).value());
  ASSERT_TRUE(client.ok());
  int fd = client->get();
  ASSERT_TRUE(set_tcp_nodelay(fd).ok());
  EXPECT_NE(int_option(fd, IPPROTO_TCP, TCP_NODELAY), 0);
  ASSERT_TRUE(set_tcp_nodelay(fd, false).ok());
  EXPECT_EQ(int_option(fd, IPPROTO_TCP, TCP_NODELAY), 0);
  ASSERT_TRUE(set_reuse_port(fd).ok());
  EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_REUSEPORT), 1);
  ASSERT_TRUE(set_reuse_port(fd, false).ok());
  EXPECT_EQ(int_option(fd, SOL_SOCKET, SO_REUSEPORT), 0);
  // Linux doubles the value for its own bookkeeping (socket(7)); it is never less.
  ASSERT_TRUE(set_send_buffer(fd, 64 * 1024).ok());
  EXPECT_GE(int_option(fd, SOL_SOCKET, SO_SNDBUF), 64 * 1024);
  ASSERT_TRUE(set_receive_buffer(fd, 64 * 1024).ok());
  EXPECT_GE(int_option(fd, SOL_SOCKET, SO_RCVBUF), 64 * 1024);
}

TEST(SocketOptions, OnAClosedDescriptorNameTheOption) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fd = p->read_end.get();
  p->read_end.reset();
  EXPECT_EQ(set_tcp_nodelay(fd).error().message(), "setsockopt(TCP_NODELAY): EBADF (Bad file descriptor)");
  EXPECT_EQ(set_reuse_port(fd).error().message(), "setsockopt(SO_REUSEPORT): EBADF (Bad file descriptor)");
  EXPECT_EQ(set_send_buffer(fd, 1).error().message(), "setsockopt(SO_SNDBUF): EBADF (Bad file descriptor)");
  EXPECT_EQ(set_receive_buffer(fd, 1).error().message(), "setsockopt(SO_RCVBUF): EBADF (Bad file descriptor)");
  EXPECT_EQ(socket_error(fd).error().message(), "getsockopt: EBADF (Bad file descriptor)");
}

TEST(Addresses, OfThingsThatAreNotConnectedSockets) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  auto not_socket = local_address(p->read_end.get());
  ASSERT_FALSE(not_socket.ok());
  EXPECT_EQ(not_socket.error().message(), "getsockname: ENOTSOCK (Socket operation on non-socket)");
  auto listener = tcp_listen(SocketAddress::ip("127.0.0.1", 0).value());
  ASSERT_TRUE(listener.ok());
  auto no_peer = peer_address(listener->get());
  ASSERT_FALSE(no_peer.ok());
  EXPECT_EQ(no_peer.error().message(), "getpeername: ENOTCONN (Transport endpoint is not connected)");
}

TEST(Unix, ListenConnectAcceptInATempDir) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok()) << "mkdtemp failed";
  auto addr = SocketAddress::unix_path(dir.file("s"));
  ASSERT_TRUE(addr.ok());
  auto listener = unix_listen(*addr);
  ASSERT_TRUE(listener.ok()) << listener.error().message();
  expect_nonblocking_cloexec(listener->get());
  EXPECT_EQ(local_address(listener->get()).value().to_string(), dir.file("s"));

  auto client = unix_connect(*addr);
  ASSERT_TRUE(client.ok()) << client.error().message();
  expect_nonblocking_cloexec(client->get());
  auto server = accept_within(listener->get());
  ASSERT_TRUE(server.ok()) << server.error().message();
  expect_nonblocking_cloexec(server->get());
  EXPECT_EQ(peer_address(client->get()).value().to_string(), dir.file("s"));
  expect_exchange(client->get(), server->get());

  auto connected = connect_blocking(*addr);  // the blocking helper works for Unix sockets too
  EXPECT_TRUE(connected.ok()) << connected.error().message();
}

TEST(Unix, BindingAnExistingPathFails) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto addr = SocketAddress::unix_path(dir.file("s")).value();
  auto first = unix_listen(addr);
  ASSERT_TRUE(first.ok());
  auto second = unix_listen(addr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message(), "bind: EADDRINUSE (Address already in use)");
}

TEST(Unix, ConnectToAMissingPathFails) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto missing = unix_connect(SocketAddress::unix_path(dir.file("nobody")).value());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "connect: ENOENT (No such file or directory)");
}

TEST(SocketPair, StreamPairIsConnectedNonBlockingCloexec) {
  auto sp = socket_pair();
  ASSERT_TRUE(sp.ok()) << sp.error().message();
  expect_nonblocking_cloexec(sp->first.get());
  expect_nonblocking_cloexec(sp->second.get());
  expect_exchange(sp->first.get(), sp->second.get());
  EXPECT_EQ(local_address(sp->first.get()).value().family(), AF_UNIX);
}

TEST(SocketPair, DatagramPairKeepsMessageBoundaries) {
  auto sp = socket_pair(SOCK_DGRAM);
  ASSERT_TRUE(sp.ok()) << sp.error().message();
  expect_nonblocking_cloexec(sp->first.get());
  ASSERT_TRUE(write_some(sp->first.get(), bytes("one")).ok());
  ASSERT_TRUE(write_some(sp->first.get(), bytes("two")).ok());
  char buf[16];
  auto n = read_some(sp->second.get(), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "one");
  n = read_some(sp->second.get(), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string_view(buf, *n), "two");
}

TEST(SocketPair, UnsupportedTypeNamesTheCall) {
  auto sp = socket_pair(999);  // no such socket type
  ASSERT_FALSE(sp.ok());
  EXPECT_EQ(sp.error().call, std::string("socketpair"));
}

}  // namespace
}  // namespace osn::kio
