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
  kError = 1u << 2,   // reported only: an error is pending on the fd (EPOLLERR, POLLERR)
  kHangup = 1u << 3,  // reported only: the peer hung up (EPOLLHUP, POLLHUP, EV_EOF)
};

struct ReadyEvent {
  int fd;
  uint32_t events;
};

// Contract for every backend (one per file: backend_epoll.cc, backend_kqueue.cc,
// backend_poll.cc). Called only from the loop's thread.
//  - add(fd, interest):    start watching fd; interest is a non-zero mix of kReadable|kWritable.
//  - modify(fd, interest): change the interest of a watched fd.
//  - remove(fd):           stop watching fd. Must be called before the fd is closed.
//  - wait(out, timeout):   block up to timeout_ms (-1 = forever, 0 = just look) and fill `out`
//                          with ready fds; returns how many. Level-triggered: an fd that stays
//                          readable is reported again on the next wait. EINTR returns 0 events.
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
