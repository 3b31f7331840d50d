// examples/cluster-tcp — the cluster with a raw-TCP application: "which process answered?"
//
// Every connection is answered with one line, "pid <pid> worker <id>\n", and closed. The
// cluster layer never knows what is spoken on a connection; this app speaks the simplest
// thing there is, so the distribution itself is what you see.
//   ./build/bin/cluster-tcp serve                 WORKERS, SCHED, PORT from the environment
//   ./build/bin/cluster-tcp measure N [C]         start the cluster, make N connections from
//                                                 C client threads, print connections per
//                                                 worker, stop the cluster (SIGTERM)
// Try:  SCHED=shared ./build/bin/cluster-tcp measure 2000 4   (docs/cluster.md has numbers)
//       SCHED=shared ACCEPTS_PER_WAKEUP=1 ./build/bin/cluster-tcp measure 2000 4
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/primary.h"
#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/socket.h"

namespace {

using osn::cluster::WorkerContext;

void answer_with_pid(WorkerContext& ctx) {
  ctx.on_connection([&ctx](osn::kio::Fd connection) {
    ctx.count_request();
    std::string line = "pid " + std::to_string(::getpid()) + " worker " + std::to_string(ctx.id()) + "\n";
    (void)osn::kio::write_all(connection.get(), line, 1000);
  });  // the Fd closes here: one answer per connection
}

osn::cluster::Settings settings_from_env(bool quiet) {
  osn::cluster::Settings settings;  // one worker per core, rr
  if (std::string error = osn::cluster::apply_environment(settings); !error.empty()) {
    std::fprintf(stderr, "cluster-tcp: %s\n", error.c_str());
    std::exit(2);
  }
  settings.log = !quiet;
  if (const char* n = std::getenv("ACCEPTS_PER_WAKEUP")) settings.accepts_per_wakeup = std::strtoul(n, nullptr, 10);
  return settings;
}

int serve() {
  return osn::cluster::run_cluster(settings_from_env(false), answer_with_pid, [](osn::cluster::Primary& p) {
    p.on_exit([](osn::cluster::Worker& w, const osn::kio::ChildStatus&) {
      std::printf("worker %d (pid %d): %llu connections, %llu requests\n", w.id(), static_cast<int>(w.pid()),
                  static_cast<unsigned long long>(w.connections()), static_cast<unsigned long long>(w.requests()));
    });
  });
}

// One client thread: `count` connections, one after another; tallies the answering pid.
void client(uint16_t port, int count, std::map<std::string, int>& tally, std::mutex& mu) {
  auto addr = osn::kio::SocketAddress::ip("127.0.0.1", port);
  for (int i = 0; i < count; ++i) {
    auto fd = osn::kio::connect_blocking(*addr, 2000);
    if (!fd) continue;
    char buf[64];
    auto n = osn::kio::read_exact(fd->get(), buf, 2000);  // reads until EOF or 64 bytes
    std::string line(buf, n ? *n : 0);
    std::lock_guard lock(mu);
    ++tally[line.substr(0, line.find(" worker"))];
  }
}

int measure(int total, int threads) {
  osn::cluster::Settings settings = settings_from_env(true);
  auto ready = osn::kio::make_pipe();
  pid_t primary = ::fork();
  if (primary == 0) {
    int code = osn::cluster::run_cluster(settings, answer_with_pid, [&](osn::cluster::Primary& p) {
      p.on_listening([&p, fd = ready->write_end.get(), n = size_t{0}](osn::cluster::Worker&) mutable {
        if (++n == p.settings().workers) (void)osn::kio::write_all(fd, std::to_string(p.port()) + "\n");
      });
    });
    ::_exit(code);
  }
  ready->write_end.reset();
  std::string text;  // "PORT\n" once every worker listens
  char c = 0;
  while (text.find('\n') == std::string::npos) {
    auto n = osn::kio::read_exact(ready->read_end.get(), {&c, 1}, 5000);
    if (!n || *n == 0) break;
    text += c;
  }
  const uint16_t port = static_cast<uint16_t>(std::atoi(text.c_str()));
  if (port == 0) {
    std::fprintf(stderr, "cluster-tcp: the cluster did not start\n");
    ::kill(primary, SIGKILL);
    ::waitpid(primary, nullptr, 0);
    return 1;
  }
  std::map<std::string, int> tally;
  std::mutex mu;
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t) clients.emplace_back(client, port, total / threads, std::ref(tally), std::ref(mu));
  for (auto& t : clients) t.join();
  std::printf("SCHED=%s WORKERS=%zu: %d connections from %d client threads\n",
              osn::cluster::scheduling_name(settings.scheduling), settings.workers, total, threads);
  for (const auto& [pid, n] : tally) std::printf("  %-12s %6d\n", pid.c_str(), n);
  ::kill(primary, SIGTERM);
  int status = 0;
  ::waitpid(primary, &status, 0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "serve";
  if (mode == "serve") return serve();
  if (mode == "measure") return measure(argc > 2 ? std::atoi(argv[2]) : 1000, argc > 3 ? std::atoi(argv[3]) : 1);
  std::fprintf(stderr, "usage: %s serve | measure N [threads]\n", argv[0]);
  return 2;
}
