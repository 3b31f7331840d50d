// http/header_fields.cc — field-line = field-name ":" OWS field-value OWS CRLF (RFC 9112 §5).
//
// Strict on purpose, because lenient header parsing is what request smuggling feeds on:
// obs-fold (a line starting with SP/HTAB) is refused rather than unfolded, whitespace between
// name and colon is refused (RFC 9112 §5.1 says MUST), control characters in values are
// refused, lines end with CRLF only. Names and values are scanned with the wide scans
// (http/wide_scan.h: 32 bytes at a time with AVX2, 16 with SSSE3 or SSE2, and 8 — one
// uint64_t word — in the portable plain scans every other CPU runs).
#include "http/header_fields.h"

#include "http/char_class.h"
#include "http/wide_scan.h"

namespace osn::http {
// [lab 05] begin: helpers for parse_field_section (name the error a stop character proves)
namespace {

// Where a field name stopped on something other than ':'.
ScanResult bad_name_end(const char* name, const char* p) {
  if (*p == ' ' || *p == '\t') {
    return scan_error(StatusCode::kBadRequest, p == name ? "line starts with whitespace (obs-fold?)"
                                                         : "whitespace before the colon");
  }
  if (*p == '\n') return scan_error(StatusCode::kBadRequest, "bare LF in field line");
  if (p == name && *p == ':') return scan_error(StatusCode::kBadRequest, "empty field name");
  return scan_error(StatusCode::kBadRequest, "field name is not a token");
}

// Where a field value stopped on a control character.
ScanResult bad_value_end(char c) {
  if (c == '\n') return scan_error(StatusCode::kBadRequest, "bare LF in field line");
  if (c == '\r') return scan_error(StatusCode::kBadRequest, "bare CR in field value");
  if (c == '\0') return scan_error(StatusCode::kBadRequest, "NUL in field value");
  return scan_error(StatusCode::kBadRequest, "control character in field value");
}

}  // namespace
// [lab 05] end

ScanResult parse_field_section(std::string_view in, std::span<Header> out, std::size_t& count) {
  // [lab 05] begin: parse_field_section — field lines up to the empty line, strict (header_fields.h)
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  const char* p = begin;
  count = 0;
  for (;;) {
    // The empty line ends the section.
    if (p == end) return scan_incomplete();
    if (*p == '\r') {
      if (p + 1 == end) return scan_incomplete();
      if (p[1] != '\n') return scan_error(StatusCode::kBadRequest, "bare CR in field section");
      return scan_complete(static_cast<std::size_t>(p + 2 - begin));
    }
    // Find where the line stops first: its first control character, which is the CR of
    // CRLF when the line is well formed (a name, ':' and OWS hold none). The next line's
    // start then waits on this one scan only, and the checks of the name below run beside
    // the scan of the next line (out-of-order execution) instead of before it.
    const char* const line = p;
    const char* const stop = find_field_value_end(line, end);
    // field-name ":"
    p = find_token_end(line, stop);
    if (p == end) return scan_incomplete();
    if (*p != ':' || p == line) return bad_name_end(line, p);
    if (count == out.size()) {
      return scan_error(StatusCode::kRequestHeaderFieldsTooLarge, "too many fields");
    }
    const std::string_view name_view(line, static_cast<std::size_t>(p - line));
    // OWS field-value OWS CRLF
    ++p;
    while (p < stop && is_whitespace(*p)) ++p;
    const char* const value = p;
    p = stop;
    if (p == end) return scan_incomplete();
    if (*p != '\r') return bad_value_end(*p);
    if (p + 1 == end) return scan_incomplete();
    if (p[1] != '\n') return bad_value_end('\r');
    const char* value_end = p;
    while (value_end > value && is_whitespace(value_end[-1])) --value_end;
    out[count++] = Header{name_view, std::string_view(value, static_cast<std::size_t>(value_end - value))};
    p += 2;
  }
  // [lab 05] end
}

}  // namespace osn::http
