// redis/session_store.h — sessions: a cookie's id -> the data behind it, with an expiry.
//
// The study note's lesson: a worker's memory is its own (fork(2) copies it, nothing shares it
// back), so a session kept in one worker's heap is unknown to the next worker a client lands
// on. Two stores behind one interface make that visible: MemorySessionStore (this process's
// heap — the bug) and RedisSessionStore (one Redis every worker talks to — the fix). The demo
// picks one with STORE=memory|redis://... (docs/cluster.md §7).
// Contract for every store: callbacks run later on the loop thread, never inside the call; a
// store failure is an error string naming the store, never an exception or an abort.
// Ownership: a store owns its data or borrows its Client. Thread affinity: the loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace osn::redis {

struct SessionLookup {
  bool found = false;
  std::string data;   // when found
  std::string error;  // non-empty: the store could not answer (then found is false)
};

class SessionStore {
 public:
  using LoadCallback = std::function<void(SessionLookup lookup)>;
  using DoneCallback = std::function<void(std::string error)>;  // empty error: done

  virtual ~SessionStore() = default;
  // The data saved under `id`, unless it expired or never existed.
  virtual void load(std::string_view id, LoadCallback done) = 0;
  // Saves `data` under `id` for ttl_ms (replacing what was there and its expiry).
  virtual void save(std::string_view id, std::string_view data, uint64_t ttl_ms, DoneCallback done) = 0;
  virtual void remove(std::string_view id, DoneCallback done) = 0;
  virtual std::string describe() const = 0;  // "memory (this worker's heap)", "redis 127.0.0.1:6379"
};

// A new session id: 128 random bits from getrandom(2), as 32 hex digits — not guessable, so a
// cookie cannot be forged by counting.
std::string new_session_id();

}  // namespace osn::redis
