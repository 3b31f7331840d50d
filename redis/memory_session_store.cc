// redis/memory_session_store.cc — a map, an expiry check, and answers given a turn later.
#include "redis/memory_session_store.h"

#include <algorithm>

namespace osn::redis {

MemorySessionStore::MemorySessionStore(loop::Loop& loop) : loop_(loop) {
  sweeper_ = loop_.set_interval(60'000, [this] { sweep(); });
  loop_.unref_timer(sweeper_);  // a sweep alone never keeps a worker alive
}

MemorySessionStore::~MemorySessionStore() {
  loop_.clear_timer(sweeper_);
  if (answer_id_ != 0) loop_.clear_immediate(answer_id_);
}

// The same contract as a store across the network: the answer comes later, never inside the
// call. All answers of one turn go out from one immediate, in the order they were asked.
void MemorySessionStore::later(loop::Callback cb) {
  answers_.push_back(std::move(cb));
  if (answer_id_ != 0) return;
  answer_id_ = loop_.set_immediate([this] {
    answer_id_ = 0;
    std::vector<loop::Callback> batch;
    batch.swap(answers_);
    for (loop::Callback& answer : batch) answer();  // a local list: safe even if we are destroyed
  });
}

void MemorySessionStore::load(std::string_view id, LoadCallback done) {
  SessionLookup lookup;
  auto it = sessions_.find(std::string(id));
  if (it != sessions_.end() && it->second.expires_ms <= loop_.now()) {
    sessions_.erase(it);
  } else if (it != sessions_.end()) {
    lookup.found = true;
    lookup.data = it->second.data;
  }
  later([done = std::move(done), lookup = std::move(lookup)]() mutable { done(std::move(lookup)); });
}

void MemorySessionStore::save(std::string_view id, std::string_view data, uint64_t ttl_ms, DoneCallback done) {
  sessions_[std::string(id)] = Entry{std::string(data), loop_.now() + ttl_ms};
  later([done = std::move(done)] { done({}); });
}

void MemorySessionStore::remove(std::string_view id, DoneCallback done) {
  sessions_.erase(std::string(id));
  later([done = std::move(done)] { done({}); });
}

void MemorySessionStore::sweep() {
  const uint64_t now = loop_.now();
  std::erase_if(sessions_, [now](const auto& kv) { return kv.second.expires_ms <= now; });
}

}  // namespace osn::redis
