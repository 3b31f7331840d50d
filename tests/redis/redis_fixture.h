// tests/redis/redis_fixture.h — a loop per backend, a real redis-server, bounded runs.
//
// Every client test is a TEST_P instantiated once per backend the machine builds (epoll, poll),
// as the loop's own suite is. SetUp starts a redis-server on a free port and skips, with the
// reason, where none is installed. run_until() runs loop iterations until a condition holds or
// a wall-clock bound passes (then it fails the test instead of hanging); an unreferenced 5 ms
// interval keeps each iteration short so the condition is asked often.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "loop/backend.h"
#include "loop/loop.h"
#include "redis/client.h"
#include "tests/support/loop_fixture.h"
#include "tests/support/redis_server.h"

namespace osn::redistest {

class RedisTest : public ::testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    if (test::redis_server_program().empty()) GTEST_SKIP() << test::kNoRedisReason;
    server = std::make_unique<test::RedisServer>(server_args());
    ASSERT_TRUE(server->ok()) << server->error();
  }
  virtual std::vector<std::string> server_args() const { return {}; }

  redis::ClientOptions options(std::string url = {}) const {
    redis::ClientOptions o;
    std::string problem = redis::parse_redis_url(url.empty() ? server->url() : url, &o.endpoint);
    EXPECT_EQ(problem, "");
    return o;
  }

  // True once `done()` holds; false (and a test failure) after limit_ms of wall-clock time.
  bool run_until(const std::function<bool()>& done, int limit_ms = 10'000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    loop::TimerId tick = loop.set_interval(5, [] {});
    loop.unref_timer(tick);
    bool ok = done();
    while (!ok && std::chrono::steady_clock::now() < deadline) {
      loop.run(loop::RunMode::kOnce);
      ok = done();
    }
    loop.clear_timer(tick);
    EXPECT_TRUE(ok) << "condition still false after " << limit_ms << " ms";
    return ok;
  }

  // Runs one command to its end: the outcome.
  redis::Outcome call(redis::Client& client, std::initializer_list<std::string_view> args) {
    std::unique_ptr<redis::Outcome> got;
    client.command(args, [&](redis::Outcome&& o) { got = std::make_unique<redis::Outcome>(std::move(o)); });
    if (!run_until([&] { return got != nullptr; })) return redis::Failure{redis::FailureKind::kTimeout, "test bound"};
    return std::move(*got);
  }

  bool wait_ready(redis::Client& client, int limit_ms = 10'000) {
    return run_until([&] { return client.state() == redis::ClientState::kReady; }, limit_ms);
  }

  loop::Loop loop{GetParam()};
  std::unique_ptr<test::RedisServer> server;
};

}  // namespace osn::redistest
