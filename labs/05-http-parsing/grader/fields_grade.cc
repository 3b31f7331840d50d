// labs/05-http-parsing/grader/fields_grade.cc — part 1: parse_field_section (header_fields.h).
//
// Through the whole parser (the request line and framing are the reference's; the fields are
// yours) with every split, and directly: the views point into the input (no copy), the
// section ends exactly after its empty line, an error is reported as soon as its bytes are
// there, a prefix of a good section is incomplete and never an error.
#include <string>
#include <vector>

#include "http/header_fields.h"
#include "labs/05-http-parsing/grader/split_check.h"
#include "labs/grading/graded_test.h"
#include "tests/support/guard_page.h"

namespace osn::grading::lab05 {
namespace {

using http::Header;
using http::ParserLimits;
using http::Scan;

// A random field section and the description the parser must give for it.
struct RandomFields {
  std::string wire;      // "Name: value\r\n"... (no empty line)
  std::string described;  // " Name=value"...
  std::vector<Header> expected_views;  // filled by callers that need names and values
  std::vector<std::pair<std::string, std::string>> fields;
};

RandomFields random_fields(std::size_t count) {
  RandomFields f;
  for (std::size_t i = 0; i < count; ++i) {
    std::string name = random_token(1, 12);
    std::string value = random_field_value();
    f.wire += name + ":" + random_ows() + value + random_ows() + "\r\n";
    f.described += " " + name + "=" + value;
    f.fields.emplace_back(std::move(name), std::move(value));
  }
  return f;
}

GRADED_TEST(HeaderFields, AcceptsWellFormedFieldsUnderEverySplit, 10) {
  expect_table({
      {"minimal", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "GET / 1.1 Host=a ka\nend"},
      {"no fields", "GET /x?y=1 HTTP/1.1\r\n\r\n", "GET /x?y=1 1.1 ka\nend"},
      {"OWS trimmed", "GET / HTTP/1.1\r\nA: \t v w \t\r\nB:\r\n\r\n", "GET / 1.1 A=v w B= ka\nend"},
      {"no space after colon", "GET / HTTP/1.1\r\nA:b\r\n\r\n", "GET / 1.1 A=b ka\nend"},
      {"obs-text kept", "GET / HTTP/1.1\r\nA: caf\xc3\xa9\r\n\r\n", "GET / 1.1 A=caf\xc3\xa9 ka\nend"},
      {"duplicates kept in order", "GET / HTTP/1.1\r\nA: 1\r\nB: x\r\nA: 2\r\n\r\n", "GET / 1.1 A=1 B=x A=2 ka\nend"},
      {"case preserved", "GET / HTTP/1.1\r\nx-MiXeD: V\r\n\r\n", "GET / 1.1 x-MiXeD=V ka\nend"},
      {"every tchar in a name", "GET / HTTP/1.1\r\n!#$%&'*+-.^_`|~09AZaz: v\r\n\r\n", "GET / 1.1 !#$%&'*+-.^_`|~09AZaz=v ka\nend"},
      {"colon inside a value", "GET / HTTP/1.1\r\nHost: a:80\r\n\r\n", "GET / 1.1 Host=a:80 ka\nend"},
      {"pipelined", "GET /a HTTP/1.1\r\nA: 1\r\n\r\nGET /b HTTP/1.1\r\nB: 2\r\n\r\n", "GET /a 1.1 A=1 ka\nGET /b 1.1 B=2 ka\nend"},
      {"fields decide keep-alive", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", "GET / 1.1 Connection=close close\nstop close rest=0"},
      {"fields decide the body", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", "POST / 1.1 Content-Length=3 ka body=abc\nend"},
  });
}

GRADED_TEST(HeaderFields, RandomFieldSectionsUnderRandomSplits, 10) {
  for (int round = 0; round < 40; ++round) {
    const auto count = static_cast<std::size_t>(random_between(0, 30));
    const RandomFields f = random_fields(count);
    expect_table({{"random section of " + std::to_string(count) + " fields",
                   "GET /r HTTP/1.1\r\n" + f.wire + "\r\n", "GET /r 1.1" + f.described + " ka\nend"}},
                 {}, 5);
    if (HasFailure()) return;
  }
}

GRADED_TEST(HeaderFields, RejectsMalformedFields, 10) {
  expect_well_formed_requests_accepted();
  expect_table({
      {"obs-fold", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", "error 400"},
      {"obs-fold with HTAB", "GET / HTTP/1.1\r\nA: b\r\n\tc\r\n\r\n", "error 400"},
      {"whitespace-led first line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", "error 400"},
      {"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", "error 400"},
      {"tab before colon", "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", "error 400"},
      {"empty name", "GET / HTTP/1.1\r\n: a\r\n\r\n", "error 400"},
      {"non-token name", "GET / HTTP/1.1\r\nA@b: c\r\n\r\n", "error 400"},
      {"quote in name", "GET / HTTP/1.1\r\nA\"b: c\r\n\r\n", "error 400"},
      {"obs-text in name", "GET / HTTP/1.1\r\nA\xe9: c\r\n\r\n", "error 400"},
      {"no colon", "GET / HTTP/1.1\r\nAbc\r\n\r\n", "error 400"},
      {"NUL in value", std::string("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 25), "error 400"},
      {"CTL in value", "GET / HTTP/1.1\r\nA: b\x01" "c\r\n\r\n", "error 400"},
      {"ESC in value", "GET / HTTP/1.1\r\nA: b\x1b" "c\r\n\r\n", "error 400"},
      {"DEL in value", "GET / HTTP/1.1\r\nA: b\x7f" "c\r\n\r\n", "error 400"},
      {"bare CR in value", "GET / HTTP/1.1\r\nA: b\rB: c\r\n\r\n", "error 400"},
      {"bare LF in value", "GET / HTTP/1.1\r\nA: b\nB: c\r\n\r\n", "error 400"},
      {"bare LF after name", "GET / HTTP/1.1\r\nA\n\r\n", "error 400"},
      {"bare LF ends section", "GET / HTTP/1.1\r\nA: b\r\n\n", "error 400"},
      {"bare CR ends section", "GET / HTTP/1.1\r\nA: b\r\n\rX", "error 400"},
      {"CR CR LF", "GET / HTTP/1.1\r\nA: b\r\r\n\r\n", "error 400"},
      {"error after a good message", "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nA : b\r\n\r\n", "GET / 1.1 ka\nerror 400"},
      {"bad trailer", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT : 1\r\n\r\n", "error 400"},
      {"obs-fold in trailers", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n 2\r\n\r\n", "error 400"},
  });
}

GRADED_TEST(HeaderFields, EnforcesARandomFieldCountLimitWith431, 5) {
  expect_well_formed_requests_accepted();
  for (int round = 0; round < 5; ++round) {
    ParserLimits limits;
    limits.max_header_count = static_cast<std::size_t>(random_between(1, 40));
    const RandomFields fit = random_fields(limits.max_header_count);
    const RandomFields over = random_fields(limits.max_header_count + 1);
    const std::string te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    expect_table({
        {"exactly the limit", "GET / HTTP/1.1\r\n" + fit.wire + "\r\n", "GET / 1.1" + fit.described + " ka\nend"},
        {"one over the limit", "GET / HTTP/1.1\r\n" + over.wire + "\r\n", "error 431"},
        {"one over, unfinished", "GET / HTTP/1.1\r\n" + over.wire, "error 431"},
        {"trailers over the limit", te + "0\r\n" + over.wire + "\r\n", "error 431"},
    }, limits, 3);
    if (HasFailure()) return;
  }
}

// Direct calls: zero copy, the exact end, and honest "incomplete".
GRADED_TEST(HeaderFields, ViewsPointIntoTheInputAndTheSectionEndsAtItsEmptyLine, 5) {
  test::GuardPage guard(4096);
  for (int round = 0; round < 30; ++round) {
    const RandomFields f = random_fields(static_cast<std::size_t>(random_between(0, 20)));
    const std::string tail = random_bytes(static_cast<std::size_t>(random_between(0, 8)));  // the body, next request...
    const std::string_view in = guard.place(f.wire + "\r\n" + tail);
    std::vector<Header> out(32);
    std::size_t count = 99;
    const http::ScanResult r = http::parse_field_section(in, out, count);
    ASSERT_EQ(r.kind, Scan::kComplete) << "section:\n" << f.wire << "reason: " << r.error.reason;
    EXPECT_EQ(r.consumed, f.wire.size() + 2) << "consumed must end right after the empty line's CRLF";
    ASSERT_EQ(count, f.fields.size());
    for (std::size_t i = 0; i < count; ++i) {
      EXPECT_EQ(out[i].name, f.fields[i].first);
      EXPECT_EQ(out[i].value, f.fields[i].second);
      for (std::string_view v : {out[i].name, out[i].value}) {
        EXPECT_TRUE(v.data() >= in.data() && v.data() + v.size() <= in.data() + in.size())
            << "field " << i << " is not a view into the input (copied?)";
      }
    }
    if (HasFailure()) return;
  }
}

GRADED_TEST(HeaderFields, PrefixesAreIncompleteAndErrorsComeAsSoonAsTheirBytesAre, 5) {
  test::GuardPage guard(4096);
  std::vector<Header> out(64);
  std::size_t count = 0;
  // Every proper prefix of a good section: incomplete, never an error, never complete.
  for (int round = 0; round < 10; ++round) {
    const RandomFields f = random_fields(static_cast<std::size_t>(random_between(1, 10)));
    const std::string section = f.wire + "\r\n";
    for (std::size_t n = 0; n < section.size(); ++n) {
      const http::ScanResult r = http::parse_field_section(guard.place(std::string_view(section).substr(0, n)), out, count);
      ASSERT_EQ(r.kind, Scan::kIncomplete) << "prefix of " << n << " bytes of\n" << section << "reason: " << r.error.reason;
    }
  }
  // Bad bytes are enough: the line does not need to end first.
  for (const char* bad : {"A: ok\r\n c", "Host : a", "A: b\x01", "A: b\rX", "A: b\n", "A@b", "\tA", ": v",
                          "A: ok\r\n\rX", "A: ok\r\n\n"}) {
    const http::ScanResult r = http::parse_field_section(guard.place(bad), out, count);
    EXPECT_EQ(r.kind, Scan::kError) << "'" << bad << "' already proves an error";
    EXPECT_EQ(r.error.status, http::StatusCode::kBadRequest) << bad;
    EXPECT_FALSE(r.error.reason.empty()) << "an error needs a reason: " << bad;
  }
  // No state between calls: the same bytes give the same answer again, count starts over.
  const std::string_view good = guard.place("A: 1\r\nB: 2\r\n\r\n");
  for (int i = 0; i < 2; ++i) {
    const http::ScanResult r = http::parse_field_section(good, out, count);
    EXPECT_EQ(r.kind, Scan::kComplete);
    EXPECT_EQ(count, 2u) << "call " << i;
  }
}

}  // namespace
}  // namespace osn::grading::lab05
