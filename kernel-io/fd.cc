// kernel-io/fd.cc — closing, duplicating and flagging descriptors.
//
// close(2) is not retried on EINTR: on Linux the descriptor is already gone when close
// returns EINTR, and retrying could close a number another thread just opened.
#include "kernel-io/fd.h"

#include <fcntl.h>
#include <unistd.h>

namespace osn::kio {

void Fd::reset(int fd) {
  if (fd_ >= 0 && fd_ != fd) ::close(fd_);  // reset(get()) must not close what it keeps
  fd_ = fd;
}

Status Fd::close() {
  if (fd_ < 0) return {};
  int fd = release();
  if (::close(fd) < 0 && errno != EINTR) return last_error("close");
  return {};
}

Result<Fd> duplicate(int fd) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return last_error("fcntl(F_DUPFD_CLOEXEC)");
  return Fd(copy);
}

namespace {

Status toggle_flag(int fd, int get_cmd, int set_cmd, int flag, bool on, const char* call) {
  int flags = ::fcntl(fd, get_cmd);
  if (flags < 0) return last_error(call);
  int wanted = on ? (flags | flag) : (flags & ~flag);
  if (wanted != flags && ::fcntl(fd, set_cmd, wanted) < 0) return last_error(call);
  return {};
}

}  // namespace

Status set_nonblocking(int fd, bool on) {
  return toggle_flag(fd, F_GETFL, F_SETFL, O_NONBLOCK, on, "fcntl(O_NONBLOCK)");
}

Status set_cloexec(int fd, bool on) {
  return toggle_flag(fd, F_GETFD, F_SETFD, FD_CLOEXEC, on, "fcntl(FD_CLOEXEC)");
}

bool is_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && (flags & O_NONBLOCK);
}

bool is_cloexec(int fd) {
  int flags = ::fcntl(fd, F_GETFD);
  return flags >= 0 && (flags & FD_CLOEXEC);
}

}  // namespace osn::kio
