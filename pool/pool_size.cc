// pool/pool_size.cc — parsing OSN_THREADPOOL_SIZE strictly.
#include "pool/pool_size.h"

#include <cstdlib>

namespace osn::pool {

PoolSizeChoice parse_pool_size(const char* text) {
  if (text == nullptr) return {kDefaultPoolSize, {}};
  size_t value = 0;
  bool digits_only = *text != '\0';
  for (const char* p = text; *p != '\0' && digits_only; ++p) {
    if (*p < '0' || *p > '9') {
      digits_only = false;
    } else if (value <= kMaxPoolSize) {  // stop growing once out of range: no overflow
      value = value * 10 + static_cast<size_t>(*p - '0');
    }
  }
  if (digits_only && value >= 1 && value <= kMaxPoolSize) return {value, {}};
  return {0, std::string(kPoolSizeVariable) + "=\"" + text +
                 "\" is refused: it must be a whole number from 1 to " +
                 std::to_string(kMaxPoolSize) + " (threads in the pool; default " +
                 std::to_string(kDefaultPoolSize) + ")"};
}

PoolSizeChoice pool_size_from_environment() {
  return parse_pool_size(std::getenv(kPoolSizeVariable));
}

}  // namespace osn::pool
