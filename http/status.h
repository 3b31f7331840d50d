// http/status.h — the status codes a request parser answers with, and their reason phrases.
//
// A parser that rejects a request must also say *why* in the one number a client reads:
// 400 for broken syntax or framing, 413/414/431 for "too large" (body, target, header
// section), 501 for a transfer coding we do not implement, 505 for an HTTP major version
// other than 1. Reason phrases follow RFC 9110 §15.
#pragma once

#include <cstdint>
#include <string_view>

namespace osn::http {

enum class StatusCode : std::uint16_t {
  kOk = 200,
  kBadRequest = 400,
  kContentTooLarge = 413,
  kUriTooLong = 414,
  kRequestHeaderFieldsTooLarge = 431,
  kNotImplemented = 501,
  kHttpVersionNotSupported = 505,
};

// "Bad Request" for 400, ...; "Unknown" for a code this table does not list.
std::string_view reason_phrase(int code);

constexpr int to_int(StatusCode code) { return static_cast<int>(code); }

}  // namespace osn::http
