// labs/05-http-parsing/grader/chunked_grade.cc — part 2: ChunkedDecoder (chunked_decoder.h).
//
// Through the whole parser with every split (random chunk sizes, extensions, trailers, data
// that holds CR and LF), and directly: payload is a view into the input, a limit is reported
// at the size line before any of that chunk's data, a failed decoder stays failed, reset()
// starts a new body.
#include <string>
#include <vector>

#include "http/chunked_decoder.h"
#include "labs/05-http-parsing/grader/split_check.h"
#include "labs/grading/graded_test.h"
#include "tests/support/guard_page.h"

namespace osn::grading::lab05 {
namespace {

using http::ChunkedDecoder;
using http::ParserLimits;
using Kind = ChunkedDecoder::Step::Kind;

const std::string kTe = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
const std::string kHead = "POST / 1.1 Transfer-Encoding=chunked ka";

// chunk-ext with BWS, tokens and quoted strings (with quoted-pairs).
std::string random_extensions() {
  std::string out;
  const auto n = random_between(0, 3);
  for (std::int64_t i = 0; i < n; ++i) {
    out += random_ows() + ";" + random_ows() + random_token(1, 6);
    const auto value = random_between(0, 2);
    if (value == 1) out += random_ows() + "=" + random_ows() + random_token(1, 6);
    if (value == 2) out += random_ows() + "=" + random_ows() + "\"a\\\"b " + random_token(0, 4) + "\"";
  }
  return out;
}

struct RandomBody {
  std::string wire;
  std::string payload;
  std::string trailers_described;
};

RandomBody random_chunked_body(std::size_t max_chunks, std::size_t max_chunk) {
  RandomBody b;
  const auto chunks = random_between(0, static_cast<std::int64_t>(max_chunks));
  for (std::int64_t i = 0; i < chunks; ++i) {
    const std::string data = random_bytes(static_cast<std::size_t>(random_between(1, static_cast<std::int64_t>(max_chunk))));
    b.wire += random_hex(data.size()) + random_extensions() + "\r\n" + data + "\r\n";
    b.payload += data;
  }
  b.wire += std::string(static_cast<std::size_t>(random_between(1, 3)), '0') + random_extensions() + "\r\n";
  const auto trailers = random_between(0, 3);
  for (std::int64_t i = 0; i < trailers; ++i) {
    const std::string name = random_token(1, 8), value = random_field_value();
    b.wire += name + ":" + random_ows() + value + "\r\n";
    b.trailers_described += " trailer " + name + "=" + value;
  }
  b.wire += "\r\n";
  return b;
}

std::string described(const RandomBody& b) {
  return kHead + (b.payload.empty() ? "" : " body=" + b.payload) + b.trailers_described + "\nend";
}

GRADED_TEST(Chunked, DecodesChunkedBodiesUnderEverySplit, 10) {
  expect_table({
      {"two chunks", kTe + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", kHead + " body=hello world\nend"},
      {"hex and leading zeros", kTe + "00A\r\n0123456789\r\n000\r\n\r\n", kHead + " body=0123456789\nend"},
      {"upper and lower hex", kTe + "a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n", kHead + " body=0123456789abcdefghijk\nend"},
      {"extensions with BWS", kTe + "5 ; a = b ;c;d=\"q\\\"x\"\r\nhello\r\n0;e\r\n\r\n", kHead + " body=hello\nend"},
      {"CRLF inside data", kTe + "4\r\n\r\n\r\n\r\n0\r\n\r\n", kHead + " body=\r\n\r\n\nend"},
      {"trailers kept apart", kTe + "1\r\nx\r\n0\r\nT: 1\r\nU:  2 \r\n\r\n", kHead + " body=x trailer T=1 trailer U=2\nend"},
      {"empty body", kTe + "0\r\n\r\n", kHead + "\nend"},
      {"then pipelined", kTe + "0\r\n\r\nGET / HTTP/1.1\r\n\r\n", kHead + "\nGET / 1.1 ka\nend"},
      {"two chunked requests", kTe + "1\r\na\r\n0\r\n\r\n" + kTe + "1\r\nb\r\n0\r\n\r\n",
       kHead + " body=a\n" + kHead + " body=b\nend"},
      {"inside a chunk", kTe + "5\r\nhel", "incomplete"},
      {"inside the size line", kTe + "5;a=", "incomplete"},
      {"inside trailers", kTe + "0\r\nT: 1\r\n", "incomplete"},
  });
}

GRADED_TEST(Chunked, RandomChunkSizesExtensionsAndTrailersUnderRandomSplits, 10) {
  for (int round = 0; round < 30; ++round) {
    const RandomBody b = random_chunked_body(12, 300);
    expect_table({{"random chunked body", kTe + b.wire, described(b)}}, {}, 5);
    if (HasFailure()) return;
  }
  // A few large chunks: the payload must come through in views, not byte by byte forever.
  const RandomBody big = random_chunked_body(4, 70'000);
  const std::string why = check_every_split({"large chunks", kTe + big.wire, described(big)}, {}, 20, false);
  EXPECT_EQ(why, "");
}

GRADED_TEST(Chunked, RejectsBadChunkFraming, 10) {
  expect_well_formed_requests_accepted();
  expect_table({
      {"size not hex", kTe + "g\r\n", "error 400"},
      {"empty size", kTe + "\r\n", "error 400"},
      {"0x prefix", kTe + "0x5\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"plus sign", kTe + "+5\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"negative size", kTe + "-1\r\n", "error 400"},
      {"space before size", kTe + " 5\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"size 2^63", kTe + "8000000000000000\r\n", "error 400"},
      {"size 2^64 + 5 (wraps to 5)", kTe + "10000000000000005\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"space then CRLF", kTe + "5 \r\nhello\r\n0\r\n\r\n", "error 400"},
      {"tab then CRLF", kTe + "5\t\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"bare LF after size", kTe + "5\nhello\r\n0\r\n\r\n", "error 400"},
      {"bare CR after size", kTe + "5\r\r;x\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"data too long", kTe + "5\r\nhelloX\r\n0\r\n\r\n", "error 400"},
      {"data too short", kTe + "5\r\nhell\r\n0\r\n\r\n", "error 400"},
      {"bare LF after data", kTe + "5\r\nhello\n0\r\n\r\n", "error 400"},
      {"bare CR after data", kTe + "5\r\nhello\r0\r\n\r\n", "error 400"},
      {"bad ext name", kTe + "5;=x\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"ext name not a token", kTe + "5;a@b\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"ext value missing", kTe + "5;a=\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"ext whitespace at the end", kTe + "5;a \r\nhello\r\n0\r\n\r\n", "error 400"},
      {"CTL in quoted ext", kTe + "5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"unterminated quote", kTe + "5;a=\"b\r\nhello\r\n0\r\n\r\n", "error 400"},
      {"bare LF in ext", kTe + "5;a\nhello\r\n0\r\n\r\n", "error 400"},
      {"last chunk with space", kTe + "0 \r\n\r\n", "error 400"},
      {"bare LF ends trailers", kTe + "0\r\n\n", "error 400"},
      {"body shown before error", kTe + "5\r\nhello\r\nz\r\n", "error 400"},
  });
}

GRADED_TEST(Chunked, EnforcesRandomBodyAndExtensionLimitsWith413, 5) {
  expect_well_formed_requests_accepted();
  for (int round = 0; round < 5; ++round) {
    ParserLimits limits;
    limits.max_body_bytes = static_cast<std::uint64_t>(random_between(2, 200));
    limits.max_chunk_ext_bytes = static_cast<std::size_t>(random_between(4, 40));
    const std::size_t lim = limits.max_body_bytes;
    const std::string at = std::string(lim - 1, 'a'), one = "b";
    // Under and over whether or not the ';' counts.
    const std::string ext_ok = ";" + std::string(limits.max_chunk_ext_bytes - 2, 'e');
    const std::string ext_over = ";" + std::string(limits.max_chunk_ext_bytes + 1, 'e');
    expect_table({
        {"body at the limit", kTe + random_hex(lim - 1) + "\r\n" + at + "\r\n1\r\nb\r\n0\r\n\r\n", kHead + " body=" + at + one + "\nend"},
        {"one chunk over", kTe + random_hex(lim + 1) + "\r\n", "error 413"},
        {"the sum over", kTe + random_hex(lim - 1) + "\r\n" + at + "\r\n2\r\nbc\r\n0\r\n\r\n", "error 413"},
        {"extensions at the limit", kTe + "1" + ext_ok + "\r\nx\r\n0\r\n\r\n", kHead + " body=x\nend"},
        {"extensions over", kTe + "1" + ext_over + "\r\nx\r\n0\r\n\r\n", "error 413"},
    }, limits, 3);
    if (HasFailure()) return;
  }
}

// Feeds `wire` whole to a fresh decoder the way the parser does; what came out.
struct Decoded {
  std::string payload;
  Kind last = Kind::kNeedMore;
  http::StatusCode status = http::StatusCode::kOk;
  std::size_t consumed = 0;
  bool views_inside = true;
};

Decoded decode(ChunkedDecoder& d, std::string_view wire) {
  Decoded out;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const ChunkedDecoder::Step s = d.feed(wire.substr(out.consumed));
    const std::string_view rest = wire.substr(out.consumed);
    if (s.kind == Kind::kData) {
      out.payload.append(s.data);
      out.views_inside &= s.data.data() >= rest.data() && s.data.data() + s.data.size() <= rest.data() + rest.size();
    }
    out.consumed += s.consumed;
    out.last = s.kind;
    if (s.kind == Kind::kError) out.status = s.error.status;
    if (s.kind == Kind::kLastChunk || s.kind == Kind::kError) return out;
    if (s.kind == Kind::kNeedMore) return out;
  }
  return out;
}

GRADED_TEST(Chunked, PayloadIsAViewALimitStopsBeforeDataAndResetStartsOver, 10) {
  test::GuardPage guard(1 << 20);
  for (int round = 0; round < 10; ++round) {
    ParserLimits limits;
    limits.max_body_bytes = static_cast<std::uint64_t>(random_between(10, 5000));
    ChunkedDecoder d(limits);
    // A body that fits: views into the input, kLastChunk right after "0\r\n" (trailers are not its).
    const std::string data = random_bytes(static_cast<std::size_t>(random_between(1, static_cast<std::int64_t>(limits.max_body_bytes))));
    const std::string body = random_hex(data.size()) + "\r\n" + data + "\r\n0\r\n";
    const Decoded ok = decode(d, guard.place(body + "T: 1\r\n\r\n"));
    EXPECT_EQ(ok.last, Kind::kLastChunk);
    EXPECT_EQ(ok.payload, data);
    EXPECT_TRUE(ok.views_inside) << "kData must be a view into the bytes given to feed()";
    EXPECT_EQ(ok.consumed, body.size()) << "kLastChunk: the trailer section starts right after the last-chunk line";
    // Done means done: nothing more is taken until reset().
    EXPECT_NE(d.feed(guard.place("5\r\nhello\r\n")).kind, Kind::kData) << "data after the last chunk";
    d.reset();
    // Over the limit: 413 at the size line, before any byte of that chunk.
    const std::string over = random_hex(limits.max_body_bytes + static_cast<std::uint64_t>(random_between(1, 100)));
    const Decoded big = decode(d, guard.place(over + "\r\n" + random_bytes(20)));
    EXPECT_EQ(big.last, Kind::kError);
    EXPECT_EQ(big.status, http::StatusCode::kContentTooLarge);
    EXPECT_TRUE(big.payload.empty()) << "no data may be passed on from a chunk that is over the limit";
    EXPECT_EQ(d.feed(guard.place("5\r\nhello\r\n")).kind == Kind::kData, false) << "an error is final until reset()";
    // reset(): a new body with the same limits.
    d.reset();
    const Decoded again = decode(d, guard.place("3\r\nabc\r\n0\r\n\r\n"));
    EXPECT_EQ(again.last, Kind::kLastChunk);
    EXPECT_EQ(again.payload, "abc");
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace osn::grading::lab05
