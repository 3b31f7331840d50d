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
namespace {

constexpr std::uint64_t kMaxChunkSize = (std::uint64_t{1} << 63) - 1;

bool is_qdtext(char c) { return has_class(c, kQdtext); }
bool is_quoted_pair_char(char c) { return c == '\t' || c == ' ' || has_class(c, kFieldVchar); }

enum class State : std::uint8_t {
  kSizeStart, kSize, kExtBeforeSemicolon, kExtNameStart, kExtName, kExtAfterName,
  kExtValueStart, kExtToken, kExtQuoted, kExtQuotedPair, kExtAfterQuoted, kSizeLf,
  kData, kDataCr, kDataLf, kLastChunkDone, kFailed,
};

// The limits the decoder was made with, passed in on each call.
struct Limits {
  std::uint64_t max_body_bytes;
  std::size_t max_ext_bytes;
};

// What the reference keeps between calls, in ChunkedDecoder's opaque storage. All zero bytes
// (a new or reset decoder) is the start of a body: kSizeStart with nothing counted yet.
struct Machine {
  std::uint64_t chunk_size;  // size of the chunk being read / its bytes still due
  std::uint64_t body_bytes;  // payload so far, for limits.max_body_bytes
  std::size_t ext_bytes;     // extension bytes on this line
  State state;
  bool too_large;            // the last error was a limit (413), not syntax

  ChunkedDecoder::Step feed(std::string_view in, const Limits& limits);
  // Run one framing byte through the machine; return an error reason, or empty.
  std::string_view advance(char c, const Limits& limits);
  std::string_view advance_in_size_line(char c, const Limits& limits);
  std::string_view advance_in_extension(char c);
  std::string_view end_of_size_line(const Limits& limits);
};

static_assert(State::kSizeStart == State{0}, "zero storage must mean the start of a body");
static_assert(sizeof(Machine) <= sizeof(ChunkedDecoder::Opaque) &&
                  alignof(Machine) <= alignof(ChunkedDecoder::Opaque) &&
                  std::is_trivially_copyable_v<Machine>,
              "the decoder's state must fit its opaque storage");

Machine load(const ChunkedDecoder::Opaque& storage) {
  Machine m;
  std::memcpy(&m, storage.bytes, sizeof m);
  return m;
}

void store(ChunkedDecoder::Opaque& storage, const Machine& m) { std::memcpy(storage.bytes, &m, sizeof m); }

std::string_view name_of(State state);

}  // namespace

ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view in) {
  Machine m = load(state_);
  const Step step = m.feed(in, Limits{max_body_bytes_, max_ext_bytes_});
  store(state_, m);
  return step;
}

std::string_view ChunkedDecoder::state_name() const { return name_of(load(state_).state); }

namespace {

std::string_view Machine::end_of_size_line(const Limits& limits) {
  if (chunk_size == 0) {
    state = State::kLastChunkDone;
    return "";
  }
  if (chunk_size > limits.max_body_bytes - std::min(body_bytes, limits.max_body_bytes)) {
    too_large = true;
    return "chunked body larger than the limit";
  }
  body_bytes += chunk_size;
  state = State::kData;
  return "";
}

// The chunk-size line: HEXDIG..., then extensions, then CR (LF follows in kSizeLf).
std::string_view Machine::advance_in_size_line(char c, const Limits& limits) {
  if (is_hex_digit(c) && (state == State::kSizeStart || state == State::kSize)) {
    if (chunk_size > (kMaxChunkSize - hex_value(c)) / 16) return "chunk size reaches 2^63";
    chunk_size = chunk_size * 16 + hex_value(c);
    state = State::kSize;
    return "";
  }
  if (state == State::kSizeStart) return "chunk size is not a hex number";
  if (state != State::kSize) {
    if (++ext_bytes > limits.max_ext_bytes) {
      too_large = true;
      return "chunk extensions longer than the limit";
    }
    return advance_in_extension(c);
  }
  if (c == ';') { state = State::kExtNameStart; return ""; }
  if (is_whitespace(c)) { state = State::kExtBeforeSemicolon; return ""; }
  if (c == '\r') { state = State::kSizeLf; return ""; }
  return c == '\n' ? "bare LF in chunk line" : "invalid character in chunk size";
}

// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )
std::string_view Machine::advance_in_extension(char c) {
  using S = State;
  const bool ws = is_whitespace(c);
  const bool token = is_tchar(c);
  switch (state) {
    case S::kExtBeforeSemicolon:
      if (ws) return "";
      if (c == ';') { state = S::kExtNameStart; return ""; }
      return "whitespace after chunk size without an extension";
    case S::kExtNameStart:
      if (ws) return "";
      if (token) { state = S::kExtName; return ""; }
      return "chunk extension name is not a token";
    case S::kExtName:
    case S::kExtAfterName:
      if (token && state == S::kExtName) return "";
      if (ws) { state = S::kExtAfterName; return ""; }
      if (c == '=') { state = S::kExtValueStart; return ""; }
      if (c == ';') { state = S::kExtNameStart; return ""; }
      if (state == S::kExtAfterName) return "whitespace at the end of a chunk line";
      break;
    case S::kExtValueStart:
      if (ws) return "";
      if (c == '"') { state = S::kExtQuoted; return ""; }
      if (token) { state = S::kExtToken; return ""; }
      return "chunk extension value is not a token or quoted-string";
    case S::kExtQuoted:
      if (c == '"') { state = S::kExtAfterQuoted; return ""; }
      if (c == '\\') { state = S::kExtQuotedPair; return ""; }
      return is_qdtext(c) ? "" : "control character in a quoted chunk extension";
    case S::kExtQuotedPair:
      if (!is_quoted_pair_char(c)) return "control character in a quoted chunk extension";
      state = S::kExtQuoted;
      return "";
    default:  // kExtToken, kExtAfterQuoted
      if (token && state == S::kExtToken) return "";
      if (ws) { state = S::kExtBeforeSemicolon; return ""; }
      if (c == ';') { state = S::kExtNameStart; return ""; }
      break;
  }
  if (c == '\r') { state = S::kSizeLf; return ""; }
  return c == '\n' ? "bare LF in chunk line" : "invalid character in chunk extension";
}

std::string_view Machine::advance(char c, const Limits& limits) {
  switch (state) {
    case State::kSizeLf:
      if (c == '\n') return end_of_size_line(limits);
      return "bare CR in chunk line";
    case State::kDataCr:
      if (c == '\r') { state = State::kDataLf; return ""; }
      return "chunk data not followed by CRLF";
    case State::kDataLf:
      if (c != '\n') return "chunk data not followed by CRLF";
      state = State::kSizeStart;
      chunk_size = 0;
      ext_bytes = 0;
      return "";
    case State::kData:
    case State::kLastChunkDone:
    case State::kFailed:
      return "chunked decoder used after it finished";
    default:
      return advance_in_size_line(c, limits);
  }
}

ChunkedDecoder::Step Machine::feed(std::string_view in, const Limits& limits) {
  using Step = ChunkedDecoder::Step;
  Step step;
  std::size_t i = 0;
  while (i < in.size()) {
    if (state == State::kData) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, in.size() - i));
      chunk_size -= n;
      if (chunk_size == 0) state = State::kDataCr;
      step.kind = Step::Kind::kData;
      step.data = in.substr(i, n);
      step.consumed = i + n;
      return step;
    }
    if (state == State::kLastChunkDone || state == State::kFailed) break;
    const std::string_view error = advance(in[i], limits);
    ++i;
    if (!error.empty()) {
      state = State::kFailed;
      step.kind = Step::Kind::kError;
      step.error = {too_large ? StatusCode::kContentTooLarge : StatusCode::kBadRequest, error};
      return step;
    }
  }
  step.consumed = i;
  if (state == State::kLastChunkDone) step.kind = Step::Kind::kLastChunk;
  return step;
}

std::string_view name_of(State state) {
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

}  // namespace
// [lab 05] end
}  // namespace osn::http
