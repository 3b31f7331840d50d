// tests/integration/dashboard_test.cc — the demo's dashboard: the primary's event stream, its
// buttons, and the page in a real browser.
//
// Without a browser: GET /events on the dashboard port is one chunked text/event-stream
// response whose `data:` lines are JSON snapshots naming every worker's pid. In headless
// Chromium (driven over DevTools, tests/support/headless_chromium.h): the page served at / of
// a worker shows every worker's pid, its snapshot counter moves, "block" makes that worker's
// lag rise, "SIGKILL" makes a new pid appear. Skipped, saying why, where chromium is absent.
// Every wait is bounded; nothing asserts a duration.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include "kernel-io/clock.h"
#include "tests/integration/demo_process.h"
#include "tests/support/headless_chromium.h"
#include "tests/support/http_client.h"
#include "tests/support/mini_json.h"
#include "tests/support/net.h"

namespace osn::test {
namespace {

std::optional<HttpResponse> get(uint16_t port, std::string_view path, int timeout_ms = 10'000) {
  auto client = HttpClient::connect(port);
  if (!client) return std::nullopt;
  return client->round_trip(get_request(path, "Connection: close\r\n"), timeout_ms);
}

std::optional<HttpResponse> post(uint16_t port, std::string_view path) {
  auto client = HttpClient::connect(port);
  if (!client) return std::nullopt;
  return client->round_trip("POST " + std::string(path) + " HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                            10'000);
}

// The pids of the workers the snapshot lists as listening.
std::set<int> listening_pids(uint16_t dashboard_port) {
  std::set<int> pids;
  auto r = get(dashboard_port, "/snapshot");
  Json json;
  if (!r || r->status != 200 || !parse_json(r->body, json) || !json.find("workers")) return pids;
  for (const Json& w : json.find("workers")->array)
    if (w.find("state")->string == "listening") pids.insert(static_cast<int>(w.find("pid")->number));
  return pids;
}

struct Cluster {
  uint16_t port = free_tcp_port();
  uint16_t dashboard = free_tcp_port();
  DemoProcess demo{{"PORT=" + std::to_string(port), "DASHBOARD_PORT=" + std::to_string(dashboard), "WORKERS=2"}};

  bool ready() {
    for (int attempt = 0; attempt < 1000; ++attempt) {  // ~20 s
      if (listening_pids(dashboard).size() == 2) return true;
      if (demo.wait_exit(0)) return false;
      ::usleep(20'000);
    }
    return false;
  }
};

TEST(Dashboard, EventsIsAStreamOfSnapshotsNamingEveryWorker) {
  Cluster c;
  ASSERT_TRUE(c.ready()) << c.demo.output();
  const std::set<int> pids = listening_pids(c.dashboard);
  auto client = HttpClient::connect(c.dashboard);
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(get_request("/events")));
  // Read the stream until two data lines have come (each a whole snapshot), bounded.
  std::string seen = client->pending();
  std::string everything = seen;
  std::vector<std::string> snapshots;
  const uint64_t give_up = kio::monotonic_ms() + 20'000;
  char buf[4096];
  while (snapshots.size() < 2 && kio::monotonic_ms() < give_up) {
    pollfd p{client->fd(), POLLIN, 0};
    if (::poll(&p, 1, 1'000) <= 0) continue;
    ssize_t n = ::read(client->fd(), buf, sizeof buf);
    ASSERT_GT(n, 0) << "the stream ended";
    seen.append(buf, static_cast<size_t>(n));
    everything.append(buf, static_cast<size_t>(n));
    for (size_t at; (at = seen.find("data: ")) != std::string::npos && seen.find('\n', at) != std::string::npos;) {
      size_t end = seen.find('\n', at);
      snapshots.push_back(seen.substr(at + 6, end - at - 6));
      seen.erase(0, end);
    }
  }
  ASSERT_GE(snapshots.size(), 2u) << seen;
  EXPECT_NE(everything.find("Content-Type: text/event-stream\r\n"), std::string::npos) << everything.substr(0, 300);
  EXPECT_NE(everything.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << "one long chunked response";
  for (const std::string& s : snapshots) {
    Json json;
    ASSERT_TRUE(parse_json(s, json)) << s;
    std::set<int> listed;
    for (const Json& w : json.find("workers")->array) listed.insert(static_cast<int>(w.find("pid")->number));
    for (int pid : pids) EXPECT_TRUE(listed.count(pid)) << "pid " << pid << " missing from " << s;
  }
}

TEST(Dashboard, KillButtonsRequestIsAnsweredByANewWorker) {
  Cluster c;
  ASSERT_TRUE(c.ready()) << c.demo.output();
  const std::set<int> before = listening_pids(c.dashboard);
  auto r = post(c.dashboard, "/action?do=kill&worker=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  bool replaced = false;
  for (int i = 0; i < 1000 && !replaced; ++i, ::usleep(20'000)) {
    std::set<int> now = listening_pids(c.dashboard);
    replaced = now.size() == 2 && now != before;
  }
  EXPECT_TRUE(replaced) << c.demo.output();
  EXPECT_NE(c.demo.output().find("killed by SIGKILL"), std::string::npos) << c.demo.output();
  auto bad = post(c.dashboard, "/action?do=block&worker=1&ms=abc");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 404) << "worker 1 is gone: " << bad->body;
  auto unknown = post(c.dashboard, "/action?do=explode&worker=2");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
}

// ---- in a real browser -------------------------------------------------------------------

// Polls `expression` (a string-valued JS expression) until `done` accepts it; bounded.
template <class Done>
std::string wait_for(HeadlessChromium& browser, const std::string& expression, Done done, int timeout_ms = 30'000) {
  std::string last;
  const uint64_t give_up = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  while (kio::monotonic_ms() < give_up) {
    if (auto v = browser.evaluate(expression)) {
      last = *v;
      if (done(last)) return last;
    }
    ::usleep(100'000);
  }
  return last;
}

std::set<int> pids_in(const std::string& text) {  // "4242,4243"
  std::set<int> pids;
  for (size_t at = 0; at < text.size();) {
    pids.insert(std::atoi(text.c_str() + at));
    size_t comma = text.find(',', at);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  pids.erase(0);
  return pids;
}

TEST(DashboardBrowser, ShowsEveryWorkerUpdatesAndReactsToBlockAndKill) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  Cluster c;
  ASSERT_TRUE(c.ready()) << c.demo.output();
  HeadlessChromium browser(chromium);
  ASSERT_TRUE(browser.ready()) << browser.error();
  ASSERT_TRUE(browser.navigate("http://127.0.0.1:" + std::to_string(c.port) + "/"));

  // 1. Every worker's pid is on the page.
  const std::set<int> pids = listening_pids(c.dashboard);
  const std::string shown_pids =
      "[...document.querySelectorAll('.worker')].map(e => e.dataset.pid).sort().join(',')";
  std::string shown = wait_for(browser, shown_pids, [&](const std::string& v) { return pids_in(v) == pids; });
  EXPECT_EQ(pids_in(shown), pids) << "page shows [" << shown << "]";

  // 2. The numbers update: the snapshot counter moves on.
  const std::string updates = "String(document.getElementById('updates') ? document.getElementById('updates').textContent : '')";
  const int first = std::atoi(wait_for(browser, updates, [](const std::string& v) { return std::atoi(v.c_str()) > 0; }).c_str());
  const int later = std::atoi(
      wait_for(browser, updates, [first](const std::string& v) { return std::atoi(v.c_str()) >= first + 3; }).c_str());
  EXPECT_GE(later, first + 3);

  // 3. "block" on worker 1 (3000 ms): that worker's lag rises past a second.
  const std::string worker1 = ".worker[data-id=\"1\"]";
  ASSERT_TRUE(browser.evaluate("document.getElementById('ms').value = '3000'; "
                               "document.querySelector('" + worker1 + " button[data-action=block]').click(); 'clicked'"));
  const std::string lag1 = "String(document.querySelector('" + worker1 + " .lag') ? document.querySelector('" + worker1 +
                           " .lag').textContent : '')";
  std::string lag = wait_for(browser, lag1, [](const std::string& v) { return std::atoi(v.c_str()) >= 1000; });
  EXPECT_GE(std::atoi(lag.c_str()), 1000) << "worker 1's lag stayed at " << lag;

  // 4. "SIGKILL" on worker 2: its pid leaves the page and a new one appears.
  const std::string pid2 = *browser.evaluate("document.querySelector('.worker[data-id=\"2\"]').dataset.pid");
  ASSERT_TRUE(browser.evaluate("document.querySelector('.worker[data-id=\"2\"] button[data-action=kill]').click(); 'ok'"));
  shown = wait_for(browser, shown_pids, [&](const std::string& v) {
    std::set<int> now = pids_in(v);
    return now.size() == 2 && !now.count(std::atoi(pid2.c_str()));
  });
  std::set<int> now = pids_in(shown);
  EXPECT_EQ(now.size(), 2u) << shown;
  EXPECT_FALSE(now.count(std::atoi(pid2.c_str()))) << "the killed pid " << pid2 << " is still shown: " << shown;
}

}  // namespace
}  // namespace osn::test
