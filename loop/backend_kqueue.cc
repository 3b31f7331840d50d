// loop/backend_kqueue.cc — kqueue(2), the BSD and macOS multiplexer.
//
// kqueue watches (ident, filter) pairs: an EVFILT_READ and an EVFILT_WRITE registration per
// descriptor, each added or deleted with kevent(). The same kevent() call both submits
// changes and collects events; we submit changes immediately for simplicity.
//
// Unlike epoll and poll, kqueue reports a hang-up only through a registered filter (EV_EOF,
// with the socket error in fflags). So a watched fd always has a read filter: a normal one
// while kReadable is wanted, else an "end only" one — NOTE_LOWAT with a mark no buffer
// reaches, and EV_CLEAR so that data arriving anyway (a pipe; libkqueue on AF_UNIX) wakes the
// loop once, not forever. kqueue(2): EVFILT_READ "returns the socket error (if any) in fflags".
// Not built on Linux by default: build with BACKEND=kqueue KQUEUE_CFLAGS=... KQUEUE_LIBS=...
// pointing at a kqueue emulation library (libkqueue) to run the test suite against it.
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include <climits>
#include <vector>

#include "kernel-io/fd.h"
#include "loop/backend.h"

namespace osn::loop {

namespace {

class KqueueBackend final : public Backend {
 public:
  explicit KqueueBackend(kio::Fd kq) : kq_(std::move(kq)) {}

  const char* name() const override { return "kqueue"; }

  kio::Status add(int fd, uint32_t interest) override {
    if (fd < 0) return kio::SysError{"kevent", EBADF};
    if (static_cast<size_t>(fd) >= state_.size()) state_.resize(fd + 1, 0);
    if (watched(fd)) return kio::SysError{"kevent", EEXIST};
    struct kevent changes[2];
    int n = 0;
    set_read_filter(changes[n++], fd, interest);
    if (interest & kWritable) EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_ADD, 0, 0, nullptr);
    return submit(fd, changes, n, kWatched | interest);
  }

  kio::Status modify(int fd, uint32_t interest) override {
    if (!watched(fd)) return kio::SysError{"kevent", ENOENT};
    const uint32_t before = state_[fd];
    struct kevent changes[3];
    int n = 0;
    if ((before & kReadable) != (interest & kReadable)) {  // normal <-> end only: a new filter
      EV_SET(&changes[n++], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
      set_read_filter(changes[n++], fd, interest);
    }
    if ((before & kWritable) != (interest & kWritable))
      EV_SET(&changes[n++], fd, EVFILT_WRITE, (interest & kWritable) ? EV_ADD : EV_DELETE, 0, 0,
             nullptr);
    return submit(fd, changes, n, kWatched | interest);
  }

  kio::Status remove(int fd) override {
    if (!watched(fd)) return kio::SysError{"kevent", ENOENT};
    struct kevent changes[2];
    int n = 0;
    EV_SET(&changes[n++], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
    if (state_[fd] & kWritable) EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
    return submit(fd, changes, n, 0);
  }

  kio::Result<size_t> wait(std::span<ReadyEvent> out, int timeout_ms) override {
    if (kernel_events_.size() < out.size()) kernel_events_.resize(out.size());
    timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1'000'000L};
    int n = ::kevent(kq_.get(), nullptr, 0, kernel_events_.data(),
                     static_cast<int>(out.size()), timeout_ms < 0 ? nullptr : &ts);
    if (n < 0) {
      if (errno == EINTR) return size_t{0};
      return kio::last_error("kevent");
    }
    // One fd may come back twice (read and write filters): the loop copes with either order.
    size_t count = 0;
    for (int i = 0; i < n; ++i) {
      const struct kevent& k = kernel_events_[i];
      const int fd = static_cast<int>(k.ident);
      uint32_t events = k.filter == EVFILT_WRITE ? kWritable : kReadable;
      if (k.flags & EV_ERROR) events = kError;
      if (k.flags & EV_EOF) events |= k.fflags != 0 ? kHangup | kError : kHangup;
      // An "end only" read filter may still fire for data: that is not ours to report.
      const uint32_t wanted = watched(fd) ? state_[fd] & (kReadable | kWritable) : 0;
      events &= wanted | kError | kHangup;
      if (events != 0) out[count++] = ReadyEvent{fd, events};
    }
    return count;
  }

 private:
  static constexpr uint32_t kWatched = 1u << 31;  // in state_: the fd is registered

  bool watched(int fd) const {
    return fd >= 0 && static_cast<size_t>(fd) < state_.size() && (state_[fd] & kWatched);
  }

  // The read filter every watched fd has: normal, or reporting only EOF and errors.
  static void set_read_filter(struct kevent& change, int fd, uint32_t interest) {
    if (interest & kReadable)
      EV_SET(&change, fd, EVFILT_READ, EV_ADD, 0, 0, nullptr);
    else
      EV_SET(&change, fd, EVFILT_READ, EV_ADD | EV_CLEAR, NOTE_LOWAT, INT_MAX, nullptr);
  }

  kio::Status submit(int fd, struct kevent* changes, int n, uint32_t state) {
    if (n > 0 && ::kevent(kq_.get(), changes, n, nullptr, 0, nullptr) < 0)
      return kio::last_error("kevent");
    state_[fd] = state;
    return {};
  }

  kio::Fd kq_;
  std::vector<uint32_t> state_;  // fd -> kWatched | interest, so modify can compute the diff
  std::vector<struct kevent> kernel_events_;
};

}  // namespace

kio::Result<std::unique_ptr<Backend>> make_kqueue_backend() {
  int fd = ::kqueue();
  if (fd < 0) return kio::last_error("kqueue");
  (void)kio::set_cloexec(fd);
  return std::unique_ptr<Backend>(std::make_unique<KqueueBackend>(kio::Fd(fd)));
}

}  // namespace osn::loop
