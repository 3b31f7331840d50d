// http/date_cache.cc — IMF-fixdate by hand (strftime's %a/%b would follow the locale).
#include "http/date_cache.h"

#include <cstring>

namespace osn::http {

namespace {
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}
}  // namespace

void DateCache::format_imf_fixdate(std::time_t t, char (&out)[29]) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  std::memcpy(out, kDays[tm.tm_wday], 3);
  std::memcpy(out + 3, ", ", 2);
  put2(out + 5, tm.tm_mday);
  out[7] = ' ';
  std::memcpy(out + 8, kMonths[tm.tm_mon], 3);
  out[11] = ' ';
  const int year = tm.tm_year + 1900;
  put2(out + 12, (year / 100) % 100);
  put2(out + 14, year % 100);
  out[16] = ' ';
  put2(out + 17, tm.tm_hour);
  out[19] = ':';
  put2(out + 20, tm.tm_min);
  out[22] = ':';
  put2(out + 23, tm.tm_sec);
  std::memcpy(out + 25, " GMT", 4);
}

std::string_view DateCache::header_line(uint64_t loop_now_ms) {
  if (loop_now_ms != looked_at_ms_) {
    looked_at_ms_ = loop_now_ms;
    const std::time_t now = std::time(nullptr);
    if (now != second_) {
      second_ = now;
      char date[29];
      format_imf_fixdate(now, date);
      std::memcpy(line_, "Date: ", 6);
      std::memcpy(line_ + 6, date, 29);
      std::memcpy(line_ + 35, "\r\n", 2);
    }
  }
  return {line_, sizeof line_};
}

}  // namespace osn::http
