// kernel-io/socket.h — sockets: the kernel's endpoint for talking over a network or locally.
//
// A listening TCP socket holds a queue of finished handshakes (the "accept queue", sized by
// the listen backlog); accept(2) takes one and returns a new descriptor for that connection.
// Every socket made here is non-blocking and close-on-exec from birth (SOCK_NONBLOCK |
// SOCK_CLOEXEC, accept4), so no thread can race an exec between socket() and fcntl().
// See docs/kernel-io.md; watch them with `ss -ltnp` and `ls -l /proc/PID/fd`.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "kernel-io/fd.h"

namespace osn::kio {

// An IPv4, IPv6 or Unix-domain address, stored the way the kernel wants it.
class SocketAddress {
 public:
  // Numeric host only ("127.0.0.1", "::1", "0.0.0.0"); name lookup belongs to pool (DNS).
  static Result<SocketAddress> ip(std::string_view host, uint16_t port);
  static Result<SocketAddress> unix_path(std::string_view path);

  int family() const { return storage_.ss_family; }
  uint16_t port() const;  // 0 for Unix addresses
  std::string to_string() const;  // "127.0.0.1:8080", "[::1]:80", "/tmp/sock"

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t size() const { return len_; }
  socklen_t* size_ptr() { return &len_; }

 private:
  sockaddr_storage storage_{};
  socklen_t len_ = sizeof(sockaddr_storage);
};

struct ListenOptions {
  int backlog = 511;        // Node's and nginx's default
  bool reuse_port = false;  // SO_REUSEPORT: several sockets bound to one port, kernel hashes
};

// socket + SO_REUSEADDR (+ SO_REUSEPORT) + bind, without listen: the socket owns the port
// number but takes no connections (a connection needs a listening socket). SO_REUSEADDR lets
// it bind while old connections of the port sit in TIME_WAIT. The cluster's reuseport mode
// uses it to hold the port for its workers.
Result<Fd> tcp_bind(const SocketAddress& addr, ListenOptions options = {});
// tcp_bind + listen(options.backlog).
Result<Fd> tcp_listen(const SocketAddress& addr, ListenOptions options = {});
Result<Fd> unix_listen(const SocketAddress& addr, int backlog = 128);

// Starts a non-blocking connect. The socket may still be connecting (EINPROGRESS is not an
// error here): wait for writability, then read socket_error() to learn how it ended.
Result<Fd> tcp_connect(const SocketAddress& addr);
Result<Fd> unix_connect(const SocketAddress& addr);

// Connects and waits up to timeout_ms for the handshake; for tests and tools.
Result<Fd> connect_blocking(const SocketAddress& addr, int timeout_ms = 5'000);

// accept4(NONBLOCK|CLOEXEC). EAGAIN means the accept queue is empty. `peer` may be null.
Result<Fd> accept_connection(int listen_fd, SocketAddress* peer = nullptr);

// A connected pair of Unix sockets: the channel between primary and worker.
Result<std::pair<Fd, Fd>> socket_pair(int type = SOCK_STREAM);

Result<SocketAddress> local_address(int fd);
Result<SocketAddress> peer_address(int fd);

// The pending error on a socket (SO_ERROR), e.g. how a non-blocking connect ended. 0 = none.
Result<int> socket_error(int fd);

Status set_tcp_nodelay(int fd, bool on = true);
Status set_reuse_port(int fd, bool on = true);
Status set_send_buffer(int fd, int bytes);
Status set_receive_buffer(int fd, int bytes);

// How many received bytes wait unread in the socket (ioctl FIONREAD). A connection with bytes
// waiting is not idle, whatever its timer says (http/connection_deadlines.cc).
Result<size_t> bytes_waiting(int fd);

// shutdown(SHUT_WR): half-close — we send FIN, the peer reads EOF, we may still read.
Status shutdown_write(int fd);

}  // namespace osn::kio
