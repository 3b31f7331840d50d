// http/header_fields.h — a field section: "name: value" lines ending with an empty line.
//
// Used twice: for the header section after the request line and for the trailer section
// after the last chunk. This is the part lab 05 asks students to write; the contract below
// is all the rest of the parser relies on.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "http/message.h"

namespace osn::http {

// Parses field lines at the start of `in` up to and including the empty line (CRLF) that
// ends the section.
//   Complete:   out[0..count) hold the fields in order (duplicates kept, names as sent,
//               values without leading/trailing SP/HTAB); `consumed` counts through the final
//               CRLF. Views point into `in`.
//   Incomplete: no error in the bytes seen so far; call again with the same bytes and more.
//   Error 400:  a line that starts with SP/HTAB (obs-fold, or whitespace after the request
//               line), a name that is not a token, whitespace before ':', a control character
//               (NUL, bare CR, ...) in a value, a bare LF anywhere.
//   Error 431:  more than out.size() fields.
// Never reads outside `in`; never allocates.
ScanResult parse_field_section(std::string_view in, std::span<Header> out, std::size_t& count);

}  // namespace osn::http
