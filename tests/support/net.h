// tests/support/net.h — small facts about this machine's network, for socket tests.
//
// Tests bind to port 0 and read the kernel's choice back with getsockname(2); a port that
// is *known closed* (for "connection refused") is found the same way and released again.
// Any thread.
#pragma once

#include <cstdint>

namespace osn::test {

// A TCP port on 127.0.0.1 that was free a moment ago (bound, read back, closed). 0 on error.
// Another process could take it in between; fine for "nobody listens here" tests.
uint16_t free_tcp_port();

// True when a TCP socket can be bound to [::1] (IPv6 enabled with a loopback address).
bool ipv6_loopback_available();

}  // namespace osn::test
