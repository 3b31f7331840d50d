// loop/backend_kqueue.cc — kqueue(2), the BSD and macOS multiplexer.
//
// kqueue watches (ident, filter) pairs: one EVFILT_READ and one EVFILT_WRITE registration per
// descriptor, each added or deleted with kevent(). The same kevent() call both submits
// changes and collects events; we submit changes immediately for simplicity. Not built on
// Linux by default: build with BACKEND=kqueue KQUEUE_CFLAGS=... KQUEUE_LIBS=... pointing at a
// kqueue emulation library (libkqueue) to run the test suite against it.
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

#include <utility>
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
    if (static_cast<size_t>(fd) >= interest_.size()) interest_.resize(fd + 1, 0);
    return change(fd, 0, interest);
  }
  kio::Status modify(int fd, uint32_t interest) override {
    if (!watched(fd)) return kio::SysError{"kevent", ENOENT};
    return change(fd, interest_[fd], interest);
  }
  kio::Status remove(int fd) override {
    if (!watched(fd)) return kio::SysError{"kevent", ENOENT};
    return change(fd, interest_[fd], 0);
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
    for (int i = 0; i < n; ++i) {
      const struct kevent& k = kernel_events_[i];
      uint32_t events = k.filter == EVFILT_WRITE ? kWritable : kReadable;
      if (k.flags & EV_ERROR) events = kError;
      if (k.flags & EV_EOF) events |= kHangup;
      out[i] = ReadyEvent{static_cast<int>(k.ident), events};
    }
    return static_cast<size_t>(n);
  }

 private:
  bool watched(int fd) const {
    return fd >= 0 && static_cast<size_t>(fd) < interest_.size() && interest_[fd] != 0;
  }

  // Adds or deletes the read and write filters so that `before` becomes `after`.
  kio::Status change(int fd, uint32_t before, uint32_t after) {
    struct kevent changes[2];
    int n = 0;
    for (auto [bit, filter] : {std::pair{uint32_t{kReadable}, EVFILT_READ},
                               std::pair{uint32_t{kWritable}, EVFILT_WRITE}}) {
      if ((before & bit) == (after & bit)) continue;
      EV_SET(&changes[n++], fd, filter, (after & bit) ? EV_ADD : EV_DELETE, 0, 0, nullptr);
    }
    if (n > 0 && ::kevent(kq_.get(), changes, n, nullptr, 0, nullptr) < 0)
      return kio::last_error("kevent");
    interest_[fd] = after;
    return {};
  }

  kio::Fd kq_;
  std::vector<uint32_t> interest_;  // fd -> current interest, so modify can compute the diff
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
