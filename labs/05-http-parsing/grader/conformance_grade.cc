// labs/05-http-parsing/grader/conformance_grade.cc — the public corpus, and smuggling.
//
// The corpus (../shared/conformance/http_vectors.jsonl, or $OSN_CONFORMANCE_DIR) holds 408
// request vectors from other HTTP implementations' test suites, judged against RFC 9112/9110;
// its README is the contract, tests/support/http_vectors.h applies it (tests/http/conformance_test.cc
// through httpdump).
// Here the same judgement runs in this process, on your parser, whole, byte by byte and at
// random cuts. The smuggling check is worth the most: every vector a strict parser must
// reject — the corpus's smuggling vectors and the classic ones below — is rejected under
// every split, while the same requests made well-formed are accepted.
#include <iostream>
#include <string>
#include <vector>

#include "http/parser.h"
#include "labs/05-http-parsing/grader/split_check.h"
#include "labs/grading/graded_test.h"
#include "tests/support/http_vectors.h"
#include "tests/support/mini_json.h"

namespace osn::grading::lab05 {
namespace {

using test::Json;

// ---- running the parser (as httpdump --json does, in this process) -------------------------

using Message = test::VectorMessage;
using Outcome = test::VectorOutcome;
using test::base64_decode;
using test::is_rejection;

std::string flag(const Json& record, const char* key) { return test::vector_flag(record, key); }

const std::vector<Json>* corpus() {
  const test::HttpVectors& vectors = test::http_vectors();
  return vectors.path ? &vectors.records : nullptr;
}

Outcome parse_all(std::string_view input, const std::vector<std::size_t>& cuts) {
  std::vector<http::Header> storage(http::ParserLimits{}.max_header_count);
  http::RequestParser parser(storage);
  Outcome out;
  Message current;
  std::size_t pos = 0, next_cut = 0;
  std::size_t available = cuts.empty() ? input.size() : cuts[0];
  auto copy = [](std::span<const http::Header> fields) {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& h : fields) v.emplace_back(h.name, h.value);
    return v;
  };
  for (int calls = 0; calls < 10'000'000; ++calls) {
    const http::Event e = parser.next(input.substr(pos, available - pos));
    pos += e.consumed;
    switch (e.kind) {
      case http::EventKind::kNeedMore:
        if (available == input.size()) {
          const bool clean = pos == input.size() && parser.state() == http::ParserState::kIdle;
          out.end = clean ? Outcome::End::kClean : Outcome::End::kIncomplete;
          return out;
        }
        ++next_cut;
        available = next_cut < cuts.size() ? std::max(available, cuts[next_cut]) : input.size();
        break;
      case http::EventKind::kHeadComplete: {
        const http::RequestHead& head = parser.head();
        current = Message{std::string(head.method), std::string(head.target),
                          "1." + std::to_string(head.version_minor), "", copy(head.headers), {}, head.keep_alive};
        break;
      }
      case http::EventKind::kBodyData: current.body.append(e.data); break;
      case http::EventKind::kMessageComplete:
        current.trailers = copy(parser.trailers());
        out.messages.push_back(current);
        break;
      case http::EventKind::kStopped:
        out.end = Outcome::End::kStop;
        out.stop_reason = std::string(http::RequestParser::stop_reason_name(parser.stop_reason()));
        out.rest = input.size() - pos;
        return out;
      case http::EventKind::kError: out.end = Outcome::End::kError; return out;
    }
  }
  out.end = Outcome::End::kIncomplete;  // no progress: counts as not accepted
  return out;
}

// The splits every vector runs under: whole, byte by byte, and two random cuttings.
std::vector<std::pair<std::string, std::vector<std::size_t>>> splits_for(std::size_t size) {
  std::vector<std::size_t> bytewise;
  for (std::size_t i = 1; i < size; ++i) bytewise.push_back(i);
  return {{"whole", {}}, {"byte by byte", bytewise}, {"random cuts", random_cuts(size)}, {"random cuts", random_cuts(size)}};
}

void run_kind(const std::string& kind) {
  // First, so that a check skipped for want of the corpus is never a free pass.
  expect_well_formed_requests_accepted();
  if (::testing::Test::HasFatalFailure()) return;
  const std::vector<Json>* records = corpus();
  if (records == nullptr) GTEST_SKIP() << test::kNoHttpVectorsReason;
  int total = 0, right = 0;
  for (const Json& record : *records) {
    if (flag(record, "expect") != kind) continue;
    ++total;
    const std::string raw = base64_decode(flag(record, "raw_b64"));
    bool ok = true;
    for (const auto& [how, cuts] : splits_for(raw.size())) {
      const std::string why = test::judge_vector(record, parse_all(raw, cuts));
      if (!why.empty()) {
        ADD_FAILURE() << flag(record, "id") << " (" << how << "): " << why;
        ok = false;
        break;
      }
    }
    right += ok ? 1 : 0;
  }
  std::cout << "conformance " << kind << ": " << right << "/" << total << " vectors right under every split\n";
  EXPECT_GT(total, 0);
}

GRADED_TEST(Conformance, OkVectorsGiveExactlyTheirMessages, 5) { run_kind("ok"); }
GRADED_TEST(Conformance, ErrorVectorsAreRejected, 5) { run_kind("error"); }
GRADED_TEST(Conformance, EitherVectorsFollowThePreferredChoice, 5) { run_kind("either"); }

// ---- smuggling -------------------------------------------------------------------------------

// A classic smuggling vector (rejected with `status` under every split) and the same request
// made well-formed (accepted, with the description given), so that refusing all is no answer.
struct Vector {
  const char* name;
  std::string smuggled;
  std::string status;
  std::string fixed;
  std::string fixed_described;
};

std::vector<Vector> classic_vectors() {
  const std::string post = "POST / HTTP/1.1\r\n";
  const std::string te = post + "Transfer-Encoding: chunked\r\n\r\n";
  const std::string next = "GET /admin HTTP/1.1\r\n\r\n";  // what a smuggler hides
  const std::string h = "POST / 1.1 Transfer-Encoding=chunked ka";
  const std::string good = "5\r\nhello\r\n0\r\n\r\n";
  const std::string after = "\nGET /admin 1.1 ka\nend";
  return {
      {"space before colon in Transfer-Encoding", post + "Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n" + good, "400",
       post + "Transfer-Encoding: chunked\r\n\r\n" + good + next, h + " body=hello" + after},
      {"obs-folded Transfer-Encoding", post + "Content-Length: 4\r\nTransfer-Encoding:\r\n chunked\r\n\r\n" + good, "400",
       te + good + next, h + " body=hello" + after},
      {"whitespace-led field line", post + " Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + good, "400",
       te + good + next, h + " body=hello" + after},
      {"bare LF ends a field", post + "X: a\nTransfer-Encoding: chunked\r\n\r\n" + good, "400",
       post + "X: a\r\nTransfer-Encoding: chunked\r\n\r\n" + good + next, "POST / 1.1 X=a Transfer-Encoding=chunked ka body=hello" + after},
      {"bare CR in a field value", post + "X: a\rTransfer-Encoding: chunked\r\n\r\n" + good, "400",
       post + "X: a\r\nTransfer-Encoding: chunked\r\n\r\n" + good + next, "POST / 1.1 X=a Transfer-Encoding=chunked ka body=hello" + after},
      {"NUL in a field value", post + std::string("X: a\0b\r\n", 8) + "Transfer-Encoding: chunked\r\n\r\n" + good, "400",
       post + "X: ab\r\nTransfer-Encoding: chunked\r\n\r\n" + good + next, "POST / 1.1 X=ab Transfer-Encoding=chunked ka body=hello" + after},
      {"vertical tab in a field name", post + "Transfer-Encoding\x0b: chunked\r\n\r\n" + good, "400",
       te + good + next, h + " body=hello" + after},
      {"chunk size 0x5", te + "0x5\r\nhello\r\n0\r\n\r\n" + next, "400", te + "5\r\nhello\r\n0\r\n\r\n" + next, h + " body=hello" + after},
      {"chunk size overflows 2^64 into 5", te + "10000000000000005\r\nhello\r\n0\r\n\r\n" + next, "400",
       te + "0000000000000005\r\nhello\r\n0\r\n\r\n" + next, h + " body=hello" + after},
      {"chunk size ffffffffffffffff", te + "ffffffffffffffff\r\nhello\r\n0\r\n\r\n" + next, "400",
       te + "00000000000000ff\r\n" + std::string(255, 'x') + "\r\n0\r\n\r\n" + next, h + " body=" + std::string(255, 'x') + after},
      {"chunk size with a sign", te + "+5\r\nhello\r\n0\r\n\r\n" + next, "400", te + good + next, h + " body=hello" + after},
      {"whitespace before the size line's CRLF", te + "5 \r\nhello\r\n0\r\n\r\n" + next, "400",
       te + "5 ;x\r\nhello\r\n0\r\n\r\n" + next, h + " body=hello" + after},
      {"bare LF after the chunk size", te + "5\nhello\r\n0\r\n\r\n" + next, "400", te + good + next, h + " body=hello" + after},
      {"bare CR after the chunk size", te + "5\r\r;x\r\nhello\r\n0\r\n\r\n" + next, "400", te + "5;x\r\nhello\r\n0\r\n\r\n" + next, h + " body=hello" + after},
      {"bare LF after chunk data", te + "5\r\nhello\n0\r\n\r\n" + next, "400", te + good + next, h + " body=hello" + after},
      {"chunk data longer than its size", te + "3\r\nhello\r\n0\r\n\r\n" + next, "400", te + "3\r\nhel\r\n0\r\n\r\n" + next, h + " body=hel" + after},
      {"bare LF in a chunk extension", te + "5;a\nb\r\nhello\r\n0\r\n\r\n" + next, "400", te + "5;ab\r\nhello\r\n0\r\n\r\n" + next, h + " body=hello" + after},
      {"CR LF inside a quoted extension", te + "5;a=\"x\r\ny\"\r\nhello\r\n0\r\n\r\n" + next, "400",
       te + "5;a=\"x y\"\r\nhello\r\n0\r\n\r\n" + next, h + " body=hello" + after},
      {"last chunk with trailing whitespace", te + "0 \r\n\r\n" + next, "400", te + "0\r\n\r\n" + next, h + after},
      {"bare LF ends the trailers", te + "0\r\nT: 1\r\n\n" + next, "400", te + "0\r\nT: 1\r\n\r\n" + next, h + " trailer T=1" + after},
      {"obs-fold in the trailers", te + "0\r\nT: 1\r\n 2\r\n\r\n" + next, "400", te + "0\r\nT: 1 2\r\n\r\n" + next, h + " trailer T=1 2" + after},
  };
}

GRADED_TEST(Smuggling, NoSmugglingVectorIsAccepted, 20) {
  expect_well_formed_requests_accepted();
  int vectors = 0;
  for (const Vector& v : classic_vectors()) {
    ++vectors;
    std::string why = check_every_split({std::string(v.name) + " (fixed)", v.fixed, v.fixed_described}, {}, 3);
    EXPECT_EQ(why, "") << "the well-formed twin must be accepted";
    why = check_every_split({v.name, v.smuggled, "error " + v.status}, {}, 5);
    EXPECT_EQ(why, "") << "SMUGGLING VECTOR ACCEPTED";
  }
  int from_corpus = 0, accepted_count = 0;
  if (const std::vector<Json>* records = corpus()) {
    for (const Json& record : *records) {
      const bool must_reject = flag(record, "expect") == "error" || flag(record, "preferred") == "error";
      if (!test::vector_tagged(record, "smuggling") || !must_reject) continue;
      ++from_corpus;
      const std::string raw = base64_decode(flag(record, "raw_b64"));
      for (const auto& [how, cuts] : splits_for(raw.size())) {
        if (!is_rejection(parse_all(raw, cuts), true)) {
          ADD_FAILURE() << "SMUGGLING VECTOR ACCEPTED: " << flag(record, "id") << " (" << how << ")";
          ++accepted_count;
          break;
        }
      }
    }
  } else {
    std::cout << "conformance corpus not found (OSN_CONFORMANCE_DIR): only the classic vectors ran\n";
  }
  std::cout << "smuggling: " << vectors << " classic vectors and " << from_corpus
            << " from the corpus; accepted: " << accepted_count << " from the corpus\n";
}

}  // namespace
}  // namespace osn::grading::lab05
