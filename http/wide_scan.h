// http/wide_scan.h — find the end of a field value 16 bytes at a time.
//
// Most bytes of a request are field values (User-Agent, Accept, Cookie). Instead of asking
// the byte table about each one, SSE2 compares 16 bytes at once and a bitmask says where the
// first byte that cannot be part of a value is (a control character: CR, LF, NUL, ... or DEL;
// HTAB is allowed). Without SSE2 the same loop runs one byte at a time.
// Invariant: never reads at or past `end` (tests place input against a guard page).
#pragma once

namespace osn::http {

// First byte in [p, end) that is a CTL other than HTAB, or DEL; `end` if there is none.
const char* find_field_value_end(const char* p, const char* end);

}  // namespace osn::http
