// labs/07-shared-state/grader/reply_parser_grader.cc — lab 07's checks of the RESP reply parser.
//
// Random replies are built here, encoded by the grader's own writer, and fed to the student's
// ReplyParser whole, byte by byte and in random pieces, each piece against a guard page (an
// over-read crashes the check). The parsed replies must equal the ones built. Then the limits and
// the refusals, and the parser at work inside redis::Client against a real redis-server (random
// binary values, pipelined): the mechanism, not only the output.
#include <string>
#include <vector>

#include "labs/grading/graded_test.h"
#include "loop/loop.h"
#include "redis/client.h"
#include "redis/reply_parser.h"
#include "tests/support/guard_page.h"
#include "tests/support/redis_server.h"

namespace osn::redis {
namespace {

using grading::random_between;

std::string random_bytes(size_t n, bool binary) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += binary ? static_cast<char>(random_between(0, 255)) : static_cast<char>(random_between('a', 'z'));
  }
  return s;
}

// The grader's own RESP writer (independent of the student's code).
void write(const Reply& r, std::string& out) {
  switch (r.type) {
    case ReplyType::kStatus: out += "+" + r.str + "\r\n"; break;
    case ReplyType::kError: out += "-" + r.str + "\r\n"; break;
    case ReplyType::kInteger: out += ":" + std::to_string(r.integer) + "\r\n"; break;
    case ReplyType::kNil: out += random_between(0, 1) ? "$-1\r\n" : "*-1\r\n"; break;
    case ReplyType::kBulk: out += "$" + std::to_string(r.str.size()) + "\r\n" + r.str + "\r\n"; break;
    case ReplyType::kArray:
      out += "*" + std::to_string(r.elements.size()) + "\r\n";
      for (const Reply& e : r.elements) write(e, out);
      break;
  }
}

Reply random_reply(int depth) {
  switch (random_between(0, depth > 0 ? 5 : 4)) {
    case 0: return Reply::status(random_bytes(static_cast<size_t>(random_between(0, 20)), false));
    case 1: return Reply::error("ERR " + random_bytes(static_cast<size_t>(random_between(0, 20)), false));
    case 2: return Reply::number(random_between(-(int64_t{1} << 62), int64_t{1} << 62));
    case 3: return Reply::nil();
    case 4: return Reply::bulk(random_bytes(static_cast<size_t>(random_between(0, 300)), true));
    default: {
      std::vector<Reply> items;
      for (int i = random_between(0, 5); i > 0; --i) items.push_back(random_reply(depth - 1));
      return Reply::array(std::move(items));
    }
  }
}

struct Keep final : ReplySink {
  void on_reply(Reply&& r) override { got.push_back(std::move(r)); }
  std::vector<Reply> got;
};

// Feeds `input` cut at random points (or every byte when bytewise); returns what came out.
std::vector<Reply> feed_in_pieces(const std::string& input, bool bytewise, ReplyParser& parser, bool* ok) {
  test::GuardPage guard(input.size() + 1);
  Keep sink;
  *ok = true;
  size_t at = 0;
  while (at < input.size() && *ok) {
    size_t n = bytewise ? 1 : static_cast<size_t>(random_between(1, 64));
    n = std::min(n, input.size() - at);
    *ok = parser.feed(guard.place(std::string_view(input).substr(at, n)), sink);
    at += n;
  }
  return sink.got;
}

void expect_round_trip(const std::vector<Reply>& replies) {
  std::string input;
  for (const Reply& r : replies) write(r, input);
  for (int mode = 0; mode < 3; ++mode) {
    ReplyParser parser;
    bool ok = true;
    std::vector<Reply> got;
    if (mode == 0) {
      Keep sink;
      test::GuardPage guard(input.size() + 1);
      ok = parser.feed(guard.place(input), sink);
      got = sink.got;
    } else {
      got = feed_in_pieces(input, mode == 1, parser, &ok);
    }
    const char* how = mode == 0 ? "whole" : mode == 1 ? "byte by byte" : "in random pieces";
    ASSERT_TRUE(ok) << how << ": " << parser.error();
    ASSERT_EQ(got.size(), replies.size()) << how;
    for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], replies[i]) << how << ", reply " << i;
    EXPECT_FALSE(parser.mid_reply()) << how;
  }
}

GRADED_TEST(ReplyParser, StatusErrorAndIntegerLines, 10) {
  std::vector<Reply> replies;
  for (int i = 0; i < 50; ++i) replies.push_back(random_reply(0).type == ReplyType::kBulk ? Reply::number(i) : random_reply(0));
  replies.push_back(Reply::number(INT64_MIN));
  replies.push_back(Reply::number(INT64_MAX));
  replies.push_back(Reply::status(""));
  expect_round_trip(replies);
}

GRADED_TEST(ReplyParser, BinaryBulkStringsAnySplit, 15) {
  std::vector<Reply> replies;
  for (int i = 0; i < 30; ++i) replies.push_back(Reply::bulk(random_bytes(static_cast<size_t>(random_between(0, 2000)), true)));
  replies.push_back(Reply::bulk("\r\n"));
  replies.push_back(Reply::bulk(""));
  replies.push_back(Reply::nil());
  expect_round_trip(replies);
}

GRADED_TEST(ReplyParser, NestedArraysAnySplit, 15) {
  std::vector<Reply> replies;
  for (int i = 0; i < 20; ++i) replies.push_back(random_reply(4));
  replies.push_back(Reply::array({}));
  replies.push_back(Reply::array({Reply::array({Reply::array({})}), Reply::nil()}));
  expect_round_trip(replies);
}

GRADED_TEST(ReplyParser, RefusesWhatRespTwoDoesNotAllow, 10) {
  {  // a parser that refuses everything earns nothing here
    ReplyParser parser;
    Keep sink;
    ASSERT_TRUE(parser.feed("+OK\r\n:" + std::to_string(random_between(0, 1000)) + "\r\n", sink)) << parser.error();
    ASSERT_EQ(sink.got.size(), 2u);
  }
  for (std::string bad : {"?x\r\n", "+OK\n", "+O\rK\r\n", ":12a\r\n", ":\r\n", "$-2\r\n", "$3\r\nabcd\r\n",
                          "*-5\r\n", ":9223372036854775808\r\n", ",1.5\r\n"}) {
    ReplyParser parser;
    Keep sink;
    bool ok = true;
    for (char c : bad) ok = ok && parser.feed(std::string_view(&c, 1), sink);
    EXPECT_FALSE(ok) << "accepted " << testing::PrintToString(bad);
    EXPECT_TRUE(parser.failed() && !parser.error().empty()) << testing::PrintToString(bad);
    EXPECT_FALSE(parser.feed("+OK\r\n", sink)) << "after an error the parser refuses everything";
    EXPECT_TRUE(sink.got.empty()) << testing::PrintToString(bad);
  }
}

GRADED_TEST(ReplyParser, EnforcesItsLimits, 10) {
  ReplyLimits limits;
  limits.max_depth = static_cast<size_t>(random_between(2, 6));
  limits.max_bulk_bytes = random_between(10, 100);
  limits.max_array_elements = random_between(3, 9);
  limits.max_line_bytes = static_cast<size_t>(random_between(8, 30));
  auto refused = [&](const std::string& input) {
    ReplyParser parser(limits);
    Keep sink;
    bool ok = parser.feed(input, sink);
    return !ok && parser.failed() && sink.got.empty();
  };
  std::string deep, ok_deep;
  for (size_t i = 0; i < limits.max_depth + 1; ++i) deep += "*1\r\n";
  for (size_t i = 0; i < limits.max_depth; ++i) ok_deep += "*1\r\n";
  EXPECT_TRUE(refused(deep + ":1\r\n")) << "nesting deeper than " << limits.max_depth;
  EXPECT_FALSE(refused(ok_deep + ":1\r\n")) << "nesting of exactly " << limits.max_depth;
  EXPECT_TRUE(refused("$" + std::to_string(limits.max_bulk_bytes + 1) + "\r\n")) << "bulk over the limit, before its bytes";
  EXPECT_FALSE(refused("$" + std::to_string(limits.max_bulk_bytes) + "\r\n" + std::string(static_cast<size_t>(limits.max_bulk_bytes), 'x') + "\r\n"));
  EXPECT_TRUE(refused("*" + std::to_string(limits.max_array_elements + 1) + "\r\n"));
  EXPECT_TRUE(refused("+" + std::string(limits.max_line_bytes + 1, 'a') + "\r\n"));
  EXPECT_TRUE(refused("+" + std::string(limits.max_line_bytes + 50, 'a'))) << "an endless line, before its end";
  EXPECT_TRUE(refused("$1099511627776\r\n")) << "1 TB with the default-like limit";
}

// The parser inside the real client, against a real redis-server: pipelined random values.
GRADED_TEST(ReplyParser, WorksInsideTheClientAgainstRealRedis, 15) {
  if (test::redis_server_program().empty()) GTEST_SKIP() << test::kNoRedisReason;
  test::RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  loop::Loop loop;
  ClientOptions options;
  options.endpoint.port = server.port();
  Client client(loop, options);
  const int n = static_cast<int>(random_between(500, 1500));
  std::vector<std::string> values;
  int answered = 0, wrong = 0;
  for (int i = 0; i < n; ++i) {
    values.push_back(random_bytes(static_cast<size_t>(random_between(0, 3000)), true));
    const std::string key = "k" + std::to_string(i);
    client.command({"SET", key, values.back()}, [&](Outcome&& o) { wrong += !(o.ok() && o.reply() == Reply::status("OK")); });
    client.command({"GET", key}, [&, i](Outcome&& o) {
      ++answered;
      wrong += !(o.ok() && o.reply() == Reply::bulk(values[static_cast<size_t>(i)]));
    });
  }
  client.command({"LRANGE", "none", "0", "-1"}, [&](Outcome&& o) { wrong += !(o.ok() && o.reply() == Reply::array({})); });
  const std::string big = random_bytes(1 << 20, true);
  client.command({"SET", "big", big}, [](Outcome&&) {});
  bool big_ok = false;
  client.command({"GET", "big"}, [&](Outcome&& o) { big_ok = o.ok() && o.reply().str == big; ++answered; });
  loop::TimerId guard = loop.set_timeout(30'000, [&] { loop.stop(); });
  loop::TimerId poll = loop.set_interval(5, [&] {
    if (answered == n + 1) loop.stop();
  });
  loop.run();
  loop.clear_timer(guard);
  loop.clear_timer(poll);
  EXPECT_EQ(answered, n + 1) << "every GET answered, in order";
  EXPECT_EQ(wrong, 0);
  EXPECT_TRUE(big_ok) << "a 1 MB value came back byte for byte";
  EXPECT_EQ(client.connections_made(), 1u) << "no protocol error dropped the connection";
}

}  // namespace
}  // namespace osn::redis
