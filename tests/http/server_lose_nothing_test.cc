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

// The stall measured from a stale clock (the CI failure of stall_sigstop). The loop reads the
// clock once per poll phase; a callback that blocks makes "now" stale for every callback after
// it in the same batch. Here the batch is [staller, victim]: the staller's handler blocks 2 s,
// then the victim's request is answered — and its idle deadline, if measured from the stale
// now, has passed already, so the next timers phase closes the connection (nothing is waiting
// in its socket yet: the client is still reading the answer). A client that sends its next
// request 100 ms later, well inside the 1 s idle timeout, then meets EOF or a reset.
TEST(HttpServerLoseNothing, AnAnswerGivenAfterAStallInTheSameBatchGetsAWholeIdlePeriod) {
  ServerOptions o;
  o.idle_timeout_ms = 1'000;
  std::atomic<bool> holding{false}, release{false};
  ServerThread server(o, [&](const Request& request, Response& response) {
    if (request.path == "/hold") {  // keeps the loop busy while the batch below piles up
      holding = true;
      for (int i = 0; i < 500 && !release; ++i) ::usleep(10'000);  // bounded: 5 s at most
    } else if (request.path == "/stall") {
      ::usleep(2'000'000);  // twice the idle timeout, inside the batch
    }
    response.end("Hello, World!");
  });
  ASSERT_TRUE(server.ok());
  // The staller connects first, so that it comes first in the batch on every backend (epoll:
  // its bytes arrive first; poll: its descriptor comes first).
  auto staller = HttpClient::connect(server.port());
  auto victim = HttpClient::connect(server.port());
  auto holder = HttpClient::connect(server.port());
  ASSERT_TRUE(staller.ok() && victim.ok() && holder.ok());
  ASSERT_TRUE(victim->round_trip(get_request()));  // an idle keep-alive connection now
  ASSERT_TRUE(holder->send(get_request("/hold")));
  for (int i = 0; i < 500 && !holding; ++i) ::usleep(10'000);
  ASSERT_TRUE(holding);
  ASSERT_TRUE(staller->send(get_request("/stall")));
  ASSERT_TRUE(victim->send(get_request()));
  release = true;  // the next poll phase sees both: the staller, then the victim
  ASSERT_TRUE(holder->read_response(10'000));
  ASSERT_TRUE(staller->read_response(10'000));
  auto first = victim->read_response(10'000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  ::usleep(100'000);  // a client's think time, a tenth of the idle timeout
  auto second = victim->round_trip(get_request(), 10'000);
  ASSERT_TRUE(second) << "the keep-alive connection was closed 100 ms after an answer (idle timeout 1 s)";
  EXPECT_EQ(second->status, 200);
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
