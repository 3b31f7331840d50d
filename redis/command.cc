// redis/command.cc — encode_command: lengths first, then the bytes as they are.
//
// The whole command is measured first and the buffer grown once; the pieces are then copied into
// place. (Appending each piece — a 4-byte "$3\r\n", the 3-byte key, a 2-byte CRLF — was one
// capacity check and one memcpy call apiece, the largest user-space cost in a perf profile of the
// pipelined benchmark: docs/redis.md §7.)
#include "redis/command.h"

#include <charconv>
#include <cstring>

namespace osn::redis {
namespace {

// Decimal digits of n (n < 10^20).
size_t digits(size_t n) {
  size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// "<type><n>\r\n" at `at`; returns the byte after it.
char* put_header(char* at, char type, size_t n) {
  *at++ = type;
  at = std::to_chars(at, at + 20, n).ptr;
  *at++ = '\r';
  *at++ = '\n';
  return at;
}

}  // namespace

void encode_command(std::string& out, std::span<const std::string_view> args) {
  size_t size = 3 + digits(args.size());  // *<argc>\r\n
  for (std::string_view arg : args) size += 3 + digits(arg.size()) + arg.size() + 2;  // $<len>\r\n<bytes>\r\n
  const size_t start = out.size();
  out.resize(start + size);
  char* at = out.data() + start;
  at = put_header(at, '*', args.size());
  for (std::string_view arg : args) {
    at = put_header(at, '$', arg.size());
    if (!arg.empty()) std::memcpy(at, arg.data(), arg.size());
    at += arg.size();
    *at++ = '\r';
    *at++ = '\n';
  }
}

}  // namespace osn::redis
