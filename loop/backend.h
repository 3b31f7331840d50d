// loop/backend.h — the readiness interface every I/O multiplexer implements.
//
// An event loop asks the kernel one question over and over: "which of these descriptors can
// I read or write without blocking?" Linux answers with epoll, the BSDs and macOS with kqueue,
// every Unix with poll(2). A Backend hides which one is used. It only *translates*: interest
// in, {fd, events} out. All dispatch — which callback runs — lives in the loop (loop.cc), as
// in Redis's ae.c. Lab 02 has students write a backend behind exactly this interface.
// See docs/loop.md ("The poll phase").
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "kernel-io/result.h"

namespace osn::loop {

// Event bits, in both directions: what we want to know (interest) and what happened.
enum Events : uint32_t {
  kReadable = 1u << 0,
  kWritable = 1u << 1,
  kError = 1u << 2,   // reported only: an error is pending, e.g. the peer reset the connection
                      // (EPOLLERR, POLLERR/POLLNVAL, kqueue EV_EOF with the error in fflags)
  kHangup = 1u << 3,  // reported only: the peer hung up (EPOLLHUP, POLLHUP, kqueue EV_EOF)
};

struct ReadyEvent {
  int fd;
  uint32_t events;
};

// Contract for every backend (one per file: backend_epoll.cc, backend_kqueue.cc,
// backend_poll.cc; each can be removed and rewritten whole). Called only from the loop's
// thread. A backend translates — interest in, {fd, events} out — and never runs callbacks.
//  - add(fd, interest):    start watching fd (EEXIST if it already is). interest is any mix of
//                          kReadable|kWritable, including none: see "hang-ups" below.
//  - modify(fd, interest): change the interest of a watched fd (ENOENT if it is not).
//  - remove(fd):           stop watching fd (ENOENT if it is not). Call it before close(fd).
//  - wait(out, timeout):   block up to timeout_ms (-1 = forever, 0 = just look) and fill `out`
//                          with ready fds; returns how many. Level-triggered: an fd that stays
//                          readable is reported again on the next wait; ready fds that did not
//                          fit in `out` come back next time. EINTR returns 0 events. One fd may
//                          appear twice in a batch (kqueue's read and write filters).
//                          Reported bits are the fd's interest plus kError and kHangup only.
// Hang-ups: a watched fd reports kError and kHangup whatever its interest — with none at all,
// too — so an owner that has stopped reading still learns that its peer reset the connection.
// epoll and poll report ERR and HUP for any fd in their set; kqueue needs a registered filter,
// so backend_kqueue.cc keeps an "end only" read filter on an fd that wants no reading. When
// kHangup comes differs: epoll/poll say HUP once both directions are closed (or on a reset);
// kqueue says EV_EOF as soon as the peer's FIN arrives. A reset is kError on all three.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  virtual kio::Status add(int fd, uint32_t interest) = 0;
  virtual kio::Status modify(int fd, uint32_t interest) = 0;
  virtual kio::Status remove(int fd) = 0;
  virtual kio::Result<size_t> wait(std::span<ReadyEvent> out, int timeout_ms) = 0;
};

// The backends this build contains ("epoll", "poll", and "kqueue" where available).
std::vector<std::string_view> available_backends();

// The build's default (BACKEND=... at build time; epoll on Linux, kqueue on BSD/macOS).
std::string_view default_backend();

// Makes a backend by name; "" means default_backend(). EINVAL for a name not built in.
kio::Result<std::unique_ptr<Backend>> make_backend(std::string_view name = {});

// One factory per backend file.
kio::Result<std::unique_ptr<Backend>> make_epoll_backend();
kio::Result<std::unique_ptr<Backend>> make_kqueue_backend();
kio::Result<std::unique_ptr<Backend>> make_poll_backend();

}  // namespace osn::loop
