// redis/outcome.cc — naming failures.
#include "redis/outcome.h"

namespace osn::redis {

const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNotSent: return "not sent";
    case FailureKind::kLost: return "lost in flight";
    case FailureKind::kTimeout: return "timeout";
    case FailureKind::kClosed: return "client closed";
  }
  return "?";
}

std::string Outcome::describe() const {
  if (ok()) return reply_.describe();
  return std::string("failed (") + failure_kind_name(failure_.kind) + "): " + failure_.message;
}

}  // namespace osn::redis
