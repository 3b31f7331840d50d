// http/message.h — the vocabulary shared by every piece of the request parser.
//
// Zero-copy: a Header or RequestHead holds std::string_views into the *caller's* buffer; the
// parser never allocates or copies. The views stay valid while the caller keeps those bytes
// where they are. Every scanning function answers with a ScanResult: complete (and how many
// bytes it used), incomplete (feed more bytes, the same ones again plus new ones), or an error
// carrying the status to answer with and a short human reason. See http/README.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/status.h"

namespace osn::http {

// Every limit a hostile client could otherwise push to exhaust memory or time.
struct ParserLimits {
  std::size_t max_header_bytes = 16 * 1024;          // request line + fields + CRLF -> 431
  std::size_t max_header_count = 100;                // field lines (trailers too) -> 431
  std::size_t max_target_bytes = 8 * 1024;           // request-target -> 414
  std::uint64_t max_body_bytes = 64ull * 1024 * 1024;  // decoded body -> 413
  std::size_t max_chunk_ext_bytes = 4096;            // extensions on one chunk line -> 413
};

struct Header {
  std::string_view name;   // a token, case preserved
  std::string_view value;  // leading and trailing OWS removed
};

enum class BodyFraming : std::uint8_t { kNone, kContentLength, kChunked };

// The request line and header section, interpreted.
struct RequestHead {
  std::string_view method;
  std::string_view target;
  int version_minor = 1;                 // HTTP/1.<minor>; >= 1 means 1.1 semantics
  std::span<const Header> headers;
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;      // when framing == kContentLength
  bool keep_alive = true;                // the connection may carry another request
  bool upgrade = false;                  // Connection: upgrade + Upgrade: -> protocol switch
  bool connect = false;                  // CONNECT: the bytes after the head are a tunnel
};

struct ParseError {
  StatusCode status = StatusCode::kOk;
  std::string_view reason;  // a string literal: "bare LF in field line", ...
};

enum class Scan : std::uint8_t { kComplete, kIncomplete, kError };

struct ScanResult {
  Scan kind = Scan::kIncomplete;
  std::size_t consumed = 0;  // bytes used, when kComplete
  ParseError error;          // when kError
};

inline ScanResult scan_complete(std::size_t consumed) { return {Scan::kComplete, consumed, {}}; }
inline ScanResult scan_incomplete() { return {Scan::kIncomplete, 0, {}}; }
inline ScanResult scan_error(StatusCode status, std::string_view reason) {
  return {Scan::kError, 0, {status, reason}};
}

}  // namespace osn::http
