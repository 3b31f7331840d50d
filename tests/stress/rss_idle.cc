// tests/stress/rss_idle.cc — what an idle keep-alive connection costs the server, in RSS.
//
//   build/stress/rss_idle SERVER_BINARY LABEL N1 [N2 ...]
//
// For each N: start SERVER_BINARY --port P (build/bin/hello, or nginx's stand-in from a
// script), read its VmRSS from /proc/PID/status after one warm-up request, open N connections
// that each make one request and then stay idle (keep-alive), read VmRSS again. Prints
//   stress: rss_idle_LABEL_N  BYTES  bytes/conn
// and the verdict against the bar (STRESS_RSS_BAR bytes, 1024 by default; 0: no verdict).
// The kernel's socket buffers are not in the process's RSS: this is the server's own memory.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernel-io/process.h"
#include "tests/support/http_client.h"
#include "tests/support/idle_connections.h"
#include "tests/support/net.h"
#include "tests/support/process_guard.h"

namespace {

using osn::test::HttpClient;
using osn::test::process_rss_kib;

// -1 on failure.
long measure(const std::string& server, int n) {
  const uint16_t port = osn::test::free_tcp_port();
  osn::kio::SpawnOptions spawn;
  spawn.program = server;
  spawn.args = {"--port", std::to_string(port)};
  auto pid = osn::kio::spawn_process(spawn);
  if (!pid) return -1;
  osn::test::ChildGuard guard(*pid);
  bool up = false;
  for (int i = 0; i < 250 && !up; ++i) {
    if (auto c = HttpClient::connect(port, 500)) up = c->round_trip(osn::test::get_request(), 1'000).has_value();
    if (!up) ::usleep(20'000);
  }
  if (!up) return -1;
  ::usleep(200'000);
  const long before = process_rss_kib(*pid);
  std::vector<HttpClient> idle;
  if (!osn::test::open_idle_keepalive(port, n, idle)) return -1;
  ::usleep(300'000);
  const long after = process_rss_kib(*pid);
  return after < 0 || before < 0 ? -1 : (after - before) * 1024 / n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SERVER_BINARY LABEL N...\n", argv[0]);
    return 64;
  }
  const char* bar_env = std::getenv("STRESS_RSS_BAR");
  const long bar = bar_env ? std::strtol(bar_env, nullptr, 10) : 1024;
  bool ok = true;
  for (int i = 3; i < argc; ++i) {
    const int n = std::atoi(argv[i]);
    const long per = measure(argv[1], n);
    std::printf("stress: rss_idle_%s_%d %ld bytes/conn\n", argv[2], n, per);
    // Below 1,000 connections the page-granular RSS is noise (a few pages over a few
    // connections); the verdict is taken where the per-connection cost dominates.
    if (per < 0 || (bar > 0 && n >= 1000 && per > bar)) ok = false;
    std::fflush(stdout);
  }
  std::printf("stress: rss_idle_%s verdict %s (bar %ld bytes/conn at >= 1000 connections)\n", argv[2],
              ok ? "PASS" : "FAIL", bar);
  return ok ? 0 : 1;
}
