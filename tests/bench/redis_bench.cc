// tests/bench/redis_bench.cc — GET/SET through redis::Client, as redis-benchmark measures them.
//
// C clients (each its own connection, all on one loop thread, as redis-benchmark's one thread
// drives its C connections), each keeping P commands in flight, until N commands were answered.
// The same key and value as redis-benchmark's defaults (key "key:__rand_int__", a 3-byte value),
// so the server does the same work for both. Prints requests per second and the client's CPU
// time per request (CLOCK_PROCESS_CPUTIME_ID: this process only, the server is another).
//
//   build/bench/redis_bench [SCALE]     the short form (make bench): starts its own redis-server
//                                       on a free port, GET and SET at c=1/50 x P=1/16
//   build/bench/redis_bench --port 6379 --clients 50 --pipeline 16 --requests 1000000 --test get
//                                       one setting against a running server (peers/redis.sh)
// Without redis-server installed, the short form prints a '#' line and exits 0.
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kernel-io/process.h"
#include "kernel-io/socket.h"
#include "loop/loop.h"
#include "redis/client.h"
#include "tests/bench/bench_common.h"

namespace {

using namespace osn;

struct Setting {
  uint16_t port = 0;
  int clients = 50;
  int pipeline = 16;
  uint64_t requests = 1'000'000;
  std::string test = "get";
};

// One connection keeping `pipeline` commands in flight; each reply sends the next.
class Driver {
 public:
  Driver(loop::Loop& loop, const Setting& s, uint64_t* answered, uint64_t* to_send, uint64_t* failed)
      : client_(loop, options(s)), set_(s.test == "set"), answered_(answered), to_send_(to_send), failed_(failed) {}

  void start(int pipeline) {
    for (int i = 0; i < pipeline; ++i) send();
  }
  redis::Client& client() { return client_; }

 private:
  static redis::ClientOptions options(const Setting& s) {
    redis::ClientOptions o;
    o.endpoint.port = s.port;
    o.command_timeout_ms = 60'000;
    return o;
  }
  void send() {
    if (*to_send_ == 0) return;
    --*to_send_;
    auto done = [this](redis::Outcome&& o) {
      ++*answered_;
      *failed_ += !o.ok() || o.reply().is_error();
      send();
    };
    if (set_) {
      client_.command({"SET", "key:__rand_int__", "xxx"}, done);
    } else {
      client_.command({"GET", "key:__rand_int__"}, done);
    }
  }

  redis::Client client_;
  bool set_;
  uint64_t* answered_;
  uint64_t* to_send_;
  uint64_t* failed_;
};

bool run_setting(const Setting& s, const std::string& name) {
  loop::Loop loop;
  uint64_t answered = 0, to_send = s.requests, failed = 0;
  std::vector<std::unique_ptr<Driver>> drivers;
  for (int i = 0; i < s.clients; ++i) drivers.push_back(std::make_unique<Driver>(loop, s, &answered, &to_send, &failed));
  // Connect everyone first (redis-benchmark also connects before it starts its clock).
  while (true) {
    int ready = 0;
    for (auto& d : drivers) ready += d->client().state() == redis::ClientState::kReady;
    if (ready == s.clients) break;
    for (auto& d : drivers) {
      if (d->client().state() == redis::ClientState::kWaitingToReconnect) {
        std::fprintf(stderr, "redis_bench: %s\n", d->client().last_error().c_str());
        return false;
      }
    }
    loop.run(loop::RunMode::kOnce);
  }
  const uint64_t wall0 = bench::wall_ns(), cpu0 = bench::cpu_ns();
  for (auto& d : drivers) d->start(s.pipeline);
  while (answered < s.requests) loop.run(loop::RunMode::kOnce);
  const uint64_t wall = bench::wall_ns() - wall0, cpu = bench::cpu_ns() - cpu0;
  if (failed != 0) {
    std::fprintf(stderr, "redis_bench: %llu commands failed\n", static_cast<unsigned long long>(failed));
    return false;
  }
  for (auto& d : drivers) d->client().close();
  bench::report((name + "_per_s").c_str(), static_cast<double>(s.requests) * 1e9 / static_cast<double>(wall), "req/s");
  bench::report((name + "_cpu_ns_per_req").c_str(), static_cast<double>(cpu) / static_cast<double>(s.requests), "ns");
  return true;
}

std::string metric_name(const Setting& s) {
  return "redis_" + s.test + "_c" + std::to_string(s.clients) + "_p" + std::to_string(s.pipeline);
}

// The short form: our own redis-server on a free port, killed and reaped at the end.
int short_form(double scale) {
  kio::Result<kio::SocketAddress> any = kio::SocketAddress::ip("127.0.0.1", 0);
  kio::Result<kio::Fd> probe = any ? kio::tcp_listen(*any) : kio::Result<kio::Fd>(any.error());
  kio::Result<kio::SocketAddress> bound = probe ? kio::local_address(probe->get()) : kio::Result<kio::SocketAddress>(probe.error());
  if (!bound) return std::fprintf(stderr, "redis_bench: no free port\n"), 1;
  const uint16_t port = bound->port();
  *probe = kio::Fd();
  kio::SpawnOptions o;
  o.program = "redis-server";
  o.args = {"--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--logfile", "/dev/null"};
  kio::Result<pid_t> pid = kio::spawn_process(o);
  if (!pid) {
    std::printf("# redis_bench: skipped, redis-server not available (%s)\n", pid.error().message().c_str());
    return 0;
  }
  bool up = false;
  for (int i = 0; i < 500 && !up; ++i) {
    up = kio::connect_blocking(kio::SocketAddress::ip("127.0.0.1", port).value(), 200).ok();
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  bool ok = up;
  for (const char* test : {"get", "set"}) {
    for (int clients : {1, 50}) {
      for (int pipeline : {1, 16}) {
        if (!ok) break;
        Setting s;
        s.port = port;
        s.clients = clients;
        s.pipeline = pipeline;
        s.test = test;
        s.requests = bench::scaled(pipeline == 1 ? 100'000 : 1'000'000, scale);
        ok = run_setting(s, metric_name(s));
      }
    }
  }
  (void)kio::send_signal(*pid, SIGKILL);
  (void)kio::wait_child(*pid, true);
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc <= 2) return short_form(bench::scale_factor(argc, argv));
  Setting s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") s.port = static_cast<uint16_t>(std::stoi(value));
    else if (flag == "--clients") s.clients = std::stoi(value);
    else if (flag == "--pipeline") s.pipeline = std::stoi(value);
    else if (flag == "--requests") s.requests = std::stoull(value);
    else if (flag == "--test") s.test = value;
    else return std::fprintf(stderr, "redis_bench: unknown flag %s\n", flag.c_str()), 2;
  }
  if (s.port == 0 || s.clients < 1 || s.pipeline < 1 || (s.test != "get" && s.test != "set")) {
    std::fprintf(stderr, "redis_bench: need --port N, --clients >= 1, --pipeline >= 1, --test get|set\n");
    return 2;
  }
  return run_setting(s, metric_name(s)) ? 0 : 1;
}
