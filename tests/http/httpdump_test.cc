// tests/http/httpdump_test.cc — httpdump as a user sees it: output formats and exit codes.
//
// The conformance test reads httpdump's --json output; these tests pin that format down
// (byte escaping, error / incomplete / stop lines) and the human and --trace forms.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/run_program.h"

namespace {

osn::test::ProgramResult httpdump(const std::vector<std::string>& args, const std::string& input) {
  return osn::test::run_program(osn::test::locate_tool("httpdump"), args, osn::test::RunOptions::with_input(input));
}

TEST(Httpdump, BadArgumentsPrintUsageAndExit64) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--bogus"}, {"--split"}, {"--split", "0"}, {"--split", "x"}, {"json"}}) {
    const auto r = httpdump(args, "");
    EXPECT_EQ(r.exit_code, 64) << args[0];
    EXPECT_EQ(r.out, "");
  }
}

TEST(Httpdump, JsonMapsBytesToCodePoints) {
  const auto r = httpdump({"--json"}, "GET /a HTTP/1.1\r\nX: \"q\\\xff\r\n\r\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "{\"method\":\"GET\",\"target\":\"/a\",\"version\":\"1.1\",\"headers\":[[\"X\",\"\\\"q\\\\\\u00ff\"]],"
            "\"body\":\"\",\"keep_alive\":true,\"trailers\":[]}\n");
}

TEST(Httpdump, JsonDecodesChunkedBodyAndKeepsTrailersApart) {
  const auto r = httpdump({"--json", "--split", "3"},
                          "POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\n\r\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "{\"method\":\"POST\",\"target\":\"/\",\"version\":\"1.0\",\"headers\":[[\"Content-Length\",\"2\"]],"
            "\"body\":\"\\u000d\\u000a\",\"keep_alive\":false,\"trailers\":[]}\n{\"stop\":\"close\",\"rest\":0}\n");
  const auto chunked = httpdump({"--json"}, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            "2\r\nab\r\n1;x=y\r\nc\r\n0\r\nT: 1\r\n\r\n");
  EXPECT_EQ(chunked.exit_code, 0);
  EXPECT_NE(chunked.out.find("\"body\":\"abc\""), std::string::npos) << chunked.out;
  EXPECT_NE(chunked.out.find("\"trailers\":[[\"T\",\"1\"]]"), std::string::npos) << chunked.out;
}

TEST(Httpdump, ErrorLineExits1) {
  const auto r = httpdump({"--json"}, "GET / HTTP/1.1\r\nA : b\r\n\r\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "{\"error\":400,\"reason\":\"whitespace before the colon\"}\n");
}

TEST(Httpdump, IncompleteInputExits2) {
  const auto r = httpdump({"--json"}, "POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "{\"incomplete\":true}\n");
}

TEST(Httpdump, StopLinesCountTheBytesLeft) {
  const auto upgrade = httpdump({"--json"}, "GET / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: ws\r\n\r\nxyz");
  EXPECT_EQ(upgrade.exit_code, 0);
  EXPECT_NE(upgrade.out.find("{\"stop\":\"upgrade\",\"rest\":3}\n"), std::string::npos) << upgrade.out;
  const auto connect = httpdump({"--json", "--split", "1"}, "CONNECT a:1 HTTP/1.1\r\n\r\nTUNNEL");
  EXPECT_NE(connect.out.find("{\"stop\":\"connect\",\"rest\":6}\n"), std::string::npos) << connect.out;
}

TEST(Httpdump, HumanFormAndTrace) {
  const auto r = httpdump({"--trace"}, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("message 1: GET /x HTTP/1.1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  Host: a\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("trace: idle -> message-done  head-complete, consumed 28"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("trace: message-done -> idle  message-complete"), std::string::npos) << r.out;
  // Fed in pieces, the head state shows up while the parser waits for the rest.
  const auto pieces = httpdump({"--trace", "--split", "5"}, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_NE(pieces.out.find("trace: idle -> head  need-more"), std::string::npos) << pieces.out;
}

}  // namespace
