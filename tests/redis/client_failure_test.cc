// tests/redis/client_failure_test.cc — what the client does when the server goes away or stalls.
//
// A server killed with commands in flight (every one gets exactly one callback: the replies that
// arrived, then failures saying the connection was lost; the client reconnects once the server is
// back), a server stopped with SIGSTOP (the command timeout drops the connection), nobody
// listening (connection refused, retried with backoff), a handshake nobody completes (connect
// timeout). Every wait is bounded; nothing asserts how long anything took.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel-io/socket.h"
#include "tests/redis/redis_fixture.h"
#include "tests/support/net.h"

namespace osn::redistest {
namespace {

using redis::Client;
using redis::FailureKind;
using redis::Outcome;

struct Tally {
  int replies = 0, lost = 0, not_sent = 0, other = 0;
  bool reply_after_failure = false;
  std::string a_lost_message;
  int total() const { return replies + lost + not_sent + other; }
  void count(const Outcome& o) {
    if (o.ok()) {
      reply_after_failure = reply_after_failure || lost + not_sent > 0;
      ++replies;
    } else if (o.failure().kind == FailureKind::kLost) {
      ++lost;
      a_lost_message = o.failure().message;
    } else if (o.failure().kind == FailureKind::kNotSent) {
      ++not_sent;
    } else {
      ++other;
    }
  }
};

TEST_P(RedisTest, AServerKilledMidRunFailsWhatIsInFlightAndTheClientReconnects) {
  Client client(loop, options());
  Tally tally;
  constexpr int kAnswered = 100, kInFlight = 5'000;
  for (int i = 0; i < kAnswered; ++i) client.command({"INCR", "restart"}, [&](Outcome&& o) { tally.count(o); });
  ASSERT_TRUE(run_until([&] { return tally.total() == kAnswered; }));
  EXPECT_EQ(tally.replies, kAnswered);
  // Stopped first, so that none of the next commands can be answered; then killed with them
  // written into its socket: every one of them is in flight when the connection dies.
  server->pause();
  for (int i = 0; i < kInFlight; ++i) client.command({"INCR", "restart"}, [&](Outcome&& o) { tally.count(o); });
  int turns = 0;
  run_until([&] { return ++turns > 3; });  // the pipeline goes out in the first turn
  EXPECT_EQ(tally.total(), kAnswered) << "a stopped server answers nothing";
  server->stop();
  ASSERT_TRUE(run_until([&] { return tally.total() == kAnswered + kInFlight; }, 20'000))
      << "every command gets one callback";
  EXPECT_EQ(tally.replies, kAnswered);
  EXPECT_EQ(tally.lost + tally.not_sent, kInFlight);
  EXPECT_GE(tally.lost, 1) << "written before the server died: lost in flight";
  EXPECT_EQ(tally.other, 0);
  EXPECT_FALSE(tally.reply_after_failure) << "replies come in order, failures after them";
  EXPECT_NE(tally.a_lost_message.find("in flight: sent, may or may not have run"), std::string::npos)
      << tally.a_lost_message;
  EXPECT_NE(client.state(), redis::ClientState::kReady);

  // While it waits to reconnect, a command fails at once: nothing piles up.
  Outcome meanwhile = call(client, {"PING"});
  if (!meanwhile.ok()) {
    EXPECT_EQ(meanwhile.failure().kind, FailureKind::kNotSent) << meanwhile.describe();
  }

  ASSERT_TRUE(server->start()) << server->error();
  ASSERT_TRUE(wait_ready(client, 20'000)) << client.last_error();
  Outcome after = call(client, {"SET", "after", "restart"});
  EXPECT_TRUE(after.ok()) << after.describe();
  EXPECT_GE(client.connections_made(), 2u);
}

TEST_P(RedisTest, AStoppedServerMeansACommandTimeoutAndANewConnection) {
  redis::ClientOptions o = options();
  o.command_timeout_ms = 300;
  Client client(loop, o);
  ASSERT_TRUE(wait_ready(client));
  server->pause();  // SIGSTOP: the kernel takes our bytes, nobody answers
  Outcome stuck = call(client, {"GET", "x"});
  ASSERT_FALSE(stuck.ok()) << stuck.describe();
  EXPECT_EQ(stuck.failure().kind, FailureKind::kTimeout);
  EXPECT_NE(stuck.failure().message.find("command timeout"), std::string::npos) << stuck.failure().message;
  server->resume();
  ASSERT_TRUE(wait_ready(client, 20'000)) << client.last_error();
  EXPECT_EQ(call(client, {"PING"}).reply(), redis::Reply::status("PONG"));
  EXPECT_GE(client.connections_made(), 2u) << "the stuck connection was dropped, a new one made";
}

TEST_P(RedisTest, NobodyListeningIsConnectionRefusedAndRetried) {
  server->stop();
  Client client(loop, options());
  Outcome o = call(client, {"PING"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.failure().kind, FailureKind::kNotSent) << "the server never saw it";
  EXPECT_NE(o.failure().message.find("ECONNREFUSED"), std::string::npos) << o.failure().message;
  EXPECT_NE(o.failure().message.find("127.0.0.1:" + std::to_string(server->port())), std::string::npos)
      << "the message names the address: " << o.failure().message;
  ASSERT_TRUE(server->start()) << server->error();
  ASSERT_TRUE(wait_ready(client, 20'000)) << "it kept retrying: " << client.last_error();
}

// A listener whose accept queue is full drops new SYNs: the handshake never ends by itself.
TEST_P(RedisTest, AHandshakeThatNeverEndsHitsTheConnectTimeout) {
  kio::Result<kio::SocketAddress> any = kio::SocketAddress::ip("127.0.0.1", 0);
  ASSERT_TRUE(any);
  kio::ListenOptions backlog0;
  backlog0.backlog = 0;
  kio::Result<kio::Fd> listener = kio::tcp_listen(*any, backlog0);
  ASSERT_TRUE(listener);
  kio::Result<kio::SocketAddress> addr = kio::local_address(listener->get());
  ASSERT_TRUE(addr);
  std::vector<kio::Fd> fillers;  // fill the accept queue (Linux takes backlog + 1)
  for (int i = 0; i < 4; ++i) {
    kio::Result<kio::Fd> f = kio::connect_blocking(*addr, 300);
    if (!f) break;
    fillers.push_back(std::move(*f));
  }
  redis::ClientOptions o = options("redis://127.0.0.1:" + std::to_string(addr->port()));
  o.connect_timeout_ms = 200;
  o.command_timeout_ms = 60'000;
  Client client(loop, o);
  Outcome first = call(client, {"PING"});
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.failure().kind, FailureKind::kNotSent);
  EXPECT_NE(first.failure().message.find("connect timeout"), std::string::npos) << first.failure().message;
}

TEST(RedisUrl, ParsesEveryPart) {
  redis::Endpoint e;
  ASSERT_EQ(redis::parse_redis_url("redis://:pw@10.0.0.2:6380/4", &e), "");
  EXPECT_EQ(e.host, "10.0.0.2");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.password, "pw");
  EXPECT_EQ(e.user, "");
  EXPECT_EQ(e.db, 4);
  ASSERT_EQ(redis::parse_redis_url("redis://localhost", &e), "");
  EXPECT_EQ(e.address(), "localhost:6379") << "a name is kept as written, resolved when connecting";
  EXPECT_EQ(e.db, 0);
  ASSERT_EQ(redis::parse_redis_url("redis://alice:pw@[::1]:7000/", &e), "");
  EXPECT_EQ(e.address(), "[::1]:7000");
  EXPECT_EQ(e.user, "alice");
}

TEST(RedisUrl, RefusesWhatIsNotAUrlWithAReason) {
  redis::Endpoint e;
  EXPECT_EQ(redis::parse_redis_url("http://x", &e),
            "redis URL \"http://x\": must start with redis:// (redis://[:password@]host:port/db)");
  EXPECT_EQ(redis::parse_redis_url("redis://h:99999", &e), "redis URL \"redis://h:99999\": port \"99999\" is not 1..65535");
  EXPECT_EQ(redis::parse_redis_url("redis://h:", &e), "redis URL \"redis://h:\": port \"\" is not 1..65535");
  EXPECT_EQ(redis::parse_redis_url("redis://h/x", &e), "redis URL \"redis://h/x\": database \"x\" is not a number");
  EXPECT_EQ(redis::parse_redis_url("redis://pw@h", &e),
            "redis URL \"redis://pw@h\": credentials must be :password@ or user:password@");
  EXPECT_EQ(redis::parse_redis_url("redis://", &e), "redis URL \"redis://\": no host");
}

}  // namespace
}  // namespace osn::redistest
