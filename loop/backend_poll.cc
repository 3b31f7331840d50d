// loop/backend_poll.cc — poll(2): the portable, O(n) baseline.
//
// poll takes an array of {fd, events} and returns with `revents` filled in. The kernel walks
// the whole array on every call, and so do we afterwards: the cost grows with the number of
// watched descriptors, not with the number that are ready. That is the difference epoll and
// kqueue were invented to remove — and what benchmarks with many idle connections show.
// Removal is O(1): the last entry moves into the hole (an index map tracks positions).
// An fd watched with no interest stays in the array with events 0: poll(2) still fills in
// POLLERR and POLLHUP for it (they need not be asked for), as backend.h promises.
#include <poll.h>

#include <vector>

#include "loop/backend.h"

namespace osn::loop {

namespace {

class PollBackend final : public Backend {
 public:
  const char* name() const override { return "poll"; }

  kio::Status add(int fd, uint32_t interest) override {
    if (fd < 0) return kio::SysError{"poll_add", EBADF};
    if (static_cast<size_t>(fd) >= position_.size()) position_.resize(fd + 1, kAbsent);
    if (position_[fd] != kAbsent) return kio::SysError{"poll_add", EEXIST};
    position_[fd] = fds_.size();
    fds_.push_back(pollfd{fd, to_poll(interest), 0});
    return {};
  }

  kio::Status modify(int fd, uint32_t interest) override {
    if (!watched(fd)) return kio::SysError{"poll_modify", ENOENT};
    fds_[position_[fd]].events = to_poll(interest);
    return {};
  }

  kio::Status remove(int fd) override {
    if (!watched(fd)) return kio::SysError{"poll_remove", ENOENT};
    size_t hole = position_[fd];
    fds_[hole] = fds_.back();
    position_[fds_[hole].fd] = hole;
    fds_.pop_back();
    position_[fd] = kAbsent;
    return {};
  }

  kio::Result<size_t> wait(std::span<ReadyEvent> out, int timeout_ms) override {
    int n = ::poll(fds_.data(), fds_.size(), timeout_ms);
    if (n < 0) {
      if (errno == EINTR) return size_t{0};
      return kio::last_error("poll");
    }
    size_t count = 0;
    for (const pollfd& p : fds_) {  // the O(n) scan
      if (p.revents == 0) continue;
      if (count == out.size()) break;  // the rest stay ready and come back next wait
      out[count++] = ReadyEvent{p.fd, from_poll(p.revents)};
    }
    return count;
  }

 private:
  static constexpr size_t kAbsent = static_cast<size_t>(-1);

  bool watched(int fd) const {
    return fd >= 0 && static_cast<size_t>(fd) < position_.size() && position_[fd] != kAbsent;
  }
  static short to_poll(uint32_t interest) {
    short e = 0;
    if (interest & kReadable) e |= POLLIN;
    if (interest & kWritable) e |= POLLOUT;
    return e;
  }
  static uint32_t from_poll(short r) {
    uint32_t events = 0;
    if (r & (POLLIN | POLLPRI)) events |= kReadable;
    if (r & POLLOUT) events |= kWritable;
    if (r & (POLLERR | POLLNVAL)) events |= kError;
    if (r & POLLHUP) events |= kHangup;
    return events;
  }

  std::vector<pollfd> fds_;       // what poll(2) sees
  std::vector<size_t> position_;  // fd -> index in fds_, or kAbsent
};

}  // namespace

kio::Result<std::unique_ptr<Backend>> make_poll_backend() {
  return std::unique_ptr<Backend>(std::make_unique<PollBackend>());
}

}  // namespace osn::loop
