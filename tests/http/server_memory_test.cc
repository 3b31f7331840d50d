// tests/http/server_memory_test.cc — memory a client can make the server hold is bounded: an
// idle keep-alive connection gives its parser and buffers back (http/connection_buffers.h),
// and bodies are buffered only within a server-wide budget (503 past it, said clearly).
// RSS per idle connection is measured by tests/stress/rss_idle.cc (docs/reliability.md).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/server.h"
#include "tests/http/server_harness.h"
#include "tests/support/http_client.h"

namespace osn::http {
namespace {

using test::get_request;
using test::HttpClient;
using test::ServerThread;

void hello(const Request& request, Response& response) { response.end("got " + std::to_string(request.body.size())); }

TEST(HttpServerMemory, IdleKeepAliveConnectionsHoldNoBuffers) {
  ServerThread server({}, hello);
  ASSERT_TRUE(server.ok());
  std::vector<HttpClient> idle;
  for (int i = 0; i < 50; ++i) {
    auto c = HttpClient::connect(server.port());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->round_trip(get_request()));
    idle.push_back(std::move(*c));
  }
  EXPECT_TRUE(server.wait_for([](const ServerStats& s) { return s.connections_current == 50; }));
  EXPECT_TRUE(server.wait_for([](const ServerStats& s) { return s.buffers_lent == 0; }))
      << server.stats().buffers_lent << " of 50 idle connections still hold buffers";
  // A connection mid-request does hold them, and every one still answers afterwards.
  ASSERT_TRUE(idle[0].send("GET / HTTP/1.1\r\nHo"));
  EXPECT_TRUE(server.wait_for([](const ServerStats& s) { return s.buffers_lent == 1; }));
  ASSERT_TRUE(idle[0].send("st: t\r\n\r\n"));
  ASSERT_TRUE(idle[0].read_response());
  for (auto& c : idle) {
    auto r = c.round_trip(get_request());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

TEST(HttpServerMemory, ABodyPastTheServerWideBudgetIsAnswered503) {
  ServerOptions o;
  o.max_buffered_body_bytes = 1'000;
  ServerThread server(o, hello);
  ASSERT_TRUE(server.ok());
  auto a = HttpClient::connect(server.port());
  auto b = HttpClient::connect(server.port());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 900\r\n\r\n" + std::string(600, 'a')));
  ASSERT_TRUE(server.wait_for([](const ServerStats& s) { return s.body_bytes_buffered == 600; }));
  ASSERT_TRUE(b->send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 900\r\n\r\n" + std::string(600, 'b')));
  auto refused = b->read_response(5'000);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->header("connection"), "close");
  EXPECT_NE(refused->body.find("max_buffered_body_bytes"), std::string::npos) << refused->body;
  ASSERT_TRUE(a->send(std::string(300, 'a')));  // a's body fits: answered
  auto got = a->read_response(5'000);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "got 900");
  EXPECT_GE(server.stats().body_budget_refusals, 1u);
  EXPECT_TRUE(server.wait_for([](const ServerStats& s) { return s.body_bytes_buffered == 0; }));
}

}  // namespace
}  // namespace osn::http
