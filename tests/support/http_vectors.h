// tests/support/http_vectors.h — the public HTTP request corpus, and its judgement.
//
// The corpus (../shared/conformance/http_vectors.jsonl from the repository root, or
// $OSN_CONFORMANCE_DIR) holds request vectors from other HTTP implementations' test suites,
// judged against RFC 9112/9110; it lives outside the repository and is never copied in. Each
// record says what a strict parser must do with its bytes: `ok` (exactly these messages),
// `error` (rejected, after messages_before_error), `either` (both allowed, an accepted result
// must match, and `preferred` names the choice we require). This file finds and loads it and
// applies those rules to a VectorOutcome — what a parser made of the bytes, however it was run:
// tests/http/conformance_test.cc fills one from `httpdump --json`, lab 05's grader from the
// student's RequestParser in its own process. The corpus README is the full contract.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/mini_json.h"

namespace osn::test {

// The corpus file, or nullopt when it is not there (callers skip with the reason).
std::optional<std::filesystem::path> find_http_vectors();

struct HttpVectors {
  std::optional<std::filesystem::path> path;  // nullopt: not found
  std::vector<Json> records;                  // one per line of the file
};
const HttpVectors& http_vectors();  // loaded once per process

constexpr const char* kNoHttpVectorsReason =
    "conformance corpus not found: set OSN_CONFORMANCE_DIR or place ../shared/conformance";

std::string base64_decode(std::string_view in);

// A record's string member (a true bool gives "true"), or "" when it is absent.
std::string vector_flag(const Json& record, const char* key);
bool vector_tagged(const Json& record, std::string_view tag);

// One parsed request, from either side.
struct VectorMessage {
  std::string method, target, version, body;
  std::vector<std::pair<std::string, std::string>> headers, trailers;
  bool keep_alive = false;
};

// A message as JSON (a record's expectation: body in "body_b64"; httpdump's output: "body").
VectorMessage vector_message_from_json(const Json& m, bool body_is_base64);

// What a parser made of one vector's bytes.
struct VectorOutcome {
  std::vector<VectorMessage> messages;
  enum class End { kClean, kIncomplete, kError, kStop } end = End::kClean;
  std::string stop_reason;  // kStop: "close", "upgrade", "connect"
  std::size_t rest = 0;     // kStop: bytes left after the stop
};

// Rejected: an error, or (where the vector needs the end of input to finish) incomplete.
bool is_rejection(const VectorOutcome& outcome, bool incomplete_counts);

// "" when the outcome is right for the record; otherwise what is wrong.
std::string judge_vector(const Json& record, const VectorOutcome& outcome);

}  // namespace osn::test
