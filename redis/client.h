// redis/client.h — a Redis client on the event loop: many commands in flight on one connection.
//
// Pipelining: command() encodes the command into an output buffer and returns; the buffer goes
// out in one write(2) per loop turn (after the replies of one read were answered, or in the
// check phase), so 16 commands cost one system call, not 16. Redis answers the commands of a
// connection in the order they came, so the client matches replies to callbacks with a FIFO:
// the first reply belongs to the oldest command waiting (docs/redis.md §3).
// Errors are values (redis/outcome.h): a -ERR reply is a reply; no reply at all is a Failure
// whose kind says whether the command may have run. When the connection is lost every command
// in flight fails at once — none is re-sent, because only the caller knows if running it twice
// is safe — and the client reconnects with a doubling backoff. While it waits to reconnect,
// command() fails at once with kNotSent (nothing piles up, nothing hangs). A command with no
// reply within command_timeout_ms means the server is stuck: the connection is dropped (every
// command in flight fails with kTimeout) and a new one is made. AUTH and SELECT from the URL go
// first on every new connection, pipelined with the commands that were waiting for it.
// Callbacks always run on the loop thread, never inside command() itself. The co_await form,
// `co_await redis::command(client, "GET", key)`, is redis/await_command.h: an awaitable whose
// callback resumes the coroutine — the callback form is the whole interface it needs
// (docs/redis.md §5).
// Ownership: owns its connection and every pending callback; destroying the client drops the
// callbacks without calling them (call close() first to have them fail with kClosed).
// Thread affinity: the loop's thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loop/destroy_guard.h"
#include "loop/loop.h"
#include "redis/connection.h"
#include "redis/outcome.h"
#include "redis/reply_parser.h"
#include "redis/url.h"

namespace osn::redis {

struct ClientOptions {
  Endpoint endpoint;
  int connect_timeout_ms = 2'000;
  int command_timeout_ms = 5'000;
  int reconnect_min_ms = 50;      // the first wait after a loss; doubles up to the max
  int reconnect_max_ms = 2'000;
  ReplyLimits limits;
};

enum class ClientState : uint8_t { kConnecting, kReady, kWaitingToReconnect, kClosed };
const char* client_state_name(ClientState state);

class Client {
 public:
  using ReplyCallback = std::function<void(Outcome&& outcome)>;

  Client(loop::Loop& loop, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends one command: {"SET", key, value}. Arguments are bytes (binary-safe) and are copied
  // before the call returns. `done` runs later with the reply or the failure.
  void command(std::span<const std::string_view> args, ReplyCallback done);
  void command(std::initializer_list<std::string_view> args, ReplyCallback done) {
    command(std::span<const std::string_view>(args.begin(), args.size()), std::move(done));
  }

  // Fails every waiting command with kClosed (now, in this call) and stops reconnecting.
  void close();

  // Runs on every state change (connected, lost, ...); `why` says what happened.
  void on_state(std::function<void(ClientState state, const std::string& why)> cb) { on_state_ = std::move(cb); }

  ClientState state() const { return state_; }
  const std::string& last_error() const { return last_error_; }  // why the last connection ended
  size_t in_flight() const { return pending_.size(); }
  uint64_t connections_made() const { return connections_made_; }
  const ClientOptions& options() const { return options_; }
  loop::Loop& loop() const { return loop_; }  // so a loop::Task may take the Client as its loop

 private:
  struct Pending {
    ReplyCallback done;
    uint64_t queued_ms;  // loop time when command() was called: the timeout counts from here
    bool handshake;      // AUTH/SELECT sent by the client itself
  };

  void connect();
  void connected();
  void answered(std::vector<Reply>& replies);
  void lost(FailureKind kind, const std::string& reason);
  void fail_all(FailureKind written_kind, const std::string& reason);
  void schedule_flush();
  void flush();
  void arm_command_timer();
  void command_timer_fired();
  void set_state(ClientState state, const std::string& why);
  std::string prefix() const { return "redis " + options_.endpoint.address() + ": "; }

  loop::Loop& loop_;
  ClientOptions options_;
  ClientState state_ = ClientState::kConnecting;
  std::unique_ptr<Connection> connection_;
  std::deque<Pending> pending_;   // oldest first: the next reply is pending_.front()'s
  size_t written_ = 0;            // how many of pending_ (from the front) were handed to a socket
  std::string out_;               // encoded commands not yet written
  std::vector<std::pair<ReplyCallback, Failure>> refused_;  // failures reported in the next flush
  loop::ImmediateId flush_id_ = 0;
  bool answering_ = false;        // inside answered(): it flushes at the end
  loop::TimerId command_timer_ = 0;
  loop::TimerId reconnect_timer_ = 0;
  int backoff_ms_ = 0;
  uint64_t connections_made_ = 0;
  uint64_t epoch_ = 0;            // one per connection: a callback from an older one is ignored
  std::string last_error_;
  std::function<void(ClientState, const std::string&)> on_state_;
  loop::DestroyFlag destroy_flag_;
};

}  // namespace osn::redis
