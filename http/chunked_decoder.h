// http/chunked_decoder.h — the chunked transfer coding (RFC 9112 §7.1) as a byte state machine.
//
//   chunk      = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk = 1*("0") [ chunk-ext ] CRLF      then the trailer section (http/header_fields.h)
//   chunk-ext  = *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )
// Unlike the header section, a body can be any size, so the decoder keeps its place between
// calls and never needs a byte twice. This is the second part lab 05 asks students to write.
// Owned by one RequestParser; not thread-safe; never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/message.h"

namespace osn::http {

class ChunkedDecoder {
 public:
  enum class State : std::uint8_t {
    kSizeStart, kSize, kExtBeforeSemicolon, kExtNameStart, kExtName, kExtAfterName,
    kExtValueStart, kExtToken, kExtQuoted, kExtQuotedPair, kExtAfterQuoted, kSizeLf,
    kData, kDataCr, kDataLf, kLastChunkDone, kFailed,
  };

  struct Step {
    enum class Kind : std::uint8_t {
      kNeedMore,   // everything given was framing; `consumed` may be > 0
      kData,       // `data` (a view into the input) is chunk payload; `consumed` includes it
      kLastChunk,  // "0 CRLF" seen: the trailer section starts after `consumed` bytes
      kError,      // `error` says why (400, or 413 past a limit)
    };
    Kind kind = Kind::kNeedMore;
    std::size_t consumed = 0;
    std::string_view data;
    ParseError error;
  };

  explicit ChunkedDecoder(const ParserLimits& limits)
      : max_body_bytes_(limits.max_body_bytes), max_ext_bytes_(limits.max_chunk_ext_bytes) {}

  // Consumes framing bytes from `in` and returns at most one run of payload. The caller drops
  // `consumed` bytes and calls again with what is left (plus new bytes).
  Step feed(std::string_view in);

  void reset();
  State state() const { return state_; }
  static std::string_view state_name(State state);

 private:
  // Run one framing byte through the machine; return an error reason, or empty.
  std::string_view advance(char c);
  std::string_view advance_in_size_line(char c);
  std::string_view advance_in_extension(char c);
  std::string_view end_of_size_line();

  std::uint64_t max_body_bytes_;
  std::size_t max_ext_bytes_;
  State state_ = State::kSizeStart;
  std::uint64_t chunk_size_ = 0;      // size of the chunk being read / its bytes still due
  std::uint64_t body_bytes_ = 0;      // payload so far, for limits.max_body_bytes
  std::size_t ext_bytes_ = 0;         // extension bytes on this line
  bool too_large_ = false;            // the last error was a limit (413), not syntax
};

}  // namespace osn::http
