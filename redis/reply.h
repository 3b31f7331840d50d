// redis/reply.h — one RESP reply as a value: what the server said, -ERR included.
//
// RESP (the REdis Serialization Protocol, version 2) has five reply types, each introduced by
// one byte: `+` a status line ("OK"), `-` an error line ("ERR unknown command"), `:` a signed
// 64-bit integer, `$` a bulk string (length, CRLF, that many bytes, CRLF — binary-safe) and `*`
// an array of replies (nested). `$-1` and `*-1` are nil. An error reply is a *value* here, not an
// exception: the command reached the server and this is its answer (docs/redis.md §1).
// Ownership: a Reply owns its bytes (a copy out of the read buffer). Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osn::redis {

enum class ReplyType : uint8_t { kStatus, kError, kInteger, kBulk, kNil, kArray };
const char* reply_type_name(ReplyType type);

struct Reply {
  ReplyType type = ReplyType::kNil;
  int64_t integer = 0;          // kInteger
  std::string str;              // kStatus, kError, kBulk
  std::vector<Reply> elements;  // kArray

  bool is_error() const { return type == ReplyType::kError; }
  bool is_nil() const { return type == ReplyType::kNil; }
  // The reply in redis-cli's style: "OK", "(error) ERR ...", "(integer) 5", "\"bytes\"", "(nil)",
  // arrays as "[a, b]" — for messages and tests.
  std::string describe() const;

  static Reply status(std::string_view s) { return Reply{ReplyType::kStatus, 0, std::string(s), {}}; }
  static Reply error(std::string_view s) { return Reply{ReplyType::kError, 0, std::string(s), {}}; }
  static Reply number(int64_t n) { return Reply{ReplyType::kInteger, n, {}, {}}; }
  static Reply bulk(std::string_view s) { return Reply{ReplyType::kBulk, 0, std::string(s), {}}; }
  static Reply nil() { return Reply{}; }
  static Reply array(std::vector<Reply> items) { return Reply{ReplyType::kArray, 0, {}, std::move(items)}; }

  friend bool operator==(const Reply&, const Reply&) = default;
};

}  // namespace osn::redis
