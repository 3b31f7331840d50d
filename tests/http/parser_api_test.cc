// tests/http/parser_api_test.cc — RequestParser's event contract, call by call.
//
// The table tests look at results; these look at the protocol between the parser and its
// caller that the server builds on: which event comes when, what `consumed` covers, that views
// point into the caller's buffer, and that kStopped / kError are final.
#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <string>

#include "http/parser.h"

namespace {

using osn::http::EventKind;
using osn::http::Header;
using osn::http::RequestParser;

TEST(HttpParserApi, EventsComeInOrderAndConsumeExactly) {
  const std::string buffer = "POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n";
  std::array<Header, 8> fields;
  RequestParser parser(fields);
  std::string_view rest = buffer;

  osn::http::Event e = parser.next(rest);
  ASSERT_EQ(e.kind, EventKind::kHeadComplete);
  EXPECT_EQ(e.consumed, 39u);
  EXPECT_EQ(parser.head().method, "POST");
  EXPECT_EQ(parser.head().method.data(), buffer.data());  // a view, not a copy
  EXPECT_EQ(parser.head().framing, osn::http::BodyFraming::kContentLength);
  EXPECT_EQ(parser.head().content_length, 3u);
  ASSERT_EQ(parser.head().headers.size(), 1u);
  EXPECT_EQ(parser.head().headers[0].value, "3");
  rest.remove_prefix(e.consumed);

  e = parser.next(rest);
  ASSERT_EQ(e.kind, EventKind::kBodyData);
  EXPECT_EQ(e.data, "abc");
  rest.remove_prefix(e.consumed);
  e = parser.next(rest);
  ASSERT_EQ(e.kind, EventKind::kMessageComplete);
  EXPECT_EQ(e.consumed, 0u);

  e = parser.next(rest);
  ASSERT_EQ(e.kind, EventKind::kHeadComplete);
  EXPECT_EQ(parser.head().method, "GET");
  rest.remove_prefix(e.consumed);
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(parser.next(rest).kind, EventKind::kMessageComplete);
  e = parser.next(rest);
  EXPECT_EQ(e.kind, EventKind::kNeedMore);
  EXPECT_EQ(parser.state(), osn::http::ParserState::kIdle);
}

TEST(HttpParserApi, IncompleteHeadConsumesNothing) {
  std::array<Header, 8> fields;
  RequestParser parser(fields);
  const osn::http::Event e = parser.next("GET / HTTP/1.1\r\nHost: a\r\n");
  EXPECT_EQ(e.kind, EventKind::kNeedMore);
  EXPECT_EQ(e.consumed, 0u);  // the head is re-scanned from its start next time
  EXPECT_EQ(parser.state(), osn::http::ParserState::kHead);
}

TEST(HttpParserApi, StopAndErrorAreFinal) {
  std::array<Header, 8> fields;
  RequestParser stopping(fields);
  const std::string close = "GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  std::string_view rest = close;
  for (osn::http::Event e; (e = stopping.next(rest)).kind != EventKind::kStopped;) rest.remove_prefix(e.consumed);
  EXPECT_EQ(stopping.stop_reason(), osn::http::StopReason::kClose);
  EXPECT_EQ(rest.size(), 18u);
  EXPECT_EQ(stopping.next(rest).kind, EventKind::kStopped);

  RequestParser failing(fields);
  const std::string nul_in_name("GET / HTTP/1.1\r\nA\0: b\r\n\r\n", 25);
  EXPECT_EQ(failing.next(nul_in_name).kind, EventKind::kError);
  EXPECT_EQ(failing.error().status, osn::http::StatusCode::kBadRequest);
  EXPECT_FALSE(failing.error().reason.empty());
  EXPECT_EQ(failing.next("GET / HTTP/1.1\r\n\r\n").kind, EventKind::kError);
}

TEST(HttpParserApi, HugeLimitsDoNotOverflow) {
  osn::http::ParserLimits limits;
  limits.max_target_bytes = std::numeric_limits<std::size_t>::max();
  limits.max_header_bytes = std::numeric_limits<std::size_t>::max();
  limits.max_body_bytes = std::numeric_limits<std::uint64_t>::max();
  std::array<Header, 8> fields;
  RequestParser parser(fields, limits);
  const osn::http::Event e = parser.next("POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_EQ(e.kind, EventKind::kHeadComplete);
  EXPECT_EQ(parser.head().target, "/t");
  EXPECT_EQ(parser.next("7fffffffffffffff\r\nab").kind, EventKind::kBodyData);
}

}  // namespace
