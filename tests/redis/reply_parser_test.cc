// tests/redis/reply_parser_test.cc — the RESP reply parser as a table of inputs and outcomes.
//
// Every case is fed whole, one byte at a time, and cut in two at every offset; all must give
// the same description (tests/support/resp_outcome.h), each piece against a guard page so that
// a read past it crashes. Then the limits, each with its message, and one big bulk in chunks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis/command.h"
#include "redis/reply_parser.h"
#include "tests/support/guard_page.h"
#include "tests/support/resp_outcome.h"

namespace {

using osn::redis::ReplyLimits;

struct Case {
  const char* name;
  std::string input;
  std::string expected;  // the lines of run_reply_parser, without the " #checksum" part
};

// The description without checksums, to keep the table readable; the splits are compared with
// checksums included.
std::string strip_sums(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t nl = s.find('\n', i);
    std::string line = s.substr(i, nl == std::string::npos ? std::string::npos : nl - i);
    if (size_t h = line.rfind(" #"); h != std::string::npos) line.resize(h);
    out += line + (nl == std::string::npos ? "" : "\n");
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return out;
}

void expect_every_split(const Case& c, const ReplyLimits& limits = {}) {
  SCOPED_TRACE(c.name);
  osn::test::GuardPage guard(c.input.size() + 1);
  const std::string whole = osn::test::run_reply_parser(c.input, {}, limits, &guard);
  EXPECT_EQ(strip_sums(whole), c.expected) << "whole";
  std::vector<size_t> bytewise;
  for (size_t i = 1; i < c.input.size(); ++i) bytewise.push_back(i);
  EXPECT_EQ(osn::test::run_reply_parser(c.input, bytewise, limits, &guard), whole) << "byte by byte";
  for (size_t cut = 0; cut <= c.input.size(); ++cut) {
    const size_t cuts[] = {cut};
    if (osn::test::run_reply_parser(c.input, cuts, limits, &guard) != whole) {
      ADD_FAILURE() << "split at " << cut << " differs from the whole input";
      return;
    }
  }
}

void expect_table(const std::vector<Case>& table, const ReplyLimits& limits = {}) {
  for (const Case& c : table) expect_every_split(c, limits);
}

TEST(ReplyParser, ParsesEveryRespTwoType) {
  expect_table({
      {"status", "+OK\r\n", "status OK\n"},
      {"empty status", "+\r\n", "status \n"},
      {"error", "-ERR unknown command 'FOO'\r\n", "error (error) ERR unknown command 'FOO'\n"},
      {"integer", ":42\r\n", "integer (integer) 42\n"},
      {"negative integer", ":-7\r\n", "integer (integer) -7\n"},
      {"int64 max", ":9223372036854775807\r\n", "integer (integer) 9223372036854775807\n"},
      {"int64 min", ":-9223372036854775808\r\n", "integer (integer) -9223372036854775808\n"},
      {"bulk", "$3\r\nbar\r\n", "bulk \"bar\"\n"},
      {"empty bulk", "$0\r\n\r\n", "bulk \"\"\n"},
      {"nil bulk", "$-1\r\n", "nil (nil)\n"},
      {"nil array", "*-1\r\n", "nil (nil)\n"},
      {"empty array", "*0\r\n", "array []\n"},
      {"array", "*3\r\n:1\r\n$1\r\na\r\n+OK\r\n", "array [(integer) 1, \"a\", OK]\n"},
      {"nested", "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n$-1\r\n", "array [[(integer) 1, (integer) 2], [(nil)]]\n"},
      {"empty inside", "*2\r\n*0\r\n$0\r\n\r\n", "array [[], \"\"]\n"},
  });
}

TEST(ReplyParser, BulkStringsAreBinarySafe) {
  expect_table({
      {"CRLF inside", std::string("$4\r\n\r\n\r\n\r\n"), "bulk (4 bytes)\n"},
      {"NUL inside", std::string("$3\r\na\0b\r\n", 9), "bulk (3 bytes)\n"},
      {"high bytes", "$2\r\n\xff\xfe\r\n", "bulk (2 bytes)\n"},
      {"looks like a reply", "$5\r\n+OK\r\n\r\n", "bulk (5 bytes)\n"},
  });
}

TEST(ReplyParser, SeveralRepliesInOneReadComeOutInOrder) {
  expect_table({
      {"pipeline", "+OK\r\n:1\r\n$1\r\nx\r\n-ERR no\r\n*1\r\n:2\r\n",
       "status OK\ninteger (integer) 1\nbulk \"x\"\nerror (error) ERR no\narray [(integer) 2]\n"},
      {"then partial", "+OK\r\n$5\r\nab", "status OK\npartial"},
      {"partial array", "*2\r\n:1\r\n", "partial"},
      {"partial line", "+O", "partial"},
      {"missing LF", "+OK\r", "partial"},
  });
}

TEST(ReplyParser, RefusesWhatRespTwoDoesNotAllow) {
  expect_table({
      {"unknown type", "?x\r\n", "error: RESP protocol error: unknown reply type byte '?' (0x3f) (RESP2 has + - : $ *; "
                                  "RESP3 types need HELLO 3, which we never send)"},
      {"RESP3 double", ",1.5\r\n", "error: RESP protocol error: unknown reply type byte ',' (0x2c) (RESP2 has + - : $ *; "
                                   "RESP3 types need HELLO 3, which we never send)"},
      {"NUL type", std::string("\0", 1), "error: RESP protocol error: unknown reply type byte 0x00 (RESP2 has + - : $ *; "
                                         "RESP3 types need HELLO 3, which we never send)"},
      {"LF without CR", "+OK\n", "error: RESP protocol error: a line ended in LF without CR"},
      {"CR inside a line", "+O\rK\r\n", "error: RESP protocol error: a CR inside a line"},
      {"bad integer", ":12a\r\n", "error: RESP protocol error: bad integer \"12a\""},
      {"empty integer", ":\r\n", "error: RESP protocol error: bad integer \"\""},
      {"integer overflow", ":9223372036854775808\r\n", "error: RESP protocol error: bad integer \"9223372036854775808\""},
      {"bulk -2", "$-2\r\n", "error: RESP protocol error: bad bulk length \"-2\""},
      {"bulk plus sign", "$+3\r\nabc\r\n", "error: RESP protocol error: bad bulk length \"+3\""},
      {"bulk without CRLF", "$3\r\nabcd\r\n", "error: RESP protocol error: bulk string not followed by CRLF (found 'd' (0x64))"},
      {"array -5", "*-5\r\n", "error: RESP protocol error: bad array length \"-5\""},
      {"after an error nothing", "+OK\r\n?\r\n+OK\r\n", "status OK\nerror: RESP protocol error: unknown reply type byte '?' "
                                                        "(0x3f) (RESP2 has + - : $ *; RESP3 types need HELLO 3, which we never send)"},
  });
}

TEST(ReplyParser, EnforcesItsLimitsWithClearMessages) {
  ReplyLimits small;
  small.max_depth = 2;
  small.max_bulk_bytes = 10;
  small.max_array_elements = 3;
  small.max_line_bytes = 8;
  expect_table({
      {"depth 2 is fine", "*1\r\n*1\r\n:1\r\n", "array [[(integer) 1]]\n"},
      {"depth 3", "*1\r\n*1\r\n*1\r\n:1\r\n", "error: RESP protocol error: arrays nested deeper than the limit of 2"},
      {"bulk 10 is fine", "$10\r\n0123456789\r\n", "bulk \"0123456789\"\n"},
      {"bulk 11", "$11\r\n", "error: RESP protocol error: bulk length 11 over the limit of 10 bytes"},
      {"array 4", "*4\r\n", "error: RESP protocol error: array of 4 elements over the limit of 3"},
      {"line 8 is fine", "+12345678\r\n", "status 12345678\n"},
      {"line 9", "+123456789\r\n", "error: RESP protocol error: line longer than the limit of 8 bytes"},
      {"endless line", "+1234567890123", "error: RESP protocol error: line longer than the limit of 8 bytes"},
  }, small);
}

TEST(ReplyParser, DefaultLimitsRefuseAHugeBulkBeforeAllocatingIt) {
  expect_table({{"1 TB", "$1099511627776\r\n",
                 "error: RESP protocol error: bulk length 1099511627776 over the limit of 536870912 bytes"}});
}

// A 1 MB bulk arriving in 4 KiB reads, as from a socket: one pass, the same bytes out.
TEST(ReplyParser, ABigBulkInManyReadsComesOutWhole) {
  std::string value(1 << 20, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i * 31 + 7);
  std::string input = "$" + std::to_string(value.size()) + "\r\n" + value + "\r\n:1\r\n";
  struct Keep final : osn::redis::ReplySink {
    void on_reply(osn::redis::Reply&& r) override { got.push_back(std::move(r)); }
    std::vector<osn::redis::Reply> got;
  } sink;
  osn::redis::ReplyParser parser;
  osn::test::GuardPage guard(4096);
  for (size_t at = 0; at < input.size(); at += 4096) {
    ASSERT_TRUE(parser.feed(guard.place(std::string_view(input).substr(at, 4096)), sink)) << parser.error();
  }
  ASSERT_EQ(sink.got.size(), 2u);
  EXPECT_EQ(sink.got[0].type, osn::redis::ReplyType::kBulk);
  EXPECT_TRUE(sink.got[0].str == value);
  EXPECT_EQ(sink.got[1], osn::redis::Reply::number(1));
  EXPECT_FALSE(parser.mid_reply());
}

TEST(ReplyParser, ResetStartsOverAfterAnError) {
  struct Count final : osn::redis::ReplySink {
    void on_reply(osn::redis::Reply&&) override { ++n; }
    int n = 0;
  } sink;
  osn::redis::ReplyParser parser;
  EXPECT_FALSE(parser.feed("!", sink));
  EXPECT_FALSE(parser.feed("+OK\r\n", sink)) << "a failed parser refuses everything";
  parser.reset();
  EXPECT_TRUE(parser.feed("+OK\r\n", sink));
  EXPECT_EQ(sink.n, 1);
}

TEST(EncodeCommand, WritesAnArrayOfBulkStrings) {
  std::string out;
  osn::redis::encode_command(out, {"SET", "k", ""});
  osn::redis::encode_command(out, {std::string_view("a\r\n\0", 4)});
  EXPECT_EQ(out, std::string("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*1\r\n$4\r\na\r\n\0\r\n", 40));
}

}  // namespace
