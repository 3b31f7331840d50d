// redis/subscriber.h — pub/sub: one worker PUBLISHes, every subscribed worker hears it.
//
// Contrast with worker.send (cluster/): a message from worker A to worker B goes A -> primary ->
// B over two socketpairs, and the primary must relay it. With Redis pub/sub each worker holds
// its own TCP connection to Redis in "subscribed" mode; PUBLISH on any connection makes Redis
// push ["message", channel, payload] to every subscriber — no primary involved. A subscribed
// connection may only (un)subscribe, so it is a connection of its own, not the Client's.
// Delivery is at most once: a message published while we are reconnecting is not seen (Redis
// keeps no history for pub/sub); after a reconnect we subscribe again.
// Ownership: owns its connection. Thread affinity: the loop's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "loop/destroy_guard.h"
#include "loop/loop.h"
#include "redis/client.h"
#include "redis/connection.h"

namespace osn::redis {

class Subscriber {
 public:
  using MessageCallback = std::function<void(const std::string& channel, const std::string& payload)>;

  // Connects at once; options' endpoint, password and timeouts are used (db is not: channels are
  // global to the server).
  Subscriber(loop::Loop& loop, ClientOptions options, std::vector<std::string> channels, MessageCallback on_message);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // True once Redis confirmed every SUBSCRIBE on the current connection.
  bool subscribed() const { return confirmed_ == channels_.size() && connection_ && connection_->is_connected(); }
  const std::string& last_error() const { return last_error_; }
  void close();

 private:
  void connect();
  void connected();
  void pushed(std::vector<Reply>& replies);
  void lost(const std::string& reason);

  loop::Loop& loop_;
  ClientOptions options_;
  std::vector<std::string> channels_;
  MessageCallback on_message_;
  std::unique_ptr<Connection> connection_;
  size_t confirmed_ = 0;
  bool auth_pending_ = false;
  bool closed_ = false;
  int backoff_ms_ = 0;
  loop::TimerId reconnect_timer_ = 0;
  std::string last_error_;
  loop::DestroyFlag destroy_flag_;
};

}  // namespace osn::redis
