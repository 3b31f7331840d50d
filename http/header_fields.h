// http/header_fields.h — lab 05, part 1: a field section, "name: value" lines up to an empty line.
//
// THE CONTRACT a field parser implements (tests/http/parser_test.cc, parser_api_test.cc and
// the conformance corpus hold it to this; the rest of the parser relies on nothing else). Used
// twice: for the header section after the request line, and for the trailer section after the
// last chunk.
//
//   field-line = field-name ":" OWS field-value OWS CRLF        (RFC 9112 §5)
//
//   Input   `in`: the bytes from the first field line on (the caller re-scans from there until
//           the section is complete), and `out`: the caller's storage for the fields.
//   Output  kComplete:   out[0..count) hold the fields in order — duplicates kept, names as
//                        sent (case preserved), values without leading or trailing SP/HTAB;
//                        `consumed` counts through the CRLF of the empty line. Every view
//                        points into `in`.
//           kIncomplete: no error in the bytes seen so far; call again with the same bytes and
//                        more. (count is not meaningful.)
//           kError:      error.status and error.reason (a string literal).
//   Errors  400 Bad Request: a line that starts with SP/HTAB (obs-fold, or whitespace after
//             the request line); a name that is empty or not a token; whitespace before ':';
//             a control character (NUL, bare CR, DEL, ...) in a value; a bare LF anywhere; a
//             CR not followed by LF.
//           431 Request Header Fields Too Large: more than out.size() fields. (The byte limit
//             is the caller's: it passes only the first limits.max_header_bytes.)
//   Smuggling  two parsers in a chain must not read different fields out of the same bytes,
//           so nothing is repaired: obs-fold is refused rather than unfolded (RFC 9112 §5.2),
//           "Name : v" is refused rather than trimmed (§5.1: MUST), a bare LF is not a line
//           end and a bare CR is not whitespace (§2.2).
//   Always  report an error as soon as the bytes that prove it are present (even if the
//           section is not complete); never read outside `in`; never allocate; keep no state
//           between calls.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "http/message.h"

namespace osn::http {

ScanResult parse_field_section(std::string_view in, std::span<Header> out, std::size_t& count);

}  // namespace osn::http
