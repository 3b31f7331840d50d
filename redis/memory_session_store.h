// redis/memory_session_store.h — sessions in this process's heap: fast, and wrong for a cluster.
//
// A hash map from id to {data, expiry in loop time}. Correct for one process; with several
// workers each has its own map (fork copied an empty one into each), so a client whose next
// request is handed to another worker is unknown there — the bug docs/cluster.md §7 shows.
// Expired entries are dropped when they are looked at and by a sweep every minute.
// Ownership: owns the map. Thread affinity: the loop's thread.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "loop/loop.h"
#include "redis/session_store.h"

namespace osn::redis {

class MemorySessionStore final : public SessionStore {
 public:
  explicit MemorySessionStore(loop::Loop& loop);
  ~MemorySessionStore() override;

  void load(std::string_view id, LoadCallback done) override;
  void save(std::string_view id, std::string_view data, uint64_t ttl_ms, DoneCallback done) override;
  void remove(std::string_view id, DoneCallback done) override;
  std::string describe() const override { return "memory (this worker's heap only)"; }
  size_t size() const { return sessions_.size(); }

 private:
  struct Entry {
    std::string data;
    uint64_t expires_ms;
  };
  void later(loop::Callback cb);
  void sweep();

  loop::Loop& loop_;
  std::unordered_map<std::string, Entry> sessions_;
  loop::TimerId sweeper_ = 0;
  std::vector<loop::Callback> answers_;  // answers not yet given, oldest first
  loop::ImmediateId answer_id_ = 0;      // the immediate that gives them
};

}  // namespace osn::redis
