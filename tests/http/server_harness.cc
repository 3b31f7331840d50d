// tests/http/server_harness.cc — the loop thread and the task hand-off.
#include "tests/http/server_harness.h"

#include <chrono>
#include <future>
#include <memory>

#include "loop/async.h"

namespace osn::test {

ServerThread::ServerThread(http::ServerOptions options, http::Server::Handler handler) {
  thread_ = std::thread([this, options = std::move(options), handler = std::move(handler)]() mutable {
    run(std::move(options), std::move(handler));
  });
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, std::chrono::seconds(5), [&] { return started_; });
}

ServerThread::~ServerThread() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (async_) static_cast<loop::Async*>(async_)->send();
  }
  thread_.join();
}

void ServerThread::run(http::ServerOptions options, http::Server::Handler handler) {
  loop::Loop loop;
  http::Server server(loop, std::move(options), std::move(handler));
  loop::Async async(loop, [&] {
    std::deque<std::function<void()>> tasks;
    bool stop;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(tasks_);
      stop = stop_;
    }
    for (auto& task : tasks) task();
    if (stop) loop.stop();
  });
  const bool listening = server.listen().ok();
  {
    std::lock_guard lock(mutex_);
    loop_ = &loop;
    server_ = &server;
    async_ = &async;
    port_ = listening ? server.port() : 0;
    started_ = true;
  }
  cv_.notify_all();
  if (listening) loop.run();  // the Async keeps it alive until stop_
  std::lock_guard lock(mutex_);
  async_ = nullptr;
  server_ = nullptr;
}

bool ServerThread::run_on_loop(std::function<void()> fn) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  {
    std::lock_guard lock(mutex_);
    if (!async_) return false;
    tasks_.push_back([fn = std::move(fn), done] {
      fn();
      done->set_value();
    });
    static_cast<loop::Async*>(async_)->send();
  }
  return finished.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
}

http::ServerStats ServerThread::stats() {
  http::ServerStats copy;
  run_on_loop([&] { copy = server_->stats(); });
  return copy;
}

bool ServerThread::wait_for(const std::function<bool(const http::ServerStats&)>& pred, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (pred(stats())) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace osn::test
