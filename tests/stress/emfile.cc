// tests/stress/emfile.cc — out of descriptors and back. build/bin/hello under `ulimit -n 64`;
// 200 clients connect and each sends a request, holding its connection open: the server's
// descriptor table fills, and the rest are shed (accepted and closed at once: the Listener's
// reserve-descriptor trick, loop/listener.h). While it is full, the server must not spin (CPU
// over 2 s), it must log at most about a line a second, and once the clients leave, a new
// request must be answered.
#include <string>
#include <vector>

#include "tests/stress/stress_common.h"

int main() {
  using osn::test::HttpClient;
  auto server = osn::stress::start("hello", {}, 64);
  if (!server) return osn::stress::verdict("emfile", false, "hello did not start") ? 0 : 1;
  std::vector<HttpClient> held;
  int shed = 0, answered = 0;
  for (int i = 0; i < 200; ++i) {
    auto c = HttpClient::connect(server->port, 2'000);
    if (!c) {
      ++shed;
      continue;
    }
    if (c->round_trip(osn::test::get_request(), 2'000)) {
      ++answered;
    } else {
      ++shed;
    }
    held.push_back(std::move(*c));  // kept open either way: the table stays full
  }
  // Saturated: more clients keep knocking for 2 s; the server's CPU time over those 2 s.
  const long before = osn::stress::cpu_ticks(server->pid);
  for (int i = 0; i < 40; ++i) {
    if (auto c = HttpClient::connect(server->port, 500)) (void)c->round_trip(osn::test::get_request(), 500);
    ::usleep(50'000);
  }
  const long after = osn::stress::cpu_ticks(server->pid);
  const double cpu_pct = 100.0 * static_cast<double>(after - before) / static_cast<double>(::sysconf(_SC_CLK_TCK)) / 2.0;
  held.clear();  // the clients leave
  bool recovered = false;
  for (int i = 0; i < 100 && !recovered; ++i) {
    if (auto c = HttpClient::connect(server->port, 1'000)) {
      auto r = c->round_trip(osn::test::get_request(), 2'000);
      recovered = r && r->status == 200;
    }
    if (!recovered) ::usleep(50'000);
  }
  const std::string log = server->output();
  size_t lines = 0;
  for (size_t at = log.find("osnode listener"); at != std::string::npos; at = log.find("osnode listener", at + 1)) ++lines;
  osn::stress::figure("emfile_answered", answered, "connections");
  osn::stress::figure("emfile_shed", shed + 40, "connections");
  osn::stress::figure("emfile_cpu_while_full", cpu_pct, "%");
  osn::stress::figure("emfile_log_lines", static_cast<double>(lines), "lines");
  const bool ok = shed > 0 && cpu_pct < 20.0 && recovered && lines <= 12;
  return osn::stress::verdict("emfile", ok,
                              std::to_string(shed + 40) + " shed, " + std::to_string(cpu_pct) + "% CPU while full, " +
                                  std::to_string(lines) + " log lines, " + (recovered ? "recovered" : "NOT recovered"))
             ? 0
             : 1;
}
