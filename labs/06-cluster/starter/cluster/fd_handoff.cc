// cluster/fd_handoff.cc — one record per connection: "conn=<id>" + one SCM_RIGHTS fd.
#include "cluster/fd_handoff.h"

#include <charconv>
#include <string>
#include <string_view>
#include <system_error>

#include "kernel-io/fd_passing.h"

namespace osn::cluster {

namespace {
constexpr std::string_view kPrefix = "conn=";
}

kio::Status send_connection(int handle_socket, uint64_t connection_id, int connection_fd) {
  // [lab 06] begin: send_connection — one record "conn=<id>" carrying the fd (SCM_RIGHTS)
  // TODO(lab 06): build the record "conn=<id>" (kPrefix) and send it with the one fd through
  // kio::send_with_fds (kernel-io/fd_passing.h): the fd rides as SCM_RIGHTS ancillary data.
  (void)handle_socket;
  (void)connection_id;
  (void)connection_fd;
  (void)kPrefix;
  return kio::SysError{"sendmsg", ENOSYS};
  // [lab 06] end
}

kio::Result<std::optional<ReceivedConnection>> receive_connection(int handle_socket) {
  // [lab 06] begin: receive_connection — one record, exactly one fd, a valid id
  // TODO(lab 06): receive one record with kio::receive_with_fds into a small buffer. An error
  // is returned as it is; 0 bytes and no fd: the peer closed (nullopt). Valid only as
  // "conn=<decimal id>" with exactly one fd and nothing truncated — else EBADMSG, and every fd
  // that came along is closed (the Fds do that when they go out of scope).
  (void)handle_socket;
  return kio::SysError{"recvmsg", ENOSYS};
  // [lab 06] end
}

}  // namespace osn::cluster
