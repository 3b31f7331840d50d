// tests/integration/demo_process.h — build/bin/cluster-demo as a child process, for tests.
//
// The demo is a process tree (a primary and its workers), so it runs in its own process
// group: the guard's destructor SIGKILLs the whole group and reaps the primary, whatever
// the test did, and group_is_empty() asks the kernel (kill(-pgid, 0) -> ESRCH) whether any
// member is left. Its stdout and stderr go to a temporary file the test can read.
// Also: how many bytes the server side of a loopback TCP connection has not read yet, from
// /proc/net/tcp — how a test knows, without sleeping, that a worker has taken a request.
// Ownership: owns the child (and its group). Thread affinity: the test's thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace osn::test {

class DemoProcess {
 public:
  // Starts the demo with `env` added to this process's environment ("WORKERS=2", ...).
  explicit DemoProcess(const std::vector<std::string>& env);
  ~DemoProcess();
  DemoProcess(const DemoProcess&) = delete;
  DemoProcess& operator=(const DemoProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Everything it printed so far.
  std::string output() const;
  // Waits (bounded) for the primary to exit; its exit code, or nullopt on timeout.
  std::optional<int> wait_exit(int timeout_ms);
  // True once no process of the group is left (bounded wait).
  bool wait_group_empty(int timeout_ms) const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string log_path_;
};

// The demo binary: $OSN_BIN_DIR/cluster-demo, else BUILD/bin next to this test binary.
std::string demo_binary();

// Bytes queued, unread, on the server's end (127.0.0.1:server_port <- 127.0.0.1:client_port);
// nullopt when no such connection is listed (Linux /proc/net/tcp).
std::optional<uint64_t> server_unread_bytes(uint16_t server_port, uint16_t client_port);

}  // namespace osn::test
