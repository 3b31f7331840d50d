// tests/integration/lose_nothing_test.cc — the cluster demo loses no request through a rolling
// restart (SIGHUP) or a 5 s stall, with keep-alive clients hammering it.
//
// Each client thread keeps one keep-alive connection busy (a request, its answer, the next
// request) and opens a new connection when an answer says Connection: close — what a correct
// HTTP client does. A request that gets no answer (EOF or reset first) is a failure, and the
// count must be zero. The probes in tests/stress/ measure the same with wrk; docs/reliability.md.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/demo_process.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"

namespace osn::test {
namespace {

size_t count_of(const std::string& text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool answers_hello(uint16_t port) {
  auto client = HttpClient::connect(port, 500);
  if (!client) return false;
  auto r = client->round_trip(get_request("/hello", "Connection: close\r\n"), 1'000);
  return r && r->status == 200;
}

// Keep-alive clients, each on its own thread, until stop. Counts answers and failures.
class Hammer {
 public:
  Hammer(uint16_t port, int clients) {
    for (int i = 0; i < clients; ++i) threads_.emplace_back([this, port] { run(port); });
  }
  ~Hammer() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  uint64_t answered() const { return answered_; }
  uint64_t closes_seen() const { return closes_; }
  uint64_t failed() const { return failed_; }

 private:
  void run(uint16_t port) {
    std::optional<HttpClient> client;
    while (!stop_) {
      if (!client) {
        auto c = HttpClient::connect(port, 2'000);
        if (!c) {
          ++failed_;  // nobody accepted a new client: lost too
          ::usleep(10'000);
          continue;
        }
        client.emplace(std::move(*c));
      }
      auto r = client->round_trip(get_request("/hello"), 10'000);
      if (!r || r->status != 200) {
        ++failed_;
        client.reset();
        continue;
      }
      ++answered_;
      if (r->header("connection") == "close") {
        ++closes_;
        client.reset();  // the server said goodbye properly: reconnect
      }
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> answered_{0}, closes_{0}, failed_{0};
  std::vector<std::thread> threads_;
};

class RollingRestart : public ::testing::TestWithParam<const char*> {};

TEST_P(RollingRestart, TwoSighupsUnderKeepAliveLoadLoseNoRequest) {
  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=2", std::string("SCHED=") + GetParam()});
  ASSERT_TRUE(demo.started());
  bool up = false;
  for (int i = 0; i < 500 && !up; ++i) up = answers_hello(port) || (::usleep(20'000), false);
  ASSERT_TRUE(up) << demo.output();
  Hammer hammer(port, 6);
  for (int restart = 1; restart <= 2; ++restart) {
    ASSERT_EQ(::kill(demo.pid(), SIGHUP), 0);
    bool done = false;
    for (int i = 0; i < 1'500 && !done; ++i) {  // 30 s at most
      done = count_of(demo.output(), "rolling restart done") >= static_cast<size_t>(restart);
      if (!done) ::usleep(20'000);
    }
    ASSERT_TRUE(done) << demo.output();
  }
  hammer.stop();
  std::printf("rolling restart (%s): %llu answered, %llu Connection: close handovers, %llu failed\n", GetParam(),
              static_cast<unsigned long long>(hammer.answered()), static_cast<unsigned long long>(hammer.closes_seen()),
              static_cast<unsigned long long>(hammer.failed()));
  EXPECT_EQ(hammer.failed(), 0u) << hammer.answered() << " answered; output:\n" << demo.output();
  EXPECT_GT(hammer.answered(), 0u);
  EXPECT_GT(hammer.closes_seen(), 0u) << "no answer said Connection: close: was any worker restarted?";
  ASSERT_EQ(::kill(demo.pid(), SIGTERM), 0);
  EXPECT_TRUE(demo.wait_exit(15'000));
}

INSTANTIATE_TEST_SUITE_P(Sched, RollingRestart, ::testing::Values("rr", "shared"));

// WORKERS=1: /block?ms=5000 stalls the only worker past its 5 s idle timeout while ten idle
// keep-alive clients each send a request. Every one must be answered once the loop is back.
TEST(Stall, RequestsSentDuringAStallPastTheIdleTimeoutAreAllAnswered) {
  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=1"});
  ASSERT_TRUE(demo.started());
  bool up = false;
  for (int i = 0; i < 500 && !up; ++i) up = answers_hello(port) || (::usleep(20'000), false);
  ASSERT_TRUE(up) << demo.output();
  std::vector<HttpClient> idle;
  for (int i = 0; i < 10; ++i) {
    auto c = HttpClient::connect(port);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->round_trip(get_request("/hello")));  // keep-alive, idle from now on
    idle.push_back(std::move(*c));
  }
  auto blocker = HttpClient::connect(port);
  ASSERT_TRUE(blocker.ok());
  ASSERT_TRUE(blocker->send(get_request("/block?ms=5000")));
  // The worker has read /block once the server side holds no unread byte of it.
  sockaddr_in self{};
  socklen_t len = sizeof self;
  ASSERT_EQ(::getsockname(blocker->fd(), reinterpret_cast<sockaddr*>(&self), &len), 0);
  bool taken = false;
  for (int i = 0; i < 500 && !taken; ++i) {
    auto unread = server_unread_bytes(port, ntohs(self.sin_port));
    taken = unread && *unread == 0;
    if (!taken) ::usleep(10'000);
  }
  ASSERT_TRUE(taken);
  for (auto& c : idle) ASSERT_TRUE(c.send(get_request("/hello")));  // during the stall
  int answered = 0;
  for (auto& c : idle) {
    auto r = c.read_response(20'000);
    answered += r && r->status == 200;
  }
  EXPECT_EQ(answered, 10) << demo.output();
  auto blocked = blocker->read_response(20'000);
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, 200) << blocked->body;
}

}  // namespace
}  // namespace osn::test
