// http/server.h — an HTTP/1.1 server on the event loop: accept, parse, handle, answer.
//
// One Server serves one listening socket on one loop thread, like a Node.js http.Server. Each
// accepted socket becomes a Connection (http/connection.h) that reads requests with the
// RequestParser, calls the handler once per request with the body collected, and writes the
// answers in request order. The server holds the things connections share: the handler, the
// options, the cached Date line, the counters, and the table of ResponseHandles.
// Limits that protect it: parser limits (431/414/413/501/505/400), a header timeout and an
// idle keep-alive timeout (slow or silent clients are closed), max_connections (further
// connections are accepted and closed at once). docs/http.md, "The server".
// Ownership: the creator owns the Server; the Server owns its Listener and Connections.
// Thread affinity: loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/body_stream.h"
#include "http/date_cache.h"
#include "http/message.h"
#include "http/request.h"
#include "http/response.h"
#include "kernel-io/fd.h"
#include "kernel-io/result.h"
#include "loop/listener.h"
#include "loop/loop.h"

namespace osn::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                   // 0: the kernel picks a free port (see Server::port())
  int backlog = 511;
  bool reuse_port = false;             // SO_REUSEPORT (cluster "reuseport" mode)
  ParserLimits limits;
  uint64_t header_timeout_ms = 10'000;  // from a request's first byte (or accept) to its end of head
  uint64_t idle_timeout_ms = 5'000;     // keep-alive: silence between requests; also body stalls
  uint64_t body_timeout_ms = 60'000;    // from the end of the head to the body's last byte (408)
  uint64_t send_timeout_ms = 30'000;    // output queued and the client not reading
  uint64_t linger_ms = 1'000;           // after our last response: wait for the client's FIN
  uint64_t shutdown_grace_ms = 1'000;   // shutdown: an idle connection may still send a request
  size_t max_connections = 10'000;
  // Server-wide: bodies buffered by every connection together (limits.max_body_bytes is per
  // request; 10,000 connections x 64 MiB would be 640 GB). A body that would go past it is
  // answered 503 with Connection: close, saying so — the client may retry later.
  uint64_t max_buffered_body_bytes = 256ull << 20;
  size_t max_pipelined = 64;            // requests answered ahead of the socket before reading pauses
  bool tcp_nodelay = true;              // small responses leave at once (no Nagle delay)
};

struct ServerStats {
  uint64_t connections_current = 0;
  uint64_t connections_total = 0;     // accepted and served
  uint64_t connections_refused = 0;   // closed at once: max_connections reached
  uint64_t requests_total = 0;        // handed to the handler
  uint64_t header_timeouts = 0;
  uint64_t idle_timeouts = 0;         // silent keep-alive connections, stalled bodies and sends
  uint64_t body_timeouts = 0;         // bodies slower than body_timeout_ms in total (408)
  uint64_t idle_deadlines_spared = 0; // the deadline passed, but bytes were waiting: not idle
  uint64_t buffers_lent = 0;          // now: connections holding a parser and buffers (busy)
  uint64_t body_bytes_buffered = 0;   // now, by every connection (max_buffered_body_bytes)
  uint64_t body_budget_refusals = 0;  // bodies answered 503: the budget was spent
  uint64_t bodies_streamed = 0;       // handed to a streaming handler piece by piece
  std::map<int, uint64_t> parse_errors;  // status (400, 413, ...) -> count

  uint64_t parse_errors_total() const;
};

class Connection;
struct ConnectionBuffers;

class Server {
 public:
  using Handler = std::function<void(const Request&, Response&)>;
  // Takes a request's body as it arrives (http/body_stream.h): called at the end of the head.
  using StreamHandler = std::function<void(const Request& head, Response&, BodyStream& body)>;

  Server(loop::Loop& loop, ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds options.host:options.port and starts accepting.
  kio::Status listen();
  // Starts accepting on a socket someone else made (an inherited or shared listening socket).
  kio::Status listen_on(kio::Fd listening_socket);
  // Serves a connection accepted elsewhere (e.g. received from the cluster primary).
  void serve(kio::Fd connection);
  // Streams the body of every request `wanted` picks (asked at the end of its head) to
  // `handler`, piece by piece with backpressure, instead of collecting it for the ordinary
  // handler (http/body_stream.h). Requests without a body always go to the ordinary handler.
  void stream_bodies(std::function<bool(const Request& head)> wanted, StreamHandler handler);

  uint16_t port() const;  // the bound port, 0 before listen()
  // Graceful stop, losing nothing: no more accepting; every answer owed and every request that
  // arrives within shutdown_grace_ms is answered with Connection: close; then idle connections
  // half-close and drain (docs/http.md, "Shutting down without losing a request"). The loop
  // ends once they are gone (if nothing else keeps it alive).
  void shutdown();

  const ServerStats& stats() const { return stats_; }
  const ServerOptions& options() const { return options_; }
  loop::Loop& loop() const { return *loop_; }
  bool shutting_down() const { return shutting_down_; }
  uint64_t shutdown_grace_ends_ms() const { return grace_ends_ms_; }

 private:
  friend class Connection;
  friend class Response;
  friend class ResponseHandle;

  void on_accept(kio::Fd fd);
  // The busy state a connection borrows while it has work (http/connection_buffers.h).
  std::unique_ptr<ConnectionBuffers> lend_buffers();
  void take_back_buffers(std::unique_ptr<ConnectionBuffers> buffers);
  // The server-wide body budget: false (and nothing reserved) when `bytes` would pass it.
  bool reserve_body_bytes(size_t bytes);
  void release_body_bytes(size_t bytes) { stats_.body_bytes_buffered -= bytes; }
  void bury(Connection& connection);  // closed: destroyed in the next check phase
  void reap_closed();

  // The ResponseHandle table: id -> live Response.
  uint64_t remember_response(Response* response);
  void forget_response(uint64_t id) { responses_.erase(id); }
  Response* find_response(uint64_t id) const;

  std::string_view date_line() { return date_.header_line(loop_->now()); }
  const Handler& handler() const { return handler_; }
  bool wants_streamed_body(const Request& head) const { return stream_handler_ && stream_wanted_ && stream_wanted_(head); }
  const StreamHandler& stream_handler() const { return stream_handler_; }
  ServerStats& mutable_stats() { return stats_; }

  loop::Loop* loop_;
  ServerOptions options_;
  Handler handler_;
  std::function<bool(const Request&)> stream_wanted_;
  StreamHandler stream_handler_;
  DateCache date_;
  ServerStats stats_;
  std::unique_ptr<loop::Listener> listener_;
  std::vector<std::unique_ptr<Connection>> connections_;  // live, in no particular order
  std::vector<std::unique_ptr<Connection>> closed_;       // waiting to be destroyed
  std::vector<Header> fields_;  // the header-field table every connection's parser fills
  std::vector<std::unique_ptr<ConnectionBuffers>> spare_buffers_;  // given back, for reuse
  loop::ImmediateId reaper_ = 0;
  std::unordered_map<uint64_t, Response*> responses_;
  uint64_t next_response_id_ = 1;
  bool shutting_down_ = false;
  uint64_t grace_ends_ms_ = 0;
};

}  // namespace osn::http
