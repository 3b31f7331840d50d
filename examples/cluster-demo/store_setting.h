// examples/cluster-demo/store_setting.h — STORE=memory | redis://[:password@]host:port/db
//
// Where the demo keeps what must outlive one worker: sessions, the shared counter, events.
// memory (the default) keeps them in each worker's heap — the bug a cluster shows; a redis://
// URL keeps them in one Redis every worker talks to — the fix (docs/cluster.md §7). The
// primary reads and checks the setting before it forks anything: a bad value, or a Redis
// nobody answers at, stops the demo with a message naming STORE and exit status 2, never a
// crash or a hang (the check waits at most 2 s). Any thread (the primary's, before fork).
#pragma once

#include <string>

#include "redis/url.h"

namespace osn::demo {

struct StoreSetting {
  std::string text = "memory";  // as given
  bool use_redis = false;
  redis::Endpoint endpoint;     // when use_redis
};

// Reads STORE from the environment: "" on success, else the message to print.
std::string read_store_setting(StoreSetting* out);
// With a redis:// STORE, asks the server for PING (AUTH first when the URL has a password):
// "" when it answered, else why not, naming STORE.
std::string probe_store(const StoreSetting& setting);

}  // namespace osn::demo
