// kernel-io/fd_passing.cc — sendmsg/recvmsg with a control message of type SCM_RIGHTS.
//
// The control buffer is a sequence of cmsghdr records; CMSG_SPACE/CMSG_DATA compute the
// padding the kernel expects. MSG_CMSG_CLOEXEC makes received fds close-on-exec atomically.
// Lab 01's part is the two regions marked `[lab 01]`: the bodies of the functions that write and
// read the SCM_RIGHTS record (attach_fds, collect_fds). The rest — the iovec, the flags, the
// EINTR loops — stays. The lab: labs/01-processes-fds/README.md.
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

// Room for the largest control message we send or accept: one cmsghdr with kMaxPassedFds ints.
using ControlBuffer = char[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];

// ---- lab 01: the SCM_RIGHTS control message ---------------------------------------------------

// Contract: `fds` is not empty and holds at most kMaxPassedFds numbers. Afterwards
// msg->msg_control points at `control` and msg->msg_controllen covers exactly one cmsghdr of
// level SOL_SOCKET, type SCM_RIGHTS, whose data is the ints of `fds` (CMSG_SPACE for the
// length the kernel reads, CMSG_LEN for the record's own length, CMSG_DATA for where the ints
// go). Nothing else of *msg changes.
void attach_fds(msghdr* msg, ControlBuffer& control, std::span<const int> fds) {
  // [lab 01] begin: attach_fds — one SOL_SOCKET / SCM_RIGHTS record holding the ints of fds
  std::memset(control, 0, sizeof control);
  msg->msg_control = control;
  msg->msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
  cmsghdr* c = CMSG_FIRSTHDR(msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
  std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  // [lab 01] end
}

// Contract: `msg` is what recvmsg(2) filled in. Every descriptor of every SOL_SOCKET /
// SCM_RIGHTS record (walk them with CMSG_FIRSTHDR / CMSG_NXTHDR; a record holds
// (cmsg_len - CMSG_LEN(0)) / sizeof(int) numbers) is appended to *out as an owning Fd, in
// order, so none can leak; other records are skipped.
void collect_fds(const msghdr& msg, std::vector<Fd>* out) {
  // [lab 01] begin: collect_fds — walk every record, own each fd of every SCM_RIGHTS one
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      out->emplace_back(fd);
    }
  }
  // [lab 01] end
}

// ---- end of lab 01's part ---------------------------------------------------------------------

}  // namespace

Result<size_t> send_with_fds(int socket, std::span<const char> bytes, std::span<const int> fds) {
  if (bytes.empty() || fds.size() > kMaxPassedFds) return SysError{"sendmsg", EINVAL};
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) ControlBuffer control;
  if (!fds.empty()) attach_fds(&msg, control, fds);
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
  alignas(cmsghdr) ControlBuffer control;
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
  collect_fds(msg, &r.fds);
  if (kRecvFlags == 0)  // best effort where MSG_CMSG_CLOEXEC is missing
    for (const Fd& fd : r.fds) (void)set_cloexec(fd.get());
  return r;
}

}  // namespace osn::kio
