// redis/shared_counter.cc — INCR, and an error that names the server.
#include "redis/shared_counter.h"

namespace osn::redis {

void SharedCounter::increment(Callback done) {
  client_.command({"INCR", key_}, [done = std::move(done)](Outcome&& o) {
    if (!o.ok()) return done(0, o.failure().message);
    if (o.reply().type != ReplyType::kInteger) return done(0, "INCR answered " + o.reply().describe());
    done(o.reply().integer, {});
  });
}

}  // namespace osn::redis
