// http/chunked_decoder.cc — the reference decoder: one byte at a time through 17 states.
//
// Request smuggling hides in chunk framing, so every deviation is an error: a size that is not
// hex or reaches 2^63, whitespace after the size not followed by ';', a chunk not followed by
// CRLF, a bare CR or LF. Extensions are parsed (BWS allowed, as RFC 9110 §5.6.3 requires) and
// thrown away; their length is limited because they are not counted as body. Payload is passed
// through as one view, never byte by byte. The machine's place between calls is a Machine,
// kept in the decoder's opaque storage (chunked_decoder.h): loaded at the start of feed(),
// stored at its end.
#include "http/chunked_decoder.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "http/char_class.h"

namespace osn::http {
// [lab 05] begin: the chunked decoder — its state in the opaque storage, feed(), state_name()
// TODO(lab 05): the decoder's machine. Decide what you keep between feed() calls (the size of
// the chunk being read, the body bytes so far for max_body_bytes_, the extension bytes of this
// line for max_ext_bytes_, where you are in the grammar of chunked_decoder.h), make it a
// trivially copyable struct that fits ChunkedDecoder::Opaque (static_assert it: all-zero bytes
// must mean "at the start of a body"), and copy it in and out of state_ with std::memcpy.

ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view in) {
  // TODO(lab 05): run framing bytes through the machine one at a time; inside chunk-data,
  // return the payload as one view into `in` (Kind::kData, consumed through it); once the
  // last-chunk line's CRLF is consumed, Kind::kLastChunk; on a framing error, Kind::kError
  // with 400, on a limit 413 — and stay failed until reset().
  (void)in;
  (void)max_body_bytes_;
  (void)max_ext_bytes_;
  (void)state_;
  Step step;
  step.kind = Step::Kind::kError;
  step.error = {StatusCode::kBadRequest, "TODO(lab 05): ChunkedDecoder::feed"};
  return step;
}

std::string_view ChunkedDecoder::state_name() const {
  // TODO(lab 05): the name of the state the decoder is in, for httpdump --trace.
  return "todo";
}
// [lab 05] end
}  // namespace osn::http
