// redis/session_id.cc — new_session_id: the kernel's random bytes as hex.
#include <sys/random.h>

#include <cstdint>
#include <cstdio>

#include "redis/session_store.h"

namespace osn::redis {

std::string new_session_id() {
  uint8_t bytes[16] = {};
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
    // n < 0: EINTR (retry) — getrandom(2) cannot otherwise fail for 16 bytes once booted
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (uint8_t b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

}  // namespace osn::redis
