// redis/connection.h — one TCP connection to a Redis server: connect, write bytes, read replies.
//
// A host name is first resolved on the pool (redis/host_lookup.h; an address literal is not).
// A non-blocking connect(2) returns at once (EINPROGRESS); the socket becomes *writable* when the
// handshake ends, and SO_ERROR then says how it ended (kernel-io/socket.h). A name with several
// addresses is tried address by address, in getaddrinfo's order, until one connects. One timer
// bounds it all, lookup included: an address that drops SYNs would otherwise keep us waiting for
// the kernel's ~2 minutes.
// Once connected, every read goes through the ReplyParser, and all the replies one read
// completed are handed over together, after parsing: the owner's callbacks never run inside
// the parser (they may destroy this Connection). The connection ends once: on EOF, a socket
// error, a protocol error or the connect timeout, on_lost says which, and nothing more is
// reported. It does not reconnect: its owner (redis/client.h) decides that.
// Ownership: owns the socket, the stream and the parser; the owner owns the Connection.
// Thread affinity: the loop's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel-io/fd.h"
#include "loop/destroy_guard.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "loop/stream.h"
#include "redis/host_lookup.h"
#include "redis/reply_parser.h"
#include "redis/url.h"

namespace osn::redis {

class Connection final : private ReplySink {
 public:
  struct Callbacks {
    std::function<void()> on_connected;
    std::function<void(std::vector<Reply>& replies)> on_replies;  // in order; may be moved from
    std::function<void(const std::string& reason)> on_lost;
  };

  // Starts connecting at once; on_connected or on_lost comes later, never inside the constructor.
  Connection(loop::Loop& loop, const Endpoint& endpoint, int connect_timeout_ms, ReplyLimits limits,
             Callbacks callbacks);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool is_connected() const { return stream_ != nullptr && !lost_; }
  // Connected only. Sent now or queued by the stream; failures come back through on_lost.
  void write(std::string_view bytes);
  // Ends the connection without a word: no callback runs after this (the owner gave up on it).
  void abandon();

 private:
  void start(const Endpoint& endpoint, int connect_timeout_ms);
  void resolved(std::vector<kio::SocketAddress> addresses, std::string error);
  void connect_next();
  void connect_finished();
  void fail_later(std::string reason);
  void note_failed_attempt(const std::string& why);
  std::string no_address_connected() const;
  void read(std::string_view bytes);
  void lose(std::string reason);
  void stop_everything();
  void on_reply(Reply&& reply) override { batch_.push_back(std::move(reply)); }

  loop::Loop& loop_;
  std::string host_;     // as written: "127.0.0.1", "localhost", "redis.internal"
  std::string address_;  // "127.0.0.1:6379", for messages
  Callbacks callbacks_;
  ReplyParser parser_;
  std::vector<Reply> batch_;            // the replies of one read, reused
  std::unique_ptr<HostLookup> lookup_;  // while a host name is being resolved
  std::vector<kio::SocketAddress> addresses_;  // still to try, next first
  bool named_ = false;                  // a host name (resolved), not an address literal
  std::string current_;                 // the address being tried, "127.0.0.1:6379"
  std::string tried_;                   // the failed attempts so far, for the message
  kio::Fd connecting_fd_;               // until the handshake ends
  std::unique_ptr<loop::IoWatcher> connect_watcher_;
  std::unique_ptr<loop::Stream> stream_;
  loop::TimerId connect_timer_ = 0;
  loop::ImmediateId early_failure_ = 0;  // a connect(2) that failed at once, reported later
  bool lost_ = false;
  loop::DestroyFlag destroy_flag_;
};

}  // namespace osn::redis
