// redis/redis_session_store.h — sessions in Redis: every worker asks the same server.
//
// Each session is one string key, "osn:session:<id>", written with SET key data PX ttl (the
// expiry travels with the value; Redis deletes it on time, whichever worker wrote it) and read
// with GET. Nothing is kept in this process, so the worker a request lands on does not matter.
// A failure of the client (Redis down, a timeout) is an error naming the server, so a handler
// can answer 503 instead of pretending the user is logged out (docs/redis.md §6).
// Ownership: borrows the Client (it must outlive the store). Thread affinity: the loop's thread.
#pragma once

#include <string>

#include "redis/client.h"
#include "redis/session_store.h"

namespace osn::redis {

class RedisSessionStore final : public SessionStore {
 public:
  explicit RedisSessionStore(Client& client, std::string key_prefix = "osn:session:")
      : client_(client), prefix_(std::move(key_prefix)) {}

  void load(std::string_view id, LoadCallback done) override;
  void save(std::string_view id, std::string_view data, uint64_t ttl_ms, DoneCallback done) override;
  void remove(std::string_view id, DoneCallback done) override;
  std::string describe() const override { return "redis " + client_.options().endpoint.address(); }

 private:
  std::string key(std::string_view id) const { return prefix_ + std::string(id); }

  Client& client_;
  std::string prefix_;
};

}  // namespace osn::redis
