// http/body_stream.h — a request body handed to its handler as it arrives, with backpressure.
//
// By default the server collects a body whole before it calls the handler: simple, but a
// 50 MB upload then costs 50 MB of memory (within max_buffered_body_bytes, server-wide). A
// handler that can work on pieces — hash an upload, count it, write it to a file — opts in
// (Server::stream_bodies, Router::stream): it is called at the end of the head, and the body
// reaches it through a BodyStream, piece by piece, each piece a view into the connection's
// input buffer (valid during the callback only; no copy, nothing kept). Content-Length and
// chunked bodies alike; the trailers of a chunked body are there at on_end.
//
// Backpressure is flow control carried through: pause() stops the deliveries, and the
// connection stops reading its socket (read_stop), so the kernel's receive buffer fills, TCP's
// window closes, and the client's send() blocks — memory stays bounded by one read however
// slowly the handler consumes. resume() reads on. A streamed body buffers nothing, so it is not
// counted in max_buffered_body_bytes (503); while it flows (not paused) the body deadlines
// still hold (idle_timeout_ms between reads, body_timeout_ms in total -> on_error 408).
//
// A body that does not complete reaches the handler as on_error(status, reason): 400 (a
// malformed chunk, or the client ended its side), 413 (past max_body_bytes), 408 (too slow),
// 0 (the connection is gone: no answer can be sent). The connection closes after that request.
// If the handler has not answered by the time on_error returns, the server answers with that
// status. After on_end or on_error nothing more is delivered.
//
// Reaching it later (after the handler returned, e.g. to resume() when pool work is done):
// keep response.handle(), then `if (Response* r = h.get()) if (BodyStream* b = r->body()) ...`
// — both find nothing once the connection has gone, so no dangling reference is possible.
// Ownership: the Connection owns it (one body at a time per connection). Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "http/message.h"

namespace osn::http {

class Connection;

class BodyStream {
 public:
  using DataCallback = std::function<void(std::string_view piece)>;
  using EndCallback = std::function<void()>;
  using ErrorCallback = std::function<void(int status, std::string_view reason)>;

  BodyStream() = default;
  BodyStream(const BodyStream&) = delete;
  BodyStream& operator=(const BodyStream&) = delete;

  void on_data(DataCallback cb) { on_data_ = std::move(cb); }
  void on_end(EndCallback cb) { on_end_ = std::move(cb); }
  void on_error(ErrorCallback cb) { on_error_ = std::move(cb); }

  // No on_data until resume(); the connection stops reading its socket meanwhile. A stream no
  // connection feeds (a stream() route given a body already collected, Router::route) cannot
  // pause: there is nothing to hold back. paused() says whether it took.
  void pause();
  void resume();
  bool paused() const { return paused_; }
  bool active() const { return active_; }  // between the head and on_end / on_error

  uint64_t bytes_received() const { return bytes_; }
  // A chunked body's trailer fields: valid in on_end (views into the connection's buffer).
  std::span<const Header> trailers() const { return trailers_; }

 private:
  friend class Connection;
  friend class Router;  // feeds a collected body to a stream() route
  void start(Connection* connection);  // a new body begins (callbacks cleared)
  void deliver(std::string_view piece);
  void finish(std::span<const Header> trailers);
  void fail(int status, std::string_view reason);
  void clear();
  void discard_rest() {  // the request was answered early: no more pieces, no more pausing
    on_data_ = nullptr;
    paused_ = false;
  }
  // A stream no connection feeds (Router::route: a stream() route given a collected body).
  void start_detached() { start(nullptr); }
  void end_now() { finish({}); }

  Connection* connection_ = nullptr;  // null for a stream with no connection (end_now)
  DataCallback on_data_;
  EndCallback on_end_;
  ErrorCallback on_error_;
  std::span<const Header> trailers_;
  uint64_t bytes_ = 0;
  bool active_ = false;
  bool paused_ = false;
};

}  // namespace osn::http
