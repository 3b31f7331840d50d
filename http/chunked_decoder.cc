// http/chunked_decoder.cc — one switch over the decoder's states; payload is passed through.
//
// Request smuggling hides in chunk framing, so every deviation is an error: a size that is not
// hex or reaches 2^63, whitespace after the size not followed by ';', a chunk not followed by
// CRLF, a bare CR or LF. Extensions are parsed (BWS allowed, as RFC 9110 §5.6.3 requires) and
// thrown away; their length is limited because they are not counted as body.
#include "http/chunked_decoder.h"

#include <algorithm>

#include "http/char_class.h"

namespace osn::http {
namespace {

constexpr std::uint64_t kMaxChunkSize = (std::uint64_t{1} << 63) - 1;

bool is_qdtext(char c) { return has_class(c, kQdtext); }
bool is_quoted_pair_char(char c) { return c == '\t' || c == ' ' || has_class(c, kFieldVchar); }

}  // namespace

void ChunkedDecoder::reset() {
  state_ = State::kSizeStart;
  chunk_size_ = 0;
  body_bytes_ = 0;
  ext_bytes_ = 0;
  too_large_ = false;
}

std::string_view ChunkedDecoder::end_of_size_line() {
  if (chunk_size_ == 0) {
    state_ = State::kLastChunkDone;
    return "";
  }
  if (chunk_size_ > limits_->max_body_bytes - std::min(body_bytes_, limits_->max_body_bytes)) {
    too_large_ = true;
    return "chunked body larger than the limit";
  }
  body_bytes_ += chunk_size_;
  state_ = State::kData;
  return "";
}

std::string_view ChunkedDecoder::advance(char c) {
  using S = State;
  if (state_ >= S::kExtBeforeSemicolon && state_ <= S::kExtAfterQuoted &&
      ++ext_bytes_ > limits_->max_chunk_ext_bytes) {
    too_large_ = true;
    return "chunk extensions longer than the limit";
  }
  const bool ws = is_whitespace(c);
  switch (state_) {
    case S::kSizeStart:
    case S::kSize:
      if (is_hex_digit(c)) {
        if (chunk_size_ > (kMaxChunkSize - hex_value(c)) / 16) return "chunk size reaches 2^63";
        chunk_size_ = chunk_size_ * 16 + hex_value(c);
        state_ = S::kSize;
        return "";
      }
      if (state_ == S::kSizeStart) return "chunk size is not a hex number";
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      if (ws) { state_ = S::kExtBeforeSemicolon; return ""; }
      break;
    case S::kExtBeforeSemicolon:
      if (ws) return "";
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      return "whitespace after chunk size without an extension";
    case S::kExtNameStart:
      if (ws) return "";
      if (is_tchar(c)) { state_ = S::kExtName; return ""; }
      return "chunk extension name is not a token";
    case S::kExtName:
    case S::kExtAfterName:
      if (is_tchar(c) && state_ == S::kExtName) return "";
      if (ws) { state_ = S::kExtAfterName; return ""; }
      if (c == '=') { state_ = S::kExtValueStart; return ""; }
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      if (state_ == S::kExtAfterName) return "whitespace at the end of a chunk line";
      break;
    case S::kExtValueStart:
      if (ws) return "";
      if (c == '"') { state_ = S::kExtQuoted; return ""; }
      if (is_tchar(c)) { state_ = S::kExtToken; return ""; }
      return "chunk extension value is not a token or quoted-string";
    case S::kExtQuoted:
      if (c == '"') { state_ = S::kExtAfterQuoted; return ""; }
      if (c == '\\') { state_ = S::kExtQuotedPair; return ""; }
      if (is_qdtext(c)) return "";
      return "control character in a quoted chunk extension";
    case S::kExtQuotedPair:
      if (is_quoted_pair_char(c)) { state_ = S::kExtQuoted; return ""; }
      return "control character in a quoted chunk extension";
    case S::kExtToken:
    case S::kExtAfterQuoted:
      if (is_tchar(c) && state_ == S::kExtToken) return "";
      if (ws) { state_ = S::kExtBeforeSemicolon; return ""; }
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      break;
    case S::kSizeLf:
      if (c == '\n') return end_of_size_line();
      return "bare CR in chunk line";
    case S::kDataCr:
      if (c == '\r') { state_ = S::kDataLf; return ""; }
      return "chunk data not followed by CRLF";
    case S::kDataLf:
      if (c == '\n') { state_ = S::kSizeStart; chunk_size_ = 0; ext_bytes_ = 0; return ""; }
      return "chunk data not followed by CRLF";
    case S::kData:
    case S::kLastChunkDone:
    case S::kFailed:
      return "chunked decoder used after it finished";
  }
  // A chunk line ends here: CR (then LF), or it is broken.
  if (c == '\r') { state_ = S::kSizeLf; return ""; }
  if (c == '\n') return "bare LF in chunk line";
  return "invalid character in chunk line";
}

ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view in) {
  Step step;
  std::size_t i = 0;
  while (i < in.size()) {
    if (state_ == State::kData) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size_, in.size() - i));
      chunk_size_ -= n;
      if (chunk_size_ == 0) state_ = State::kDataCr;
      step.kind = Step::Kind::kData;
      step.data = in.substr(i, n);
      step.consumed = i + n;
      return step;
    }
    if (state_ == State::kLastChunkDone || state_ == State::kFailed) break;
    const std::string_view error = advance(in[i]);
    ++i;
    if (!error.empty()) {
      state_ = State::kFailed;
      step.kind = Step::Kind::kError;
      step.error = {too_large_ ? StatusCode::kContentTooLarge : StatusCode::kBadRequest, error};
      return step;
    }
  }
  step.consumed = i;
  if (state_ == State::kLastChunkDone) step.kind = Step::Kind::kLastChunk;
  return step;
}

std::string_view ChunkedDecoder::state_name(State state) {
  switch (state) {
    case State::kSizeStart: return "chunk-size-start";
    case State::kSize: return "chunk-size";
    case State::kExtBeforeSemicolon: return "chunk-ext-bws";
    case State::kExtNameStart: return "chunk-ext-name-start";
    case State::kExtName: return "chunk-ext-name";
    case State::kExtAfterName: return "chunk-ext-after-name";
    case State::kExtValueStart: return "chunk-ext-value-start";
    case State::kExtToken: return "chunk-ext-token";
    case State::kExtQuoted: return "chunk-ext-quoted";
    case State::kExtQuotedPair: return "chunk-ext-quoted-pair";
    case State::kExtAfterQuoted: return "chunk-ext-after-quoted";
    case State::kSizeLf: return "chunk-size-lf";
    case State::kData: return "chunk-data";
    case State::kDataCr: return "chunk-data-cr";
    case State::kDataLf: return "chunk-data-lf";
    case State::kLastChunkDone: return "last-chunk";
    case State::kFailed: return "failed";
  }
  return "?";
}

}  // namespace osn::http
