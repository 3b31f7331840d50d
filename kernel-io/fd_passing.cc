// kernel-io/fd_passing.cc — sendmsg/recvmsg with a control message of type SCM_RIGHTS.
//
// The control buffer is a sequence of cmsghdr records; CMSG_SPACE/CMSG_DATA compute the
// padding the kernel expects. MSG_CMSG_CLOEXEC makes received fds close-on-exec atomically.
#include "kernel-io/fd_passing.h"

#include <sys/socket.h>

#include <cstring>

namespace osn::kio {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;
#endif
#ifdef MSG_CMSG_CLOEXEC
constexpr int kRecvFlags = MSG_CMSG_CLOEXEC;
#else
constexpr int kRecvFlags = 0;
#endif

}  // namespace

Result<size_t> send_with_fds(int socket, std::span<const char> bytes, std::span<const int> fds) {
  if (bytes.empty() || fds.size() > kMaxPassedFds) return SysError{"sendmsg", EINVAL};
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;

  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  if (!fds.empty()) {
    std::memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  for (;;) {
    ssize_t n = ::sendmsg(socket, &msg, kSendFlags);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return last_error("sendmsg");
  }
}

Result<Received> receive_with_fds(int socket, std::span<char> buf) {
  iovec iov{buf.data(), buf.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;

  ssize_t n;
  do {
    n = ::recvmsg(socket, &msg, kRecvFlags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_error("recvmsg");

  Received r;
  r.bytes = static_cast<size_t>(n);
  r.truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      r.fds.emplace_back(fd);
      if (kRecvFlags == 0) (void)set_cloexec(fd);  // best effort where MSG_CMSG_CLOEXEC is missing
    }
  }
  return r;
}

}  // namespace osn::kio
