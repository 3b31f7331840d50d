// tests/support/redis_server.cc — spawn, wait for PING, kill and reap.
#include "tests/support/redis_server.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "kernel-io/fd.h"
#include "kernel-io/io.h"
#include "kernel-io/process.h"
#include "kernel-io/socket.h"
#include "tests/support/net.h"

namespace osn::test {

std::string redis_server_program() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

RedisServer::RedisServer(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  port_ = free_tcp_port();
  if (port_ == 0) {
    error_ = "no free TCP port";
    return;
  }
  start();
}

RedisServer::~RedisServer() { stop(); }

bool RedisServer::start() {
  if (pid_ > 0) return true;
  const std::string program = redis_server_program();
  if (program.empty()) {
    error_ = kNoRedisReason;
    return false;
  }
  kio::SpawnOptions options;
  options.program = program;
  options.args = {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                  "--logfile", "/dev/null", "--daemonize", "no"};
  options.args.insert(options.args.end(), extra_args_.begin(), extra_args_.end());
  kio::Result<pid_t> pid = kio::spawn_process(options);
  if (!pid) {
    error_ = "spawn redis-server: " + pid.error().message();
    return false;
  }
  pid_ = *pid;
  paused_ = false;
  if (!wait_until_ready()) {
    error_ = "redis-server on port " + std::to_string(port_) + " did not answer PING within 10 s";
    stop();
    return false;
  }
  return true;
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  (void)kio::send_signal(pid_, SIGKILL);
  (void)kio::wait_child(pid_, true);
  pid_ = -1;
  paused_ = false;
}

void RedisServer::pause() {
  if (pid_ > 0 && !paused_) paused_ = kio::send_signal(pid_, SIGSTOP).ok();
}

void RedisServer::resume() {
  if (pid_ > 0 && paused_) paused_ = !kio::send_signal(pid_, SIGCONT).ok();
}

bool RedisServer::wait_until_ready() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string pong = raw_command("*1\r\n$4\r\nPING\r\n");
    if (pong == "+PONG\r\n" || pong.starts_with("-NOAUTH")) return true;  // NOAUTH: up, wants a password
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string RedisServer::raw_command(const std::string& resp_bytes) const {
  kio::Result<kio::SocketAddress> addr = kio::SocketAddress::ip("127.0.0.1", port_);
  if (!addr) return {};
  kio::Result<kio::Fd> fd = kio::connect_blocking(*addr, 1'000);
  if (!fd) return {};
  std::string_view rest = resp_bytes;
  while (!rest.empty()) {
    kio::Result<size_t> n = kio::write_some(fd->get(), std::span<const char>(rest.data(), rest.size()));
    if (n) {
      rest.remove_prefix(*n);
      continue;
    }
    if (!n.error().would_block()) return {};
    pollfd p{fd->get(), POLLOUT, 0};
    if (::poll(&p, 1, 5'000) <= 0) return {};
  }
  // One reply line is enough for the checks that use this (PING, GET of a short value, DBSIZE).
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd->get(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    kio::Result<size_t> n = kio::read_some(fd->get(), std::span<char>(buf, sizeof buf));
    if (!n || *n == 0) break;
    got.append(buf, *n);
    if (got.ends_with("\r\n") && (got[0] != '$' || got.find("\r\n") + 2 < got.size())) break;
  }
  return got;
}

}  // namespace osn::test
