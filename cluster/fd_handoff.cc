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
  const std::string record = std::string(kPrefix) + std::to_string(connection_id);
  const int fds[1] = {connection_fd};
  auto sent = kio::send_with_fds(handle_socket, record, fds);
  if (!sent) return sent.error();
  return {};  // SOCK_SEQPACKET: a record is sent whole or not at all
  // [lab 06] end
}

kio::Result<std::optional<ReceivedConnection>> receive_connection(int handle_socket) {
  // [lab 06] begin: receive_connection — one record, exactly one fd, a valid id
  char buf[64];
  auto got = kio::receive_with_fds(handle_socket, buf);
  if (!got) return got.error();
  if (got->bytes == 0 && got->fds.empty()) return std::optional<ReceivedConnection>{};
  std::string_view record(buf, got->bytes);
  ReceivedConnection conn;
  const char* first = record.data() + kPrefix.size();
  const char* last = record.data() + record.size();
  auto all_digits_fit = [&] {  // an id too large for 64 bits is refused, not read as 0
    const auto [end, error] = std::from_chars(first, last, conn.id);
    return error == std::errc{} && end == last && first != last;
  };
  bool valid = record.starts_with(kPrefix) && got->fds.size() == 1 && !got->truncated && all_digits_fit();
  if (!valid) return kio::SysError{"recvmsg", EBADMSG};  // the Fds in `got` close here
  conn.fd = std::move(got->fds[0]);
  return std::optional<ReceivedConnection>(std::move(conn));
  // [lab 06] end
}

}  // namespace osn::cluster
