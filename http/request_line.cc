// http/request_line.cc — method SP request-target SP HTTP-version CRLF, strictly.
//
// One SP only (no tabs, no runs of spaces: RFC 9112 §3 lets a parser be lenient, we are not),
// no HTTP/0.9 ("GET /" without a version), CRLF only (a bare LF is refused, see docs/http.md).
// The method and the target are scanned with the wide scans (http/wide_scan.h), which answer
// exactly as the char-class table does.
#include "http/request_line.h"

#include <algorithm>
#include <cstddef>

#include "http/char_class.h"
#include "http/wide_scan.h"

namespace osn::http {
namespace {

constexpr std::string_view kHttpPrefix = "HTTP/";

// Scans "HTTP/d.d" CRLF at the start of `in`; sets minor on success.
ScanResult parse_version(std::string_view in, int& minor) {
  const std::size_t prefix = std::min(in.size(), kHttpPrefix.size());
  if (in.substr(0, prefix) != kHttpPrefix.substr(0, prefix)) {
    if (!in.empty() && (in[0] == '\r' || in[0] == '\n')) {
      return scan_error(StatusCode::kBadRequest, "no HTTP version (HTTP/0.9 is not supported)");
    }
    return scan_error(StatusCode::kBadRequest, "protocol is not HTTP");
  }
  if (in.size() > 5 && !(in[5] >= '0' && in[5] <= '9')) {
    return scan_error(StatusCode::kBadRequest, "malformed HTTP version");
  }
  if (in.size() > 6 && in[6] != '.') return scan_error(StatusCode::kBadRequest, "malformed HTTP version");
  if (in.size() > 7 && !(in[7] >= '0' && in[7] <= '9')) {
    return scan_error(StatusCode::kBadRequest, "malformed HTTP version");
  }
  if (in.size() < 8) return scan_incomplete();
  if (in[5] != '1') return scan_error(StatusCode::kHttpVersionNotSupported, "HTTP major version is not 1");
  minor = in[7] - '0';
  if (in.size() < 9) return scan_incomplete();
  if (in[8] == '\n') return scan_error(StatusCode::kBadRequest, "bare LF after the request line");
  if (in[8] != '\r') return scan_error(StatusCode::kBadRequest, "junk after the HTTP version");
  if (in.size() < 10) return scan_incomplete();
  if (in[9] != '\n') return scan_error(StatusCode::kBadRequest, "bare CR after the request line");
  return scan_complete(10);
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// host ":" port, host a reg-name / IPv4 or "[" IPv6 "]" (RFC 9112 §3.2.3).
bool is_authority_form(std::string_view target) {
  const std::size_t colon = target.rfind(':');
  if (colon == std::string_view::npos || !is_digits(target.substr(colon + 1))) return false;
  const std::string_view host = target.substr(0, colon);
  if (host.empty() || host.find_first_of("/?@") != std::string_view::npos) return false;
  if (host.front() == '[') return host.size() > 2 && host.back() == ']';
  return host.find_first_of("[]:") == std::string_view::npos;
}

// scheme ":" ..., and no userinfo ("user@") in an http(s) authority (RFC 9110 §4.2.4).
bool is_absolute_form(std::string_view target) {
  auto is_alpha = [](char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; };
  auto is_scheme_char = [&](char c) {
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  };
  if (target.empty() || !is_alpha(target[0])) return false;
  std::size_t i = 1;
  while (i < target.size() && is_scheme_char(target[i])) ++i;
  if (i == target.size() || target[i] != ':') return false;
  const std::string_view rest = target.substr(i + 1);
  if (rest.substr(0, 2) != "//") return true;
  const std::string_view authority = rest.substr(2, rest.find_first_of("/?", 2) - 2);
  return !authority.empty() && authority.find('@') == std::string_view::npos;
}

}  // namespace

std::string_view check_target_form(std::string_view method, std::string_view target) {
  const bool connect = method == "CONNECT";
  if (connect) return is_authority_form(target) ? "" : "CONNECT needs an authority-form target";
  if (target == "*") return method == "OPTIONS" ? "" : "asterisk-form is only for OPTIONS";
  if (target[0] == '/') return "";
  if (is_absolute_form(target)) return "";
  return "request-target is not origin-form or absolute-form";
}

ScanResult parse_request_line(std::string_view in, const ParserLimits& limits, RequestLine& out) {
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  const char* p = begin;
  p = find_token_end(p, end);
  if (p == end) return scan_incomplete();
  if (p == begin) return scan_error(StatusCode::kBadRequest, "request line does not start with a method token");
  if (*p != ' ') return scan_error(StatusCode::kBadRequest, "method is not followed by one SP");
  out.method = std::string_view(begin, static_cast<std::size_t>(p - begin));

  const char* const target = ++p;
  // Look at most one byte past the limit: enough to know the target is too long.
  const std::size_t room = static_cast<std::size_t>(end - target);
  const char* const scan_end = target + (room > limits.max_target_bytes ? limits.max_target_bytes + 1 : room);
  p = find_target_end(p, scan_end);
  if (static_cast<std::size_t>(p - target) > limits.max_target_bytes) {
    return scan_error(StatusCode::kUriTooLong, "request-target longer than the limit");
  }
  if (p == end) return scan_incomplete();
  if (p == target) return scan_error(StatusCode::kBadRequest, "empty request-target (two SPs?)");
  if (*p == '\r' || *p == '\n') {
    return scan_error(StatusCode::kBadRequest, "no HTTP version (HTTP/0.9 is not supported)");
  }
  if (*p != ' ') return scan_error(StatusCode::kBadRequest, "invalid character in request-target");
  out.target = std::string_view(target, static_cast<std::size_t>(p - target));
  const std::string_view form_error = check_target_form(out.method, out.target);
  if (!form_error.empty()) return scan_error(StatusCode::kBadRequest, form_error);

  ++p;
  const ScanResult version = parse_version(std::string_view(p, static_cast<std::size_t>(end - p)),
                                           out.version_minor);
  if (version.kind != Scan::kComplete) return version;
  return scan_complete(static_cast<std::size_t>(p - begin) + version.consumed);
}

}  // namespace osn::http
