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
  if (chunk_size_ > max_body_bytes_ - std::min(body_bytes_, max_body_bytes_)) {
    too_large_ = true;
    return "chunked body larger than the limit";
  }
  body_bytes_ += chunk_size_;
  state_ = State::kData;
  return "";
}

// The chunk-size line: HEXDIG..., then extensions, then CR (LF follows in kSizeLf).
std::string_view ChunkedDecoder::advance_in_size_line(char c) {
  if (is_hex_digit(c) && (state_ == State::kSizeStart || state_ == State::kSize)) {
    if (chunk_size_ > (kMaxChunkSize - hex_value(c)) / 16) return "chunk size reaches 2^63";
    chunk_size_ = chunk_size_ * 16 + hex_value(c);
    state_ = State::kSize;
    return "";
  }
  if (state_ == State::kSizeStart) return "chunk size is not a hex number";
  if (state_ != State::kSize) {
    if (++ext_bytes_ > max_ext_bytes_) {
      too_large_ = true;
      return "chunk extensions longer than the limit";
    }
    return advance_in_extension(c);
  }
  if (c == ';') { state_ = State::kExtNameStart; return ""; }
  if (is_whitespace(c)) { state_ = State::kExtBeforeSemicolon; return ""; }
  if (c == '\r') { state_ = State::kSizeLf; return ""; }
  return c == '\n' ? "bare LF in chunk line" : "invalid character in chunk size";
}

// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )
std::string_view ChunkedDecoder::advance_in_extension(char c) {
  using S = State;
  const bool ws = is_whitespace(c);
  const bool token = is_tchar(c);
  switch (state_) {
    case S::kExtBeforeSemicolon:
      if (ws) return "";
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      return "whitespace after chunk size without an extension";
    case S::kExtNameStart:
      if (ws) return "";
      if (token) { state_ = S::kExtName; return ""; }
      return "chunk extension name is not a token";
    case S::kExtName:
    case S::kExtAfterName:
      if (token && state_ == S::kExtName) return "";
      if (ws) { state_ = S::kExtAfterName; return ""; }
      if (c == '=') { state_ = S::kExtValueStart; return ""; }
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      if (state_ == S::kExtAfterName) return "whitespace at the end of a chunk line";
      break;
    case S::kExtValueStart:
      if (ws) return "";
      if (c == '"') { state_ = S::kExtQuoted; return ""; }
      if (token) { state_ = S::kExtToken; return ""; }
      return "chunk extension value is not a token or quoted-string";
    case S::kExtQuoted:
      if (c == '"') { state_ = S::kExtAfterQuoted; return ""; }
      if (c == '\\') { state_ = S::kExtQuotedPair; return ""; }
      return is_qdtext(c) ? "" : "control character in a quoted chunk extension";
    case S::kExtQuotedPair:
      if (!is_quoted_pair_char(c)) return "control character in a quoted chunk extension";
      state_ = S::kExtQuoted;
      return "";
    default:  // kExtToken, kExtAfterQuoted
      if (token && state_ == S::kExtToken) return "";
      if (ws) { state_ = S::kExtBeforeSemicolon; return ""; }
      if (c == ';') { state_ = S::kExtNameStart; return ""; }
      break;
  }
  if (c == '\r') { state_ = S::kSizeLf; return ""; }
  return c == '\n' ? "bare LF in chunk line" : "invalid character in chunk extension";
}

std::string_view ChunkedDecoder::advance(char c) {
  switch (state_) {
    case State::kSizeLf:
      if (c == '\n') return end_of_size_line();
      return "bare CR in chunk line";
    case State::kDataCr:
      if (c == '\r') { state_ = State::kDataLf; return ""; }
      return "chunk data not followed by CRLF";
    case State::kDataLf:
      if (c != '\n') return "chunk data not followed by CRLF";
      state_ = State::kSizeStart;
      chunk_size_ = 0;
      ext_bytes_ = 0;
      return "";
    case State::kData:
    case State::kLastChunkDone:
    case State::kFailed:
      return "chunked decoder used after it finished";
    default:
      return advance_in_size_line(c);
  }
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
