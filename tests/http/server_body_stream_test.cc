// tests/http/server_body_stream_test.cc — request bodies streamed to their handler
// (http/body_stream.h): pieces as they arrive, Content-Length and chunked, backpressure that
// stops the server reading (the client's send blocks), errors mid-body reaching the handler,
// the budget exemption, and peak RSS through a 50 MB body measured from /proc (VmHWM). Real
// sockets; every wait bounded; nothing asserts how fast anything happened.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "http/router.h"
#include "http/server.h"
#include "pool/crypto/hex.h"
#include "pool/crypto/sha256.h"
#include "tests/http/server_harness.h"
#include "tests/support/http_client.h"

namespace osn::http {
namespace {

using test::HttpClient;
using test::ServerThread;

std::string sha256_hex(std::string_view bytes) { return pool::to_hex(pool::sha256(pool::bytes_of(bytes))); }

// What the streaming handlers below saw, read by the test thread after a round trip.
struct Seen {
  std::mutex mutex;
  uint64_t pieces = 0, bytes = 0;
  std::vector<int> errors;  // on_error statuses
  std::string trailer;      // the X-Sum trailer, if any
};

// POST /sum streams: counts and hashes the pieces, answers "bytes sha256" at the end.
void stream_sum(Seen& seen, const Request&, Response& response, BodyStream& body) {
  auto hash = std::make_shared<pool::Sha256>();
  body.on_data([&seen, hash](std::string_view piece) {
    hash->update(piece);
    std::lock_guard lock(seen.mutex);
    ++seen.pieces;
    seen.bytes += piece.size();
  });
  body.on_end([&seen, hash, &body, &response] {
    for (const Header& h : body.trailers())
      if (equals_ignore_case(h.name, "x-sum")) {
        std::lock_guard lock(seen.mutex);
        seen.trailer = h.value;
      }
    response.end(std::to_string(body.bytes_received()) + " " + pool::to_hex(hash->finish()));
  });
  body.on_error([&seen](int status, std::string_view) {
    std::lock_guard lock(seen.mutex);
    seen.errors.push_back(status);
  });
}

// A server whose POST /sum streams and whose other requests get their body collected.
struct StreamingServer {
  explicit StreamingServer(ServerOptions options = {})
      : server(options, [](const Request& q, Response& r) { r.end("collected " + std::to_string(q.body.size())); }) {
    ok = server.ok() && server.with_server([this](Server& s) {
      s.stream_bodies([](const Request& head) { return head.path == "/sum"; },
                      [this](const Request& q, Response& r, BodyStream& b) { stream_sum(seen, q, r, b); });
    });
  }
  Seen seen;
  ServerThread server;
  bool ok = false;
};

std::string post_head(std::string_view path, size_t length) {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return s;
}

TEST(HttpBodyStream, AContentLengthBodyArrivesInPiecesAndIsNotBuffered) {
  ServerOptions o;
  o.max_buffered_body_bytes = 1 << 20;  // 1 MiB server-wide: a 4 MiB buffered body gets 503
  StreamingServer s(o);
  ASSERT_TRUE(s.ok);
  const std::string body = pattern(4 << 20);
  auto client = HttpClient::connect(s.server.port());
  ASSERT_TRUE(client.ok());
  auto r = client->round_trip(post_head("/sum", body.size()) + body, 20'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, std::to_string(body.size()) + " " + sha256_hex(body));
  {
    std::lock_guard lock(s.seen.mutex);
    EXPECT_GT(s.seen.pieces, 1u) << "the body came in one piece: it was collected, not streamed";
    EXPECT_EQ(s.seen.bytes, body.size());
  }
  ServerStats stats = s.server.stats();
  EXPECT_EQ(stats.bodies_streamed, 1u);
  EXPECT_EQ(stats.body_budget_refusals, 0u);
  EXPECT_EQ(stats.body_bytes_buffered, 0u);
  // The same body to a collecting route passes the budget: 503 (so the exemption is real).
  auto other = HttpClient::connect(s.server.port());
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->send(post_head("/collect", body.size())));
  (void)other->send(body, 5'000);  // the server may stop reading once it has refused
  auto refused = other->read_response(10'000);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  // And the streaming connection is still a keep-alive connection.
  auto again = client->round_trip(post_head("/sum", 3) + "abc", 10'000);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "3 " + sha256_hex("abc"));
}

TEST(HttpBodyStream, AChunkedBodyStreamsAndItsTrailersArriveAtTheEnd) {
  StreamingServer s;
  ASSERT_TRUE(s.ok);
  auto client = HttpClient::connect(s.server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send("POST /sum HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
  ASSERT_TRUE(s.server.wait_for([&](const ServerStats&) {
    std::lock_guard lock(s.seen.mutex);
    return s.seen.bytes == 5;  // delivered before the rest was even sent
  }, 5'000));
  ASSERT_TRUE(client->send("6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n"));
  auto r = client->read_response(10'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "11 " + sha256_hex("hello world"));
  std::lock_guard lock(s.seen.mutex);
  EXPECT_EQ(s.seen.trailer, "11");
  EXPECT_TRUE(s.seen.errors.empty());
}

// Writes without blocking until the socket's send buffer is full or `limit` bytes are out:
// how much the kernel took. With a peer that does not read, it stops well short of 32 MiB.
size_t send_until_blocked(int fd, std::string_view bytes, int quiet_ms) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, quiet_ms) <= 0) break;  // no room for quiet_ms: the receiver stopped
  }
  return sent;
}

TEST(HttpBodyStream, PauseStopsTheServerReadingUntilResume) {
  std::atomic<uint64_t> pieces{0}, bytes{0};
  ResponseHandle handle;
  ServerThread server({}, [](const Request&, Response& r) { r.end("collected"); });
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.with_server([&](Server& s) {
    s.stream_bodies([](const Request&) { return true; }, [&](const Request&, Response& response, BodyStream& body) {
      handle = response.handle();
      body.on_data([&, b = &body](std::string_view piece) {
        bytes += piece.size();
        if (++pieces == 1) b->pause();  // the consumer is "busy": no more, please
      });
      body.on_end([&, b = &body] { handle->end(std::to_string(b->bytes_received())); });
    });
  }));
  const std::string body = pattern(32 << 20);
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send(post_head("/up", body.size())));
  const size_t sent = send_until_blocked(client->fd(), body, 1'000);
  EXPECT_LT(sent, body.size()) << "the whole 32 MiB went out: the server kept reading while paused";
  uint64_t seen_pieces = 0, seen_bytes = 0;
  ASSERT_TRUE(server.run_on_loop([&] { seen_pieces = pieces; seen_bytes = bytes; }));
  EXPECT_EQ(seen_pieces, 1u) << "pieces were delivered while paused";
  EXPECT_LT(seen_bytes, 1u << 20) << "paused after one read, the handler had seen that much";
  ASSERT_TRUE(server.run_on_loop([&] {
    if (Response* r = handle.get())
      if (BodyStream* b = r->body()) b->resume();
  }));
  ASSERT_TRUE(client->send(std::string_view(body).substr(sent), 30'000));
  auto r = client->read_response(30'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, std::to_string(body.size()));
  EXPECT_GT(pieces.load(), 1u);
}

// Every piece paused and resumed later (a timer standing in for pool work), the last one too:
// after it no byte will come, and the end must still be reported.
TEST(HttpBodyStream, ABodyPausedAfterEveryPieceStillEnds) {
  ServerThread server({}, [](const Request&, Response& r) { r.end("collected"); });
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.with_server([&](Server& s) {
    s.stream_bodies([](const Request&) { return true; }, [&](const Request&, Response& response, BodyStream& body) {
      ResponseHandle handle = response.handle();
      loop::Loop* loop = &server.loop();
      body.on_data([loop, handle, b = &body](std::string_view) {
        b->pause();
        loop->set_timeout(1, [handle] {
          if (Response* r = handle.get())
            if (BodyStream* stream = r->body()) stream->resume();
        });
      });
      body.on_end([handle, b = &body] { handle->end(std::to_string(b->bytes_received())); });
    });
  }));
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  auto small = client->round_trip(post_head("/up", 3) + "abc", 10'000);  // one piece, the last
  ASSERT_TRUE(small) << "a body whose last piece was paused never ended";
  EXPECT_EQ(small->body, "3");
  const std::string body = pattern(1 << 20);
  auto big = client->round_trip(post_head("/up", body.size()) + body, 20'000);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body, std::to_string(body.size()));
}

// A handler may answer before its body has ended — here while the stream is paused: the rest is
// read and dropped, and the connection carries the next request.
TEST(HttpBodyStream, AnAnswerBeforeTheEndOfAPausedBodyDropsTheRest) {
  ServerThread server({}, [](const Request&, Response& r) { r.end("collected"); });
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE(server.with_server([&](Server& s) {
    s.stream_bodies([](const Request& head) { return head.path == "/early"; },
                    [&](const Request&, Response& response, BodyStream& body) {
                      body.on_data([b = &body, r = &response](std::string_view) {
                        b->pause();
                        r->end("enough");
                      });
                    });
  }));
  const std::string body = pattern(4 << 20);
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send(post_head("/early", body.size())));
  ASSERT_TRUE(client->send(body, 30'000)) << "the rest of the body was not read";
  auto r = client->read_response(10'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "enough");
  auto next = client->round_trip(post_head("/other", 3) + "abc", 10'000);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "collected");
}

TEST(HttpBodyStream, ErrorsMidBodyReachTheHandlerAndAreAnswered) {
  StreamingServer s;
  ASSERT_TRUE(s.ok);
  // A malformed chunk after a good one: the handler hears 400; it did not answer, the server does.
  auto bad = HttpClient::connect(s.server.port());
  ASSERT_TRUE(bad.ok());
  ASSERT_TRUE(bad->send("POST /sum HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n"));
  auto r = bad->read_response(10'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(bad->wait_closed(5'000));
  // The client ends its side mid-body: 400 to the handler (and to the client, who may read).
  auto quitter = HttpClient::connect(s.server.port());
  ASSERT_TRUE(quitter.ok());
  ASSERT_TRUE(quitter->send(post_head("/sum", 1000) + "only this"));
  ASSERT_EQ(::shutdown(quitter->fd(), SHUT_WR), 0);
  auto q = quitter->read_response(10'000);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 400);
  // A reset mid-body: the connection is gone, status 0.
  auto resetter = HttpClient::connect(s.server.port());
  ASSERT_TRUE(resetter.ok());
  ASSERT_TRUE(resetter->send(post_head("/sum", 1000) + "some"));
  ASSERT_TRUE(s.server.wait_for([&](const ServerStats&) {
    std::lock_guard lock(s.seen.mutex);
    return s.seen.bytes == 3 + 9 + 4;
  }, 5'000));
  resetter->reset();
  ASSERT_TRUE(s.server.wait_for_no_connections(5'000));
  std::lock_guard lock(s.seen.mutex);
  EXPECT_EQ(s.seen.errors, (std::vector<int>{400, 400, 0}));
}

TEST(HttpBodyStream, AStreamedBodyTooSlowInTotalGets408) {
  ServerOptions o;
  o.body_timeout_ms = 300;
  StreamingServer s(o);
  ASSERT_TRUE(s.ok);
  auto client = HttpClient::connect(s.server.port());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->send(post_head("/sum", 100000)));
  bool closed = false;
  for (int i = 0; i < 200 && !closed; ++i) {  // 10 s at most
    if (!client->send("x", 500)) break;
    closed = client->wait_closed(50);
  }
  auto r = client->read_response(2'000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  std::lock_guard lock(s.seen.mutex);
  EXPECT_EQ(s.seen.errors, (std::vector<int>{408}));
}

// ---- peak memory, from /proc/self/status ----

// VmHWM, the peak resident set, in bytes (0 if unreadable).
uint64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}
// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
bool reset_peak_rss() {
  FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

// Sends a `total`-byte body in 64 KiB pieces (the client holds one piece, not the body) and
// returns the growth of the process's peak RSS while the server took it.
uint64_t peak_growth_through(uint16_t port, std::string_view path, size_t total, std::string* answer) {
  auto client = HttpClient::connect(port);
  if (!client.ok()) return 0;
  const std::string piece = pattern(64 << 10);
  if (!reset_peak_rss()) return 0;
  const uint64_t before = peak_rss_bytes();
  if (!client->send(post_head(path, total))) return 0;
  for (size_t sent = 0; sent < total; sent += piece.size())
    if (!client->send(std::string_view(piece).substr(0, std::min(piece.size(), total - sent)), 30'000)) return 0;
  auto r = client->read_response(60'000);
  if (!r) return 0;
  *answer = r->body;
  // The kernel sums RSS from per-CPU counters: an unchanged peak can read a page below
  // `before`, which is no growth (not 2^64 - 4096).
  const uint64_t after = peak_rss_bytes();
  return after > before ? after - before : 0;
}

TEST(HttpBodyStream, PeakRssThroughA50MBBodyStaysBoundedWhenStreamed) {
  if (!reset_peak_rss() || peak_rss_bytes() == 0) GTEST_SKIP() << "/proc/self/clear_refs or VmHWM unavailable";
  StreamingServer s;
  ASSERT_TRUE(s.ok);
  constexpr size_t kBody = 50u << 20;
  std::string streamed_answer, collected_answer;
  const uint64_t streamed = peak_growth_through(s.server.port(), "/sum", kBody, &streamed_answer);
  const uint64_t collected = peak_growth_through(s.server.port(), "/collect", kBody, &collected_answer);
  std::printf("peak RSS growth through a 50 MB body: streamed %llu KiB, collected %llu KiB\n",
              static_cast<unsigned long long>(streamed >> 10), static_cast<unsigned long long>(collected >> 10));
  EXPECT_EQ(streamed_answer.substr(0, streamed_answer.find(' ')), std::to_string(kBody));
  EXPECT_EQ(collected_answer, "collected " + std::to_string(kBody));
  EXPECT_GE(collected, kBody) << "the probe must see a collected body (else it proves nothing)";
  EXPECT_LT(streamed, 8u << 20) << "a streamed body must not be held: peak grew by " << (streamed >> 10) << " KiB";
}

}  // namespace
}  // namespace osn::http
