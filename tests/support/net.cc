// tests/support/net.cc — port 0 and the IPv6 probe, through kernel-io itself.
#include "tests/support/net.h"

#include "kernel-io/socket.h"

namespace osn::test {

uint16_t free_tcp_port() {
  auto addr = kio::SocketAddress::ip("127.0.0.1", 0);
  if (!addr) return 0;
  auto fd = kio::tcp_listen(*addr);
  if (!fd) return 0;
  auto bound = kio::local_address(fd->get());
  return bound ? bound->port() : 0;
}

bool ipv6_loopback_available() {
  auto addr = kio::SocketAddress::ip("::1", 0);
  return addr && kio::tcp_listen(*addr).ok();
}

}  // namespace osn::test
