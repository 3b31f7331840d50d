// redis/reply_parser.cc — the RESP2 state machine (docs/redis.md §2).
//
// Four states: kType (the next byte says what follows), kLine (a line up to CRLF: a status,
// an error, an integer, or the length of a bulk or an array), kBulk (counting bulk bytes),
// kBulkEnd (the CRLF after them). Arrays are a stack of frames: each finished value goes into
// the innermost array, and an array that has all its elements is itself a finished value. A
// line that arrives whole is parsed where it lies in the caller's buffer; only a line split
// across reads is copied into line_.
#include "redis/reply_parser.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace osn::redis {
namespace {

// [lab 07] begin: the parser's small helpers (integers, naming a byte)
// RESP integers and lengths: an optional '-', then 1..19 digits, within int64_t.
bool parse_int64(std::string_view s, int64_t* out) {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 19) return false;
  uint64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (value > limit) return false;
  *out = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return true;
}

std::string printable_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  char buf[16];
  if (u >= 0x21 && u < 0x7f) {
    std::snprintf(buf, sizeof buf, "'%c' (0x%02x)", c, u);
  } else {
    std::snprintf(buf, sizeof buf, "0x%02x", u);
  }
  return buf;
}
// [lab 07] end

}  // namespace

bool ReplyParser::mid_reply() const { return state_ != State::kType || !stack_.empty() || !line_.empty(); }

void ReplyParser::reset() {
  state_ = State::kType;
  line_.clear();
  bulk_.clear();
  bulk_left_ = 0;
  crlf_seen_ = 0;
  stack_.clear();
  error_.clear();
}

bool ReplyParser::fail(std::string message) {
  error_ = "RESP protocol error: " + message;
  return false;
}

// [lab 07] begin: feed() and its states (take_line, finish_line, take_bulk, take_bulk_end, complete)
bool ReplyParser::feed(std::string_view bytes, ReplySink& sink) {
  if (failed()) return false;
  while (!bytes.empty()) {
    size_t used = 0;
    switch (state_) {
      case State::kType:
        type_ = bytes[0];
        if (type_ != '+' && type_ != '-' && type_ != ':' && type_ != '$' && type_ != '*') {
          return fail("unknown reply type byte " + printable_byte(type_) +
                      " (RESP2 has + - : $ *; RESP3 types need HELLO 3, which we never send)");
        }
        state_ = State::kLine;
        used = 1;
        break;
      case State::kLine: used = take_line(bytes, sink); break;
      case State::kBulk: used = take_bulk(bytes); break;
      case State::kBulkEnd: used = take_bulk_end(bytes, sink); break;
    }
    if (failed()) return false;
    bytes.remove_prefix(used);
  }
  return true;
}

// Up to and including the LF; the line itself is everything before its CR.
size_t ReplyParser::take_line(std::string_view bytes, ReplySink& sink) {
  const void* lf = std::memchr(bytes.data(), '\n', bytes.size());
  const size_t upto = lf == nullptr ? bytes.size() : static_cast<const char*>(lf) - bytes.data() + 1;
  if (line_.size() + upto > limits_.max_line_bytes + 2) {
    fail("line longer than the limit of " + std::to_string(limits_.max_line_bytes) + " bytes");
    return 0;
  }
  if (lf == nullptr) {  // the rest of the line comes in a later read
    line_.append(bytes);
    return upto;
  }
  std::string_view line = bytes.substr(0, upto);
  if (!line_.empty()) {
    line_.append(line);
    line = line_;
  }
  if (line.size() < 2 || line[line.size() - 2] != '\r') {
    fail("a line ended in LF without CR");
    return 0;
  }
  line.remove_suffix(2);
  if (std::memchr(line.data(), '\r', line.size()) != nullptr) {
    fail("a CR inside a line");
    return 0;
  }
  const bool ok = finish_line(line, sink);
  line_.clear();
  return ok ? upto : 0;
}

// One whole line of type type_: a value, or the header of a bulk or an array.
bool ReplyParser::finish_line(std::string_view line, ReplySink& sink) {
  state_ = State::kType;
  int64_t n = 0;
  switch (type_) {
    case '+': complete(Reply{ReplyType::kStatus, 0, std::string(line), {}}, sink); return true;
    case '-': complete(Reply{ReplyType::kError, 0, std::string(line), {}}, sink); return true;
    case ':':
      if (!parse_int64(line, &n)) return fail("bad integer \"" + std::string(line.substr(0, 32)) + "\"");
      complete(Reply::number(n), sink);
      return true;
    case '$':
      if (!parse_int64(line, &n) || n < -1) return fail("bad bulk length \"" + std::string(line.substr(0, 32)) + "\"");
      if (n == -1) {
        complete(Reply::nil(), sink);
        return true;
      }
      if (n > limits_.max_bulk_bytes) {
        return fail("bulk length " + std::to_string(n) + " over the limit of " +
                    std::to_string(limits_.max_bulk_bytes) + " bytes");
      }
      bulk_.clear();
      bulk_.reserve(static_cast<size_t>(std::min<int64_t>(n, 1 << 20)));
      bulk_left_ = n;
      state_ = n == 0 ? State::kBulkEnd : State::kBulk;
      crlf_seen_ = 0;
      return true;
    case '*':
      if (!parse_int64(line, &n) || n < -1) return fail("bad array length \"" + std::string(line.substr(0, 32)) + "\"");
      if (n == -1) {
        complete(Reply::nil(), sink);
        return true;
      }
      if (n > limits_.max_array_elements) {
        return fail("array of " + std::to_string(n) + " elements over the limit of " +
                    std::to_string(limits_.max_array_elements));
      }
      if (n == 0) {
        complete(Reply::array({}), sink);
        return true;
      }
      if (stack_.size() >= limits_.max_depth) {
        return fail("arrays nested deeper than the limit of " + std::to_string(limits_.max_depth));
      }
      stack_.push_back(Frame{Reply::array({}), n});
      stack_.back().array.elements.reserve(static_cast<size_t>(std::min<int64_t>(n, 1024)));
      return true;
  }
  return fail("unreachable type byte");
}

size_t ReplyParser::take_bulk(std::string_view bytes) {
  const size_t n = static_cast<size_t>(std::min<int64_t>(bulk_left_, static_cast<int64_t>(bytes.size())));
  bulk_.append(bytes.data(), n);
  bulk_left_ -= static_cast<int64_t>(n);
  if (bulk_left_ == 0) state_ = State::kBulkEnd;
  return n;
}

// The CR and LF after a bulk's bytes, possibly in two reads.
size_t ReplyParser::take_bulk_end(std::string_view bytes, ReplySink& sink) {
  size_t used = 0;
  while (crlf_seen_ < 2 && used < bytes.size()) {
    const char want = crlf_seen_ == 0 ? '\r' : '\n';
    if (bytes[used] != want) {
      fail("bulk string not followed by CRLF (found " + printable_byte(bytes[used]) + ")");
      return 0;
    }
    ++crlf_seen_;
    ++used;
  }
  if (crlf_seen_ == 2) {
    state_ = State::kType;
    complete(Reply{ReplyType::kBulk, 0, std::move(bulk_), {}}, sink);
    bulk_.clear();
  }
  return used;
}

// A finished value: into the innermost array, or out to the sink when it is a top-level reply.
// An array that thereby gets its last element is finished in turn.
void ReplyParser::complete(Reply&& reply, ReplySink& sink) {
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    top.array.elements.push_back(std::move(reply));
    if (static_cast<int64_t>(top.array.elements.size()) < top.expected) return;
    reply = std::move(top.array);
    stack_.pop_back();
  }
  sink.on_reply(std::move(reply));
}
// [lab 07] end

}  // namespace osn::redis
