// labs/06-cluster/grader/cluster_grade.cc — part 4: the cluster as real processes.
//
// Each check forks a primary (ClusterUnderTest, tests/support/cluster_under_test.h) whose workers run
// the line app, talks to it over TCP on 127.0.0.1 and reads its lifecycle events. Mechanisms
// are checked in /proc: the socket a worker serves is the one the primary accepted (same
// inode in /proc/PID/fd), and in rr mode no worker holds the listening socket. Every wait is
// bounded, no bound is a timing assertion, and the harness fails a check that leaves a
// process behind.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "kernel-io/socket.h"
#include "labs/grading/graded_test.h"
#include "tests/support/cluster_under_test.h"
#include "tests/support/line_app.h"

namespace osn::cluster::testing {
namespace {

using grading::random_between;

Settings settings(size_t workers) {
  Settings s;
  s.workers = workers;
  s.scheduling = Scheduling::kRoundRobin;
  s.log = false;
  s.shutdown_timeout_ms = 8000;
  s.stats_interval_ms = 50;
  return s;
}



// /proc/net/tcp rows: local port, remote port, state, inode.
struct TcpRow {
  unsigned local = 0, remote = 0, state = 0;
  unsigned long inode = 0;
};

std::vector<TcpRow> tcp_table() {
  std::vector<TcpRow> rows;
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    TcpRow r;
    unsigned la = 0, ra = 0;
    char rest[512];
    if (std::sscanf(line.c_str(), " %*d: %x:%x %x:%x %x %511[^\n]", &la, &r.local, &ra, &r.remote, &r.state, rest) != 6) continue;
    std::istringstream fields(rest);
    std::string skip;
    for (int i = 0; i < 5; ++i) fields >> skip;  // tx:rx tr:when retrnsmt uid timeout
    fields >> r.inode;
    rows.push_back(r);
  }
  return rows;
}

// The inode of the socket with this local and remote port (remote 0: the listening socket).
unsigned long tcp_inode(uint16_t local, uint16_t remote) {
  for (const TcpRow& r : tcp_table())
    if (r.local == local && r.remote == remote) return r.inode;
  return 0;
}

// Every socket inode in /proc/PID/fd.
std::set<unsigned long> socket_inodes(pid_t pid) {
  std::set<unsigned long> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    char target[128];
    const ssize_t n = ::readlink(e.path().c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    unsigned long inode = 0;
    target[n] = '\0';
    if (std::sscanf(target, "socket:[%lu]", &inode) == 1) out.insert(inode);
  }
  return out;
}

// "fork 3 1234 slot 1" lines of the history: pid -> slot.
std::map<pid_t, int> slots_by_pid(const ClusterUnderTest& cluster) {
  std::map<pid_t, int> out;
  for (const std::string& line : cluster.history()) {
    int id = 0, pid = 0, slot = 0;
    if (std::sscanf(line.c_str(), "fork %d %d slot %d", &id, &pid, &slot) == 3) out[pid] = slot;
  }
  return out;
}

GRADED_TEST(Cluster, ConnectionsSpreadEvenlyOverARandomNumberOfWorkers, 12) {
  const size_t workers = static_cast<size_t>(random_between(2, 4));
  const int connections = static_cast<int>(random_between(40, 80)) * static_cast<int>(workers);
  ClusterUnderTest cluster(settings(workers), line_app);
  ASSERT_TRUE(cluster.started());
  ASSERT_TRUE(cluster.wait_listening(workers));
  std::map<pid_t, int> per_worker;
  for (int i = 0; i < connections; ++i) {
    const pid_t pid = ask_pid(cluster.port());
    ASSERT_NE(pid, 0) << "connection " << i << " of " << connections << " got no answer";
    ++per_worker[pid];
  }
  int total = 0;
  for (const auto& [pid, n] : per_worker) {
    total += n;
    EXPECT_EQ(cluster.worker_pids().count(pid), 1u) << "pid " << pid << " is not a worker";
  }
  EXPECT_EQ(total, connections) << "every connection is served exactly once";
  ASSERT_EQ(per_worker.size(), workers) << "every one of the " << workers << " workers must get connections";
  const int mean = connections / static_cast<int>(workers);
  for (const auto& [pid, n] : per_worker) {
    EXPECT_GE(n, mean / 4) << "worker " << pid << " of " << workers << ", " << connections << " connections";
    EXPECT_LE(n, mean * 2) << "worker " << pid << " of " << workers << ", " << connections << " connections";
  }
  EXPECT_EQ(per_worker.count(cluster.primary_pid()), 0u) << "the primary must not serve connections";
}

GRADED_TEST(Cluster, TheWorkerServesTheDescriptorThePrimaryAcceptedAndPassed, 10) {
  const size_t workers = static_cast<size_t>(random_between(2, 3));
  ClusterUnderTest cluster(settings(workers), line_app);
  ASSERT_TRUE(cluster.wait_listening(workers));
  const unsigned long listening = tcp_inode(cluster.port(), 0);
  ASSERT_NE(listening, 0u) << "no listening socket in /proc/net/tcp";
  EXPECT_EQ(socket_inodes(cluster.primary_pid()).count(listening), 1u) << "rr: the primary listens";
  const int clients = static_cast<int>(random_between(2, 4));
  std::vector<std::unique_ptr<LineClient>> open;
  for (int i = 0; i < clients; ++i) {
    open.push_back(std::make_unique<LineClient>(cluster.port()));
    LineClient& client = *open.back();
    const pid_t worker = pid_of(client.ask("pid"));
    ASSERT_NE(worker, 0) << "client " << i << " got no answer";
    auto me = kio::local_address(client.fd());
    ASSERT_TRUE(me.ok());
    const unsigned long accepted = tcp_inode(cluster.port(), me->port());
    ASSERT_NE(accepted, 0u) << "no /proc/net/tcp entry for the connection";
    EXPECT_EQ(socket_inodes(worker).count(accepted), 1u)
        << "the socket the primary accepted (inode " << accepted << ") is not in /proc/" << worker << "/fd";
    // The worker answers before the primary has necessarily read its acknowledgement: give it
    // a bounded moment to close its own copy.
    bool primary_holds = true;
    for (int k = 0; k < 500 && primary_holds; ++k) {
      primary_holds = socket_inodes(cluster.primary_pid()).count(accepted) == 1;
      if (primary_holds) ::usleep(10'000);
    }
    EXPECT_FALSE(primary_holds) << "the primary must close its copy once the worker accepted";
  }
  for (pid_t w : cluster.worker_pids())
    EXPECT_EQ(socket_inodes(w).count(listening), 0u) << "rr: worker " << w << " must not hold the listening socket";
}

GRADED_TEST(Cluster, ASigkilledWorkerIsReplacedInItsSlotByANewProcess, 8) {
  const size_t workers = static_cast<size_t>(random_between(2, 3));
  ClusterUnderTest cluster(settings(workers), line_app);
  ASSERT_TRUE(cluster.wait_listening(workers));
  std::vector<pid_t> pids(cluster.worker_pids().begin(), cluster.worker_pids().end());
  const pid_t victim = pids[static_cast<size_t>(random_between(0, static_cast<std::int64_t>(pids.size()) - 1))];
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const std::string exit_line = cluster.wait_for("exit", 8000);
  EXPECT_NE(exit_line.find(std::to_string(victim) + " killed by SIGKILL"), std::string::npos) << exit_line;
  EXPECT_NE(cluster.wait_for("respawn", 8000), "") << "no respawn scheduled after the worker died";
  ASSERT_NE(cluster.wait_for("listening", 8000), "") << "no replacement started listening";
  ASSERT_EQ(cluster.worker_pids().size(), workers + 1);
  const std::map<pid_t, int> slots = slots_by_pid(cluster);
  pid_t replacement = 0;
  for (pid_t p : cluster.worker_pids())
    if (std::find(pids.begin(), pids.end(), p) == pids.end()) replacement = p;
  ASSERT_NE(replacement, 0);
  EXPECT_NE(replacement, victim);
  EXPECT_EQ(slots.at(replacement), slots.at(victim)) << "the replacement takes the dead worker's slot";
  std::set<pid_t> answered;
  for (size_t i = 0; i < 6 * workers; ++i) answered.insert(ask_pid(cluster.port()));
  EXPECT_EQ(answered.count(victim), 0u);
  EXPECT_EQ(answered.count(0), 0u) << "a connection got no answer";
  EXPECT_EQ(answered.count(replacement), 1u) << "the replacement must serve";
}

GRADED_TEST(Cluster, ACrashLoopBacksOffExponentiallyToTheCap, 8) {
  Settings s = settings(1);
  const uint64_t initial = static_cast<uint64_t>(random_between(15, 40));
  const unsigned doublings = static_cast<unsigned>(random_between(2, 4));
  const uint64_t cap = initial << doublings;
  s.respawn = RespawnPolicy{.initial_delay_ms = initial, .max_delay_ms = cap, .stable_after_ms = 60'000};
  ClusterUnderTest cluster(s, [](WorkerContext& ctx) { ctx.exit(3); });  // dies at once, every time
  std::vector<uint64_t> want;
  for (unsigned i = 0; i <= doublings; ++i) want.push_back(initial << i);
  want.push_back(cap);
  want.push_back(cap);
  std::vector<uint64_t> delays;
  while (delays.size() < want.size()) {
    const std::string line = cluster.wait_for("respawn", 8000);
    if (line.empty()) break;
    delays.push_back(std::stoull(line.substr(line.rfind(' ') + 1)));
  }
  ASSERT_EQ(delays.size(), want.size()) << "the crash loop must keep respawning";
  EXPECT_EQ(delays, want) << "initial " << initial << " ms, cap " << cap << " ms";
  EXPECT_GE(cluster.worker_pids().size(), want.size()) << "each respawn is a new process";
}

GRADED_TEST(Cluster, SigtermDrainsEveryInFlightRequestAndLeavesNoProcess, 12) {
  const size_t workers = static_cast<size_t>(random_between(2, 3));
  ClusterUnderTest cluster(settings(workers), line_app);
  ASSERT_TRUE(cluster.wait_listening(workers));
  LineClient idle(cluster.port());
  ASSERT_NE(pid_of(idle.ask("pid")), 0);
  const int busy_count = static_cast<int>(random_between(1, static_cast<std::int64_t>(workers)));
  std::vector<std::unique_ptr<LineClient>> busy;
  for (int i = 0; i < busy_count; ++i) {
    busy.push_back(std::make_unique<LineClient>(cluster.port()));
    ASSERT_EQ(busy.back()->ask("slow " + std::to_string(random_between(300, 900))), "started") << "slow request " << i;
  }
  ASSERT_EQ(::kill(cluster.primary_pid(), SIGTERM), 0);
  for (int i = 0; i < busy_count; ++i) {
    const std::string done = busy[static_cast<size_t>(i)]->read_line(8000);
    EXPECT_EQ(done.rfind("done ", 0), 0u) << "in-flight request " << i << " of " << busy_count << " lost: '" << done << "'";
  }
  EXPECT_EQ(idle.read_line(5000), "") << "the idle keep-alive connection must be closed";
  const kio::ChildStatus status = cluster.wait_primary_exit(10000);
  ASSERT_NE(status.pid, 0) << "the primary did not exit after SIGTERM";
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.exit_code, 0) << "a clean drain exits 0 (1 means a worker had to be killed)";
  for (pid_t w : cluster.worker_pids()) {
    bool gone = false;
    for (int k = 0; k < 300 && !(gone = process_gone(w)); ++k) ::usleep(10'000);
    EXPECT_TRUE(gone) << "worker " << w << " is still there";
  }
  LineClient late(cluster.port(), 500);
  EXPECT_FALSE(late.connected()) << "nobody may accept after shutdown";
}

GRADED_TEST(Cluster, TheShutdownDeadlineKillsAWorkerThatWillNotFinish, 5) {
  Settings s = settings(1);
  s.shutdown_timeout_ms = static_cast<uint64_t>(random_between(200, 500));
  ClusterUnderTest cluster(s, line_app);
  ASSERT_TRUE(cluster.wait_listening(1));
  LineClient busy(cluster.port());
  ASSERT_EQ(busy.ask("slow 30000"), "started");
  ASSERT_EQ(::kill(cluster.primary_pid(), SIGTERM), 0);
  const std::string exit_line = cluster.wait_for("exit", 8000);
  EXPECT_NE(exit_line.find("killed by SIGKILL"), std::string::npos) << exit_line;
  const kio::ChildStatus status = cluster.wait_primary_exit(8000);
  ASSERT_NE(status.pid, 0) << "the primary did not exit";
  EXPECT_EQ(status.exit_code, 1) << "a worker was killed: the primary says so with exit code 1";
}

}  // namespace
}  // namespace osn::cluster::testing
