// kernel-io/pipe.cc — pipe2(2) and eventfd(2).
#include "kernel-io/pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

namespace osn::kio {

Result<Pipe> make_pipe() {
  int fds[2];
#ifdef __linux__
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) return last_error("pipe2");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
#else
  if (::pipe(fds) < 0) return last_error("pipe");
  Pipe p{Fd(fds[0]), Fd(fds[1])};
  for (int fd : fds) {
    (void)set_nonblocking(fd);
    (void)set_cloexec(fd);
  }
  return p;
#endif
}

Result<WakeupChannel> WakeupChannel::create(bool force_pipe) {
  WakeupChannel w;
#ifdef __linux__
  if (!force_pipe) {
    int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) return last_error("eventfd");
    w.read_.reset(fd);
    return w;
  }
#else
  (void)force_pipe;
#endif
  auto p = make_pipe();
  if (!p) return p.error();
  w.read_ = std::move(p->read_end);
  w.write_ = std::move(p->write_end);
  return w;
}

void WakeupChannel::notify() const {
  int saved = errno;  // may run inside a signal handler: leave errno as we found it
  if (uses_eventfd()) {
    uint64_t one = 1;
    while (::write(read_.get(), &one, sizeof one) < 0 && errno == EINTR) {
    }
  } else {
    char byte = 1;
    while (::write(write_.get(), &byte, 1) < 0 && errno == EINTR) {
    }
  }
  errno = saved;
}

void WakeupChannel::drain() const {
  char buf[256];
  for (;;) {
    ssize_t n = ::read(read_.get(), buf, uses_eventfd() ? sizeof(uint64_t) : sizeof buf);
    if (n > 0 && !uses_eventfd()) continue;
    if (n < 0 && errno == EINTR) continue;
    return;  // eventfd: one read resets the counter; pipe: EAGAIN means empty
  }
}

}  // namespace osn::kio
