// http/request.h — what a handler is given: one parsed request, with its body collected.
//
// Zero-copy like the parser: every view points into the connection's buffers, so a Request
// is valid only while the handler runs. A handler that answers later (after pool work) copies
// what it needs before returning. The body has been collected whole before the handler is
// called (bounded by ParserLimits::max_body_bytes -> 413), chunked or Content-Length alike.
// Loop thread only.
#pragma once

#include <span>
#include <string_view>

#include "http/char_class.h"  // equals_ignore_case(a, b), for handlers comparing tokens
#include "http/message.h"

namespace osn::http {

struct Request {
  std::string_view method;        // "GET"
  std::string_view target;        // "/search?q=x" as sent
  std::string_view path;          // "/search"
  std::string_view query;         // "q=x" (without '?'), empty if none
  int version_minor = 1;          // HTTP/1.<minor>
  std::span<const Header> headers;
  std::span<const Header> trailers;  // after a chunked body, else empty
  std::string_view body;
  bool keep_alive = true;         // the client allows another request on this connection

  // The first field named `name` (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

}  // namespace osn::http
