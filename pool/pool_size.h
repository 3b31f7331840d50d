// pool/pool_size.h — how many threads: OSN_THREADPOOL_SIZE, read like UV_THREADPOOL_SIZE.
//
// libuv reads UV_THREADPOOL_SIZE once, when its pool starts: default 4, at most 1024 (since
// libuv 1.30; older versions, and the study note, say 128). libuv silently clamps bad values;
// we refuse them with a message naming the variable and the range, so a typo is not hidden.
#pragma once

#include <cstddef>
#include <string>

namespace osn::pool {

inline constexpr const char* kPoolSizeVariable = "OSN_THREADPOOL_SIZE";
inline constexpr size_t kDefaultPoolSize = 4;
inline constexpr size_t kMaxPoolSize = 1024;

struct PoolSizeChoice {
  size_t threads = 0;  // 1..kMaxPoolSize when ok()
  std::string error;   // empty when ok(); otherwise names the variable, the value and the range
  bool ok() const { return error.empty(); }
};

// `text` is the variable's value, or nullptr when it is not set (then: the default, 4).
// Accepts only a plain decimal number 1..1024 ("8"; not "", "0", "-1", "8x", " 8", "1025").
PoolSizeChoice parse_pool_size(const char* text);

// parse_pool_size(getenv(OSN_THREADPOOL_SIZE)).
PoolSizeChoice pool_size_from_environment();

}  // namespace osn::pool
