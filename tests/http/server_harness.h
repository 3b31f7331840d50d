// tests/http/server_harness.h — an osn::http::Server running on its own loop thread, for tests.
//
// The test thread plays the client with blocking sockets (tests/support/http_client.h); the
// server's loop runs on a std::thread made here. Everything that touches the server or its
// loop runs on that thread: handlers do by construction, and the test reaches in with
// run_on_loop() (an Async wake-up plus a bounded wait). The destructor stops the loop and
// joins, so no thread outlives a test.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "http/server.h"
#include "loop/loop.h"

namespace osn::test {

class ServerThread {
 public:
  ServerThread(http::ServerOptions options, http::Server::Handler handler);
  ~ServerThread();
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  // The server's loop: for handlers only (they run on its thread).
  loop::Loop& loop() const { return *loop_; }

  // Runs fn on the loop thread and waits for it (up to 5 s). false if it did not run.
  bool run_on_loop(std::function<void()> fn);
  // Runs fn(server) on the loop thread and waits for it.
  bool with_server(const std::function<void(http::Server&)>& fn) {
    return run_on_loop([&] { fn(*server_); });
  }
  http::ServerStats stats();
  // Polls stats every 10 ms until pred holds, at most timeout_ms. The final answer of pred.
  bool wait_for(const std::function<bool(const http::ServerStats&)>& pred, int timeout_ms = 3'000);
  bool wait_for_no_connections(int timeout_ms = 3'000) {
    return wait_for([](const http::ServerStats& s) { return s.connections_current == 0; }, timeout_ms);
  }

 private:
  void run(http::ServerOptions options, http::Server::Handler handler);

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool started_ = false;
  bool stop_ = false;
  uint16_t port_ = 0;
  loop::Loop* loop_ = nullptr;
  http::Server* server_ = nullptr;
  void* async_ = nullptr;  // loop::Async*, valid while the thread runs
  std::thread thread_;
};

}  // namespace osn::test
