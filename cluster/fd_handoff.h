// cluster/fd_handoff.h — moving an accepted connection into another process (SCM_RIGHTS).
//
// In rr mode the primary accepts a TCP connection and gives it to a worker. The descriptor
// number is meaningless in the worker, so it rides as SCM_RIGHTS ancillary data on a
// sendmsg(2) over the worker's *handle channel*, a SOCK_SEQPACKET socketpair: each sendmsg
// is one record "conn=<id>" carrying exactly one fd, and the kernel installs a new descriptor
// for the same open socket in the worker (look for socket:[inode] in /proc/PID/fd of both).
// The handle channel is separate from the message channel because a plain read(2) on a
// socket silently discards (closes) any descriptors riding on the bytes it reads.
// Only the record format is here; the SCM_RIGHTS control message itself is kernel-io's
// send_with_fds / receive_with_fds (lab 01's part is there: attach_fds, collect_fds).
#pragma once

#include <cstdint>
#include <optional>

#include "kernel-io/fd.h"
#include "kernel-io/result.h"

namespace osn::cluster {

// Sends `connection_fd` with the id the acknowledgement will name. The fd stays open here:
// the primary closes its copy only when the worker has accepted the connection.
kio::Status send_connection(int handle_socket, uint64_t connection_id, int connection_fd);

struct ReceivedConnection {
  uint64_t id = 0;
  kio::Fd fd;  // owned by the receiver now
};

// Receives one record. nullopt: the peer closed the handle channel. EAGAIN (would_block):
// nothing there now. EBADMSG: a record without exactly one fd or without a valid id (any fd
// that did arrive is closed).
kio::Result<std::optional<ReceivedConnection>> receive_connection(int handle_socket);

}  // namespace osn::cluster
