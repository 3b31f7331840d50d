// tests/integration/session_demo_test.cc — the session bug and its fix, on the real demo.
//
// build/bin/cluster-demo with two workers: log in on one connection, then ask /me on new
// connections until both workers have answered. STORE=memory: the worker that made the session
// knows it, the other answers 401 "unknown session" — a worker's heap is its own. STORE=redis://
// (a redis-server this test starts): both workers know the client. Also: /counter?shared=1 counts
// across workers with Redis, a login is heard on every worker's /pubsub through Redis pub/sub
// (and only on its own worker with memory), a Redis that is down or a STORE that is not a URL
// stop the demo at start with exit 2 and a message naming STORE.
#include <gtest/gtest.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/demo_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mini_json.h"
#include "tests/support/net.h"
#include "tests/support/redis_server.h"

namespace osn::test {
namespace {

std::optional<HttpResponse> get(uint16_t port, std::string_view path, std::string_view cookie = {}) {
  auto client = HttpClient::connect(port);
  if (!client) return std::nullopt;
  std::string fields = "Connection: close\r\n";
  if (!cookie.empty()) fields += "Cookie: " + std::string(cookie) + "\r\n";
  return client->round_trip(get_request(path, fields), 5'000);
}

Json json_of(const HttpResponse& r) {
  Json json;
  EXPECT_TRUE(parse_json(r.body, json)) << r.body;
  return json;
}

double number(const Json& j, std::string_view key) {
  const Json* v = j.find(key);
  return v != nullptr && v->type == Json::Type::kNumber ? v->number : -1;
}

std::string text(const Json& j, std::string_view key) {
  const Json* v = j.find(key);
  return v != nullptr && v->type == Json::Type::kString ? v->string : "";
}

struct TwoWorkerDemo {
  explicit TwoWorkerDemo(const std::string& store)
      : port(free_tcp_port()),
        process({"PORT=" + std::to_string(port), "WORKERS=2", "SCHED=rr", "STORE=" + store}) {}

  // Both workers answer /hello (bounded, ~10 s).
  ::testing::AssertionResult ready() {
    if (!process.started()) return ::testing::AssertionFailure() << "cannot start " << demo_binary();
    std::set<double> pids;
    for (int attempt = 0; attempt < 500 && pids.size() < 2; ++attempt) {
      if (auto r = get(port, "/counter"); r && r->status == 200) pids.insert(number(json_of(*r), "pid"));
      if (process.wait_exit(0)) return ::testing::AssertionFailure() << "exited: " << process.output();
      if (pids.size() < 2) ::usleep(20'000);
    }
    if (pids.size() < 2) return ::testing::AssertionFailure() << "two workers never answered:\n" << process.output();
    return ::testing::AssertionSuccess();
  }

  uint16_t port;
  DemoProcess process;
};

struct MeAnswers {
  double login_pid = -1;
  std::vector<std::pair<double, int>> pid_and_status;  // one per /me
  std::string unknown_why;
  std::set<std::string> users;
};

// Logs in, then asks /me on new connections until both workers answered (at most 20 tries).
MeAnswers login_then_ask_every_worker(uint16_t port) {
  MeAnswers a;
  auto login = get(port, "/login?user=ada");
  EXPECT_TRUE(login && login->status == 200) << (login ? login->body : "no answer");
  if (!login) return a;
  a.login_pid = number(json_of(*login), "pid");
  std::string cookie = login->header("Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("osn_session=")) << cookie;
  cookie = cookie.substr(0, cookie.find(';'));
  std::set<double> pids;
  for (int i = 0; i < 20 && pids.size() < 2; ++i) {
    auto me = get(port, "/me", cookie);
    EXPECT_TRUE(me);
    if (!me) break;
    Json j = json_of(*me);
    pids.insert(number(j, "pid"));
    a.pid_and_status.emplace_back(number(j, "pid"), me->status);
    if (me->status == 401) a.unknown_why = text(j, "why");
    if (me->status == 200) a.users.insert(text(j, "user"));
  }
  EXPECT_EQ(pids.size(), 2u) << "both workers should have answered a /me";
  return a;
}

TEST(SessionDemo, WithMemoryTheOtherWorkerDoesNotKnowTheSession) {
  TwoWorkerDemo demo("memory");
  ASSERT_TRUE(demo.ready());
  MeAnswers a = login_then_ask_every_worker(demo.port);
  for (auto [pid, status] : a.pid_and_status) {
    EXPECT_EQ(status, pid == a.login_pid ? 200 : 401) << "pid " << pid << " (login on " << a.login_pid << ")";
  }
  EXPECT_NE(a.unknown_why.find("STORE=memory"), std::string::npos) << a.unknown_why;
}

TEST(SessionDemo, WithRedisEveryWorkerKnowsTheSession) {
  if (redis_server_program().empty()) GTEST_SKIP() << kNoRedisReason;
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  TwoWorkerDemo demo(redis.url());
  ASSERT_TRUE(demo.ready());
  MeAnswers a = login_then_ask_every_worker(demo.port);
  for (auto [pid, status] : a.pid_and_status) EXPECT_EQ(status, 200) << "pid " << pid;
  EXPECT_EQ(a.users, std::set<std::string>{"ada"});
}

TEST(SessionDemo, WithRedisTheSharedCounterCountsAcrossWorkers) {
  if (redis_server_program().empty()) GTEST_SKIP() << kNoRedisReason;
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  TwoWorkerDemo demo(redis.url());
  ASSERT_TRUE(demo.ready());
  std::set<double> pids;
  std::vector<double> counts;
  for (int i = 0; i < 20 && (pids.size() < 2 || counts.size() < 4); ++i) {
    auto r = get(demo.port, "/counter?shared=1");
    ASSERT_TRUE(r && r->status == 200);
    pids.insert(number(json_of(*r), "pid"));
    counts.push_back(number(json_of(*r), "count"));
  }
  EXPECT_EQ(pids.size(), 2u);
  for (size_t i = 0; i < counts.size(); ++i) EXPECT_EQ(counts[i], static_cast<double>(i + 1)) << "one count for all";
}

// /pubsub (the worker's route; the dashboard's /events is another thing, on DASHBOARD_PORT):
// asks /pubsub on new connections until both workers answered one that passes `heard` (at most
// 500 tries, ~10 s: a PUBLISH reaches the other worker's subscriber a moment later). Returns
// the worker ids that answered, each with its last body.
std::map<double, std::string> pubsub_of_every_worker(uint16_t port, const std::function<bool(const std::string&)>& heard) {
  std::map<double, std::string> last;
  for (int i = 0; i < 500; ++i) {
    auto r = get(port, "/pubsub");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    if (!r || r->status != 200) break;
    last[number(json_of(*r), "worker")] = r->body;
    if (last.size() == 2 && heard(last.begin()->second) && heard(last.rbegin()->second)) break;
    ::usleep(20'000);
  }
  return last;
}

TEST(SessionDemo, WithRedisALoginIsHeardOnEveryWorkerThroughPubsub) {
  if (redis_server_program().empty()) GTEST_SKIP() << kNoRedisReason;
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  TwoWorkerDemo demo(redis.url());
  ASSERT_TRUE(demo.ready());
  auto login = get(demo.port, "/login?user=grace");
  ASSERT_TRUE(login && login->status == 200) << (login ? login->body : "no answer");
  const std::string event = "login grace on worker " + std::to_string(static_cast<int>(number(json_of(*login), "worker")));
  auto answers = pubsub_of_every_worker(demo.port, [&](const std::string& body) { return body.find(event) != std::string::npos; });
  ASSERT_EQ(answers.size(), 2u) << "both workers should have answered a /pubsub";
  for (const auto& [worker, body] : answers) {
    EXPECT_NE(body.find(event), std::string::npos) << "worker " << worker << ": " << body;
    EXPECT_NE(body.find("redis pub/sub"), std::string::npos) << body;
  }
}

TEST(SessionDemo, WithMemoryOnlyTheWorkerThatTookTheLoginListsIt) {
  TwoWorkerDemo demo("memory");
  ASSERT_TRUE(demo.ready());
  auto login = get(demo.port, "/login?user=grace");
  ASSERT_TRUE(login && login->status == 200) << (login ? login->body : "no answer");
  const double login_worker = number(json_of(*login), "worker");
  auto answers = pubsub_of_every_worker(demo.port, [](const std::string&) { return true; });
  ASSERT_EQ(answers.size(), 2u) << "both workers should have answered a /pubsub";
  for (const auto& [worker, body] : answers) {
    EXPECT_EQ(body.find("login grace") != std::string::npos, worker == login_worker) << "worker " << worker << ": " << body;
  }
}

TEST(SessionDemo, ARedisThatDiesAtRunTimeIsA503NamingStoreNotACrash) {
  if (redis_server_program().empty()) GTEST_SKIP() << kNoRedisReason;
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  TwoWorkerDemo demo(redis.url());
  ASSERT_TRUE(demo.ready());
  redis.stop();
  for (const char* path : {"/counter?shared=1", "/login?user=ada", "/me"}) {
    auto r = get(demo.port, path, "osn_session=0123");
    ASSERT_TRUE(r) << path << ": no answer";
    EXPECT_EQ(r->status, 503) << path << ": " << r->body;
    EXPECT_NE(text(json_of(*r), "error").find("STORE=" + redis.url()), std::string::npos) << r->body;
  }
  ASSERT_TRUE(redis.start()) << redis.error();
  bool back = false;
  for (int i = 0; i < 500 && !back; ++i) {  // the workers reconnect by themselves (bounded, ~10 s)
    auto r = get(demo.port, "/counter?shared=1");
    back = r && r->status == 200;
    if (!back) ::usleep(20'000);
  }
  EXPECT_TRUE(back) << demo.process.output();
  EXPECT_FALSE(demo.process.wait_exit(0)) << "the demo is still running";
}

TEST(SessionDemo, AHostNameInStoreIsResolvedByEveryWorker) {
  if (redis_server_program().empty()) GTEST_SKIP() << kNoRedisReason;
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.error();
  TwoWorkerDemo demo("redis://localhost:" + std::to_string(redis.port()));
  ASSERT_TRUE(demo.ready());
  MeAnswers a = login_then_ask_every_worker(demo.port);
  for (auto [pid, status] : a.pid_and_status) EXPECT_EQ(status, 200) << "pid " << pid;
}

// A STORE the primary cannot use stops the demo before any worker starts: exit code 2, a message
// naming the setting and `why`, and no process left behind — never a hang.
void expect_store_refused(const std::string& url, const std::string& why) {
  DemoProcess demo({"PORT=" + std::to_string(free_tcp_port()), "WORKERS=2", "STORE=" + url});
  ASSERT_TRUE(demo.started());
  std::optional<int> code = demo.wait_exit(15'000);
  ASSERT_TRUE(code) << "it must not hang: " << demo.output();
  EXPECT_EQ(*code, 2);
  EXPECT_NE(demo.output().find("STORE=" + url), std::string::npos) << demo.output();
  EXPECT_NE(demo.output().find(why), std::string::npos) << demo.output();
  EXPECT_TRUE(demo.wait_group_empty(5'000));
}

TEST(SessionDemo, AnUnresolvableHostStopsTheDemoWithAMessageNamingStoreAndTheHost) {
  expect_store_refused("redis://nonexistent.invalid:6379", "host \"nonexistent.invalid\"");
}

TEST(SessionDemo, AnUnreachableRedisStopsTheDemoWithAMessageNamingStore) {
  expect_store_refused("redis://127.0.0.1:" + std::to_string(free_tcp_port()), "ECONNREFUSED");
}

TEST(SessionDemo, AStoreThatIsNotAUrlIsRefusedAtStart) {
  DemoProcess demo({"PORT=" + std::to_string(free_tcp_port()), "WORKERS=1", "STORE=redis:/oops"});
  ASSERT_TRUE(demo.started());
  std::optional<int> code = demo.wait_exit(15'000);
  ASSERT_TRUE(code) << demo.output();
  EXPECT_EQ(*code, 2);
  EXPECT_NE(demo.output().find("STORE=redis:/oops: must be memory"), std::string::npos) << demo.output();
}

}  // namespace
}  // namespace osn::test
