// tests/redis/host_name_test.cc — a Redis URL with a host name: resolved on the pool, never on
// the loop thread; an address literal never touches the pool; a name that does not resolve is a
// failure naming the host, retried like any connection that failed, and nothing hangs.
// The names: "localhost", the machine's own host name where it resolves to a loopback address
// (the test's redis-server listens on 127.0.0.1 only; elsewhere that test is skipped, saying
// why), and "nonexistent.invalid" (RFC 6761: .invalid never resolves).
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "pool/dns.h"
#include "pool/work_queue.h"
#include "tests/redis/redis_fixture.h"

namespace osn::redistest {
namespace {

using redis::Client;
using redis::FailureKind;
using redis::Outcome;

class RedisHostNameTest : public RedisTest {
 protected:
  std::string url_with_host(const std::string& host) const {
    return "redis://" + host + ":" + std::to_string(server->port());
  }
};

TEST_P(RedisHostNameTest, LocalhostIsResolvedOnThePoolAndAnswers) {
  const uint64_t lookups_before = pool::pool_stats().submitted;
  Client client(loop, options(url_with_host("localhost")));
  EXPECT_EQ(client.options().endpoint.address(), "localhost:" + std::to_string(server->port()));
  Outcome pong = call(client, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.describe();
  EXPECT_EQ(pong.reply(), redis::Reply::status("PONG"));
  EXPECT_EQ(pool::pool_stats().submitted, lookups_before + 1) << "one getaddrinfo, on a pool thread";
}

TEST_P(RedisHostNameTest, AnAddressLiteralNeverTouchesThePool) {
  const uint64_t lookups_before = pool::pool_stats().submitted;
  Client client(loop, options(url_with_host("127.0.0.1")));
  Outcome pong = call(client, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.describe();
  EXPECT_EQ(pool::pool_stats().submitted, lookups_before);
}

TEST_P(RedisHostNameTest, TheMachinesOwnHostNameWhereItIsALoopbackName) {
  char name[256] = {};
  ASSERT_EQ(::gethostname(name, sizeof name - 1), 0);
  pool::LookupResult found = pool::lookup_sync(name, {.family = 4});
  bool loopback = false;
  for (const pool::LookupAddress& a : found ? *found : std::vector<pool::LookupAddress>{}) {
    loopback = loopback || a.address.starts_with("127.");
  }
  if (!loopback) {
    GTEST_SKIP() << "this machine's host name \"" << name << "\" does not resolve to 127.x (/etc/hosts), "
                 << "and the test's redis-server listens on 127.0.0.1 only";
  }
  Client client(loop, options(url_with_host(name)));
  Outcome set = call(client, {"SET", "host:name", name});
  ASSERT_TRUE(set.ok()) << set.describe();
  Outcome got = call(client, {"GET", "host:name"});
  ASSERT_TRUE(got.ok()) << got.describe();
  EXPECT_EQ(got.reply(), redis::Reply::bulk(name));
}

TEST_P(RedisHostNameTest, AnUnresolvableNameIsAFailureNamingTheHost) {
  redis::ClientOptions o = options(url_with_host("nonexistent.invalid"));
  o.reconnect_min_ms = 20;
  Client client(loop, o);
  Outcome first = call(client, {"PING"});
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.failure().kind, FailureKind::kNotSent) << "never written: safe to send again";
  EXPECT_NE(first.failure().message.find("cannot resolve host \"nonexistent.invalid\""), std::string::npos)
      << first.failure().message;
  EXPECT_NE(first.failure().message.find("getaddrinfo"), std::string::npos) << first.failure().message;
  // It keeps trying, as for any connection that failed, and each try fails the same way.
  const uint64_t made = client.connections_made();
  ASSERT_TRUE(run_until([&] { return client.state() == redis::ClientState::kWaitingToReconnect; }));
  EXPECT_NE(client.last_error().find("nonexistent.invalid"), std::string::npos) << client.last_error();
  EXPECT_EQ(client.connections_made(), made);
}

// Destroyed while its name is being resolved: the pool's answer, when it comes, finds nobody.
TEST_P(RedisHostNameTest, DestroyedWhileResolvingIsSafe) {
  {
    Client client(loop, options(url_with_host("localhost")));
  }
  // The lookup ends on its pool thread (or was cancelled while queued); its completion then
  // reaches this loop within a few iterations, and must touch nothing of the dead client (ASan).
  ASSERT_TRUE(run_until([] { return pool::pool_stats().queued == 0 && pool::pool_stats().running == 0; }));
  int turns = 0;
  run_until([&] { return ++turns > 5; });
}

INSTANTIATE_TEST_SUITE_P(Backends, RedisHostNameTest, ::testing::ValuesIn(looptest::all_backends()),
                         looptest::backend_param_name);

}  // namespace
}  // namespace osn::redistest
