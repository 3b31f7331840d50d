// tests/support/stream_pairs.h — two connected descriptors to put loop Streams on.
//
// unix_pair(): socketpair(AF_UNIX, SOCK_STREAM). tcp_pair(): a real TCP connection over
// 127.0.0.1 (listen on port 0, connect, accept), so FIN, RST and the send buffer behave as
// on a network. Both ends are non-blocking and close-on-exec. Waits are bounded (5 s).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include "kernel-io/fd.h"
#include "kernel-io/io.h"
#include "kernel-io/socket.h"

namespace osn::looptest {

struct FdPair {
  kio::Fd a, b;
};

inline std::optional<FdPair> unix_pair() {
  auto p = kio::socket_pair();
  if (!p) {
    ADD_FAILURE() << p.error().message();
    return std::nullopt;
  }
  return FdPair{std::move(p->first), std::move(p->second)};
}

inline std::optional<FdPair> tcp_pair() {
  auto any = kio::SocketAddress::ip("127.0.0.1", 0);
  auto listener = any ? kio::tcp_listen(*any) : kio::Result<kio::Fd>(any.error());
  auto local = listener ? kio::local_address(listener->get())
                        : kio::Result<kio::SocketAddress>(listener.error());
  auto client = local ? kio::connect_blocking(*local) : kio::Result<kio::Fd>(local.error());
  if (!client) {
    ADD_FAILURE() << client.error().message();
    return std::nullopt;
  }
  auto ready = kio::wait_readable(listener->get(), 5'000);
  auto server = kio::accept_connection(listener->get());
  if (!ready || !*ready || !server) {
    ADD_FAILURE() << "accept on 127.0.0.1 failed";
    return std::nullopt;
  }
  return FdPair{std::move(*client), std::move(*server)};
}

// n bytes of a recognisable pattern: byte i is 'a' + (i + offset) % 26.
inline std::string pattern(size_t n, size_t offset = 0) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i + offset) % 26);
  return s;
}

}  // namespace osn::looptest
