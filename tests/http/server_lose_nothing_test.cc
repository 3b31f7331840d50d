// tests/http/server_lose_nothing_test.cc — the server loses no request a client already sent:
// not at shutdown (a keep-alive client's next request is on its way), not after a stall (every
// deadline passed while requests waited in the sockets), and a body that trickles forever is
// cut off with 408. Real sockets; the waits are bounded, the timeouts small, and no assertion
// says how fast anything happened.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "http/server.h"
#include "tests/http/server_harness.h"
#include "tests/support/http_client.h"

namespace osn::http {
namespace {

using test::get_request;
using test::HttpClient;
using test::ServerThread;

void hello(const Request&, Response& response) { response.end("Hello, World!"); }

// The race a rolling restart hits: the server begins shutting down while an idle keep-alive
// client's next request is already on its way. Here the request is sent only after shutdown()
// has run, so a server that closes idle connections at once always loses it.
TEST(HttpServerLoseNothing, ARequestArrivingJustAfterShutdownIsAnsweredWithClose) {
  ServerThread server({}, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->round_trip(get_request()));  // now an idle keep-alive connection
  ASSERT_TRUE(server.with_server([](Server& s) { s.shutdown(); }));
  auto r = client->round_trip(get_request(), 5'000);
  ASSERT_TRUE(r) << "the request sent after shutdown was lost";
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(client->wait_closed(5'000));
  EXPECT_TRUE(server.wait_for_no_connections(5'000));
}

// Silence through the grace period: the server half-closes (the client reads EOF, no reset)
// and the connection goes away.
TEST(HttpServerLoseNothing, AnIdleConnectionIsHalfClosedWhenTheGracePeriodEnds) {
  ServerOptions o;
  o.shutdown_grace_ms = 100;
  o.linger_ms = 200;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->round_trip(get_request()));
  ASSERT_TRUE(server.with_server([](Server& s) { s.shutdown(); }));
  EXPECT_TRUE(client->wait_closed(5'000));
  EXPECT_EQ(client->pending(), "");
  EXPECT_TRUE(server.wait_for_no_connections(5'000));
}

// A stall longer than the idle timeout: a handler blocks the loop while another keep-alive
// client sends its request. When the loop comes back, that client's idle deadline has long
// passed, yet its request waits in the socket: it must be answered, not reset.
TEST(HttpServerLoseNothing, ARequestSentDuringAStallLongerThanTheIdleTimeoutIsAnswered) {
  ServerOptions o;
  o.idle_timeout_ms = 200;
  std::atomic<bool> blocking{false}, release{false};
  ServerThread server(o, [&](const Request& request, Response& response) {
    if (request.path == "/block") {
      blocking = true;
      for (int i = 0; i < 500 && !release; ++i) ::usleep(10'000);  // bounded: 5 s at most
      ::usleep(3 * 200'000);  // the stall: well past the other client's idle deadline
    }
    response.end("Hello, World!");
  });
  ASSERT_TRUE(server.ok());
  auto idle = HttpClient::connect(server.port());
  ASSERT_TRUE(idle.ok());
  ASSERT_TRUE(idle->round_trip(get_request()));  // idle from now on
  auto blocker = HttpClient::connect(server.port());
  ASSERT_TRUE(blocker.ok());
  ASSERT_TRUE(blocker->send(get_request("/block")));
  for (int i = 0; i < 500 && !blocking; ++i) ::usleep(10'000);
  ASSERT_TRUE(blocking);
  ASSERT_TRUE(idle->send(get_request()));  // sent while the loop is stalled
  release = true;
  auto r = idle->read_response(10'000);
  ASSERT_TRUE(r) << "the request sent during the stall was lost";
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(blocker->read_response(10'000));
  EXPECT_GE(server.stats().idle_deadlines_spared, 1u);
}

// One byte every 50 ms never lets the body-stall timer (5 s) fire; the total body deadline does.
TEST(HttpServerLoseNothing, ABodyTricklingForeverIsCutOffWith408) {
  ServerOptions o;
  o.body_timeout_ms = 300;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"));
  bool closed = false;
  for (int i = 0; i < 200 && !closed; ++i) {  // 10 s at most
    if (!client->send("x", 500)) break;         // the server may already have closed
    closed = client->wait_closed(50);
  }
  auto r = client->read_response(2'000);
  ASSERT_TRUE(r) << "the trickling body was never cut off (or not answered)";
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_GE(server.stats().body_timeouts, 1u);
  EXPECT_TRUE(server.wait_for_no_connections(5'000));
}

}  // namespace
}  // namespace osn::http
