// kernel-io/socket.cc — socket(2), bind(2), listen(2), connect(2), accept4(2), socketpair(2).
//
// Linux lets us ask for O_NONBLOCK and FD_CLOEXEC in the same call that makes the
// descriptor; macOS does not, so make_socket() sets them right after with fcntl.
#include "kernel-io/socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "kernel-io/io.h"

namespace osn::kio {

namespace {

Result<Fd> make_socket(int family, int type) {
#ifdef SOCK_NONBLOCK
  int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return last_error("socket");
  return Fd(fd);
#else
  Fd fd(::socket(family, type, 0));
  if (!fd) return last_error("socket");
  if (auto s = set_nonblocking(fd.get()); !s) return s.error();
  if (auto s = set_cloexec(fd.get()); !s) return s.error();
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
  return fd;
#endif
}

Status set_int_option(int fd, int level, int name, int value, const char* call) {
  if (::setsockopt(fd, level, name, &value, sizeof value) < 0) return last_error(call);
  return {};
}

Result<Fd> start_connect(const SocketAddress& addr) {
  auto fd = make_socket(addr.family(), SOCK_STREAM);
  if (!fd) return fd;
  // EINTR is not retried: the handshake goes on in the background (POSIX connect(2)), and a
  // second connect() would fail with EALREADY. It means "in progress", like EINPROGRESS.
  if (::connect(fd->get(), addr.get(), addr.size()) < 0 && errno != EINPROGRESS && errno != EINTR)
    return last_error("connect");
  return fd;
}

}  // namespace

Result<SocketAddress> SocketAddress::ip(std::string_view host, uint16_t port) {
  SocketAddress a;
  std::string h(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (::inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len_ = sizeof(sockaddr_in);
    return a;
  }
  if (::inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    a.len_ = sizeof(sockaddr_in6);
    return a;
  }
  return SysError{"inet_pton", EINVAL};
}

Result<SocketAddress> SocketAddress::unix_path(std::string_view path) {
  SocketAddress a;
  auto* un = reinterpret_cast<sockaddr_un*>(&a.storage_);
  if (path.size() + 1 > sizeof un->sun_path) return SysError{"unix_path", ENAMETOOLONG};
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  a.len_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return a;
}

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  char host[INET6_ADDRSTRLEN] = "";
  char out[INET6_ADDRSTRLEN + 16];
  if (family() == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, host,
                sizeof host);
    std::snprintf(out, sizeof out, "%s:%u", host, port());
    return out;
  }
  if (family() == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, host,
                sizeof host);
    std::snprintf(out, sizeof out, "[%s]:%u", host, port());
    return out;
  }
  if (family() == AF_UNIX) return reinterpret_cast<const sockaddr_un*>(&storage_)->sun_path;
  return "?";
}

Result<Fd> tcp_bind(const SocketAddress& addr, ListenOptions options) {
  auto fd = make_socket(addr.family(), SOCK_STREAM);
  if (!fd) return fd;
  if (auto s = set_int_option(fd->get(), SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");
      !s)
    return s.error();
  if (options.reuse_port) {
    if (auto s = set_reuse_port(fd->get()); !s) return s.error();
  }
  if (::bind(fd->get(), addr.get(), addr.size()) < 0) return last_error("bind");
  return fd;
}

Result<Fd> tcp_listen(const SocketAddress& addr, ListenOptions options) {
  auto fd = tcp_bind(addr, options);
  if (!fd) return fd;
  if (::listen(fd->get(), options.backlog) < 0) return last_error("listen");
  return fd;
}

Result<Fd> unix_listen(const SocketAddress& addr, int backlog) {
  auto fd = make_socket(AF_UNIX, SOCK_STREAM);
  if (!fd) return fd;
  if (::bind(fd->get(), addr.get(), addr.size()) < 0) return last_error("bind");
  if (::listen(fd->get(), backlog) < 0) return last_error("listen");
  return fd;
}

Result<Fd> tcp_connect(const SocketAddress& addr) { return start_connect(addr); }
Result<Fd> unix_connect(const SocketAddress& addr) { return start_connect(addr); }

Result<Fd> connect_blocking(const SocketAddress& addr, int timeout_ms) {
  auto fd = start_connect(addr);
  if (!fd) return fd;
  auto ready = wait_writable(fd->get(), timeout_ms);
  if (!ready) return ready.error();
  if (!*ready) return SysError{"connect", ETIMEDOUT};
  auto err = socket_error(fd->get());
  if (!err) return err.error();
  if (*err != 0) return SysError{"connect", *err};
  return fd;
}

Result<Fd> accept_connection(int listen_fd, SocketAddress* peer) {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  for (;;) {
#ifdef SOCK_NONBLOCK
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    int fd = ::accept(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len);
    if (fd >= 0) {
      (void)set_nonblocking(fd);
      (void)set_cloexec(fd);
    }
#endif
    if (fd >= 0) {
      if (peer) {
        std::memcpy(peer->get(), &ss, len);
        *peer->size_ptr() = len;
      }
      return Fd(fd);
    }
    if (errno != EINTR) return last_error("accept4");
  }
}

Result<std::pair<Fd, Fd>> socket_pair(int type) {
  int sv[2];
#ifdef SOCK_NONBLOCK
  if (::socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
    return last_error("socketpair");
  return std::pair<Fd, Fd>{Fd(sv[0]), Fd(sv[1])};
#else
  if (::socketpair(AF_UNIX, type, 0, sv) < 0) return last_error("socketpair");
  std::pair<Fd, Fd> p{Fd(sv[0]), Fd(sv[1])};
  for (int fd : sv) {
    (void)set_nonblocking(fd);
    (void)set_cloexec(fd);
  }
  return p;
#endif
}

Result<SocketAddress> local_address(int fd) {
  SocketAddress a;
  if (::getsockname(fd, a.get(), a.size_ptr()) < 0) return last_error("getsockname");
  return a;
}

Result<SocketAddress> peer_address(int fd) {
  SocketAddress a;
  if (::getpeername(fd, a.get(), a.size_ptr()) < 0) return last_error("getpeername");
  return a;
}

Result<int> socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return last_error("getsockopt");
  return err;
}

Status set_tcp_nodelay(int fd, bool on) {
  return set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, on, "setsockopt(TCP_NODELAY)");
}
Status set_reuse_port(int fd, bool on) {
  return set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, on, "setsockopt(SO_REUSEPORT)");
}
Status set_send_buffer(int fd, int bytes) {
  return set_int_option(fd, SOL_SOCKET, SO_SNDBUF, bytes, "setsockopt(SO_SNDBUF)");
}
Status set_receive_buffer(int fd, int bytes) {
  return set_int_option(fd, SOL_SOCKET, SO_RCVBUF, bytes, "setsockopt(SO_RCVBUF)");
}

Result<size_t> bytes_waiting(int fd) {
  int n = 0;
  if (::ioctl(fd, FIONREAD, &n) < 0) return last_error("ioctl(FIONREAD)");
  return static_cast<size_t>(n);
}

Status shutdown_write(int fd) {
  if (::shutdown(fd, SHUT_WR) < 0) return last_error("shutdown");
  return {};
}

}  // namespace osn::kio
