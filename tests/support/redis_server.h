// tests/support/redis_server.h — a real redis-server, started by the test on a free port.
//
// House rule: a server we did not write is started by the test itself (never assumed to be
// running) and the test is skipped, with the reason printed, only where it is not installed.
// RedisServer spawns `redis-server --port P --bind 127.0.0.1 --save '' --appendonly no` with
// kio::spawn_process, waits (bounded) until it answers PING, and kills and reaps it in its
// destructor — no test leaves a redis-server behind. stop()/start() restart it on the same
// port; pause()/resume() SIGSTOP and SIGCONT it (a server that accepts bytes and answers none).
// Ownership: owns the child process. Thread affinity: the test's thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace osn::test {

// The redis-server program found in PATH, or empty: then skip, naming this reason.
std::string redis_server_program();
inline constexpr const char* kNoRedisReason =
    "redis-server is not installed (Debian: apt-get install redis-server); this test needs a real one";

class RedisServer {
 public:
  // Picks a free port and starts the server; check ok() (else error() says why).
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void stop();   // SIGKILL and reap: every connection is reset
  bool start();  // again, on the same port; waits until it answers PING
  void pause();  // SIGSTOP: the kernel still accepts and buffers, nobody answers
  void resume();

  // One command the blocking way (its own connection, a 5 s bound): the raw reply bytes, or
  // "" on failure. For checks from outside the client under test.
  std::string raw_command(const std::string& resp_bytes) const;

 private:
  bool wait_until_ready();

  std::vector<std::string> extra_args_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
  std::string error_;
};

}  // namespace osn::test
