// http/date_cache.h — the Date header, formatted once per second instead of once per response.
//
// Every response carries `Date: Thu, 26 Nov 2026 12:30:42 GMT` (RFC 9110 §6.6.1: an origin
// server with a clock must send it). Formatting a date costs more than the rest of a small
// response, so we keep the formatted line and redo it only when the wall-clock second changes.
// The clock (time(2), a vDSO call on Linux) is read at most once per loop iteration: the cache
// remembers the loop's cached time (loop.now()) of its last look.
// Owned by the Server; loop thread only.
#pragma once

#include <cstdint>
#include <ctime>
#include <string_view>

namespace osn::http {

class DateCache {
 public:
  // "Date: <IMF-fixdate>\r\n", fresh to the second. `loop_now_ms` is the loop's cached clock.
  std::string_view header_line(uint64_t loop_now_ms);

  // The IMF-fixdate of `t` into out (29 bytes, no terminator). For tests.
  static void format_imf_fixdate(std::time_t t, char (&out)[29]);

 private:
  uint64_t looked_at_ms_ = UINT64_MAX;  // loop time of the last clock read
  std::time_t second_ = -1;             // the second the line shows
  char line_[6 + 29 + 2] = {};          // "Date: " + date + "\r\n"
};

}  // namespace osn::http
