// tests/integration/cluster_demo_test.cc — build/bin/cluster-demo, from the outside.
//
// Each test starts the demo (what `make run` starts) as a child process in its own process
// group, on a free port, waits (bounded) until it answers, and talks HTTP to it with the
// blocking test client. What it checks is what the demo teaches: several processes answer on
// one port (distinct pids), their memory is not shared (per-worker counters), CPU work on the
// loop blocks a worker while the same work on the pool does not — checked as the ORDER in
// which answers arrive, never as durations — the primary's table over IPC, static files with
// traversal refused, graceful SIGTERM leaving no process, and what a new user tripped on: a bad
// WORKERS or OSN_THREADPOOL_SIZE and a port already in use refused at start (exit 2, naming
// the variable), a TIME_WAIT port taken in reuseport mode, a warning for more workers than
// cores, /stats telling configured from running pool threads, /cluster saying how old its
// counts are.
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "tests/integration/demo_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mini_json.h"
#include "tests/support/net.h"

namespace osn::test {
namespace {

using namespace std::string_literals;

std::optional<HttpResponse> get(uint16_t port, std::string_view path, int timeout_ms = 5'000) {
  auto client = HttpClient::connect(port);
  if (!client) return std::nullopt;
  return client->round_trip(get_request(path, "Connection: close\r\n"), timeout_ms);
}

Json json_of(const HttpResponse& response) {
  Json json;
  EXPECT_TRUE(parse_json(response.body, json)) << response.body;
  return json;
}

double number_at(const Json& json, std::string_view key) {
  const Json* v = json.find(key);
  return v != nullptr && v->type == Json::Type::kNumber ? v->number : -1;
}

// A started demo whose every worker listens (the primary's table says so), or a failure.
class Demo {
 public:
  explicit Demo(int workers, std::string sched = "rr", std::vector<std::string> env = {}, uint16_t port = 0)
      : port_(port != 0 ? port : free_tcp_port()),
        process_(with(std::move(env), {"PORT=" + std::to_string(port_), "WORKERS=" + std::to_string(workers),
                                       "SCHED=" + sched})),
        workers_(workers) {}

  ::testing::AssertionResult ready() {
    if (!process_.started()) return ::testing::AssertionFailure() << "cannot start " << demo_binary();
    for (int attempt = 0; attempt < 500; ++attempt) {  // up to ~10 s
      if (auto r = get(port_, "/cluster", 1'000); r && r->status == 200 && listening(*r) == workers_) {
        return ::testing::AssertionSuccess();
      }
      if (process_.wait_exit(0)) return ::testing::AssertionFailure() << "exited: " << process_.output();
      ::usleep(20'000);
    }
    return ::testing::AssertionFailure() << "no answer within 10 s; output:\n" << process_.output();
  }

  uint16_t port() const { return port_; }
  DemoProcess& process() { return process_; }

 private:
  static std::vector<std::string> with(std::vector<std::string> env, const std::vector<std::string>& more) {
    env.insert(env.end(), more.begin(), more.end());
    return env;
  }

  static int listening(const HttpResponse& r) {
    Json json;
    if (!parse_json(r.body, json) || json.find("workers") == nullptr) return -1;
    int n = 0;
    for (const Json& w : json.find("workers")->array) n += w.find("state") && w.find("state")->string == "listening";
    return n;
  }

  uint16_t port_;
  DemoProcess process_;
  int workers_;
};

// Bounded: until the worker has read every byte this client sent (so it is handling it).
bool wait_until_taken(uint16_t server_port, const HttpClient& client) {
  sockaddr_in self{};
  socklen_t len = sizeof self;
  if (::getsockname(client.fd(), reinterpret_cast<sockaddr*>(&self), &len) != 0) return false;
  for (int i = 0; i < 500; ++i) {
    auto unread = server_unread_bytes(server_port, ntohs(self.sin_port));
    if (unread && *unread == 0) return true;
    ::usleep(10'000);
  }
  return false;
}

bool has_bytes_waiting(const HttpClient& client) {
  pollfd p{client.fd(), POLLIN, 0};
  return !client.pending().empty() || ::poll(&p, 1, 0) > 0;
}

TEST(ClusterDemo, HelloIsExactlyHelloWorld) {
  Demo demo(2);
  ASSERT_TRUE(demo.ready());
  auto r = get(demo.port(), "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "Hello, World!");
  EXPECT_EQ(r->header("Content-Type"), "text/plain");
  EXPECT_EQ(r->header("Content-Length"), "13");
}

TEST(ClusterDemo, NewConnectionsReachTwoWorkerProcessesThatDoNotShareMemory) {
  Demo demo(2);
  ASSERT_TRUE(demo.ready());
  std::set<int> pids;
  for (int i = 0; i < 10; ++i) {
    auto r = get(demo.port(), "/whoami");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    pids.insert(static_cast<int>(number_at(json_of(*r), "pid")));
  }
  EXPECT_EQ(pids.size(), 2u) << "rr hands new connections to both workers";
  EXPECT_EQ(pids.count(demo.process().pid()), 0u) << "the primary serves no request";

  std::map<int, double> last_count;  // pid -> the count it reported last
  for (int i = 0; i < 6; ++i) {
    auto r = get(demo.port(), "/counter");
    ASSERT_TRUE(r);
    Json json = json_of(*r);
    const int pid = static_cast<int>(number_at(json, "pid"));
    EXPECT_EQ(number_at(json, "count"), last_count[pid] + 1) << "each worker counts only its own requests";
    last_count[pid] = number_at(json, "count");
  }
  ASSERT_EQ(last_count.size(), 2u);
  for (const auto& [pid, count] : last_count) EXPECT_LT(count, 6) << "no worker saw all six";
}

TEST(ClusterDemo, StatsClusterEchoAndErrors) {
  Demo demo(2);
  ASSERT_TRUE(demo.ready());
  auto stats = get(demo.port(), "/stats");
  ASSERT_TRUE(stats);
  Json s = json_of(*stats);
  for (const char* key : {"worker", "pid", "requests", "connections", "loop_lag", "pool"}) {
    EXPECT_NE(s.find(key), nullptr) << key << " in " << stats->body;
  }
  ASSERT_NE(s.find("loop_lag"), nullptr);
  for (const char* key : {"p50_us", "p99_us", "max_us"}) EXPECT_GE(number_at(*s.find("loop_lag"), key), 0) << key;
  ASSERT_NE(s.find("pool"), nullptr);
  for (const char* key : {"queued", "running", "completed"}) EXPECT_GE(number_at(*s.find("pool"), key), 0) << key;

  auto table = get(demo.port(), "/cluster");
  ASSERT_TRUE(table);
  const Json table_json = json_of(*table);
  const Json* workers = table_json.find("workers");
  ASSERT_NE(workers, nullptr);
  ASSERT_EQ(workers->array.size(), 2u);
  for (const Json& w : workers->array) {
    for (const char* key : {"pid", "connections", "requests", "restarts"}) EXPECT_GE(number_at(w, key), 0) << key;
  }

  auto client = HttpClient::connect(demo.port());
  ASSERT_TRUE(client);
  auto echo = client->round_trip("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello\0world"s);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->status, 200);
  EXPECT_EQ(echo->body, "hello\0world"s);

  auto missing = get(demo.port(), "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto wrong = client->round_trip("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("Allow"), "GET");
  for (const char* bad : {"/block", "/block?ms=abc", "/block?ms=-1", "/block?ms=999999", "/offload?ms=5001"}) {
    auto r = get(demo.port(), bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_NE(r->body.find("ms"), std::string::npos) << "the reason names the parameter: " << r->body;
  }
}

TEST(ClusterDemo, StaticFilesAreServedAndTraversalIsRefused) {
  Demo demo(1);
  ASSERT_TRUE(demo.ready());
  auto index = get(demo.port(), "/static/index.html");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("osnode cluster demo"), std::string::npos);
  EXPECT_EQ(index->header("Content-Type"), "text/html; charset=utf-8");
  auto notes = get(demo.port(), "/static/notes.txt");
  ASSERT_TRUE(notes);
  EXPECT_EQ(notes->status, 200);

  auto missing = get(demo.port(), "/static/no-such-file.txt");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  for (const char* bad : {"/static/../Makefile", "/static/..%2fMakefile", "/static/%2e%2e%2fMakefile",
                          "/static/..%5cMakefile", "/static/a%00b", "/static/.hidden", "/static/sub/x.txt",
                          "/static/..", "/static/%2e%2e"}) {
    auto r = get(demo.port(), bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 403) << bad;
    EXPECT_EQ(r->body.find("osnode"), std::string::npos) << bad;
  }
}

// One worker. /offload's work runs on the pool: /hello on another connection is answered
// while /offload's connection has received nothing yet. (Order, not time: the work is 2 s.)
TEST(ClusterDemo, OffloadedWorkLeavesTheLoopFree) {
  Demo demo(1);
  ASSERT_TRUE(demo.ready());
  auto slow = HttpClient::connect(demo.port());
  ASSERT_TRUE(slow);
  ASSERT_TRUE(slow->send(get_request("/offload?ms=2000")));
  ASSERT_TRUE(wait_until_taken(demo.port(), *slow)) << "the worker never read the request";
  auto hello = get(demo.port(), "/hello");
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->body, "Hello, World!");
  EXPECT_FALSE(has_bytes_waiting(*slow)) << "/hello answered while /offload was still working";
  auto offload = slow->read_response(10'000);
  ASSERT_TRUE(offload);
  EXPECT_EQ(offload->status, 200);
  EXPECT_NE(offload->body.find("thread pool"), std::string::npos);
}

// One worker. /block's work runs on the loop: /hello, sent after the worker took /block,
// is answered only after /block's answer.
TEST(ClusterDemo, BlockingWorkHoldsTheWorkerUntilItEnds) {
  Demo demo(1);
  ASSERT_TRUE(demo.ready());
  auto slow = HttpClient::connect(demo.port());
  ASSERT_TRUE(slow);
  ASSERT_TRUE(slow->send(get_request("/block?ms=300")));
  ASSERT_TRUE(wait_until_taken(demo.port(), *slow)) << "the worker never read the request";
  auto quick = HttpClient::connect(demo.port());
  ASSERT_TRUE(quick);
  ASSERT_TRUE(quick->send(get_request("/hello")));
  pollfd p{quick->fd(), POLLIN, 10'000};
  ASSERT_EQ(::poll(&p, 1, 10'000), 1) << "/hello never answered";
  EXPECT_TRUE(has_bytes_waiting(*slow)) << "/block's answer must be there before /hello's";
  auto blocked = slow->read_response(1'000);
  ASSERT_TRUE(blocked);
  EXPECT_NE(blocked->body.find("event loop"), std::string::npos);
  auto hello = quick->read_response(1'000);
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->body, "Hello, World!");
}

TEST(ClusterDemo, SigtermExitsZeroAndLeavesNoProcess) {
  Demo demo(2);
  ASSERT_TRUE(demo.ready());
  ASSERT_EQ(::kill(demo.process().pid(), SIGTERM), 0);
  auto code = demo.process().wait_exit(15'000);
  ASSERT_TRUE(code) << "still running 15 s after SIGTERM";
  EXPECT_EQ(*code, 0) << demo.process().output();
  EXPECT_TRUE(demo.process().wait_group_empty(5'000)) << "a worker outlived the primary";
}

TEST(ClusterDemo, BadWorkersIsRefusedNamingTheVariable) {
  DemoProcess demo({"WORKERS=abc", "PORT=0"});
  ASSERT_TRUE(demo.started());
  auto code = demo.wait_exit(5'000);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 2);
  EXPECT_NE(demo.output().find("WORKERS=abc"), std::string::npos) << demo.output();
}

// ---- what a new user tripped on ---------------------------------------------------------------

// Connections of 127.0.0.1:port in TIME_WAIT (state 06 in /proc/net/tcp).
int time_wait_sockets_on(uint16_t port) {
  char local[32];
  std::snprintf(local, sizeof local, "0100007F:%04X", port);
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local_address, remote_address, state;
    fields >> slot >> local_address >> remote_address >> state;
    n += local_address == local && state == "06";
  }
  return n;
}

// Leaves a connection of `port` in TIME_WAIT on the server side, as a server that closed its
// connections first and then exited does (the side that closes first keeps TIME_WAIT).
bool leave_time_wait_on(uint16_t port) {
  auto addr = kio::SocketAddress::ip("127.0.0.1", port);
  auto listener = kio::tcp_listen(*addr);
  if (!listener) return false;
  auto client = kio::connect_blocking(*addr, 2'000);
  if (!client) return false;
  pollfd p{listener->get(), POLLIN, 0};
  if (::poll(&p, 1, 2'000) != 1) return false;
  auto server_side = kio::accept_connection(listener->get());
  if (!server_side) return false;
  server_side->reset();                     // the server closes first: FIN
  char byte;
  (void)kio::read_exact(client->get(), {&byte, 1}, 2'000);  // the client sees EOF...
  client->reset();                          // ...and closes: the server side is in TIME_WAIT
  listener->reset();
  for (int i = 0; i < 200 && time_wait_sockets_on(port) == 0; ++i) ::usleep(10'000);
  return time_wait_sockets_on(port) > 0;
}

TEST(ClusterDemo, ReusePortStartsOnAPortThatHasTimeWaitConnections) {
  const uint16_t port = free_tcp_port();
  ASSERT_TRUE(leave_time_wait_on(port)) << "could not leave a TIME_WAIT connection on " << port;
  Demo demo(2, "reuseport", {}, port);
  ASSERT_TRUE(demo.ready());
  auto r = get(demo.port(), "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "Hello, World!");
}

// A second cluster on a port the first one serves is refused in every SCHED mode — reuseport
// included, where the kernel would otherwise let it join the first cluster's port silently.
TEST(ClusterDemo, ASecondClusterOnAPortInUseIsRefusedNamingPort) {
  for (const char* first_sched : {"rr", "reuseport"}) {
    Demo first(1, first_sched);
    ASSERT_TRUE(first.ready()) << first_sched;
    const std::string port = std::to_string(first.port());
    for (const char* sched : {"rr", "shared", "reuseport"}) {
      DemoProcess second({"PORT=" + port, "WORKERS=1", std::string("SCHED=") + sched});
      ASSERT_TRUE(second.started());
      auto code = second.wait_exit(10'000);
      ASSERT_TRUE(code) << "SCHED=" << sched << " on a port used by SCHED=" << first_sched << " started:\n"
                        << second.output();
      EXPECT_EQ(*code, 2) << second.output();
      const std::string expected = "PORT=" + port + ": 127.0.0.1:" + port + " is already in use (bind: EADDRINUSE";
      EXPECT_NE(second.output().find(expected), std::string::npos) << second.output();
      EXPECT_NE(second.output().find("choose another PORT"), std::string::npos) << second.output();
      EXPECT_TRUE(second.wait_group_empty(5'000)) << "a refused cluster left a process";
    }
    auto still = get(first.port(), "/hello");  // the first cluster is untouched
    ASSERT_TRUE(still) << first_sched;
    EXPECT_EQ(still->body, "Hello, World!");
  }
}

TEST(ClusterDemo, ARefusedPoolSizeStopsTheDemoAtStartNamingTheVariable) {
  DemoProcess demo({"OSN_THREADPOOL_SIZE=0", "PORT=0", "WORKERS=1"});
  ASSERT_TRUE(demo.started());
  auto code = demo.wait_exit(5'000);
  ASSERT_TRUE(code) << "it started: " << demo.output();
  EXPECT_EQ(*code, 2);
  EXPECT_NE(demo.output().find("OSN_THREADPOOL_SIZE=\"0\""), std::string::npos) << demo.output();
  EXPECT_EQ(demo.output().find("worker"), std::string::npos) << "no worker was forked: " << demo.output();
}

// The pool's two switches are checked at start too (pool_environment_problem), not at the
// first /offload.
TEST(ClusterDemo, ARefusedPoolSwitchStopsTheDemoAtStartNamingTheVariable) {
  for (const char* variable : {"OSN_POOL_SPIN", "OSN_POOL_BATCH"}) {
    DemoProcess demo({std::string(variable) + "=on", "PORT=0", "WORKERS=1"});
    ASSERT_TRUE(demo.started()) << variable;
    auto code = demo.wait_exit(5'000);
    ASSERT_TRUE(code) << variable << ": it started: " << demo.output();
    EXPECT_EQ(*code, 2) << variable;
    EXPECT_NE(demo.output().find(std::string(variable) + "=\"on\" is refused"), std::string::npos)
        << demo.output();
    EXPECT_EQ(demo.output().find("worker"), std::string::npos) << "no worker was forked: " << demo.output();
  }
}

TEST(ClusterDemo, MoreWorkersThanCoresStartsWithAWarning) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  ASSERT_GT(cores, 0);
  Demo demo(cores + 1);
  ASSERT_TRUE(demo.ready()) << "more workers than cores is allowed";
  const std::string warning =
      "WORKERS=" + std::to_string(cores + 1) + " is more than the " + std::to_string(cores) + " CPU cores";
  EXPECT_NE(demo.process().output().find(warning), std::string::npos) << demo.process().output();
}

// The names of a process's threads (/proc/PID/task/TID/comm), as ps -L -o comm shows them.
std::vector<std::string> thread_names(pid_t pid) {
  std::vector<std::string> names;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return names;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(tasks + "/" + entry->d_name + "/comm");
    std::string name;
    std::getline(comm, name);
    names.push_back(name);
  }
  ::closedir(dir);
  return names;
}

size_t count_pool_threads(const std::vector<std::string>& names) {
  size_t n = 0;
  for (const std::string& name : names) n += name.rfind("osn-pool-", 0) == 0 ? 1 : 0;
  return n;
}

TEST(ClusterDemo, StatsTellTheConfiguredPoolSizeFromTheThreadsRunning) {
  Demo demo(1, "rr", {"OSN_THREADPOOL_SIZE=3"});
  ASSERT_TRUE(demo.ready());
  auto before = get(demo.port(), "/stats");
  ASSERT_TRUE(before);
  Json s = json_of(*before);
  ASSERT_NE(s.find("pool"), nullptr) << before->body;
  EXPECT_EQ(number_at(*s.find("pool"), "threads_configured"), 3) << before->body;
  EXPECT_EQ(number_at(*s.find("pool"), "threads_running"), 0) << "the pool starts at first use: " << before->body;
  // What ps -L shows: the kernel's list of the worker's threads. A sanitizer's runtime (TSan) or
  // a kqueue emulation may add a thread of its own; osnode adds none before the pool starts.
  const std::vector<std::string> threads = thread_names(static_cast<pid_t>(number_at(s, "pid")));
  EXPECT_EQ(number_at(s, "process_threads"), static_cast<double>(threads.size())) << before->body;
  EXPECT_EQ(count_pool_threads(threads), 0u) << "no pool thread before the first pool use: " << before->body;

  auto offload = get(demo.port(), "/offload?ms=1");
  ASSERT_TRUE(offload);
  ASSERT_EQ(offload->status, 200);
  auto after = get(demo.port(), "/stats");
  ASSERT_TRUE(after);
  Json a = json_of(*after);
  ASSERT_NE(a.find("pool"), nullptr) << after->body;
  EXPECT_EQ(number_at(*a.find("pool"), "threads_configured"), 3) << after->body;
  EXPECT_GE(number_at(*a.find("pool"), "threads_running"), 1) << after->body;
  EXPECT_LE(number_at(*a.find("pool"), "threads_running"), 3) << after->body;
  EXPECT_GE(number_at(a, "process_threads"), 2) << "the loop thread and pool threads: " << after->body;
  const std::vector<std::string> later = thread_names(static_cast<pid_t>(number_at(a, "pid")));
  EXPECT_EQ(static_cast<double>(count_pool_threads(later)), number_at(*a.find("pool"), "threads_running"))
      << "every running pool thread is an osn-pool-N in /proc: " << after->body;
}

TEST(ClusterDemo, ClusterRowsSayHowOldTheirCountsAre) {
  Demo demo(2);
  ASSERT_TRUE(demo.ready());
  auto table = get(demo.port(), "/cluster");
  ASSERT_TRUE(table);
  const Json t = json_of(*table);
  EXPECT_EQ(number_at(t, "report_interval_ms"), 250) << table->body;
  ASSERT_NE(t.find("counts"), nullptr) << "the answer says the counts are reports: " << table->body;
  const double me = number_at(t, "answered_by");
  const Json* workers = t.find("workers");
  ASSERT_NE(workers, nullptr);
  ASSERT_EQ(workers->array.size(), 2u);
  int fresh = 0;
  for (const Json& w : workers->array) {
    const Json* age = w.find("report_age_ms");
    ASSERT_NE(age, nullptr) << table->body;
    EXPECT_TRUE(age->type == Json::Type::kNumber || age->type == Json::Type::kNull) << table->body;
    if (number_at(w, "worker") == me) {
      EXPECT_EQ(number_at(w, "report_age_ms"), 0) << "the asking worker's row is current: " << table->body;
      EXPECT_GE(number_at(w, "requests"), 1) << "it counts this very request: " << table->body;
      ++fresh;
    }
  }
  EXPECT_EQ(fresh, 1) << table->body;
}

}  // namespace
}  // namespace osn::test
