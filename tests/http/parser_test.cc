// tests/http/parser_test.cc — the request parser as a table of inputs and what they must give.
//
// Every case is fed whole, one byte at a time, and cut in two at every offset; all three must
// give the same description (tests/support/http_outcome.h), and every call's bytes sit against
// a guard page so that reading one byte too far crashes the test. The tables cover each
// acceptance rule and each rejection rule of docs/http.md, and every limit's status.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/message.h"
#include "tests/support/guard_page.h"
#include "tests/support/http_outcome.h"

namespace {

using osn::http::ParserLimits;

struct Case {
  const char* name;
  std::string input;
  std::string expected;
};

// Whole, byte by byte, and every two-piece split: all must equal `expected`.
void expect_every_split(const Case& c, const ParserLimits& limits = {}) {
  osn::test::GuardPage guard(c.input.size() + 1);
  SCOPED_TRACE(c.name);
  EXPECT_EQ(osn::test::run_request_parser(c.input, {}, limits, &guard), c.expected) << "whole";
  std::vector<std::size_t> bytewise;
  for (std::size_t i = 1; i < c.input.size(); ++i) bytewise.push_back(i);
  EXPECT_EQ(osn::test::run_request_parser(c.input, bytewise, limits, &guard), c.expected) << "byte by byte";
  for (std::size_t cut = 0; cut <= c.input.size(); ++cut) {
    const std::size_t cuts[] = {cut};
    const std::string got = osn::test::run_request_parser(c.input, cuts, limits, &guard);
    if (got != c.expected) {
      ADD_FAILURE() << "split at " << cut << ": got\n" << got << "\nexpected\n" << c.expected;
      return;
    }
  }
}

void expect_table(const std::vector<Case>& table, const ParserLimits& limits = {}) {
  for (const Case& c : table) expect_every_split(c, limits);
}

TEST(HttpParser, AcceptsWellFormedRequests) {
  expect_table({
      {"minimal", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET / 1.1 Host=a ka\nend"},
      {"no fields", "GET /x?y=1 HTTP/1.1\r\n\r\n", "GET /x?y=1 1.1 ka\nend"},
      {"OWS trimmed", "GET / HTTP/1.1\r\nA: \t v w \t\r\nB:\r\n\r\n", "GET / 1.1 A=v w B= ka\nend"},
      {"obs-text kept", "GET / HTTP/1.1\r\nA: caf\xc3\xa9\r\n\r\n", "GET / 1.1 A=caf\xc3\xa9 ka\nend"},
      {"duplicates kept", "GET / HTTP/1.1\r\nA: 1\r\nA: 2\r\n\r\n", "GET / 1.1 A=1 A=2 ka\nend"},
      {"unregistered method", "PURGE /f HTTP/1.1\r\n\r\n", "PURGE /f 1.1 ka\nend"},
      {"absolute-form", "GET http://h.example/p HTTP/1.1\r\n\r\n", "GET http://h.example/p 1.1 ka\nend"},
      {"asterisk OPTIONS", "OPTIONS * HTTP/1.1\r\n\r\n", "OPTIONS * 1.1 ka\nend"},
      {"HTTP/1.2 as 1.1", "GET / HTTP/1.2\r\n\r\n", "GET / 1.2 ka\nend"},
      {"content-length body", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
       "POST / 1.1 Content-Length=5 ka body=hello\nend"},
      {"content-length zero", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "POST / 1.1 Content-Length=0 ka\nend"},
      {"leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", "GET / 1.1 ka\nend"},
      {"empty line between pipelined", "GET /a HTTP/1.1\r\n\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
       "GET /a 1.1 ka\nGET /b 1.1 ka\nend"},
      {"pipelined with bodies",
       "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nAGET /b HTTP/1.1\r\n\r\n",
       "POST /a 1.1 Content-Length=1 ka body=A\nGET /b 1.1 ka\nend"},
  });
}

TEST(HttpParser, DecodesChunkedBodies) {
  const std::string te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string h = "POST / 1.1 Transfer-Encoding=chunked ka";
  expect_table({
      {"two chunks", te + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", h + " body=hello world\nend"},
      {"hex and leading zeros", te + "00A\r\n0123456789\r\n000\r\n\r\n", h + " body=0123456789\nend"},
      {"extensions with BWS", te + "5 ; a = b ;c;d=\"q\\\"x\"\r\nhello\r\n0;e\r\n\r\n", h + " body=hello\nend"},
      {"trailers kept apart", te + "1\r\nx\r\n0\r\nT: 1\r\nU:  2 \r\n\r\n", h + " body=x trailer T=1 trailer U=2\nend"},
      {"CL in trailers ignored", te + "0\r\nContent-Length: 9\r\n\r\n", h + " trailer Content-Length=9\nend"},
      {"coding case-insensitive", "POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n",
       "POST / 1.1 Transfer-Encoding=CHUNKED ka\nend"},
      {"empty list elements", "POST / HTTP/1.1\r\nTransfer-Encoding: , chunked,\r\n\r\n0\r\n\r\n",
       "POST / 1.1 Transfer-Encoding=, chunked, ka\nend"},
      {"then pipelined", te + "0\r\n\r\nGET / HTTP/1.1\r\n\r\n", h + "\nGET / 1.1 ka\nend"},
  });
}

TEST(HttpParser, FollowsKeepAliveRules) {
  expect_table({
      {"1.1 default", "GET / HTTP/1.1\r\n\r\n", "GET / 1.1 ka\nend"},
      {"1.1 close stops", "GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n",
       "GET / 1.1 Connection=close close\nstop close rest=18"},
      {"close in a list, any case", "GET / HTTP/1.1\r\nConnection: foo, CLOSE\t\r\n\r\n",
       "GET / 1.1 Connection=foo, CLOSE close\nstop close rest=0"},
      {"1.0 default close", "GET / HTTP/1.0\r\n\r\n", "GET / 1.0 close\nstop close rest=0"},
      {"1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
       "GET / 1.0 Connection=Keep-Alive ka\nGET / 1.0 close\nstop close rest=0"},
  });
}

TEST(HttpParser, StopsForUpgradeAndConnect) {
  expect_table({
      {"upgrade", "GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nWS",
       "GET / 1.1 Connection=Upgrade Upgrade=websocket ka\nstop upgrade rest=2"},
      {"upgrade after body", "POST / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: h2c\r\nContent-Length: 2\r\n\r\nabXY",
       "POST / 1.1 Connection=upgrade Upgrade=h2c Content-Length=2 ka body=ab\nstop upgrade rest=2"},
      {"Upgrade without Connection token", "GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
       "GET / 1.1 Upgrade=websocket ka\nend"},
      {"connect", "CONNECT h.example:443 HTTP/1.1\r\n\r\nTLS...",
       "CONNECT h.example:443 1.1 ka\nstop connect rest=6"},
      {"connect ignores Content-Length", "CONNECT [::1]:443 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc",
       "CONNECT [::1]:443 1.1 Content-Length=3 ka\nstop connect rest=3"},
  });
}

TEST(HttpParser, RejectsMalformedRequestLines) {
  expect_table({
      {"lowercase protocol", "GET / http/1.1\r\n\r\n", "error 400"},
      {"not HTTP", "GET / RTSP/1.0\r\n\r\n", "error 400"},
      {"HTTP/0.9", "GET /\r\n\r\n", "error 400"},
      {"double SP", "GET  / HTTP/1.1\r\n\r\n", "error 400"},
      {"tab separator", "GET\t/ HTTP/1.1\r\n\r\n", "error 400"},
      {"trailing SP", "GET / HTTP/1.1 \r\n\r\n", "error 400"},
      {"leading SP", " GET / HTTP/1.1\r\n\r\n", "error 400"},
      {"bare LF", "GET / HTTP/1.1\n\r\n", "error 400"},
      {"bare CR", "GET / HTTP/1.1\rX\r\n\r\n", "error 400"},
      {"fragment", "GET /a#b HTTP/1.1\r\n\r\n", "error 400"},
      {"quote in target", "GET /a\"b HTTP/1.1\r\n\r\n", "error 400"},
      {"raw UTF-8 target", "GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", "error 400"},
      {"NUL in target", std::string("GET /\0 HTTP/1.1\r\n\r\n", 19), "error 400"},
      {"relative path", "GET ../etc HTTP/1.1\r\n\r\n", "error 400"},
      {"userinfo", "GET http://u@h/ HTTP/1.1\r\n\r\n", "error 400"},
      {"asterisk with GET", "GET * HTTP/1.1\r\n\r\n", "error 400"},
      {"CONNECT origin-form", "CONNECT /x HTTP/1.1\r\n\r\n", "error 400"},
      {"CONNECT without port", "CONNECT h.example HTTP/1.1\r\n\r\n", "error 400"},
      {"bare LF before request", "\nGET / HTTP/1.1\r\n\r\n", "error 400"},
      {"HTTP/2.0", "PRI * HTTP/2.0\r\n\r\n", "error 400"},
      {"HTTP/2.0 OPTIONS", "OPTIONS * HTTP/2.0\r\n\r\n", "error 505"},
      {"HTTP/9.9", "GET / HTTP/9.9\r\n\r\n", "error 505"},
      {"error seen before line ends", "GET / HTTP/1.1x", "error 400"},
  });
}

TEST(HttpParser, RejectsMalformedFields) {
  expect_table({
      {"obs-fold", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", "error 400"},
      {"whitespace-led first line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", "error 400"},
      {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "error 400"},
      {"empty name", "GET / HTTP/1.1\r\n: a\r\n\r\n", "error 400"},
      {"non-token name", "GET / HTTP/1.1\r\nA@b: c\r\n\r\n", "error 400"},
      {"no colon", "GET / HTTP/1.1\r\nAbc\r\n\r\n", "error 400"},
      {"NUL in value", std::string("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 25), "error 400"},
      {"CTL in value", "GET / HTTP/1.1\r\nA: b\x01" "c\r\n\r\n", "error 400"},
      {"DEL in value", "GET / HTTP/1.1\r\nA: b\x7f" "c\r\n\r\n", "error 400"},
      {"bare CR in value", "GET / HTTP/1.1\r\nA: b\rB: c\r\n\r\n", "error 400"},
      {"bare LF in value", "GET / HTTP/1.1\r\nA: b\nB: c\r\n\r\n", "error 400"},
      {"bare LF ends section", "GET / HTTP/1.1\r\nA: b\r\n\n", "error 400"},
      {"bare CR ends section", "GET / HTTP/1.1\r\nA: b\r\n\rX", "error 400"},
      {"error after a good message", "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nA : b\r\n\r\n",
       "GET / 1.1 ka\nerror 400"},
      {"bad trailer", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT : 1\r\n\r\n", "error 400"},
  });
}

TEST(HttpParser, RejectsAmbiguousFraming) {
  const std::string post = "POST / HTTP/1.1\r\n";
  expect_table({
      {"CL and TE", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "error 400"},
      {"TE and CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "error 400"},
      {"two CL differing", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "error 400"},
      {"two CL identical", post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "error 400"},
      {"CL list", post + "Content-Length: 5, 5\r\n\r\nhello", "error 400"},
      {"CL sign", post + "Content-Length: +5\r\n\r\nhello", "error 400"},
      {"CL hex", post + "Content-Length: 0x5\r\n\r\nhello", "error 400"},
      {"CL empty", post + "Content-Length:\r\n\r\n", "error 400"},
      {"CL 2^63", post + "Content-Length: 9223372036854775808\r\n\r\n", "error 400"},
      {"TE not chunked last", post + "Transfer-Encoding: chunked, gzip\r\n\r\n", "error 400"},
      {"TE gzip only", post + "Transfer-Encoding: gzip\r\n\r\n", "error 400"},
      {"TE chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "error 400"},
      {"TE empty", post + "Transfer-Encoding: \r\n\r\n", "error 400"},
      {"TE chunked params", post + "Transfer-Encoding: chunked;a=b\r\n\r\n", "error 400"},
      {"TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "error 400"},
      {"TE unknown coding", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "error 501"},
      {"TE identity", post + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n", "error 501"},
  });
}

TEST(HttpParser, RejectsBadChunkFraming) {
  const std::string te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_table({
      {"size not hex", te + "g\r\n", "error 400"},
      {"empty size", te + "\r\n", "error 400"},
      {"size 2^63", te + "8000000000000000\r\n", "error 400"},
      {"size 2^64 + 1", te + "10000000000000001\r\n", "error 400"},
      {"negative size", te + "-1\r\n", "error 400"},
      {"space then CRLF", te + "5 \r\nhello\r\n0\r\n\r\n", "error 400"},
      {"bare LF after size", te + "5\nhello\r\n0\r\n\r\n", "error 400"},
      {"bare CR after size", te + "5\r\r;x\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"data too long", te + "5\r\nhelloX\r\n0\r\n\r\n", "error 400"},
      {"bare LF after data", te + "5\r\nhello\n0\r\n\r\n", "error 400"},
      {"bad ext name", te + "5;=x\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"CTL in quoted ext", te + "5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"bare LF ends trailers", te + "0\r\n\n", "error 400"},
      {"body shown before error", te + "5\r\nhello\r\nz\r\n", "error 400"},
  });
}

TEST(HttpParser, ReportsIncompleteInput) {
  expect_table({
      {"inside request line", "GET / HT", "incomplete"},
      {"inside fields", "GET / HTTP/1.1\r\nHost: a\r\n", "incomplete"},
      {"inside body", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel", "incomplete"},
      {"inside chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", "incomplete"},
      {"inside trailers", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n", "incomplete"},
      {"lone CR between", "GET / HTTP/1.1\r\n\r\n\r", "GET / 1.1 ka\nincomplete"},
      {"nothing", "", "end"},
  });
}

TEST(HttpParser, EnforcesLimitsWithTheirStatus) {
  ParserLimits limits;
  limits.max_header_bytes = 64;
  limits.max_header_count = 2;
  limits.max_target_bytes = 8;
  limits.max_body_bytes = 4;
  limits.max_chunk_ext_bytes = 8;
  const std::string te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_table({
      {"target at the limit", "GET /2345678 HTTP/1.1\r\n\r\n", "GET /2345678 1.1 ka\nend"},
      {"target over the limit", "GET /23456789 HTTP/1.1\r\n\r\n", "error 414"},
      {"target over, line unfinished", "GET /23456789", "error 414"},
      {"two fields fit", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", "GET / 1.1 A=1 B=2 ka\nend"},
      {"three fields", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "error 431"},
      {"header bytes", "GET / HTTP/1.1\r\nA: " + std::string(60, 'x') + "\r\n\r\n", "error 431"},
      {"header bytes, unfinished", "GET / HTTP/1.1\r\nA: " + std::string(60, 'x'), "error 431"},
      {"body at the limit", "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd",
       "POST / 1.1 Content-Length=4 ka body=abcd\nend"},
      {"content-length over", "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", "error 413"},
      {"chunked over", te + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", "error 413"},
      {"chunk extensions over", te + "1;aaaaaaaaaa\r\nx\r\n0\r\n\r\n", "error 413"},
      {"trailers count with fields", te + "0\r\nA: 1\r\nB: 2\r\n\r\n", "error 431"},
  }, limits);
}

TEST(HttpParser, DefaultLimitsAreSane) {
  const ParserLimits limits;
  EXPECT_GE(limits.max_header_bytes, 8u * 1024);
  EXPECT_GE(limits.max_header_count, 64u);
  EXPECT_GE(limits.max_target_bytes, 2u * 1024);
  EXPECT_LE(limits.max_target_bytes, limits.max_header_bytes);
  expect_every_split({"long but legal target", "GET /" + std::string(4000, 'a') + " HTTP/1.1\r\n\r\n",
                      "GET /" + std::string(4000, 'a') + " 1.1 ka\nend"});
}

}  // namespace

namespace {

// The guard page is only worth something if touching it really kills the process.
TEST(GuardPageDeathTest, ReadingOneBytePastTheInputCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  osn::test::GuardPage guard(16);
  const std::string_view placed = guard.place("abc");
  EXPECT_EQ(placed, "abc");
  EXPECT_DEATH(
      {
        const volatile char* p = placed.data() + placed.size();
        (void)*p;
      },
      "");
}

}  // namespace
