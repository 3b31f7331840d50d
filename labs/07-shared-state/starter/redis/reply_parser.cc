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
// TODO(lab 07): the helpers your parser needs, for example
//   bool parse_int64(std::string_view s, int64_t* out)  — an optional '-', then 1..19 digits,
//                                                         within int64_t (no '+', no blanks)
//   std::string printable_byte(char c)                  — "'?' (0x3f)", or "0x00" when unprintable
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
// TODO(lab 07): write feed() and the states it runs (reply_parser.h declares them):
//   kType    one byte: '+' '-' ':' '$' '*' (anything else: fail("unknown reply type byte ..."))
//   kLine    up to LF; the line must end in CRLF and hold no other CR; at most
//            limits_.max_line_bytes. A line split across feeds is collected in line_.
//            finish_line: a status/error/integer is a value; "$n" starts a bulk (n == -1: nil,
//            n > max_bulk_bytes: fail), "*n" pushes a Frame (n == -1: nil, n == 0: [], deeper
//            than max_depth or longer than max_array_elements: fail).
//   kBulk    count n bytes into bulk_ (they may hold CR, LF, NUL)
//   kBulkEnd the CRLF after them, possibly in two feeds
//   complete(): a finished value goes into stack_.back(), or to sink.on_reply() when the stack
//   is empty; an array that got its last element is itself finished (loop, do not recurse).
// Any split of the input must give the same replies and the same error text.
bool ReplyParser::feed(std::string_view bytes, ReplySink& sink) {
  (void)bytes;
  (void)sink;
  return fail("ReplyParser::feed is not written yet (lab 07)");
}
// [lab 07] end

}  // namespace osn::redis
