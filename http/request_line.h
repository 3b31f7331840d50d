// http/request_line.h — the first line of a request: method SP request-target SP HTTP-version.
//
// RFC 9112 §3: exactly one SP between the parts, a token method, a request-target in one of
// four forms (origin "/p?q", absolute "http://h/p", authority "h:443" for CONNECT only,
// asterisk "*" for OPTIONS only), "HTTP/1.x" and CRLF. Errors are found as soon as the bytes
// that prove them arrive, so an incomplete line that is already wrong is reported as an error.
#pragma once

#include <string_view>

#include "http/message.h"

namespace osn::http {

struct RequestLine {
  std::string_view method;
  std::string_view target;
  int version_minor = 1;
};

// Parses the request line at the start of `in` (through its CRLF). Complete: `out` is filled
// and `consumed` counts the line with its CRLF. 400 for bad syntax, 414 for a target longer than
// limits.max_target_bytes, 505 for HTTP/2.x and up.
ScanResult parse_request_line(std::string_view in, const ParserLimits& limits, RequestLine& out);

// Checks that `target` has a form allowed with `method` (RFC 9112 §3.2). Empty reason if so.
std::string_view check_target_form(std::string_view method, std::string_view target);

}  // namespace osn::http
