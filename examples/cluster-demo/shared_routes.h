// examples/cluster-demo/shared_routes.h — the endpoints that need state shared by every worker.
//
//   GET /login?user=NAME   a new session: its id in a cookie (osn_session), its data in the store
//   GET /me                who the cookie says you are — asked of the store by whichever worker
//                          took this request
//   GET /logout            forgets the session
//   GET /counter?shared=1  one count for the whole cluster (Redis INCR)
//   GET /pubsub            the last logins every worker announced (Redis pub/sub); not the
//                          dashboard's /events (Server-Sent Events, on the primary's DASHBOARD_PORT)
// With STORE=memory every one of these lives in this worker's heap: log in, and a request that
// lands on another worker gets 401 "unknown session" — the bug. With STORE=redis://... all
// workers see the same sessions, count and events — the fix (docs/cluster.md §7). A Redis that
// fails at run time is a 503 naming STORE, never a crash and never a silent "logged out".
// Ownership: owns the store, the Redis client and subscriber of this worker (made after fork:
// a connection is never shared between processes). Thread affinity: the worker's loop thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/worker.h"
#include "examples/cluster-demo/store_setting.h"
#include "http/router.h"
#include "redis/client.h"
#include "redis/session_store.h"
#include "redis/shared_counter.h"
#include "redis/subscriber.h"

namespace osn::demo {

class SharedRoutes {
 public:
  // Reads STORE (already checked by the primary) and connects when it is a redis:// URL.
  explicit SharedRoutes(cluster::WorkerContext& ctx);

  void add_routes(http::Router& router);
  // /counter?shared=1 goes here; plain /counter stays DemoApp's per-worker count.
  static bool wants_shared_counter(std::string_view query);
  void shared_counter(http::Response& response);
  // Graceful stop: close the Redis connections so the worker's loop can run dry.
  void shutdown();

 private:
  void login(const http::Request& request, http::Response& response);
  void me(const http::Request& request, http::Response& response);
  void logout(const http::Request& request, http::Response& response);
  void pubsub(http::Response& response);
  void remember_event(std::string event);
  std::string store_error(const std::string& detail) const;

  cluster::WorkerContext& ctx_;
  StoreSetting setting_;
  std::unique_ptr<redis::Client> client_;        // STORE=redis only
  std::unique_ptr<redis::Subscriber> subscriber_;  // STORE=redis only
  std::unique_ptr<redis::SessionStore> sessions_;
  std::unique_ptr<redis::SharedCounter> counter_;  // STORE=redis only
  uint64_t local_count_ = 0;                     // STORE=memory's "shared" counter: not shared
  std::deque<std::string> events_;               // the last events this worker heard
};

// The menu lines for these endpoints (printed by the primary with the rest of the menu).
void print_store_menu(const std::string& url);

}  // namespace osn::demo
