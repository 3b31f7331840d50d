// tests/support/idle_connections.h — many idle keep-alive connections, and what they cost.
//
// The C10K question: what does a connection that is open but silent cost a server? Both the
// stress probe (tests/stress/rss_idle.cc: RSS per idle connection) and the C10K curve of
// `make bench-peers` (tests/stress/idle_hold.cc, driven by tests/bench/peers/c10k.sh) open N
// connections that each make one keep-alive request, read the answer, and then stay silent:
// from then on the server holds N sockets it must watch but need not touch.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "tests/support/http_client.h"

namespace osn::test {

// Opens `n` connections to 127.0.0.1:port, one GET each (keep-alive), answered, into `out`.
// False (and `out` holding those opened so far) when a connect or a round trip failed within
// timeout_ms. Each connection is a descriptor: raise RLIMIT_NOFILE first for thousands.
bool open_idle_keepalive(uint16_t port, int n, std::vector<HttpClient>& out, int timeout_ms = 5'000);

// VmRSS of the process `pid` (/proc/PID/status) in KiB; -1 when it cannot be read.
long process_rss_kib(pid_t pid);

}  // namespace osn::test
