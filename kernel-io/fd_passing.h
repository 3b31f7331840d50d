// kernel-io/fd_passing.h — sending an open descriptor to another process (SCM_RIGHTS).
//
// A descriptor number means nothing outside its process. But over a Unix socket, sendmsg(2)
// can carry "ancillary data" of type SCM_RIGHTS: the kernel looks up the sender's open files
// and installs new descriptors for the *same* open files in the receiver — exactly what
// dup(2) does, across a process boundary. This is how osnode's primary hands an accepted
// connection to a worker (Node's cluster does the same). Watch it:
//   strace -f -e sendmsg,recvmsg ./build/bin/...    and    ls -l /proc/PID/fd
#pragma once

#include <span>
#include <vector>

#include "kernel-io/fd.h"

namespace osn::kio {

// At most this many descriptors ride on one message.
inline constexpr size_t kMaxPassedFds = 16;

// Sends `bytes` (at least one byte: a stream socket cannot carry ancillary data alone) with
// `fds` attached. The fds stay open here; the receiver gets its own copies.
Result<size_t> send_with_fds(int socket, std::span<const char> bytes, std::span<const int> fds);

struct Received {
  size_t bytes = 0;       // 0 = the peer closed the socket
  std::vector<Fd> fds;    // descriptors that arrived, now owned by the caller (close-on-exec)
  bool truncated = false; // MSG_CTRUNC: more fds were sent than we had room for (they are lost)
};

Result<Received> receive_with_fds(int socket, std::span<char> buf);

}  // namespace osn::kio
