// tests/support/line_app.h — the line-protocol application test workers run, and its client.
//
// A raw-TCP application (no HTTP: the cluster never knows what is spoken on its sockets) that
// tests/cluster and lab 06's grader start in the workers of a ClusterUnderTest
// (cluster_under_test.h): one command per line, keep-alive, each answer one line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "cluster/primary.h"
#include "kernel-io/fd.h"

namespace osn::cluster::testing {

// The line-protocol test application (line_app.cc). Commands, one per line:
//   pid            -> "pid <pid> worker <id>"
//   slow <ms>      -> "started", and after <ms> "done <pid>"
//   cluster        -> "cluster <n> <id>:<pid>:<state>:<connections>:<requests>..."
//   big <bytes>    -> a message of that size to the primary and back -> "big-ok <bytes>"
//   burst <n>      -> n back-to-back messages there and back, in order -> "burst-ok <n>"
//   garbage        -> writes a malformed frame on the channel -> "garbage-sent"
// Each line counts as one request. The primary side of big/burst is echo_app_messages().
void line_app(WorkerContext& ctx);
void echo_app_messages(Primary& primary);

// Client helpers: a connected socket with a line reader.
class LineClient {
 public:
  explicit LineClient(uint16_t port, int timeout_ms = 3000);
  bool connected() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }
  bool send_line(std::string_view line);
  // "" on timeout or EOF.
  std::string read_line(int timeout_ms = 5000);
  std::string ask(std::string_view line, int timeout_ms = 5000) {
    return send_line(line) ? read_line(timeout_ms) : std::string();
  }

 private:
  kio::Fd fd_;
  std::string buffer_;
};

// "pid 1234 worker 2" -> 1234 (0 if the answer is something else).
inline pid_t pid_of(const std::string& answer) {
  int pid = 0;
  return std::sscanf(answer.c_str(), "pid %d", &pid) == 1 ? pid : 0;
}

// Asks a new connection's worker for its pid (0 if it did not answer).
inline pid_t ask_pid(uint16_t port) {
  LineClient client(port);
  return pid_of(client.ask("pid"));
}

}  // namespace osn::cluster::testing
