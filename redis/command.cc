// redis/command.cc — encode_command: lengths first, then the bytes as they are.
#include "redis/command.h"

#include <charconv>

namespace osn::redis {
namespace {

void append_header(std::string& out, char type, size_t n) {
  char buf[24];
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof buf - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out.append(buf, static_cast<size_t>(end - buf));
}

}  // namespace

void encode_command(std::string& out, std::span<const std::string_view> args) {
  append_header(out, '*', args.size());
  for (std::string_view arg : args) {
    append_header(out, '$', arg.size());
    out.append(arg);
    out.append("\r\n", 2);
  }
}

}  // namespace osn::redis
