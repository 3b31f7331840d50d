// redis/outcome.h — what a command's callback is given: the server's reply, or why there is none.
//
// Two kinds of "error" must not be confused. A reply of type kError (-ERR, -WRONGTYPE) is an
// *answer*: the command reached Redis and Redis said no; outcome.ok() is true and
// outcome.reply().is_error() tells. A Failure means there is no answer at all, and its kind
// says whether the command may have run (docs/redis.md §4):
//   kNotSent     never written to a socket: the server never saw it (safe to send again)
//   kLost        written, and the connection died before its reply: it may or may not have run
//   kTimeout     written, no reply within the command timeout: the connection is dropped
//   kClosed      the client was closed with the command still waiting
// The client never re-sends a command by itself: only the caller knows whether it is safe.
// Any thread (a value).
#pragma once

#include <string>
#include <utility>

#include "redis/reply.h"

namespace osn::redis {

enum class FailureKind : uint8_t { kNotSent, kLost, kTimeout, kClosed };
const char* failure_kind_name(FailureKind kind);

struct Failure {
  FailureKind kind = FailureKind::kNotSent;
  std::string message;  // "redis 127.0.0.1:6379: connection lost (read: ECONNRESET ...) ..."
};

class Outcome {
 public:
  Outcome(Reply reply) : reply_(std::move(reply)) {}  // NOLINT: implicit on purpose
  Outcome(Failure failure) : failed_(true), failure_(std::move(failure)) {}  // NOLINT

  bool ok() const { return !failed_; }  // a reply came (it may be an error reply)
  const Reply& reply() const { return reply_; }
  Reply& reply() { return reply_; }
  const Failure& failure() const { return failure_; }
  // The reply (describe()) or "failed (kind): message": for logs and tests.
  std::string describe() const;

 private:
  bool failed_ = false;
  Reply reply_;
  Failure failure_;
};

}  // namespace osn::redis
