// tests/http/conformance_test.cc — 408 request vectors from other HTTP implementations' test
// suites, judged against RFC 9112/9110, run black-box through `httpdump --json`.
//
// The corpus lives outside the repository (../shared/conformance/http_vectors.jsonl from the
// repo root, or $OSN_CONFORMANCE_DIR) and is never copied in; without it these tests are
// skipped with the reason. Each vector runs whole and with --split 1. Rules (the corpus README
// has the full contract): `ok` must give exactly its messages; `error` must be rejected (after
// messages_before_error); `either` may go both ways, but an accepted result must match, and
// we require the corpus's `preferred` choice where it names one (docs/http.md lists each).
// Host is not required here: that is the server's rule (RFC 9112 §3.2), not the parser's.
// Finding, loading and judging the corpus is tests/support/http_vectors.h (lab 05's grader
// applies the same rules to the student's parser).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tests/support/http_vectors.h"
#include "tests/support/mini_json.h"
#include "tests/support/run_program.h"

namespace {

namespace fs = std::filesystem;
using osn::test::Json;
using osn::test::VectorOutcome;

// ---- running httpdump ---------------------------------------------------------------------

struct DumpResult {
  VectorOutcome outcome;
  std::string broken;  // "" unless httpdump failed or its exit code disagrees with its output
};

// Runs `httpdump --json [--split 1]` on `input`: each message line becomes a message, the last
// line (error / incomplete / stop, or none) and the exit code (0, 1 error, 2 incomplete) the end.
DumpResult run_httpdump(const fs::path& tool, const std::string& input, bool split) {
  std::vector<std::string> args = {"--json"};
  if (split) args.insert(args.end(), {"--split", "1"});
  const osn::test::ProgramResult run = osn::test::run_program(tool.string(), args, osn::test::RunOptions::with_input(input));
  DumpResult result;
  Json terminal;
  const std::string_view text = run.out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t nl = text.find('\n', start);
    Json line;
    if (!osn::test::parse_json(text.substr(start, nl - start), line)) break;
    if (line.find("method") != nullptr) result.outcome.messages.push_back(osn::test::vector_message_from_json(line, false));
    else terminal = std::move(line);
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  int want_exit = 0;
  if (terminal.find("error") != nullptr) {
    result.outcome.end = VectorOutcome::End::kError;
    want_exit = 1;
  } else if (terminal.find("incomplete") != nullptr) {
    result.outcome.end = VectorOutcome::End::kIncomplete;
    want_exit = 2;
  } else if (const Json* stop = terminal.find("stop")) {
    result.outcome.end = VectorOutcome::End::kStop;
    result.outcome.stop_reason = stop->string;
    const Json* rest = terminal.find("rest");
    result.outcome.rest = rest ? static_cast<std::size_t>(rest->number) : 0;
  }
  if (run.exit_code < 0 || run.exit_code > 2) result.broken = "httpdump failed, exit " + std::to_string(run.exit_code);
  else if (run.exit_code != want_exit) result.broken = "httpdump exited " + std::to_string(run.exit_code) + " after that output";
  return result;
}

// ---- the tests ----------------------------------------------------------------------------

// Runs every vector whose `expect` is `kind`, whole and with --split 1.
void run_kind(const std::string& kind) {
  const osn::test::HttpVectors& c = osn::test::http_vectors();
  if (!c.path) GTEST_SKIP() << osn::test::kNoHttpVectorsReason;
  const fs::path tool = osn::test::locate_tool("httpdump");
  ASSERT_TRUE(fs::exists(tool)) << tool << " not built (set OSN_BIN_DIR)";
  int total = 0, passed = 0, smuggling_accepted = 0;
  for (const Json& record : c.records) {
    if (osn::test::vector_flag(record, "expect") != kind) continue;
    ++total;
    const std::string raw = osn::test::base64_decode(osn::test::vector_flag(record, "raw_b64"));
    bool ok = true;
    for (const bool split : {false, true}) {
      const DumpResult r = run_httpdump(tool, raw, split);
      const std::string why = r.broken.empty() ? osn::test::judge_vector(record, r.outcome) : r.broken;
      if (!why.empty()) {
        ADD_FAILURE() << osn::test::vector_flag(record, "id") << (split ? " (--split 1): " : " (whole): ") << why;
        ok = false;
      }
      const bool must_reject = kind == "error" || osn::test::vector_flag(record, "preferred") == "error";
      if (osn::test::vector_tagged(record, "smuggling") && must_reject && !osn::test::is_rejection(r.outcome, true))
        ++smuggling_accepted;
    }
    passed += ok ? 1 : 0;
  }
  std::cout << "conformance " << kind << ": " << passed << "/" << total
            << " vectors right (whole and --split 1); smuggling vectors accepted: " << smuggling_accepted << "\n";
  EXPECT_EQ(smuggling_accepted, 0);
  EXPECT_GT(total, 0);
}

TEST(HttpConformance, OkVectorsGiveExactlyTheirMessages) { run_kind("ok"); }
TEST(HttpConformance, ErrorVectorsAreRejected) { run_kind("error"); }
TEST(HttpConformance, EitherVectorsFollowThePreferredChoice) { run_kind("either"); }

}  // namespace
