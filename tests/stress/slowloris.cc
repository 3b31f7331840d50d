// tests/stress/slowloris.cc — N slow connections sending a request head one byte a second, and
// 10 normal clients beside them. The header timeout (10 s from a head's first byte, not
// extended by progress) must close every slow one, and the normal clients' latency must stay
// near their baseline: p50/p99 of round trips without and with the slow crowd.
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/stress/stress_common.h"

namespace {

using osn::test::HttpClient;
using Clock = std::chrono::steady_clock;

// 10 keep-alive clients for `seconds`: every round trip's latency in microseconds.
std::vector<double> normal_latencies(uint16_t port, int seconds) {
  std::vector<std::vector<double>> per(10);
  std::vector<std::thread> threads;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      auto c = HttpClient::connect(port, 2'000);
      while (c && Clock::now() < end) {
        const auto t0 = Clock::now();
        if (!c->round_trip(osn::test::get_request(), 5'000)) break;
        per[i].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& v : per) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  return all;
}

double percentile(const std::vector<double>& sorted, double p) {
  return sorted.empty() ? -1 : sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
}

}  // namespace

int main() {
  const int slow_count = osn::stress::short_run() ? 300 : 2'000;
  const int measure_s = osn::stress::short_run() ? 3 : 8;
  auto server = osn::stress::start("hello");
  if (!server) return osn::stress::verdict("slowloris", false, "hello did not start") ? 0 : 1;
  const auto base = normal_latencies(server->port, measure_s);

  std::vector<HttpClient> slow;
  for (int i = 0; i < slow_count; ++i)
    if (auto c = HttpClient::connect(server->port, 2'000)) slow.push_back(std::move(*c));
  const std::string head = "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ";
  std::atomic<bool> stop{false};
  std::atomic<int> closed{0};
  std::thread trickler([&] {
    std::vector<bool> gone(slow.size(), false);
    for (size_t step = 0; !stop && step < 40; ++step) {  // one byte a second, 40 s at most
      int now_closed = 0;
      for (size_t i = 0; i < slow.size(); ++i) {
        if (!gone[i]) {
          const char byte = step < head.size() ? head[step] : 'x';
          if (::send(slow[i].fd(), &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) gone[i] = true;
          pollfd p{slow[i].fd(), POLLIN, 0};
          char buf[256];
          if (!gone[i] && ::poll(&p, 1, 0) > 0 && ::recv(slow[i].fd(), buf, sizeof buf, MSG_DONTWAIT) <= 0) gone[i] = true;
        }
        now_closed += gone[i];
      }
      closed = now_closed;
      if (now_closed == static_cast<int>(slow.size())) break;
      for (int i = 0; i < 10 && !stop; ++i) ::usleep(100'000);
    }
  });
  const auto under = normal_latencies(server->port, measure_s);
  trickler.join();  // ends when every slow connection is closed (or after 40 s)

  osn::stress::figure("slowloris_connections", slow_count, "connections");
  osn::stress::figure("slowloris_baseline_p50", percentile(base, 0.5), "us");
  osn::stress::figure("slowloris_baseline_p99", percentile(base, 0.99), "us");
  osn::stress::figure("slowloris_under_attack_p50", percentile(under, 0.5), "us");
  osn::stress::figure("slowloris_under_attack_p99", percentile(under, 0.99), "us");
  osn::stress::figure("slowloris_closed_by_header_timeout", closed, "connections");
  const bool ok = closed == static_cast<int>(slow.size()) && !under.empty() && server->alive();
  return osn::stress::verdict("slowloris", ok,
                              std::to_string(closed) + "/" + std::to_string(slow.size()) +
                                  " slow connections closed; normal clients answered " + std::to_string(under.size()) +
                                  " times meanwhile")
             ? 0
             : 1;
}
