// tests/cluster/serve_test.cc — serve_connections: one call gives every worker a server.
//
// The server here is not http::Server (the cluster tests, like the cluster, know nothing of
// HTTP) but any type with serve(kio::Fd) and shutdown(): it answers each connection with its
// pid, and holds a ref'd timer that keeps its worker's loop alive until shutdown() — so a
// worker that exits gracefully on SIGTERM proves serve_connections called shutdown().
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "cluster/serve.h"
#include "gtest/gtest.h"
#include "kernel-io/io.h"
#include "tests/support/cluster_under_test.h"
#include "tests/support/line_app.h"

namespace osn::cluster::testing {
namespace {

class PidServer {
 public:
  explicit PidServer(loop::Loop& loop) : loop_(loop) {
    keep_alive_ = loop_.set_interval(1'000, [] {});  // ref'd: the loop runs until shutdown()
  }
  void serve(kio::Fd connection) {
    (void)kio::write_all(connection.get(), "served by " + std::to_string(::getpid()) + "\n", 1'000);
  }  // the Fd closes here: one answer per connection
  void shutdown() {
    if (keep_alive_) loop_.clear_timer(keep_alive_);
    keep_alive_ = 0;
  }

 private:
  loop::Loop& loop_;
  loop::TimerId keep_alive_ = 0;
};

TEST(ServeConnections, EveryWorkerServesItsConnectionsAndStopsOnShutdown) {
  Settings s;
  s.workers = 2;
  s.log = false;
  s.shutdown_timeout_ms = 5'000;  // a worker whose server ignored shutdown would be SIGKILLed: code 1
  ClusterUnderTest cluster(s, serve_connections([](WorkerContext& ctx) {
                             return std::make_unique<PidServer>(ctx.loop());
                           }));
  ASSERT_TRUE(cluster.started());
  ASSERT_TRUE(cluster.wait_listening(2));
  std::set<std::string> answers;
  for (int i = 0; i < 6; ++i) {
    LineClient client(cluster.port());
    ASSERT_TRUE(client.connected());
    answers.insert(client.read_line());
  }
  EXPECT_EQ(answers.size(), 2u) << "rr: both workers' servers answered";
  for (const std::string& a : answers) EXPECT_EQ(a.rfind("served by ", 0), 0u) << a;

  ASSERT_EQ(::kill(cluster.primary_pid(), SIGTERM), 0);
  kio::ChildStatus status = cluster.wait_primary_exit(8'000);
  ASSERT_NE(status.pid, 0) << "the cluster did not stop";
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.exit_code, 0) << "every worker's server was told to shut down, none had to be killed";
}

}  // namespace
}  // namespace osn::cluster::testing
