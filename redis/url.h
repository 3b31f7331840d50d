// redis/url.h — where a Redis server is, written as a URL: redis://[:password@]host:port/db
//
// The form every Redis client accepts (redis-cli -u, ioredis, redis-py). The host is an address
// (127.0.0.1, [::1]) or a name (localhost, redis.internal), kept as written: a name is resolved
// when the connection is made, on the pool (redis/host_lookup.h), never here. Port defaults to
// 6379, db to 0. Also accepted: redis://user:password@host (Redis 6 ACL users).
// Any thread (pure).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osn::redis {

struct Endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 6379;
  std::string user;      // empty: AUTH password (the default user)
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT db when not 0

  std::string address() const;  // "127.0.0.1:6379"
};

// Empty string on success, else what is wrong ("redis URL \"...\": port 99999 is not 1..65535").
std::string parse_redis_url(std::string_view url, Endpoint* out);

}  // namespace osn::redis
