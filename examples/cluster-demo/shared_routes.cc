// examples/cluster-demo/shared_routes.cc — sessions, a shared counter and events, per STORE.
#include "examples/cluster-demo/shared_routes.h"

#include <cstdio>

#include "examples/cluster-demo/cpu_work.h"
#include "examples/cluster-demo/json.h"
#include "redis/memory_session_store.h"
#include "redis/redis_session_store.h"

namespace osn::demo {
namespace {

constexpr std::string_view kCookie = "osn_session";
constexpr uint64_t kSessionTtlMs = 30 * 60 * 1000;  // 30 minutes, as the cookie's Max-Age
constexpr std::string_view kEventsChannel = "osn:events";
constexpr size_t kEventsKept = 20;

void answer_json(http::Response& response, int status, const std::string& json) {
  response.set_status(status);
  response.add_header("Content-Type", "application/json");
  response.end(json);
}

// The value of cookie `name` in a Cookie header ("a=1; osn_session=abc"), or "".
std::string_view find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

bool is_user_name(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The session's data: "user\nworker\npid" — who logged in, and where.
std::string field(std::string_view data, int index) {
  for (int i = 0; i < index; ++i) {
    size_t nl = data.find('\n');
    if (nl == std::string_view::npos) return {};
    data.remove_prefix(nl + 1);
  }
  return std::string(data.substr(0, data.find('\n')));
}

}  // namespace

SharedRoutes::SharedRoutes(cluster::WorkerContext& ctx) : ctx_(ctx) {
  if (std::string problem = read_store_setting(&setting_); !problem.empty()) {
    std::fprintf(stderr, "osnode worker %d: %s; using STORE=memory\n", ctx_.id(), problem.c_str());
  }
  if (!setting_.use_redis) {
    sessions_ = std::make_unique<redis::MemorySessionStore>(ctx_.loop());
    return;
  }
  redis::ClientOptions options;
  options.endpoint = setting_.endpoint;
  client_ = std::make_unique<redis::Client>(ctx_.loop(), options);
  sessions_ = std::make_unique<redis::RedisSessionStore>(*client_);
  counter_ = std::make_unique<redis::SharedCounter>(*client_, "osn:counter");
  subscriber_ = std::make_unique<redis::Subscriber>(
      ctx_.loop(), options, std::vector<std::string>{std::string(kEventsChannel)},
      [this](const std::string&, const std::string& payload) { remember_event(payload); });
}

void SharedRoutes::add_routes(http::Router& router) {
  router.get("/login", [this](const http::Request& q, http::Response& r) { login(q, r); });
  router.get("/me", [this](const http::Request& q, http::Response& r) { me(q, r); });
  router.get("/logout", [this](const http::Request& q, http::Response& r) { logout(q, r); });
  router.get("/pubsub", [this](const http::Request&, http::Response& r) { pubsub(r); });
}

void SharedRoutes::shutdown() {
  if (subscriber_) subscriber_->close();
  if (client_) client_->close();
}

std::string SharedRoutes::store_error(const std::string& detail) const {
  return JsonObject().add("error", "STORE=" + setting_.text + " failed: " + detail).add("worker", ctx_.id()).str();
}

void SharedRoutes::login(const http::Request& request, http::Response& response) {
  std::string_view user;
  if (!find_query_param(request.query, "user", &user) || !is_user_name(user)) {
    return answer_json(response, 400, JsonObject().add("error", "give ?user=NAME (1..32 of A-Z a-z 0-9 - _)").str());
  }
  const std::string id = redis::new_session_id();
  const std::string data = std::string(user) + "\n" + std::to_string(ctx_.id()) + "\n" + std::to_string(ctx_.pid());
  http::ResponseHandle later = response.handle();
  sessions_->save(id, data, kSessionTtlMs, [this, later, id, user = std::string(user)](std::string error) {
    http::Response* r = later.get();
    if (r == nullptr) return;
    if (!error.empty()) return answer_json(*r, 503, store_error(error));
    r->add_header("Set-Cookie", std::string(kCookie) + "=" + id + "; Path=/; HttpOnly; Max-Age=" +
                                    std::to_string(kSessionTtlMs / 1000));
    answer_json(*r, 200, JsonObject()
                             .add("user", user)
                             .add("worker", ctx_.id())
                             .add("pid", static_cast<int64_t>(ctx_.pid()))
                             .add("store", sessions_->describe())
                             .str());
  });
  const std::string event = "login " + std::string(user) + " on worker " + std::to_string(ctx_.id());
  if (client_) {
    client_->command({"PUBLISH", kEventsChannel, event}, [](redis::Outcome&&) {});  // best effort
  } else {
    remember_event(event + " (memory: only this worker hears it)");
  }
}

void SharedRoutes::me(const http::Request& request, http::Response& response) {
  const std::string id(find_cookie(request.header("Cookie"), kCookie));
  if (id.empty()) {
    return answer_json(response, 401, JsonObject().add("error", "no session cookie: GET /login?user=NAME first").str());
  }
  http::ResponseHandle later = response.handle();
  sessions_->load(id, [this, later](redis::SessionLookup lookup) {
    http::Response* r = later.get();
    if (r == nullptr) return;
    if (!lookup.error.empty()) return answer_json(*r, 503, store_error(lookup.error));
    if (!lookup.found) {
      return answer_json(*r, 401, JsonObject()
                                      .add("error", "unknown session")
                                      .add("worker", ctx_.id())
                                      .add("pid", static_cast<int64_t>(ctx_.pid()))
                                      .add("store", sessions_->describe())
                                      .add("why", setting_.use_redis
                                                      ? "it expired or was logged out"
                                                      : "STORE=memory: the session lives in the heap of the "
                                                        "worker that logged you in, not this one")
                                      .str());
    }
    answer_json(*r, 200, JsonObject()
                             .add("user", field(lookup.data, 0))
                             .add("worker", ctx_.id())
                             .add("pid", static_cast<int64_t>(ctx_.pid()))
                             .add("logged_in_on_worker", field(lookup.data, 1))
                             .add("store", sessions_->describe())
                             .str());
  });
}

void SharedRoutes::logout(const http::Request& request, http::Response& response) {
  const std::string id(find_cookie(request.header("Cookie"), kCookie));
  http::ResponseHandle later = response.handle();
  sessions_->remove(id, [this, later](std::string error) {
    http::Response* r = later.get();
    if (r == nullptr) return;
    if (!error.empty()) return answer_json(*r, 503, store_error(error));
    r->add_header("Set-Cookie", std::string(kCookie) + "=; Path=/; Max-Age=0");
    answer_json(*r, 200, JsonObject().add("logged_out", "yes").str());
  });
}

bool SharedRoutes::wants_shared_counter(std::string_view query) {
  std::string_view shared;
  return find_query_param(query, "shared", &shared) && shared == "1";
}

void SharedRoutes::shared_counter(http::Response& response) {
  if (!counter_) {
    ++local_count_;
    return answer_json(response, 200, JsonObject()
                                          .add("pid", static_cast<int64_t>(ctx_.pid()))
                                          .add("count", local_count_)
                                          .add("shared", "no: STORE=memory has nothing shared, this is this worker's count")
                                          .str());
  }
  http::ResponseHandle later = response.handle();
  counter_->increment([this, later](int64_t value, std::string error) {
    http::Response* r = later.get();
    if (r == nullptr) return;
    if (!error.empty()) return answer_json(*r, 503, store_error(error));
    answer_json(*r, 200, JsonObject()
                             .add("pid", static_cast<int64_t>(ctx_.pid()))
                             .add("count", value)
                             .add("shared", "yes: Redis INCR, one count for every worker")
                             .str());
  });
}

void SharedRoutes::remember_event(std::string event) {
  events_.push_back(std::move(event));
  if (events_.size() > kEventsKept) events_.pop_front();
}

void SharedRoutes::pubsub(http::Response& response) {
  std::string list = "[";
  for (const std::string& e : events_) {
    if (list.size() > 1) list += ',';
    append_json_string(list, e);
  }
  answer_json(response, 200, JsonObject()
                                 .add("worker", ctx_.id())
                                 .add("heard_via", setting_.use_redis ? "redis pub/sub (every worker's logins)"
                                                                      : "nothing: STORE=memory (this worker's only)")
                                 .add_raw("events", list + "]")
                                 .str());
}

void print_store_menu(const std::string& url) {
  StoreSetting s;
  (void)read_store_setting(&s);
  std::printf(
      "  STORE=%s  (sessions, /counter?shared=1, /pubsub; docs/cluster.md section 7)\n"
      "  curl -c /tmp/jar %s/login?user=ada; curl -b /tmp/jar %s/me; curl -b /tmp/jar %s/me\n"
      "  curl   %s/counter?shared=1   |  curl %s/pubsub\n",
      s.text.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str());
}

}  // namespace osn::demo
