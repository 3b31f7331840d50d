// tests/stress/idle_hold.cc — hold N idle keep-alive connections open until told to let go.
//
//   build/stress/idle_hold PORT N
//
// Opens N connections to 127.0.0.1:PORT (one GET each, answered: the server now holds them as
// idle keep-alive connections; tests/support/idle_connections.h), raising RLIMIT_NOFILE's soft
// limit to what N needs, prints `idle_hold: ready N` and waits until its standard input ends
// (EOF, or a signal), then closes them all. The C10K curve (tests/bench/peers/c10k.sh) runs a
// busy client beside it and reads the server's RSS while it waits.
// Exit status: 0 after EOF, 1 when a connection failed (the message says which), 64 on bad usage.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tests/support/idle_connections.h"

int main(int argc, char** argv) {
  const long port = argc == 3 ? std::strtol(argv[1], nullptr, 10) : 0;
  const long n = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 0;
  if (port <= 0 || port > 65535 || n <= 0 || n > 1'000'000) {
    std::fprintf(stderr, "usage: %s PORT N   (PORT 1..65535, N 1..1000000)\n", argv[0]);
    return 64;
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < static_cast<rlim_t>(n) + 64) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(n) + 64);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<osn::test::HttpClient> idle;
  if (!osn::test::open_idle_keepalive(static_cast<uint16_t>(port), static_cast<int>(n), idle)) {
    std::fprintf(stderr, "idle_hold: connection %zu of %ld to port %ld failed (RLIMIT_NOFILE %llu)\n",
                 idle.size() + 1, n, port, static_cast<unsigned long long>(limit.rlim_cur));
    return 1;
  }
  std::printf("idle_hold: ready %ld\n", n);
  std::fflush(stdout);
  char byte;
  while (::read(STDIN_FILENO, &byte, 1) > 0) {
  }
  return 0;
}
