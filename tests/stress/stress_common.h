// tests/stress/stress_common.h — what the C++ stress probes share: start a server program on a
// free port (optionally under `ulimit -n`, optionally the demo with env), wait until it answers,
// read its CPU time, print figures and verdicts in the suite's one format:
//   stress: NAME FIGURE UNIT
//   stress: NAME verdict PASS|FAIL (why)
// Every wait is bounded; the ChildGuard kills the server whatever happens.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kernel-io/process.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/process_guard.h"

namespace osn::stress {

inline bool short_run() {
  const char* s = std::getenv("STRESS");
  return s != nullptr && std::string(s) == "short";
}

inline std::string bin_dir() {
  const char* b = std::getenv("BIN");
  if (b != nullptr) return b;
  const char* build = std::getenv("BUILD");
  return std::string(build != nullptr ? build : "build") + "/bin";
}

struct Server {
  uint16_t port = 0;
  pid_t pid = -1;
  std::unique_ptr<test::ChildGuard> guard;
  std::string log_path;
  // Everything it printed so far.
  std::string output() const {
    std::ifstream in(log_path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  bool alive() const { return pid > 0 && ::kill(pid, 0) == 0 && !zombie(); }
  bool zombie() const {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string all;
    std::getline(stat, all);
    const size_t paren = all.rfind(')');
    return paren == std::string::npos || all.substr(paren + 2, 1) == "Z";
  }
  ~Server() {
    if (!log_path.empty()) ::unlink(log_path.c_str());
  }
};

// program: "hello" (--port P) or "cluster-demo" (PORT=P plus env). nofile > 0: ulimit -n.
inline std::unique_ptr<Server> start(const std::string& program, std::vector<std::string> env = {}, int nofile = 0) {
  auto s = std::make_unique<Server>();
  s->port = test::free_tcp_port();
  char path[] = "/tmp/osn-stress-XXXXXX";
  const int log = ::mkstemp(path);
  if (log < 0) return nullptr;
  s->log_path = path;
  kio::SpawnOptions spawn;
  spawn.program = "/bin/sh";
  const std::string limit = nofile > 0 ? "ulimit -n " + std::to_string(nofile) + " && " : "";
  spawn.args = {"-c", limit + "exec \"$0\" \"$@\"", bin_dir() + "/" + program};
  if (program == "hello") {
    spawn.args.push_back("--port");
    spawn.args.push_back(std::to_string(s->port));
  } else {
    env.push_back("PORT=" + std::to_string(s->port));
  }
  spawn.extra_env = env;
  spawn.inherit = {{log, 1}, {log, 2}};
  auto pid = kio::spawn_process(spawn);
  ::close(log);
  if (!pid) return nullptr;
  s->pid = *pid;
  s->guard = std::make_unique<test::ChildGuard>(*pid);
  for (int i = 0; i < 500; ++i) {
    if (auto c = test::HttpClient::connect(s->port, 500)) {
      auto r = c->round_trip(test::get_request("/hello", "Connection: close\r\n"), 1'000);
      if (r && r->status == 200) return s;
    }
    ::usleep(20'000);
  }
  std::fprintf(stderr, "stress: %s did not answer; it printed:\n%s\n", program.c_str(), s->output().c_str());
  return nullptr;
}

// utime + stime of a process, in clock ticks.
inline long cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string all;
  std::getline(stat, all);
  const size_t paren = all.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(all.substr(paren + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::atol(field.c_str());
    if (i == 15) {
      stime = std::atol(field.c_str());
      break;
    }
  }
  return utime + stime;
}

// The children of a process (a cluster primary's workers).
inline std::string children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::string all;
  std::getline(in, all);
  return all;
}

inline void figure(const std::string& name, double value, const char* unit) {
  std::printf("stress: %s %g %s\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

inline bool verdict(const std::string& name, bool ok, const std::string& why) {
  std::printf("stress: %s verdict %s (%s)\n", name.c_str(), ok ? "PASS" : "FAIL", why.c_str());
  std::fflush(stdout);
  return ok;
}

}  // namespace osn::stress
