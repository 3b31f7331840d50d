// http/chunked_decoder.h — lab 05, part 2: the chunked transfer coding (RFC 9112 §7.1).
//
// THE CONTRACT a decoder implements (tests/http/parser_test.cc and parser_api_test.cc hold
// it to this; the rest of the parser relies on nothing else):
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//   chunk-ext    = *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )
//
//   Input   feed(in): the body bytes not yet consumed, split anywhere. The caller drops
//           step.consumed bytes and calls again with the rest plus what arrives next. A byte
//           once consumed is never given again, so the decoder keeps its place itself.
//   Output  one Step per call:
//             kNeedMore   everything in `in` was framing, or more is needed (consumed may be 0);
//             kData       `data` is payload — a view into `in`, never a copy; consumed counts
//                         the framing before it and the payload;
//             kLastChunk  the last-chunk line and its CRLF are consumed: the trailer section
//                         (parsed by http/header_fields.h) starts after `consumed` bytes;
//             kError      error.status and error.reason (a string literal). Final.
//           After kLastChunk or kError the decoder does nothing until reset().
//   Errors  400 Bad Request: a size that is empty, not HEXDIG or reaches 2^63; whitespace
//             after the size not followed by ";"; an extension off the grammar above (bad
//             name or value, a control character in a quoted-string); chunk-data not followed
//             by CRLF; a bare CR or a bare LF anywhere in the framing.
//           413 Content Too Large: the sum of chunk sizes passes limits.max_body_bytes (say
//             so at the size line, before any of that chunk's data is passed on); the
//             extensions of one line pass limits.max_chunk_ext_bytes (they are not body).
//   Smuggling  two parsers that split a chunked body differently disagree on where the next
//           request starts, so nothing is repaired or guessed: no bare LF as a line end, no
//           whitespace before CRLF, no leniency in sizes (no "0x", no sign, no overflow).
//   Always  the same payload bytes and the same final step for any split of the input;
//           never reads outside `in`; never allocates; one decoder per parser, reused after
//           reset(); not thread-safe.
//
// How the decoder keeps its place between calls is its own business: the class holds opaque
// storage, like pthread_mutex_t, that only chunked_decoder.cc interprets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/message.h"

namespace osn::http {

class ChunkedDecoder {
 public:
  struct Step {
    enum class Kind : std::uint8_t { kNeedMore, kData, kLastChunk, kError };
    Kind kind = Kind::kNeedMore;
    std::size_t consumed = 0;
    std::string_view data;  // kData only
    ParseError error;       // kError only
  };

  explicit ChunkedDecoder(const ParserLimits& limits)
      : max_body_bytes_(limits.max_body_bytes), max_ext_bytes_(limits.max_chunk_ext_bytes) {}

  // Consumes framing bytes from `in` and returns at most one run of payload.
  Step feed(std::string_view in);
  // Starts a new body (keeps the limits).
  void reset() { state_ = Opaque{}; }
  // Where the decoder is, for traces (httpdump --trace): "chunk-size", "chunk-data", ...
  std::string_view state_name() const;

  // Opaque to callers: room for the decoder's place between feed() calls, in whatever shape
  // chunked_decoder.cc chooses (it checks at compile time that its state fits). All zero
  // bytes — a new or reset decoder — must mean "at the start of a body".
  struct alignas(8) Opaque {
    unsigned char bytes[32] = {};
  };

 private:
  std::uint64_t max_body_bytes_;
  std::size_t max_ext_bytes_;
  Opaque state_;
};

}  // namespace osn::http
