// http/parser.cc — the driver: which piece of a message comes next, and message assembly.
//
//   kIdle --request line starts--> kHead --no body--------------------> kMessageDone
//                                    |--Content-Length--> kFixedBody ---^      |
//                                    '--chunked--> kChunkedBody --> kTrailers -'
//   kMessageDone --keep-alive--> kIdle,  --close/upgrade/CONNECT--> kStopped
//   any state --bad byte or limit--> kFailed
// Each call runs the machine until it has one event to report. The pieces it drives live in
// request_line.cc, header_fields.cc, framing.cc and chunked_decoder.cc.
#include "http/parser.h"

#include <algorithm>

#include "http/framing.h"
#include "http/header_fields.h"
#include "http/request_line.h"

namespace osn::http {

RequestParser::RequestParser(std::span<Header> field_storage, const ParserLimits& limits)
    : storage_(field_storage.first(std::min(field_storage.size(), limits.max_header_count))),
      limits_(limits),
      chunked_(limits) {}  // `limits`, not `limits_`: reading back the member just written stalls

Event RequestParser::next(std::string_view in) {
  switch (state_) {
    case ParserState::kIdle: return skip_empty_lines(in);
    case ParserState::kHead: return parse_head(in);
    case ParserState::kFixedBody: return read_fixed_body(in);
    case ParserState::kChunkedBody: return read_chunked_body(in);
    case ParserState::kTrailers: return parse_trailers(in);
    case ParserState::kMessageDone: return finish_message();
    case ParserState::kStopped: return {EventKind::kStopped, 0, {}};
    case ParserState::kFailed: return {EventKind::kError, 0, {}};
  }
  return {EventKind::kError, 0, {}};
}

void RequestParser::start_message() {
  // Copied from a constant: a RequestHead{} temporary is built on the stack with narrow stores
  // and read back wide, which the CPU cannot forward (perf showed ~5% of a parse stalled here).
  static constexpr RequestHead kFreshHead{};
  head_ = kFreshHead;
  trailers_ = {};
  body_remaining_ = 0;
  state_ = ParserState::kHead;
}

Event RequestParser::fail(ParseError error, std::size_t consumed) {
  error_ = error;
  state_ = ParserState::kFailed;
  return {EventKind::kError, consumed, {}};
}

// RFC 9112 §2.2: a server SHOULD ignore at least one empty line (CRLF) before a request.
Event RequestParser::skip_empty_lines(std::string_view in) {
  std::size_t skipped = 0;
  while (skipped < in.size() && in[skipped] == '\r') {
    if (skipped + 1 == in.size()) return {EventKind::kNeedMore, skipped, {}};
    if (in[skipped + 1] != '\n') return fail({StatusCode::kBadRequest, "bare CR before a request"});
    skipped += 2;
  }
  if (skipped == in.size()) return {EventKind::kNeedMore, skipped, {}};
  if (in[skipped] == '\n') return fail({StatusCode::kBadRequest, "bare LF before a request"});
  start_message();
  return parse_head(in.substr(skipped), skipped);
}

// `skipped`: empty lines already consumed before `in`, counted into the event (passed in
// rather than added to the returned Event, which would be a narrow store and a wide reload).
Event RequestParser::parse_head(std::string_view in, std::size_t skipped) {
  // Only the first max_header_bytes can belong to the head: scanning no further makes the
  // 431 decision the same however the bytes arrived.
  const std::string_view window = in.substr(0, limits_.max_header_bytes);
  auto too_large_or_more = [&](const char* reason) {
    return in.size() > window.size() ? fail({StatusCode::kRequestHeaderFieldsTooLarge, reason}, skipped)
                                     : Event{EventKind::kNeedMore, skipped, {}};
  };
  RequestLine line;
  const ScanResult first = parse_request_line(window, limits_, line);
  if (first.kind == Scan::kError) return fail(first.error, skipped);
  if (first.kind == Scan::kIncomplete) return too_large_or_more("request line longer than the header limit");
  std::size_t count = 0;
  const ScanResult fields = parse_field_section(window.substr(first.consumed), storage_, count);
  if (fields.kind == Scan::kError) return fail(fields.error, skipped);
  if (fields.kind == Scan::kIncomplete) return too_large_or_more("header section larger than the limit");

  head_.method = line.method;
  head_.target = line.target;
  head_.version_minor = line.version_minor;
  head_.headers = storage_.first(count);
  const ParseError framing = interpret_framing(head_, limits_);
  if (framing.status != StatusCode::kOk) return fail(framing, skipped);
  body_remaining_ = head_.content_length;
  switch (head_.framing) {
    case BodyFraming::kNone: state_ = ParserState::kMessageDone; break;
    case BodyFraming::kContentLength: state_ = ParserState::kFixedBody; break;
    case BodyFraming::kChunked:
      chunked_.reset();  // here, not per message: most requests have no chunked body
      state_ = ParserState::kChunkedBody;
      break;
  }
  return {EventKind::kHeadComplete, skipped + first.consumed + fields.consumed, {}};
}

Event RequestParser::read_fixed_body(std::string_view in) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(body_remaining_, in.size()));
  if (n == 0) return {EventKind::kNeedMore, 0, {}};
  body_remaining_ -= n;
  if (body_remaining_ == 0) state_ = ParserState::kMessageDone;
  return {EventKind::kBodyData, n, in.substr(0, n)};
}

Event RequestParser::read_chunked_body(std::string_view in) {
  const ChunkedDecoder::Step step = chunked_.feed(in);
  switch (step.kind) {
    case ChunkedDecoder::Step::Kind::kData: return {EventKind::kBodyData, step.consumed, step.data};
    case ChunkedDecoder::Step::Kind::kNeedMore: return {EventKind::kNeedMore, step.consumed, {}};
    case ChunkedDecoder::Step::Kind::kError: return fail(step.error, step.consumed);
    case ChunkedDecoder::Step::Kind::kLastChunk: break;
  }
  state_ = ParserState::kTrailers;
  Event event = parse_trailers(in.substr(step.consumed));
  event.consumed += step.consumed;
  return event;
}

// The trailer section has the header section's grammar and shares its limits and storage.
Event RequestParser::parse_trailers(std::string_view in) {
  const std::string_view window = in.substr(0, limits_.max_header_bytes);
  const std::span<Header> room = storage_.subspan(head_.headers.size());
  std::size_t count = 0;
  const ScanResult fields = parse_field_section(window, room, count);
  if (fields.kind == Scan::kError) return fail(fields.error);
  if (fields.kind == Scan::kIncomplete) {
    if (in.size() > window.size()) {
      return fail({StatusCode::kRequestHeaderFieldsTooLarge, "trailer section larger than the limit"});
    }
    return {EventKind::kNeedMore, 0, {}};
  }
  trailers_ = room.first(count);
  Event event = finish_message();
  event.consumed = fields.consumed;
  return event;
}

// RFC 9112 §9.6: after "Connection: close" nothing more is read; after an upgrade or a
// CONNECT the remaining bytes are no longer HTTP.
Event RequestParser::finish_message() {
  if (head_.connect) {
    stop_ = StopReason::kConnect;
  } else if (head_.upgrade) {
    stop_ = StopReason::kUpgrade;
  } else if (!head_.keep_alive) {
    stop_ = StopReason::kClose;
  }
  state_ = stop_ == StopReason::kNone ? ParserState::kIdle : ParserState::kStopped;
  return {EventKind::kMessageComplete, 0, {}};
}

std::string_view RequestParser::state_name() const {
  switch (state_) {
    case ParserState::kIdle: return "idle";
    case ParserState::kHead: return "head";
    case ParserState::kFixedBody: return "fixed-body";
    case ParserState::kChunkedBody: return chunked_.state_name();
    case ParserState::kTrailers: return "trailers";
    case ParserState::kMessageDone: return "message-done";
    case ParserState::kStopped: return "stopped";
    case ParserState::kFailed: return "failed";
  }
  return "?";
}

std::string_view RequestParser::stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kNone: return "none";
    case StopReason::kClose: return "close";
    case StopReason::kUpgrade: return "upgrade";
    case StopReason::kConnect: return "connect";
  }
  return "?";
}

}  // namespace osn::http
