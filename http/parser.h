// http/parser.h — the request parser: bytes in, events out, no I/O, no allocation.
//
// Contract (picohttpparser-style head, streaming body):
//   * The caller keeps a buffer of bytes received and not yet consumed, and calls
//     next(unconsumed) in a loop. Each call returns one Event; the caller then drops
//     event.consumed bytes from the front of its buffer.
//   * kNeedMore: read more bytes, append them, call again with *all* unconsumed bytes. The
//     head (request line + header section) and the trailer section are re-scanned from their
//     start until complete; a body is decoded as it arrives and never re-scanned.
//   * kHeadComplete: head() is valid. kBodyData: event.data is decoded payload (views into the
//     caller's buffer). kMessageComplete: trailers() is valid; the next message may follow.
//   * kStopped: parsing ends on purpose (stop_reason(): Connection close, upgrade, CONNECT);
//     the unconsumed bytes belong to the tunnel or are to be discarded. kError: error() says
//     which status to answer with; the connection must be closed. Both are final.
//   * Views in head() and trailers() point into the caller's buffer: they stay valid as long as
//     the caller does not move or overwrite those bytes (even after consuming them).
//   * Any split of the input into calls gives the same messages, errors and stop.
// Owned by one connection; not thread-safe; field storage is the caller's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/chunked_decoder.h"
#include "http/message.h"

namespace osn::http {

enum class ParserState : std::uint8_t {
  kIdle,          // between messages (empty lines before a request are skipped)
  kHead,          // request line and header section, re-scanned until complete
  kFixedBody,     // Content-Length bytes still due
  kChunkedBody,   // the chunked decoder runs
  kTrailers,      // trailer section after the last chunk, re-scanned until complete
  kMessageDone,   // next() reports kMessageComplete
  kStopped,       // close / upgrade / CONNECT: final
  kFailed,        // error: final
};

enum class StopReason : std::uint8_t { kNone, kClose, kUpgrade, kConnect };

enum class EventKind : std::uint8_t {
  kNeedMore, kHeadComplete, kBodyData, kMessageComplete, kStopped, kError,
};

struct Event {
  EventKind kind = EventKind::kNeedMore;
  std::size_t consumed = 0;
  std::string_view data;  // kBodyData only
};

class RequestParser {
 public:
  // `field_storage` receives the header fields, then the trailer fields, of each message; at
  // most limits.max_header_count of them are used. (The default limits are a constant, not a
  // `{}` temporary: one built on the caller's stack and copied stalled every construction.)
  static constexpr ParserLimits kDefaultLimits{};
  explicit RequestParser(std::span<Header> field_storage, const ParserLimits& limits = kDefaultLimits);

  Event next(std::string_view unconsumed);

  ParserState state() const { return state_; }
  const RequestHead& head() const { return head_; }
  std::span<const Header> trailers() const { return trailers_; }
  const ParseError& error() const { return error_; }
  StopReason stop_reason() const { return stop_; }
  const ParserLimits& limits() const { return limits_; }

  // "head", "chunked-body/chunk-data", ...: for traces (httpdump --trace).
  std::string_view state_name() const;
  static std::string_view stop_reason_name(StopReason reason);

 private:
  Event skip_empty_lines(std::string_view in);
  Event parse_head(std::string_view in, std::size_t skipped = 0);
  Event read_fixed_body(std::string_view in);
  Event read_chunked_body(std::string_view in);
  Event parse_trailers(std::string_view in);
  Event finish_message();
  Event fail(ParseError error, std::size_t consumed = 0);
  void start_message();

  std::span<Header> storage_;
  ParserLimits limits_;
  ChunkedDecoder chunked_;
  ParserState state_ = ParserState::kIdle;
  StopReason stop_ = StopReason::kNone;
  RequestHead head_;
  std::span<const Header> trailers_;
  std::uint64_t body_remaining_ = 0;
  ParseError error_;
};

}  // namespace osn::http
