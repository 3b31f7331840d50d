// redis/reply_parser.h — RESP replies from a byte stream: pure, incremental, bounded.
//
// The same discipline as the HTTP parser (http/parser.h): bytes in, replies out, no I/O. The
// parser keeps its own state between feed() calls, so the bytes may arrive split anywhere — in
// the middle of a length, between the CR and the LF, inside a 1 MB bulk — and the replies that
// come out are the same as if everything had arrived in one read (tests/redis/reply_parser_test.cc
// feeds every table entry whole and byte by byte, each piece against a guard page). A complete
// top-level reply is handed to the sink as soon as its last byte is in; a reply is never
// re-scanned from its start, so a big one costs one pass however it is split.
// Limits keep a broken or hostile peer from making us allocate without end: nesting depth,
// bulk length, array length, line length. Breaking one, or any byte RESP2 does not allow, is a
// protocol error with a message saying what and where; after it the parser refuses every byte
// (a connection whose framing is lost cannot be trusted again: close it).
// Ownership: owns the reply under construction. Thread affinity: one thread at a time.
// docs/redis.md §2 walks through the states.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"

namespace osn::redis {

struct ReplyLimits {
  size_t max_depth = 32;                        // arrays inside arrays
  int64_t max_bulk_bytes = 512LL * 1024 * 1024;  // Redis's own proto-max-bulk-len default
  int64_t max_array_elements = 64LL * 1024 * 1024;
  size_t max_line_bytes = 64 * 1024;            // a status, error, integer or length line
};

// Where parsed replies go. A virtual call, not a std::function: the hot path of a pipelined
// client calls it once per reply.
class ReplySink {
 public:
  virtual void on_reply(Reply&& reply) = 0;

 protected:
  ~ReplySink() = default;
};

class ReplyParser {
 public:
  explicit ReplyParser(ReplyLimits limits = {}) : limits_(limits) {}

  // Consumes every byte of `bytes`, handing each complete top-level reply to `sink` in order.
  // Returns false on a protocol error (error() says why); from then on it consumes nothing and
  // returns false again. The sink may not call feed() itself.
  bool feed(std::string_view bytes, ReplySink& sink);

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // True between the first byte of a reply and its last: the stream ended inside a reply.
  bool mid_reply() const;
  // Forgets everything (a new connection starts from a clean parser).
  void reset();

 private:
  enum class State : uint8_t { kType, kLine, kBulk, kBulkEnd };
  struct Frame {
    Reply array;
    int64_t expected;
  };

  size_t take_line(std::string_view bytes, ReplySink& sink);
  size_t take_bulk(std::string_view bytes);
  size_t take_bulk_end(std::string_view bytes, ReplySink& sink);
  bool finish_line(std::string_view line, ReplySink& sink);
  void complete(Reply&& reply, ReplySink& sink);
  bool fail(std::string message);

  ReplyLimits limits_;
  State state_ = State::kType;
  char type_ = 0;             // the type byte of the line being read
  std::string line_;          // a line split across feeds (empty when it came whole)
  std::string bulk_;          // the bulk string being read
  int64_t bulk_left_ = 0;     // its bytes still to come
  uint8_t crlf_seen_ = 0;     // of the CRLF after a bulk
  std::vector<Frame> stack_;  // arrays being filled, innermost last
  std::string error_;
};

}  // namespace osn::redis
