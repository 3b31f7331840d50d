// tests/redis/shared_state_test.cc — what several workers can share only through a store.
//
// Two Clients stand for two workers (each its own connection, as each worker process has):
// a session saved through one is loaded through the other with Redis, and is not with two
// memory stores; expiry; a shared INCR counter with no lost update; a PUBLISH heard by every
// subscriber. The demo's own two-worker test is tests/integration/session_demo_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "redis/memory_session_store.h"
#include "redis/redis_session_store.h"
#include "redis/shared_counter.h"
#include "redis/subscriber.h"
#include "tests/redis/redis_fixture.h"

namespace osn::redistest {
namespace {

using redis::SessionLookup;

SessionLookup load_now(redis::SessionStore& store, const std::string& id,
                       const std::function<bool(const std::function<bool()>&)>& run) {

  std::unique_ptr<SessionLookup> got;
  store.load(id, [&](SessionLookup l) { got = std::make_unique<SessionLookup>(std::move(l)); });
  if (!run([&] { return got != nullptr; })) return {};
  return *got;
}

std::string save_now(redis::SessionStore& store, const std::string& id, const std::string& data, uint64_t ttl,
                     const std::function<bool(const std::function<bool()>&)>& run) {
  std::unique_ptr<std::string> got;
  store.save(id, data, ttl, [&](std::string e) { got = std::make_unique<std::string>(std::move(e)); });
  if (!run([&] { return got != nullptr; })) return "no answer";
  return *got;
}

class SharedStateTest : public RedisTest {
 protected:
  std::function<bool(const std::function<bool()>&)> runner() {
    return [this](const std::function<bool()>& done) { return run_until(done); };
  }
};

TEST_P(SharedStateTest, ASessionSavedByOneWorkerIsKnownToAnother) {
  redis::Client worker1(loop, options()), worker2(loop, options());
  redis::RedisSessionStore store1(worker1), store2(worker2);
  const std::string id = redis::new_session_id();
  ASSERT_EQ(save_now(store1, id, "user=ada", 60'000, runner()), "");
  SessionLookup l = load_now(store2, id, runner());
  EXPECT_EQ(l.error, "");
  EXPECT_TRUE(l.found);
  EXPECT_EQ(l.data, "user=ada");
}

TEST_P(SharedStateTest, TwoMemoryStoresAreTwoHeaps) {
  redis::MemorySessionStore worker1(loop), worker2(loop);
  const std::string id = redis::new_session_id();
  ASSERT_EQ(save_now(worker1, id, "user=ada", 60'000, runner()), "");
  EXPECT_TRUE(load_now(worker1, id, runner()).found);
  EXPECT_FALSE(load_now(worker2, id, runner()).found) << "the bug: the other worker never saw it";
}

TEST_P(SharedStateTest, SessionsExpireInBothStores) {
  redis::Client client(loop, options());
  redis::RedisSessionStore in_redis(client);
  redis::MemorySessionStore in_memory(loop);
  for (redis::SessionStore* store : {static_cast<redis::SessionStore*>(&in_redis), static_cast<redis::SessionStore*>(&in_memory)}) {
    SCOPED_TRACE(store->describe());
    const std::string id = redis::new_session_id();
    ASSERT_EQ(save_now(*store, id, "short", 5, runner()), "");
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // past the 5 ms expiry, whatever the load
    loop.update_time();
    EXPECT_FALSE(load_now(*store, id, runner()).found);
    ASSERT_EQ(save_now(*store, id, "long", 600'000, runner()), "");
    EXPECT_TRUE(load_now(*store, id, runner()).found);
  }
}

TEST_P(SharedStateTest, ADownServerIsAnErrorNamingIt) {
  redis::Client client(loop, options());
  redis::RedisSessionStore store(client);
  server->stop();
  SessionLookup l = load_now(store, "x", runner());
  EXPECT_FALSE(l.found);
  EXPECT_NE(l.error.find("redis 127.0.0.1:" + std::to_string(server->port())), std::string::npos) << l.error;
}

TEST_P(SharedStateTest, SessionIdsAreRandomHex) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(redis::new_session_id());
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(ids.begin()->size(), 32u);
  EXPECT_EQ(ids.begin()->find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST_P(SharedStateTest, TwoWorkersIncrementOneCounterWithoutLosingACount) {
  redis::Client worker1(loop, options()), worker2(loop, options());
  redis::SharedCounter c1(worker1, "hits"), c2(worker2, "hits");
  std::set<int64_t> seen;
  int errors = 0;
  for (int i = 0; i < 200; ++i) {
    (i % 2 ? c1 : c2).increment([&](int64_t v, std::string e) {
      errors += !e.empty();
      seen.insert(v);
    });
  }
  ASSERT_TRUE(run_until([&] { return seen.size() + errors >= 200; }));
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(seen.size(), 200u) << "every increment got its own number";
  EXPECT_EQ(*seen.rbegin(), 200);
}

TEST_P(SharedStateTest, OnePublishReachesEverySubscriber) {
  std::vector<std::string> heard1, heard2;
  redis::Subscriber s1(loop, options(), {"osn:events"}, [&](const std::string& ch, const std::string& m) {
    heard1.push_back(ch + " " + m);
  });
  redis::Subscriber s2(loop, options(), {"osn:events", "other"}, [&](const std::string& ch, const std::string& m) {
    heard2.push_back(ch + " " + m);
  });
  ASSERT_TRUE(run_until([&] { return s1.subscribed() && s2.subscribed(); }));
  redis::Client publisher(loop, options());
  redis::Outcome o = call(publisher, {"PUBLISH", "osn:events", "login ada"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.reply(), redis::Reply::number(2)) << "Redis says two subscribers got it";
  ASSERT_TRUE(run_until([&] { return heard1.size() == 1 && heard2.size() == 1; }));
  EXPECT_EQ(heard1[0], "osn:events login ada");
  EXPECT_EQ(heard2[0], "osn:events login ada");
}

TEST_P(SharedStateTest, ASubscriberSubscribesAgainAfterARestart) {
  std::vector<std::string> heard;
  redis::Subscriber s(loop, options(), {"ch"}, [&](const std::string&, const std::string& m) { heard.push_back(m); });
  ASSERT_TRUE(run_until([&] { return s.subscribed(); }));
  server->stop();
  ASSERT_TRUE(run_until([&] { return !s.subscribed(); }));
  ASSERT_TRUE(server->start()) << server->error();
  ASSERT_TRUE(run_until([&] { return s.subscribed(); }, 20'000)) << s.last_error();
  redis::Client publisher(loop, options());
  ASSERT_TRUE(call(publisher, {"PUBLISH", "ch", "back"}).ok());
  ASSERT_TRUE(run_until([&] { return heard.size() == 1; }));
  EXPECT_EQ(heard[0], "back");
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedStateTest, ::testing::ValuesIn(looptest::all_backends()),
                         looptest::backend_param_name);

}  // namespace
}  // namespace osn::redistest
