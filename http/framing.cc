// http/framing.cc — Content-Length, Transfer-Encoding, Connection and Upgrade, strictly.
//
// Choices (docs/http.md explains each): Content-Length must be exactly one field holding one
// number, so "5, 5" and two identical fields are refused; Transfer-Encoding with
// Content-Length is refused (RFC 9112 §6.1 allows it, closing afterwards; we take the safe
// side); Transfer-Encoding in HTTP/1.0 is refused; chunked must be last and appear once (400);
// any other coding is one we do not implement (501). Keep-alive: 1.1 unless "close", 1.0 only
// with "keep-alive". Header names and these tokens compare case-insensitively.
#include "http/framing.h"

#include <cstdint>
#include <string_view>

#include "http/char_class.h"

namespace osn::http {
namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_whitespace(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_whitespace(s.back())) s.remove_suffix(1);
  return s;
}

// Calls visit(element) for each element of a comma-separated list, skipping empty elements
// (RFC 9110 §5.6.1 says a recipient must accept them).
template <class Visit>
void for_each_list_element(std::string_view list, Visit&& visit) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) visit(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// 1*DIGIT below 2^63, or false.
bool parse_content_length(std::string_view value, std::uint64_t& out) {
  if (value.empty()) return false;
  std::uint64_t n = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (n > ((std::uint64_t{1} << 63) - 1 - digit) / 10) return false;
    n = n * 10 + digit;
  }
  out = n;
  return true;
}

// What the Transfer-Encoding field lines said, across all of them in order.
struct Codings {
  int count = 0;
  int chunked = 0;
  bool last_is_chunked = false;
  bool malformed = false;   // a coding that is not a token, or chunked with parameters
  bool unknown = false;     // a coding other than chunked
};

void add_codings(std::string_view value, Codings& codings) {
  for_each_list_element(value, [&](std::string_view element) {
    const std::size_t semicolon = element.find(';');
    const std::string_view name = trim_ows(element.substr(0, semicolon));
    bool token = !name.empty();
    for (const char c : name) token = token && is_tchar(c);
    const bool chunked = equals_ignore_case(name, "chunked");
    codings.count++;
    codings.malformed |= !token || (chunked && semicolon != std::string_view::npos);
    codings.chunked += chunked ? 1 : 0;
    codings.unknown |= !chunked;
    codings.last_is_chunked = chunked;
  });
}

ParseError check_codings(const Codings& codings, int version_minor) {
  if (version_minor == 0) return {StatusCode::kBadRequest, "Transfer-Encoding in an HTTP/1.0 request"};
  if (codings.malformed) return {StatusCode::kBadRequest, "malformed Transfer-Encoding"};
  if (codings.count == 0) return {StatusCode::kBadRequest, "empty Transfer-Encoding"};
  if (codings.chunked > 1) return {StatusCode::kBadRequest, "chunked applied more than once"};
  if (!codings.last_is_chunked) return {StatusCode::kBadRequest, "chunked is not the final transfer coding"};
  if (codings.unknown) return {StatusCode::kNotImplemented, "transfer coding not implemented"};
  return {};
}

}  // namespace

ParseError interpret_framing(RequestHead& head, const ParserLimits& limits) {
  Codings codings;
  bool has_te = false, has_cl = false, has_upgrade = false;
  bool close = false, keep_alive = false, upgrade_token = false;
  for (const Header& h : head.headers) {
    const std::string_view n = h.name;
    if (equals_ignore_case(n, "content-length")) {
      if (has_cl) return {StatusCode::kBadRequest, "more than one Content-Length"};
      if (!parse_content_length(h.value, head.content_length)) {
        return {StatusCode::kBadRequest, "Content-Length is not one number below 2^63"};
      }
      has_cl = true;
    } else if (equals_ignore_case(n, "transfer-encoding")) {
      has_te = true;
      add_codings(h.value, codings);
    } else if (equals_ignore_case(n, "connection")) {
      for_each_list_element(h.value, [&](std::string_view option) {
        close |= equals_ignore_case(option, "close");
        keep_alive |= equals_ignore_case(option, "keep-alive");
        upgrade_token |= equals_ignore_case(option, "upgrade");
      });
    } else if (equals_ignore_case(n, "upgrade")) {
      has_upgrade = true;
    }
  }
  if (has_te && has_cl) return {StatusCode::kBadRequest, "both Content-Length and Transfer-Encoding"};
  if (has_te) {
    const ParseError error = check_codings(codings, head.version_minor);
    if (error.status != StatusCode::kOk) return error;
    head.framing = BodyFraming::kChunked;
  } else if (has_cl) {
    if (head.content_length > limits.max_body_bytes) {
      return {StatusCode::kContentTooLarge, "Content-Length larger than the limit"};
    }
    head.framing = head.content_length > 0 ? BodyFraming::kContentLength : BodyFraming::kNone;
  }
  head.keep_alive = !close && (head.version_minor >= 1 || keep_alive);
  head.upgrade = upgrade_token && has_upgrade;
  head.connect = head.method == "CONNECT";
  if (head.connect) head.framing = BodyFraming::kNone;  // what follows is the tunnel
  return {};
}

}  // namespace osn::http
