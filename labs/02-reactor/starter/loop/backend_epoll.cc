// loop/backend_epoll.cc — Linux's epoll(7): readiness in O(ready), not O(watched).
//
// epoll_create1 makes a kernel object holding an "interest list"; epoll_ctl edits it once per
// change; epoll_wait returns only the descriptors that are ready. Compare backend_poll.cc,
// which hands the kernel the whole list on every call. We use level-triggered mode (the
// default): an fd with unread data is reported again, so the loop may read a little at a time.
// epoll_wait always reports EPOLLERR and EPOLLHUP, so an fd added with no interest (events 0)
// still tells of a reset peer — the backend.h contract at no cost.
// See it: strace -e epoll_create1,epoll_ctl,epoll_wait ./build/bin/hello
// Lab 02 (labs/02-reactor) has students write the parts between the "[lab 02]" markers.
#include <sys/epoll.h>
#include <unistd.h>

#include <vector>

#include "kernel-io/fd.h"
#include "loop/backend.h"

namespace osn::loop {

namespace {

// [lab 02] begin: translating interest into epoll bits and epoll's report back into Events
// TODO(lab 02): write the two translations the calls below need, e.g.
//   uint32_t to_epoll(uint32_t interest)  kReadable/kWritable -> EPOLLIN/EPOLLOUT (nothing
//                                          else: level-triggered, so no EPOLLET or EPOLLONESHOT)
//   uint32_t from_epoll(uint32_t e)       EPOLLIN/EPOLLPRI/EPOLLRDHUP -> kReadable,
//                                          EPOLLOUT -> kWritable, EPOLLERR -> kError,
//                                          EPOLLHUP -> kHangup
// Until then every call below fails with ENOSYS, naming itself ("TODO lab 02").
// [lab 02] end

class EpollBackend final : public Backend {
 public:
  explicit EpollBackend(kio::Fd epfd) : epfd_(std::move(epfd)) {}

  const char* name() const override { return "epoll"; }

  // [lab 02] begin: add, modify, remove (epoll_ctl) and wait (epoll_wait)
  // TODO(lab 02): add(fd, interest) is EPOLL_CTL_ADD; the kernel's EEXIST is the contract's.
  kio::Status add(int, uint32_t) override { return kio::SysError{"add (TODO lab 02)", ENOSYS}; }
  // TODO(lab 02): modify(fd, interest) is EPOLL_CTL_MOD; ENOENT for an fd that is not watched.
  kio::Status modify(int, uint32_t) override {
    return kio::SysError{"modify (TODO lab 02)", ENOSYS};
  }
  // TODO(lab 02): remove(fd) is EPOLL_CTL_DEL; ENOENT for an fd that is not watched.
  kio::Status remove(int) override { return kio::SysError{"remove (TODO lab 02)", ENOSYS}; }
  // TODO(lab 02): wait(out, timeout_ms) is one epoll_wait into kernel_events_ (grown to
  // out.size() when too small, never allocated per call), at most out.size() events, each
  // translated into out[i]; EINTR is 0 events, any other failure kio::last_error("epoll_wait").
  kio::Result<size_t> wait(std::span<ReadyEvent>, int) override {
    return kio::SysError{"wait (TODO lab 02)", ENOSYS};
  }
  // [lab 02] end

 private:
  // [lab 02] begin: private helpers of the calls above (one epoll_ctl for all three changes)
  // TODO(lab 02): helpers of your own: one private member function that makes the epoll_ctl
  // call for add, modify and remove fits here.
  // [lab 02] end

  kio::Fd epfd_;
  std::vector<epoll_event> kernel_events_;  // reused by every wait: no allocation per poll
};

}  // namespace

kio::Result<std::unique_ptr<Backend>> make_epoll_backend() {
  // [lab 02] begin: make the epoll instance (close-on-exec) and the backend that owns it
  // TODO(lab 02): epoll_create1(EPOLL_CLOEXEC); on failure kio::last_error("epoll_create1"); on
  // success an EpollBackend that owns the descriptor (a kio::Fd).
  return kio::SysError{"make_epoll_backend (TODO lab 02)", ENOSYS};
  // [lab 02] end
}

}  // namespace osn::loop
