// redis/reply.cc — naming and printing replies (redis-cli's style), for messages and tests.
#include "redis/reply.h"

namespace osn::redis {

const char* reply_type_name(ReplyType type) {
  switch (type) {
    case ReplyType::kStatus: return "status";
    case ReplyType::kError: return "error";
    case ReplyType::kInteger: return "integer";
    case ReplyType::kBulk: return "bulk";
    case ReplyType::kNil: return "nil";
    case ReplyType::kArray: return "array";
  }
  return "?";
}

std::string Reply::describe() const {
  switch (type) {
    case ReplyType::kStatus: return str;
    case ReplyType::kError: return "(error) " + str;
    case ReplyType::kInteger: return "(integer) " + std::to_string(integer);
    case ReplyType::kNil: return "(nil)";
    case ReplyType::kBulk: {
      // Short and printable as is; anything else as its length, so a 1 MB value stays one line.
      bool printable = str.size() <= 64;
      for (unsigned char c : str) printable = printable && c >= 0x20 && c < 0x7f;
      return printable ? "\"" + str + "\"" : "(" + std::to_string(str.size()) + " bytes)";
    }
    case ReplyType::kArray: {
      std::string out = "[";
      for (const Reply& e : elements) out += (out.size() > 1 ? ", " : "") + e.describe();
      return out + "]";
    }
  }
  return "?";
}

}  // namespace osn::redis
