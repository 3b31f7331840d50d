// redis/redis_session_store.cc — a session is GET and SET ... PX on one key.
#include "redis/redis_session_store.h"

namespace osn::redis {
namespace {

// [lab 07] begin: what went wrong with an outcome, for a store's error string
// TODO(lab 07): a helper that turns an Outcome into "" (the reply you wanted) or an error
// string naming the store: a Failure (no reply at all) and an error reply (-ERR ...) both count.
// [lab 07] end

}  // namespace

// [lab 07] begin: the session store on Redis (load, save, remove)
// TODO(lab 07): one Redis string key per session, key(id) ("osn:session:<id>").
//   load:   GET key -> found with the bytes (kBulk), not found (kNil), or an error string that
//           names the store (describe()) when the client failed or Redis answered an error.
//   save:   SET key data PX ttl_ms — the expiry travels with the value.
//   remove: DEL key.
// Every callback runs later, from the client's callback — never inside load/save/remove.
void RedisSessionStore::load(std::string_view id, LoadCallback done) {
  (void)id;
  client_.command({"PING"}, [done = std::move(done)](Outcome&&) {
    SessionLookup lookup;
    lookup.error = "RedisSessionStore::load is not written yet (lab 07)";
    done(std::move(lookup));
  });
}

void RedisSessionStore::save(std::string_view id, std::string_view data, uint64_t ttl_ms, DoneCallback done) {
  (void)id;
  (void)data;
  (void)ttl_ms;
  client_.command({"PING"}, [done = std::move(done)](Outcome&&) { done("RedisSessionStore::save is not written yet (lab 07)"); });
}

void RedisSessionStore::remove(std::string_view id, DoneCallback done) {
  (void)id;
  client_.command({"PING"}, [done = std::move(done)](Outcome&&) { done("RedisSessionStore::remove is not written yet (lab 07)"); });
}
// [lab 07] end

}  // namespace osn::redis
