// tests/http/server_basic_test.cc — the server's everyday behaviour over real sockets:
// keep-alive, pipelining in order (also with an async handler finishing out of order),
// chunked upload and download, HEAD, Expect: 100-continue, Connection: close, HTTP/1.0 rules,
// the cached Date header, and the router's 404 / 405.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <string>

#include "http/date_cache.h"
#include "http/router.h"
#include "http/server.h"
#include "tests/http/server_harness.h"
#include "tests/support/http_client.h"

namespace osn::http {
namespace {

using test::get_request;
using test::HttpClient;
using test::ServerThread;

// Echoes method, path and body: "GET /a |body".
void echo(const Request& request, Response& response) {
  response.add_header("Content-Type", "text/plain");
  std::string text(request.method);
  text.append(" ").append(request.path).append(" |").append(request.body);
  response.end(text);
}

HttpClient connect_to(const ServerThread& server) {
  auto client = HttpClient::connect(server.port());
  EXPECT_TRUE(client.ok());
  return std::move(*client);
}

TEST(HttpServer, AnswersAGetWithContentLengthAndDate) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip(get_request("/hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /hello |");
  EXPECT_EQ(r->header("content-length"), "12");
  EXPECT_EQ(r->header("content-type"), "text/plain");
  const std::string date = r->header("date");
  ASSERT_EQ(date.size(), 29u) << date;  // IMF-fixdate: "Thu, 26 Nov 2026 12:30:42 GMT"
  EXPECT_EQ(date.substr(25), " GMT");
}

TEST(HttpServer, DateCacheFormatsImfFixdate) {
  char out[29];
  DateCache::format_imf_fixdate(784111777, out);  // RFC 9110's example instant
  EXPECT_EQ(std::string(out, 29), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  for (int i = 0; i < 20; ++i) {
    auto r = client.round_trip(get_request("/n" + std::to_string(i)));
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "GET /n" + std::to_string(i) + " |");
    EXPECT_FALSE(r->has_header("connection"));
  }
  auto stats = server.stats();
  EXPECT_EQ(stats.connections_total, 1u);
  EXPECT_EQ(stats.requests_total, 20u);
}

TEST(HttpServer, PipelinedRequestsInOneWriteAreAnsweredInOrder) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  std::string batch;
  for (int i = 0; i < 10; ++i) batch += get_request("/p" + std::to_string(i));
  ASSERT_TRUE(client.send(batch));
  for (int i = 0; i < 10; ++i) {
    auto r = client.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "GET /p" + std::to_string(i) + " |");
  }
}

TEST(HttpServer, AsyncHandlerFinishingLastStillAnswersInOrder) {
  std::atomic<ServerThread*> self{nullptr};
  ServerThread server({}, [&self](const Request& request, Response& response) {
    if (request.path != "/slow") return echo(request, response);
    // Answer 50 ms later, from a timer, after the fast requests behind it are done.
    ResponseHandle later = response.handle();
    self.load()->loop().set_timeout(50, [later] {
      if (Response* r = later.get()) r->end("slow done");
    });
  });
  ASSERT_TRUE(server.ok());
  self = &server;
  HttpClient client = connect_to(server);
  ASSERT_TRUE(client.send(get_request("/fast1") + get_request("/slow") + get_request("/fast2")));
  auto a = client.read_response();
  auto b = client.read_response();
  auto c = client.read_response();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->body, "GET /fast1 |");
  EXPECT_EQ(b->body, "slow done");
  EXPECT_EQ(c->body, "GET /fast2 |");
}

// With max_pipelined = 2 the server stops parsing while two answers are owed and picks the
// buffered requests up again as answers leave: all ten are answered, in order.
TEST(HttpServer, PipeliningPausesAtTheLimitAndResumes) {
  std::atomic<ServerThread*> self{nullptr};
  ServerOptions options;
  options.max_pipelined = 2;
  ServerThread server(options, [&self](const Request& request, Response& response) {
    ResponseHandle later = response.handle();
    std::string body(request.path);
    self.load()->loop().set_timeout(5, [later, body] {
      if (Response* r = later.get()) r->end(body);
    });
  });
  ASSERT_TRUE(server.ok());
  self = &server;
  HttpClient client = connect_to(server);
  std::string batch;
  for (int i = 0; i < 10; ++i) batch += get_request("/q" + std::to_string(i));
  ASSERT_TRUE(client.send(batch));
  for (int i = 0; i < 10; ++i) {
    auto r = client.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->body, "/q" + std::to_string(i));
  }
}

TEST(HttpServer, AResponseHandleOutlivingItsConnectionFindsNothing) {
  std::atomic<ServerThread*> self{nullptr};
  std::atomic<int> found{-1};  // -1: not looked yet, 0: nothing found, 1: found
  ServerThread server({}, [&](const Request&, Response& response) {
    ResponseHandle later = response.handle();
    self.load()->loop().set_timeout(100, [later, &found] { found = later ? 1 : 0; });
  });
  ASSERT_TRUE(server.ok());
  self = &server;
  {
    HttpClient client = connect_to(server);
    ASSERT_TRUE(client.send(get_request("/never")));
    ASSERT_TRUE(server.wait_for([](const ServerStats& s) { return s.requests_total == 1; }));
    client.reset();  // the client vanishes (RST) before the answer
  }
  EXPECT_TRUE(server.wait_for_no_connections());
  EXPECT_TRUE(server.wait_for([&](const ServerStats&) { return found != -1; }, 2'000));
  EXPECT_EQ(found, 0);
}

TEST(HttpServer, AClientThatHalfClosesStillGetsItsAnswers) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  ASSERT_TRUE(client.send(get_request("/1") + get_request("/2")));
  ASSERT_EQ(::shutdown(client.fd(), SHUT_WR), 0);  // FIN: "no more requests", not "go away"
  auto a = client.read_response();
  auto b = client.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(b->body, "GET /2 |");
  EXPECT_TRUE(client.wait_closed());
  EXPECT_TRUE(server.wait_for_no_connections());
}

TEST(HttpServer, ChunkedUploadIsCollectedBeforeTheHandler) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip(
      "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "POST /up |hello, world");
}

TEST(HttpServer, BodyArrivingInPiecesKeepsTheHeadIntact) {
  ServerThread server({}, [](const Request& request, Response& response) {
    response.end(std::string(request.header("x-tag")) + "|" + std::string(request.target) + "|" +
                 std::string(request.body));
  });
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  const std::string body(100'000, 'b');
  ASSERT_TRUE(client.send("POST /big?x=1 HTTP/1.1\r\nHost: t\r\nX-Tag: kept\r\nContent-Length: 100000\r\n\r\n"));
  ASSERT_TRUE(client.send(body.substr(0, 1000)));
  ASSERT_TRUE(client.send(body.substr(1000)));
  auto r = client.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "kept|/big?x=1|" + body);
}

TEST(HttpServer, StreamedResponseIsChunkedForHttp11) {
  ServerThread server({}, [](const Request&, Response& response) {
    response.write("one,");
    response.write("two,");
    response.end("three");
  });
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip(get_request());
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->chunked);
  EXPECT_EQ(r->body, "one,two,three");
  auto again = client.round_trip(get_request());  // the connection stays usable
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "one,two,three");
}

// 16 MiB in 64 KiB pieces, honouring backpressure: write() says false past the high-water
// mark, and on_drain continues. The client starts reading late, so the queue does fill up.
TEST(HttpServer, StreamedResponseFollowsBackpressure) {
  std::atomic<int> drains{0};
  ServerThread server({}, [&drains](const Request&, Response& response) {
    auto left = std::make_shared<int>(256);
    Response* r = &response;  // owned by the connection; the callback dies with it
    auto pump = [r, left] {
      const std::string piece(64 * 1024, 'z');
      while (*left > 0) {
        --*left;
        if (!r->write(piece)) return;  // wait for on_drain
      }
      r->end();
    };
    response.on_drain([pump, &drains] { ++drains; pump(); });
    pump();
  });
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  ASSERT_TRUE(client.send(get_request()));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto r = client.read_response(10'000);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->chunked);
  EXPECT_EQ(r->body.size(), size_t{16} << 20);
  EXPECT_EQ(r->body.find_first_not_of('z'), std::string::npos);
  EXPECT_GT(drains.load(), 0) << "the queue never passed the high-water mark";
}

TEST(HttpServer, StreamedResponseToHttp10IsCloseDelimited) {
  ServerThread server({}, [](const Request&, Response& response) {
    response.write("a");
    response.end("b");
  });
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->close_delimited);
  EXPECT_EQ(r->body, "ab");
  EXPECT_TRUE(client.wait_closed());
}

TEST(HttpServer, HeadGetsTheFieldsButNoBody) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto head = client.round_trip("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "9");  // the length of "HEAD /h |", not sent
  auto get = client.round_trip(get_request("/next"));  // a stray body would show up here
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "GET /next |");
}

TEST(HttpServer, ExpectContinueGetsAnInterim100ThenTheAnswer) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  ASSERT_TRUE(client.send("POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = client.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client.send("data"));
  auto r = client.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /e |data");
}

TEST(HttpServer, UnknownExpectationIs417AndClose) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip("POST / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 417);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(client.wait_closed());
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  // The second request after "Connection: close" must not be answered.
  ASSERT_TRUE(client.send(get_request("/last", "Connection: close\r\n") + get_request("/ignored")));
  auto r = client.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /last |");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(client.wait_closed());
  EXPECT_EQ(client.pending(), "");
  client.close();
  EXPECT_TRUE(server.wait_for_no_connections());
}

TEST(HttpServer, AnUpgradeRequestIsAnsweredAndTheConnectionCloses) {
  ServerThread server({}, echo);  // we speak no other protocol: answer, then close
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip(get_request("/ws", "Connection: Upgrade\r\nUpgrade: websocket\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(client.wait_closed());
}

TEST(HttpServer, HandlerCanCloseTheConnection) {
  ServerThread server({}, [](const Request&, Response& response) {
    response.add_header("Connection", "close");
    response.end("bye");
  });
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto r = client.round_trip(get_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(client.wait_closed());
}

TEST(HttpServer, Http10ClosesUnlessKeepAliveIsAsked) {
  ServerThread server({}, echo);
  ASSERT_TRUE(server.ok());
  {
    HttpClient client = connect_to(server);
    auto r = client.round_trip("GET /a HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /a |");
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(client.wait_closed());
  }
  HttpClient client = connect_to(server);
  for (int i = 0; i < 3; ++i) {
    auto r = client.round_trip("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->header("connection"), "keep-alive");
  }
}

TEST(HttpServer, RouterAnswers404And405WithAllow) {
  Router router;
  router.get("/hello", [](const Request&, Response& r) { r.end("hi"); });
  router.post("/hello", [](const Request&, Response& r) { r.end("posted"); });
  ServerThread server({}, router.handler());
  ASSERT_TRUE(server.ok());
  HttpClient client = connect_to(server);
  auto ok = client.round_trip(get_request("/hello"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->body, "hi");
  auto missing = client.round_trip(get_request("/nope"));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto wrong = client.round_trip("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("allow"), "GET, POST");
  auto head = client.round_trip("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "2");
}

}  // namespace
}  // namespace osn::http
