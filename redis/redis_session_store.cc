// redis/redis_session_store.cc — a session is GET and SET ... PX on one key.
#include "redis/redis_session_store.h"

namespace osn::redis {
namespace {

// [lab 07] begin: what went wrong with an outcome, for a store's error string
// The error text for an outcome that is not the reply we wanted, or "" when it is.
std::string problem_with(const Outcome& o, const std::string& store) {
  if (!o.ok()) return store + ": " + o.failure().message;
  if (o.reply().is_error()) return store + " answered " + o.reply().describe();
  return {};
}
// [lab 07] end

}  // namespace

// [lab 07] begin: the session store on Redis (load, save, remove)
void RedisSessionStore::load(std::string_view id, LoadCallback done) {
  client_.command({"GET", key(id)}, [done = std::move(done), store = describe()](Outcome&& o) {
    SessionLookup lookup;
    lookup.error = problem_with(o, store);
    if (lookup.error.empty() && o.reply().type == ReplyType::kBulk) {
      lookup.found = true;
      lookup.data = std::move(o.reply().str);
    } else if (lookup.error.empty() && !o.reply().is_nil()) {
      lookup.error = store + ": GET answered " + o.reply().describe() + ", not a string";
    }
    done(std::move(lookup));
  });
}

void RedisSessionStore::save(std::string_view id, std::string_view data, uint64_t ttl_ms, DoneCallback done) {
  const std::string ttl = std::to_string(ttl_ms == 0 ? 1 : ttl_ms);
  client_.command({"SET", key(id), data, "PX", ttl}, [done = std::move(done), store = describe()](Outcome&& o) {
    done(problem_with(o, store));
  });
}

void RedisSessionStore::remove(std::string_view id, DoneCallback done) {
  client_.command({"DEL", key(id)}, [done = std::move(done), store = describe()](Outcome&& o) {
    done(problem_with(o, store));
  });
}
// [lab 07] end

}  // namespace osn::redis
