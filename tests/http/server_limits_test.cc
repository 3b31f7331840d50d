// tests/http/server_limits_test.cc — every limit and timeout of the server, over real sockets.
// Each rejected request must be answered with its status and `Connection: close`, and then
// the connection must actually close. Timeouts are small (100-300 ms) and only "it closed
// within a generous bound" is asserted, never how fast.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"
#include "tests/http/server_harness.h"
#include "tests/support/http_client.h"

namespace osn::http {
namespace {

using test::get_request;
using test::HttpClient;
using test::ServerThread;

void hello(const Request&, Response& response) { response.end("Hello, World!"); }

ServerOptions small_limits() {
  ServerOptions o;
  o.limits.max_header_bytes = 1024;
  o.limits.max_header_count = 8;
  o.limits.max_target_bytes = 64;
  o.limits.max_body_bytes = 100;
  return o;
}

struct LimitCase {
  const char* name;
  std::string request;
  int status;
};

std::vector<LimitCase> limit_cases() {
  std::string many_fields;
  for (int i = 0; i < 9; ++i) many_fields += "X-F" + std::to_string(i) + ": v\r\n";
  return {
      {"header bytes", get_request("/", "X-Big: " + std::string(2000, 'a') + "\r\n"), 431},
      {"header count", get_request("/", many_fields), 431},
      {"target", get_request("/" + std::string(100, 't')), 414},
      {"body", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n", 413},
      {"chunked body", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" +
                           std::string(101, 'x') + "\r\n0\r\n\r\n", 413},
      {"unknown coding", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"version", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505},
      {"CL+TE smuggling", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"bare LF", "GET / HTTP/1.1\nHost: t\n\n", 400},
  };
}

TEST(HttpServerLimits, EachViolationIsAnsweredWithItsStatusAndClose) {
  ServerThread server(small_limits(), hello);
  ASSERT_TRUE(server.ok());
  std::map<int, uint64_t> expected;
  for (const LimitCase& c : limit_cases()) {
    SCOPED_TRACE(c.name);
    auto client = HttpClient::connect(server.port());
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client->send(c.request));
    auto r = client->read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(client->wait_closed());
    ++expected[c.status];
  }
  EXPECT_EQ(server.stats().parse_errors, expected);
  EXPECT_EQ(server.stats().requests_total, 0u);
  EXPECT_TRUE(server.wait_for_no_connections());
}

TEST(HttpServerLimits, AnErrorAfterPipelinedRequestsComesAfterTheirAnswers) {
  ServerThread server(small_limits(), hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send(get_request() + get_request() + "GET / HTTP/9.9\r\n\r\n"));
  auto a = client->read_response();
  auto b = client->read_response();
  auto c = client->read_response();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(c->status, 505);
  EXPECT_TRUE(client->wait_closed());
}

TEST(HttpServerLimits, HeaderTimeoutClosesASlowloris) {
  ServerOptions o;
  o.header_timeout_ms = 200;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  // One byte every 50 ms: each byte is progress, but the head is never finished.
  const std::string head = "GET / HTTP/1.1\r\nX-Slow: ";
  bool closed = false;
  for (int i = 0; i < 200 && !closed; ++i) {
    if (!client->send(std::string(1, i < static_cast<int>(head.size()) ? head[i] : 'a'))) break;
    closed = client->wait_closed(50);
  }
  EXPECT_TRUE(closed || client->wait_closed(3'000));
  EXPECT_EQ(server.stats().header_timeouts, 1u);
  EXPECT_TRUE(server.wait_for_no_connections());
}

TEST(HttpServerLimits, HeaderTimeoutClosesAClientThatSendsNothing) {
  ServerOptions o;
  o.header_timeout_ms = 100;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  EXPECT_TRUE(client->wait_closed(3'000));
}

TEST(HttpServerLimits, IdleTimeoutClosesASilentKeepAliveConnection) {
  ServerOptions o;
  o.idle_timeout_ms = 150;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->round_trip(get_request()));
  EXPECT_TRUE(client->wait_closed(3'000));
  EXPECT_EQ(client->pending(), "");  // closed without a word, as nginx and Node do
  EXPECT_GE(server.stats().idle_timeouts, 1u);
  EXPECT_TRUE(server.wait_for_no_connections());
}

TEST(HttpServerLimits, StalledBodyIsClosed) {
  ServerOptions o;
  o.idle_timeout_ms = 150;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  EXPECT_TRUE(client->wait_closed(3'000));
}

// The N+1th connection is accepted by the kernel (the handshake completes before accept(2)
// returns it) and then closed at once by the server: the client sees EOF without a response.
TEST(HttpServerLimits, ConnectionsPastTheLimitAreClosedAtOnce) {
  ServerOptions o;
  o.max_connections = 2;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto a = HttpClient::connect(server.port());
  auto b = HttpClient::connect(server.port());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->round_trip(get_request()));  // both are being served
  ASSERT_TRUE(b->round_trip(get_request()));
  auto c = HttpClient::connect(server.port());
  ASSERT_TRUE(c.ok());
  (void)c->send(get_request());  // may fail with EPIPE/ECONNRESET: either way no answer
  EXPECT_TRUE(c->wait_closed(3'000));
  EXPECT_EQ(c->pending(), "");
  EXPECT_EQ(server.stats().connections_refused, 1u);
  EXPECT_TRUE(a->round_trip(get_request()));  // the served ones are unaffected
  a->close();
  ASSERT_TRUE(server.wait_for([](const ServerStats& s) { return s.connections_current == 1; }));
  auto d = HttpClient::connect(server.port());  // room again
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->round_trip(get_request()));
}

}  // namespace
}  // namespace osn::http
