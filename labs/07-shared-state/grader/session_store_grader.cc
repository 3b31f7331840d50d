// labs/07-shared-state/grader/session_store_grader.cc — lab 07's checks of RedisSessionStore.
//
// Against a real redis-server started here on a free port (skipped, with the reason, where none
// is installed). Two Clients stand for two workers: a session saved through one is loaded
// through the other. The mechanism is checked from outside too: the key osn:session:<id> is in
// Redis with a time to live (PTTL, asked on a connection of the grader's own), gone after
// remove. Ids, data and expiries are random.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "labs/grading/graded_test.h"
#include "loop/loop.h"
#include "redis/client.h"
#include "redis/redis_session_store.h"
#include "tests/support/redis_server.h"

namespace osn::redis {
namespace {

using grading::random_between;

std::string random_text(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>(random_between(0, 255));
  return s;
}

class Stores {
 public:
  Stores() {
    if (!server.ok()) return;
    ClientOptions o;
    o.endpoint.port = server.port();
    worker1 = std::make_unique<Client>(loop, o);
    worker2 = std::make_unique<Client>(loop, o);
    store1 = std::make_unique<RedisSessionStore>(*worker1);
    store2 = std::make_unique<RedisSessionStore>(*worker2);
  }
  // Runs the loop until `done` (bounded: 10 s).
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    loop::TimerId tick = loop.set_interval(5, [] {});
    loop.unref_timer(tick);
    while (!done() && std::chrono::steady_clock::now() < deadline) loop.run(loop::RunMode::kOnce);
    loop.clear_timer(tick);
    return done();
  }
  std::string save(RedisSessionStore& s, const std::string& id, const std::string& data, uint64_t ttl) {
    std::unique_ptr<std::string> got;
    s.save(id, data, ttl, [&](std::string e) { got = std::make_unique<std::string>(std::move(e)); });
    return run_until([&] { return got != nullptr; }) ? *got : "no answer in 10 s";
  }
  SessionLookup load(RedisSessionStore& s, const std::string& id) {
    std::unique_ptr<SessionLookup> got;
    s.load(id, [&](SessionLookup l) { got = std::make_unique<SessionLookup>(std::move(l)); });
    if (!run_until([&] { return got != nullptr; })) return SessionLookup{false, {}, "no answer in 10 s"};
    return *got;
  }
  // Asks Redis directly, on the grader's own connection: the raw reply line.
  std::string ask(std::initializer_list<std::string> args) const {
    std::string cmd = "*" + std::to_string(args.size()) + "\r\n";
    for (const std::string& a : args) cmd += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    return server.raw_command(cmd);
  }

  test::RedisServer server;
  loop::Loop loop;
  std::unique_ptr<Client> worker1, worker2;
  std::unique_ptr<RedisSessionStore> store1, store2;
};

#define NEED_REDIS(stores)                                                          \
  if (test::redis_server_program().empty()) GTEST_SKIP() << test::kNoRedisReason; \
  ASSERT_TRUE((stores).server.ok()) << (stores).server.error()

GRADED_TEST(SessionStore, SavedByOneWorkerLoadedByAnother, 15) {
  Stores s;
  NEED_REDIS(s);
  const std::string id = new_session_id(), data = random_text(static_cast<size_t>(random_between(1, 500)));
  ASSERT_EQ(s.save(*s.store1, id, data, 60'000), "");
  SessionLookup l = s.load(*s.store2, id);
  EXPECT_EQ(l.error, "");
  EXPECT_TRUE(l.found);
  EXPECT_TRUE(l.data == data) << "the bytes differ";
}

GRADED_TEST(SessionStore, TheSessionIsOneKeyWithATimeToLive, 15) {
  Stores s;
  NEED_REDIS(s);
  const std::string id = new_session_id();
  const int64_t ttl = random_between(100'000, 900'000);
  ASSERT_EQ(s.save(*s.store1, id, "user=" + std::to_string(ttl), static_cast<uint64_t>(ttl)), "");
  EXPECT_EQ(s.ask({"GET", "osn:session:" + id}), "$" + std::to_string(5 + std::to_string(ttl).size()) + "\r\nuser=" + std::to_string(ttl) + "\r\n");
  const std::string pttl = s.ask({"PTTL", "osn:session:" + id});
  ASSERT_TRUE(pttl.starts_with(":")) << pttl;
  const int64_t left = std::stoll(pttl.substr(1));
  EXPECT_GT(left, 0) << "the key expires";
  EXPECT_LE(left, ttl) << "within the ttl given (PX, in milliseconds)";
  EXPECT_GT(left, ttl - 60'000) << "PX milliseconds, not EX seconds";
}

GRADED_TEST(SessionStore, AnUnknownIdIsNotFoundAndNotAnError, 5) {
  Stores s;
  NEED_REDIS(s);
  SessionLookup l = s.load(*s.store2, new_session_id());
  EXPECT_FALSE(l.found);
  EXPECT_EQ(l.error, "");
}

GRADED_TEST(SessionStore, ASessionExpires, 10) {
  Stores s;
  NEED_REDIS(s);
  const std::string id = new_session_id();
  ASSERT_EQ(s.save(*s.store1, id, "short", static_cast<uint64_t>(random_between(5, 30))), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // past the expiry, whatever the load
  SessionLookup l = s.load(*s.store2, id);
  EXPECT_FALSE(l.found);
  EXPECT_EQ(l.error, "");
}

GRADED_TEST(SessionStore, RemoveDeletesTheKey, 10) {
  Stores s;
  NEED_REDIS(s);
  const std::string id = new_session_id();
  ASSERT_EQ(s.save(*s.store1, id, "x", 60'000), "");
  std::unique_ptr<std::string> got;
  s.store2->remove(id, [&](std::string e) { got = std::make_unique<std::string>(std::move(e)); });
  ASSERT_TRUE(s.run_until([&] { return got != nullptr; }));
  EXPECT_EQ(*got, "");
  EXPECT_EQ(s.ask({"EXISTS", "osn:session:" + id}), ":0\r\n");
  EXPECT_FALSE(s.load(*s.store1, id).found);
}

GRADED_TEST(SessionStore, ADownServerIsAnErrorNamingIt, 10) {
  Stores s;
  NEED_REDIS(s);
  s.server.stop();
  SessionLookup l = s.load(*s.store1, "x");
  EXPECT_FALSE(l.found);
  EXPECT_NE(l.error.find("redis 127.0.0.1:" + std::to_string(s.server.port())), std::string::npos) << l.error;
  EXPECT_NE(s.save(*s.store2, "x", "y", 1000).find("redis 127.0.0.1:"), std::string::npos);
}

GRADED_TEST(SessionStore, AnswersComeLaterNeverInsideTheCall, 5) {
  Stores s;
  NEED_REDIS(s);
  bool called = false;
  s.store1->load("x", [&](SessionLookup) { called = true; });
  EXPECT_FALSE(called);
  s.store1->save("x", "y", 1000, [&](std::string) { called = true; });
  EXPECT_FALSE(called);
  ASSERT_TRUE(s.run_until([&] { return called; }));
}

}  // namespace
}  // namespace osn::redis
