// redis/command.h — a command as RESP: an array of bulk strings.
//
// Redis takes every command as `*<argc>\r\n` then, per argument, `$<len>\r\n<bytes>\r\n`. The
// lengths make it binary-safe: a key may hold CR, LF or NUL. encode_command appends to `out`, so
// a pipeline of commands is one growing buffer and, in the end, one write(2).
// Any thread (pure).
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace osn::redis {

void encode_command(std::string& out, std::span<const std::string_view> args);
inline void encode_command(std::string& out, std::initializer_list<std::string_view> args) {
  encode_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}

}  // namespace osn::redis
