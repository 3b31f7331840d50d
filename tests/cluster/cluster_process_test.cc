// tests/cluster/cluster_process_test.cc — the cluster as real processes on real sockets.
//
// Each test forks a primary (ClusterUnderTest) running the line app in its workers, talks to
// it over TCP, reads its lifecycle events from a pipe, and leaves no process behind.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "gtest/gtest.h"
#include "kernel-io/clock.h"
#include "kernel-io/socket.h"
#include "tests/support/cluster_under_test.h"
#include "tests/support/line_app.h"

namespace osn::cluster::testing {
namespace {

Settings test_settings(size_t workers, Scheduling scheduling = Scheduling::kRoundRobin) {
  Settings s;
  s.workers = workers;
  s.scheduling = scheduling;
  s.log = false;
  s.shutdown_timeout_ms = 5000;
  s.stats_interval_ms = 50;
  return s;
}



TEST(Cluster, WorkersStartAndAnswerFromDistinctPids) {
  ClusterUnderTest cluster(test_settings(3), line_app);
  ASSERT_TRUE(cluster.started());
  ASSERT_TRUE(cluster.wait_listening(3));
  std::set<pid_t> answered;
  for (int i = 0; i < 30; ++i) {
    pid_t pid = ask_pid(cluster.port());
    ASSERT_NE(pid, 0) << "request " << i << " got no answer";
    answered.insert(pid);
  }
  EXPECT_EQ(answered.size(), 3u);
  EXPECT_EQ(answered, cluster.worker_pids());
  EXPECT_EQ(answered.count(cluster.primary_pid()), 0u) << "the primary must not serve connections";
}

TEST(Cluster, RoundRobinSpreadsThousandConnectionsEvenly) {
  ClusterUnderTest cluster(test_settings(4), line_app);
  ASSERT_TRUE(cluster.wait_listening(4));
  std::map<pid_t, int> per_worker;
  for (int i = 0; i < 1000; ++i) {
    pid_t pid = ask_pid(cluster.port());
    ASSERT_NE(pid, 0) << "connection " << i << " got no answer";
    ++per_worker[pid];
  }
  ASSERT_EQ(per_worker.size(), 4u);
  for (auto [pid, n] : per_worker) {
    EXPECT_GE(n, 225) << "worker " << pid;  // mean 250, +-10%
    EXPECT_LE(n, 275) << "worker " << pid;
  }
}

TEST(Cluster, KeepAliveMakesRequestsDifferFromConnections) {
  ClusterUnderTest cluster(test_settings(2), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  LineClient client(cluster.port());
  pid_t mine = 0;
  for (int i = 0; i < 10; ++i) mine = pid_of(client.ask("pid"));
  ASSERT_NE(mine, 0);
  std::string table = client.ask("cluster");  // asks the primary over IPC, like GET /cluster
  ASSERT_EQ(table.rfind("cluster 2 ", 0), 0u) << table;
  std::string row = ":" + std::to_string(mine) + ":listening:1:11";  // 1 connection, 11 requests
  EXPECT_NE(table.find(row), std::string::npos) << table;
}

TEST(Cluster, MessagesBothWaysIncludingOneMegabyte) {
  ClusterUnderTest cluster(test_settings(1), line_app, [](Primary& p, const EventSink&) { echo_app_messages(p); });
  ASSERT_TRUE(cluster.wait_listening(1));
  LineClient client(cluster.port());
  EXPECT_EQ(client.ask("big 1048576", 10000), "big-ok 1048576");
  EXPECT_EQ(client.ask("big 3000000", 10000), "big-ok 3000000");
}

TEST(Cluster, BackToBackFramesArriveWholeAndInOrder) {
  ClusterUnderTest cluster(test_settings(1), line_app, [](Primary& p, const EventSink&) { echo_app_messages(p); });
  ASSERT_TRUE(cluster.wait_listening(1));
  LineClient client(cluster.port());
  EXPECT_EQ(client.ask("burst 2000", 10000), "burst-ok 2000");
}

TEST(Cluster, MalformedFrameClosesThatChannelAndThePrimarySurvives) {
  ClusterUnderTest cluster(test_settings(2), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  LineClient client(cluster.port());
  const pid_t bad = pid_of(client.ask("pid"));
  ASSERT_EQ(client.ask("garbage"), "garbage-sent");
  std::string disconnect = cluster.wait_for("disconnect");
  EXPECT_NE(disconnect.find(" " + std::to_string(bad) + " "), std::string::npos) << disconnect;
  EXPECT_NE(disconnect.find("malformed message"), std::string::npos) << disconnect;
  EXPECT_NE(cluster.wait_for("exit"), "");     // the worker lost its channel and stopped
  EXPECT_NE(cluster.wait_for("listening"), "");  // ... and its slot got a new one
  EXPECT_EQ(::kill(cluster.primary_pid(), 0), 0);
  std::set<pid_t> answered;
  for (int i = 0; i < 6; ++i) answered.insert(ask_pid(cluster.port()));
  EXPECT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered.count(bad), 0u);
  EXPECT_EQ(answered.count(0), 0u);
}

TEST(Cluster, WorkerKilledWithSigkillIsRespawned) {
  ClusterUnderTest cluster(test_settings(2), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  const pid_t victim = ask_pid(cluster.port());
  ASSERT_NE(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  std::string exit_line = cluster.wait_for("exit");
  EXPECT_NE(exit_line.find(std::to_string(victim) + " killed by SIGKILL"), std::string::npos) << exit_line;
  EXPECT_NE(cluster.wait_for("respawn"), "");
  ASSERT_NE(cluster.wait_for("listening"), "");
  std::set<pid_t> answered;
  for (int i = 0; i < 6; ++i) answered.insert(ask_pid(cluster.port()));
  EXPECT_EQ(answered.size(), 2u);
  EXPECT_EQ(answered.count(victim), 0u);
  EXPECT_EQ(cluster.worker_pids().size(), 3u);
}

TEST(Cluster, CrashLoopBacksOffExponentially) {
  Settings s = test_settings(1);
  s.respawn = RespawnPolicy{.initial_delay_ms = 40, .max_delay_ms = 320, .stable_after_ms = 60'000};
  ClusterUnderTest cluster(s, [](WorkerContext& ctx) { ctx.exit(3); });  // dies at once, every time
  // No worker ever listens; collect events for a bounded window.
  std::vector<uint64_t> delays;
  const uint64_t until = kio::monotonic_ms() + 1500;
  while (kio::monotonic_ms() < until) {
    std::string line = cluster.wait_for("respawn", static_cast<int>(until - kio::monotonic_ms()));
    if (line.empty()) break;
    delays.push_back(std::stoull(line.substr(line.rfind(' ') + 1)));
  }
  ASSERT_GE(delays.size(), 4u);
  EXPECT_EQ(delays[0], 40u);
  EXPECT_EQ(delays[1], 80u);
  EXPECT_EQ(delays[2], 160u);
  EXPECT_EQ(delays[3], 320u);
  for (size_t i = 4; i < delays.size(); ++i) EXPECT_EQ(delays[i], 320u);
  // 40+80+160+320+320 = 920 ms for 6 forks: in 1.5 s, a dozen at the very most.
  EXPECT_LE(cluster.worker_pids().size(), 12u);
}

TEST(Cluster, SigtermDrainsAnInFlightSlowRequestBeforeExiting) {
  ClusterUnderTest cluster(test_settings(2), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  LineClient idle(cluster.port());
  ASSERT_NE(pid_of(idle.ask("pid")), 0);
  LineClient busy(cluster.port());
  ASSERT_EQ(busy.ask("slow 700"), "started");
  ASSERT_EQ(::kill(cluster.primary_pid(), SIGTERM), 0);
  std::string done = busy.read_line(5000);
  EXPECT_EQ(done.rfind("done ", 0), 0u) << "in-flight request lost: '" << done << "'";
  EXPECT_EQ(idle.read_line(3000), "") << "the idle keep-alive connection should be closed";
  kio::ChildStatus status = cluster.wait_primary_exit(8000);
  ASSERT_NE(status.pid, 0) << "primary did not exit";
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.exit_code, 0);
  for (pid_t w : cluster.worker_pids()) EXPECT_TRUE(process_gone(w)) << w;
  LineClient late(cluster.port(), 500);
  EXPECT_FALSE(late.connected()) << "nobody may accept after shutdown";
}

TEST(Cluster, ShutdownDeadlineKillsAWorkerThatWillNotFinish) {
  Settings s = test_settings(1);
  s.shutdown_timeout_ms = 300;
  ClusterUnderTest cluster(s, line_app);
  ASSERT_TRUE(cluster.wait_listening(1));
  LineClient busy(cluster.port());
  ASSERT_EQ(busy.ask("slow 20000"), "started");
  ASSERT_EQ(::kill(cluster.primary_pid(), SIGTERM), 0);
  std::string exit_line = cluster.wait_for("exit", 5000);
  EXPECT_NE(exit_line.find("killed by SIGKILL"), std::string::npos) << exit_line;
  kio::ChildStatus status = cluster.wait_primary_exit(5000);
  ASSERT_NE(status.pid, 0);
  EXPECT_EQ(status.exit_code, 1);
}

TEST(Cluster, SighupRestartsEveryWorkerWhileRequestsKeepSucceeding) {
  ClusterUnderTest cluster(test_settings(2), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  const std::set<pid_t> old_pids = cluster.worker_pids();
  // A client thread keeps making requests (a new connection each) through the whole restart.
  std::atomic<bool> stop{false};
  std::atomic<int> requests{0}, failures{0};
  std::thread client([&] {
    while (!stop.load()) {
      if (ask_pid(cluster.port()) == 0) ++failures;
      ++requests;
    }
  });
  while (requests.load() < 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_EQ(::kill(cluster.primary_pid(), SIGHUP), 0);
  const bool done = !cluster.wait_for("restart-done", 10000).empty();
  const int at_done = requests.load();
  while (requests.load() < at_done + 20) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  client.join();
  ASSERT_TRUE(done) << "rolling restart did not finish";
  EXPECT_EQ(failures.load(), 0) << "of " << requests.load() << " requests";
  std::set<pid_t> answered_after;
  for (int i = 0; i < 20; ++i) answered_after.insert(ask_pid(cluster.port()));
  EXPECT_EQ(answered_after.size(), 2u);
  for (pid_t old : old_pids) EXPECT_EQ(answered_after.count(old), 0u) << "old worker " << old << " still serves";
  EXPECT_EQ(cluster.worker_pids().size(), 4u);
}

// Reads /proc/net/tcp for the socket whose local port is `local` and remote port `remote`
// (remote 0: a listening socket); returns its inode, 0 if not found.
unsigned long tcp_inode(uint16_t local, uint16_t remote) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    unsigned la = 0, lp = 0, ra = 0, rp = 0, state = 0;
    unsigned long inode = 0;
    char rest[512];
    if (std::sscanf(line.c_str(), " %*d: %x:%x %x:%x %x %511[^\n]", &la, &lp, &ra, &rp, &state, rest) != 6) continue;
    std::istringstream fields(rest);
    std::string skip;
    for (int i = 0; i < 5; ++i) fields >> skip;  // tx:rx tr:when retrnsmt uid timeout
    fields >> inode;
    if (lp == local && rp == remote) return inode;
  }
  return 0;
}

bool process_holds_socket(pid_t pid, unsigned long inode) {
  const std::string want = "socket:[" + std::to_string(inode) + "]";
  for (int fd = 0; fd < 1024; ++fd) {
    char target[128];
    std::string path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    if (n > 0 && std::string(target, static_cast<size_t>(n)) == want) return true;
  }
  return false;
}

TEST(Cluster, ScmRightsReallyMovesTheConnectionIntoTheWorker) {
  ClusterUnderTest cluster(test_settings(2), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  LineClient client(cluster.port());
  const pid_t worker = pid_of(client.ask("pid"));
  ASSERT_NE(worker, 0);
  auto me = kio::local_address(client.fd());
  ASSERT_TRUE(me.ok());
  const unsigned long server_side = tcp_inode(cluster.port(), me->port());
  const unsigned long listening = tcp_inode(cluster.port(), 0);
  ASSERT_NE(server_side, 0u) << "no /proc/net/tcp entry for the connection";
  ASSERT_NE(listening, 0u);
  EXPECT_TRUE(process_holds_socket(worker, server_side)) << "the accepted socket is not in /proc/" << worker << "/fd";
  // The worker answers the client before the primary has necessarily read its acknowledgement
  // on the other channel, so give the primary a bounded moment to drop its copy.
  bool primary_holds = true;
  for (int i = 0; i < 500 && primary_holds; ++i) {
    primary_holds = process_holds_socket(cluster.primary_pid(), server_side);
    if (primary_holds) ::usleep(10'000);
  }
  EXPECT_FALSE(primary_holds)
      << "the primary should have closed its copy after the worker's acknowledgement";
  EXPECT_TRUE(process_holds_socket(cluster.primary_pid(), listening));
  EXPECT_FALSE(process_holds_socket(worker, listening)) << "rr workers must not hold the listening socket";
}

class SharingModes : public ::testing::TestWithParam<Scheduling> {};

TEST_P(SharingModes, EveryModeServesThePortFromEveryWorkerProcess) {
  ClusterUnderTest cluster(test_settings(2, GetParam()), line_app);
  ASSERT_TRUE(cluster.wait_listening(2));
  std::set<pid_t> answered;
  for (int i = 0; i < 100; ++i) {
    pid_t pid = ask_pid(cluster.port());
    ASSERT_NE(pid, 0) << "request " << i;
    answered.insert(pid);
  }
  for (pid_t pid : answered) EXPECT_EQ(cluster.worker_pids().count(pid), 1u);
  LineClient client(cluster.port());
  std::string table = client.ask("cluster");
  EXPECT_EQ(table.rfind("cluster 2 ", 0), 0u) << table;
}

INSTANTIATE_TEST_SUITE_P(Modes, SharingModes,
                         ::testing::Values(Scheduling::kRoundRobin, Scheduling::kShared, Scheduling::kReusePort),
                         [](const auto& info) { return std::string(scheduling_name(info.param)); });

}  // namespace
}  // namespace osn::cluster::testing
