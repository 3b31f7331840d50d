// tests/support/idle_connections.cc — see idle_connections.h.
#include "tests/support/idle_connections.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/support/net.h"

namespace osn::test {

bool open_idle_keepalive(uint16_t port, int n, std::vector<HttpClient>& out, int timeout_ms) {
  out.reserve(out.size() + static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto c = HttpClient::connect(port, timeout_ms);
    if (!c) return false;
    if (!c->round_trip(get_request(), timeout_ms)) return false;
    out.push_back(std::move(*c));
  }
  return true;
}

long process_rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

}  // namespace osn::test
