// redis/shared_counter.h — one number every worker counts into: Redis INCR.
//
// `counter_++` in a worker's heap counts that worker's requests only (fork gave each worker
// its own copy). INCR runs inside Redis, one command at a time (Redis executes commands on one
// thread), so two workers' increments never interleave: no lost update, no lock in our code —
// the atomicity is the server's. Ownership: borrows the Client. Thread affinity: the loop's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "redis/client.h"

namespace osn::redis {

class SharedCounter {
 public:
  // value: the count after this increment; error non-empty when Redis could not be asked.
  using Callback = std::function<void(int64_t value, std::string error)>;

  SharedCounter(Client& client, std::string key) : client_(client), key_(std::move(key)) {}
  void increment(Callback done);

 private:
  Client& client_;
  std::string key_;
};

}  // namespace osn::redis
