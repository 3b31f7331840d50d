// tests/support/round_robin_rig.h — cluster::RoundRobin on its own, without processes.
//
// The scheduler's "send" is a callback, so here it records who got which connection (and can be
// told to fail for some workers), and the connections are pipe read ends: real descriptors, so
// whether the primary closed its copy is seen from the write end (poll reports POLLERR on a
// write end nobody reads). Used by tests/cluster/scheduling_test.cc and lab 06's grader.
#pragma once

#include <errno.h>
#include <poll.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cluster/round_robin.h"
#include "kernel-io/pipe.h"

namespace osn::cluster::testing {

struct Sent {
  int worker;
  uint64_t id;
};

struct RoundRobinRig {
  std::vector<Sent> sent;
  std::vector<int> refuse;       // workers whose send fails
  std::vector<kio::Fd> writers;  // the other end of every connection, in order
  RoundRobin rr{[this](int w, uint64_t id, int fd) -> kio::Status {
    if (fd < 0) return kio::SysError{"sendmsg", EBADF};
    if (std::find(refuse.begin(), refuse.end(), w) != refuse.end()) return kio::SysError{"sendmsg", EPIPE};
    sent.push_back({w, id});
    return {};
  }};
  // A new connection; returns its index in writers.
  size_t connect() {
    auto pipe = kio::make_pipe();
    writers.push_back(std::move(pipe->write_end));
    rr.distribute(std::move(pipe->read_end));
    return writers.size() - 1;
  }
  // Has the primary's copy (the read end) of connection `i` been closed?
  bool closed(size_t i) const {
    pollfd p{writers[i].get(), POLLOUT, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
  }
};

}  // namespace osn::cluster::testing
