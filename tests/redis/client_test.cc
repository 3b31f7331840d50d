// tests/redis/client_test.cc — the client against a real redis-server, on every backend.
//
// Replies and error replies, 10,000 commands pipelined on one connection and answered in order,
// big and binary values, AUTH and SELECT from the URL. The failure paths (a server killed or
// stopped mid-run) are in client_failure_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/redis/redis_fixture.h"

namespace osn::redistest {
namespace {

using redis::Client;
using redis::Outcome;
using redis::Reply;
using redis::ReplyType;

TEST_P(RedisTest, SetThenGetGivesTheValueBack) {
  Client client(loop, options());
  Outcome set = call(client, {"SET", "greeting", "hello"});
  ASSERT_TRUE(set.ok()) << set.describe();
  EXPECT_EQ(set.reply(), Reply::status("OK"));
  Outcome get = call(client, {"GET", "greeting"});
  ASSERT_TRUE(get.ok()) << get.describe();
  EXPECT_EQ(get.reply(), Reply::bulk("hello"));
  EXPECT_EQ(call(client, {"GET", "no-such-key"}).reply(), Reply::nil());
  EXPECT_EQ(client.connections_made(), 1u);
}

TEST_P(RedisTest, AnErrorReplyIsAValueNotAFailure) {
  Client client(loop, options());
  Outcome o = call(client, {"NO-SUCH-COMMAND", "x"});
  ASSERT_TRUE(o.ok()) << "the server answered: " << o.describe();
  EXPECT_TRUE(o.reply().is_error());
  EXPECT_TRUE(o.reply().str.starts_with("ERR unknown command")) << o.reply().str;
  ASSERT_TRUE(call(client, {"SET", "s", "text"}).ok());
  Outcome wrong = call(client, {"INCR", "s"});
  EXPECT_EQ(wrong.reply().type, ReplyType::kError);
  EXPECT_EQ(call(client, {"PING"}).reply(), Reply::status("PONG")) << "the connection goes on after an error reply";
}

TEST_P(RedisTest, TenThousandPipelinedCommandsAreAnsweredInOrderOnOneConnection) {
  Client client(loop, options());
  ASSERT_TRUE(wait_ready(client));
  constexpr int kCommands = 10'000;
  std::vector<int64_t> got;
  got.reserve(kCommands);
  size_t most_in_flight = 0;
  for (int i = 0; i < kCommands; ++i) {
    client.command({"INCR", "pipelined"}, [&](Outcome&& o) {
      got.push_back(o.ok() && o.reply().type == ReplyType::kInteger ? o.reply().integer : -1);
    });
    most_in_flight = std::max(most_in_flight, client.in_flight());
  }
  EXPECT_EQ(most_in_flight, static_cast<size_t>(kCommands)) << "all were in flight before any reply";
  ASSERT_TRUE(run_until([&] { return got.size() == kCommands; }, 30'000));
  for (int i = 0; i < kCommands; ++i) {
    if (got[i] != i + 1) {
      ADD_FAILURE() << "reply " << i << " was " << got[i] << ", expected " << i + 1;
      break;
    }
  }
  EXPECT_EQ(client.connections_made(), 1u);
  EXPECT_EQ(server->raw_command("*2\r\n$3\r\nGET\r\n$9\r\npipelined\r\n"), "$5\r\n10000\r\n");
}

TEST_P(RedisTest, MegabyteValuesComeBackByteForByte) {
  Client client(loop, options());
  for (size_t size : {size_t{1} << 20, size_t{3} << 20}) {
    std::string value(size, '\0');
    for (size_t i = 0; i < size; ++i) value[i] = static_cast<char>((i * 131) ^ (i >> 9));
    ASSERT_TRUE(call(client, {"SET", "big", value}).ok());
    Outcome o = call(client, {"GET", "big"});
    ASSERT_TRUE(o.ok()) << o.describe();
    ASSERT_EQ(o.reply().type, ReplyType::kBulk);
    EXPECT_EQ(o.reply().str.size(), size);
    EXPECT_TRUE(o.reply().str == value) << "the bytes differ";
    EXPECT_EQ(call(client, {"STRLEN", "big"}).reply(), Reply::number(static_cast<int64_t>(size)));
  }
}

TEST_P(RedisTest, KeysAndValuesAreBinarySafe) {
  Client client(loop, options());
  const std::string key("k\0\r\n$3\r\n*\xff", 11);
  const std::string value("\r\n\0+OK\r\n", 8);
  ASSERT_EQ(call(client, {"SET", key, value}).reply(), Reply::status("OK"));
  EXPECT_EQ(call(client, {"GET", key}).reply(), Reply::bulk(value));
  EXPECT_EQ(call(client, {"EXISTS", std::string_view(key.data(), 1)}).reply(), Reply::number(0))
      << "the key is all 11 bytes, not the text before the NUL";
  EXPECT_EQ(call(client, {"STRLEN", key}).reply(), Reply::number(8));
}

TEST_P(RedisTest, ArraysComeBackNested) {
  Client client(loop, options());
  ASSERT_TRUE(call(client, {"RPUSH", "list", "a", "", "c"}).ok());
  EXPECT_EQ(call(client, {"LRANGE", "list", "0", "-1"}).reply(),
            Reply::array({Reply::bulk("a"), Reply::bulk(""), Reply::bulk("c")}));
  EXPECT_EQ(call(client, {"LRANGE", "none", "0", "-1"}).reply(), Reply::array({}));
}

TEST_P(RedisTest, CallbacksNeverRunInsideCommand) {
  Client client(loop, options());
  client.close();
  bool called = false;
  client.command({"PING"}, [&](Outcome&& o) {
    called = true;
    EXPECT_EQ(o.failure().kind, redis::FailureKind::kNotSent);
    EXPECT_NE(o.failure().message.find("the client is closed"), std::string::npos) << o.failure().message;
  });
  EXPECT_FALSE(called) << "a failure is reported later, on the loop, not inside command()";
  run_until([&] { return called; });
}

TEST_P(RedisTest, CloseFailsEveryWaitingCommandAsClosed) {
  Client client(loop, options());
  int closed = 0;
  for (int i = 0; i < 5; ++i) {
    client.command({"PING"}, [&](Outcome&& o) { closed += !o.ok() && o.failure().kind == redis::FailureKind::kClosed; });
  }
  client.close();
  EXPECT_EQ(closed, 5);
  EXPECT_EQ(client.state(), redis::ClientState::kClosed);
}

class RedisWithPasswordTest : public RedisTest {
 protected:
  std::vector<std::string> server_args() const override { return {"--requirepass", "s3cret"}; }
};

TEST_P(RedisWithPasswordTest, TheUrlsPasswordAndDatabaseAreSentFirst) {
  const std::string base = "redis://:s3cret@127.0.0.1:" + std::to_string(server->port());
  Client db3(loop, options(base + "/3"));
  EXPECT_EQ(call(db3, {"SET", "where", "db3"}).reply(), Reply::status("OK"));
  Client db0(loop, options(base));
  EXPECT_EQ(call(db0, {"GET", "where"}).reply(), Reply::nil()) << "db 0 does not see db 3's key";
  Client db3_again(loop, options(base + "/3"));
  EXPECT_EQ(call(db3_again, {"GET", "where"}).reply(), Reply::bulk("db3"));
}

TEST_P(RedisWithPasswordTest, AWrongPasswordIsAClearFailure) {
  Client client(loop, options("redis://:wrong@127.0.0.1:" + std::to_string(server->port())));
  Outcome o = call(client, {"GET", "x"});
  ASSERT_FALSE(o.ok()) << o.describe();
  EXPECT_NE(o.failure().message.find("AUTH refused"), std::string::npos) << o.failure().message;
  EXPECT_NE(client.last_error().find("WRONGPASS"), std::string::npos) << client.last_error();
}

TEST_P(RedisWithPasswordTest, NoPasswordGetsNoauthAsAnErrorReply) {
  Client client(loop, options());
  Outcome o = call(client, {"GET", "x"});
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_TRUE(o.reply().str.starts_with("NOAUTH")) << o.reply().describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, RedisTest, ::testing::ValuesIn(looptest::all_backends()),
                         looptest::backend_param_name);
INSTANTIATE_TEST_SUITE_P(Backends, RedisWithPasswordTest, ::testing::ValuesIn(looptest::all_backends()),
                         looptest::backend_param_name);

}  // namespace
}  // namespace osn::redistest
