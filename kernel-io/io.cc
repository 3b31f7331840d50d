// kernel-io/io.cc — the read/write family, EINTR retried, EAGAIN reported.
//
// Writes on sockets use send(MSG_NOSIGNAL) so a vanished peer yields EPIPE instead of the
// SIGPIPE signal; on other descriptors (pipes) the loop ignores SIGPIPE process-wide.
#include "kernel-io/io.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace osn::kio {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kNoSignal = MSG_NOSIGNAL;
#else
constexpr int kNoSignal = 0;  // macOS: SO_NOSIGPIPE is set on sockets instead
#endif

// Send on a socket; fall back to write(2) when fd is not a socket (pipes, files).
ssize_t send_or_write(int fd, const char* data, size_t len) {
  ssize_t n = ::send(fd, data, len, kNoSignal);
  if (n < 0 && errno == ENOTSOCK) n = ::write(fd, data, len);
  return n;
}

Result<bool> wait_for(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return last_error("poll");
    if (p.revents & POLLNVAL) return SysError{"poll", EBADF};  // not open: not "ready"
    return n > 0;
  }
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

Result<size_t> read_some(int fd, std::span<char> buf) {
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return last_error("read");
  }
}

Result<size_t> write_some(int fd, std::span<const char> buf) {
  for (;;) {
    ssize_t n = send_or_write(fd, buf.data(), buf.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return last_error("write");
  }
}

Result<size_t> writev_some(int fd, std::span<const iovec> bufs) {
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(bufs.data());
  msg.msg_iovlen = bufs.size();
  for (;;) {
    ssize_t n = ::sendmsg(fd, &msg, kNoSignal);
    if (n < 0 && errno == ENOTSOCK) n = ::writev(fd, bufs.data(), static_cast<int>(bufs.size()));
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return last_error("writev");
  }
}

Result<bool> wait_readable(int fd, int timeout_ms) { return wait_for(fd, POLLIN, timeout_ms); }
Result<bool> wait_writable(int fd, int timeout_ms) { return wait_for(fd, POLLOUT, timeout_ms); }

Status write_all(int fd, std::span<const char> buf, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!buf.empty()) {
    auto n = write_some(fd, buf);
    if (n) {
      buf = buf.subspan(*n);
      continue;
    }
    if (!n.error().would_block()) return n.error();
    auto ready = wait_writable(fd, remaining_ms(deadline));
    if (!ready) return ready.error();
    if (!*ready) return SysError{"write_all", ETIMEDOUT};
  }
  return {};
}

Result<size_t> read_exact(int fd, std::span<char> buf, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t got = 0;
  while (got < buf.size()) {
    auto n = read_some(fd, buf.subspan(got));
    if (n) {
      if (*n == 0) break;  // EOF
      got += *n;
      continue;
    }
    if (!n.error().would_block()) return n.error();
    auto ready = wait_readable(fd, remaining_ms(deadline));
    if (!ready) return ready.error();
    if (!*ready) return SysError{"read_exact", ETIMEDOUT};
  }
  return got;
}

}  // namespace osn::kio
