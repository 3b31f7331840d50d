// http/response.h — the answer to one request: a status line, fields, and a body.
//
// Two ways to send a body, as in Node's res.end() / res.write():
//   * all at once — end(body): `Content-Length` framing, the cheapest response there is;
//   * in pieces — write(piece)... end(): `Transfer-Encoding: chunked` for an HTTP/1.1 client,
//     or (HTTP/1.0) a close-delimited body, after which the connection closes.
// The server adds Date (cached), Content-Length or Transfer-Encoding, and Connection. A HEAD
// request gets the same fields and no body bytes.
//
// Responses leave in request order (pipelining): a Response that is not first in its
// connection's line writes into its own buffer, which moves to the socket when its turn comes.
// A handler may return before answering; to answer later it keeps a ResponseHandle, which
// finds nothing once the connection has gone (a client that hung up is not an error).
// Ownership: the Connection owns its Responses and reuses them. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace osn::loop {
class Loop;
}

namespace osn::http {

class BodyStream;
class Connection;
class Server;
class Response;

// Reaches a Response after its handler returned. get() is nullptr once the response finished
// or its connection closed. The Server must outlive its handles.
class ResponseHandle {
 public:
  ResponseHandle() = default;
  Response* get() const;
  Response* operator->() const { return get(); }
  explicit operator bool() const { return get() != nullptr; }

 private:
  friend class Response;
  ResponseHandle(Server* server, uint64_t id) : server_(server), id_(id) {}
  Server* server_ = nullptr;
  uint64_t id_ = 0;
};

class Response {
 public:
  explicit Response(Connection& connection);
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  ~Response();

  // ---- the head (before the first write/end) ----
  void set_status(int code) { status_ = code; }
  int status() const { return status_; }
  // Appends a field line. "Connection: close" also closes the connection after this response.
  // Date, Content-Length and Transfer-Encoding are the server's: do not add them.
  void add_header(std::string_view name, std::string_view value);

  // ---- the body ----
  // Without a previous write(): Content-Length framing, the body, done. After write(): the
  // last piece, then the end of the chunked body. Calling it twice does nothing.
  void end(std::string_view body = {});
  // A piece of a streamed body. false: the output is past the high-water mark; wait for
  // on_drain before writing more (the data is kept either way).
  bool write(std::string_view piece);
  void on_drain(std::function<void()> cb) { on_drain_ = std::move(cb); }

  bool finished() const { return state_ == State::kFinished; }
  bool head_sent() const { return state_ != State::kNew; }
  bool keeps_connection() const { return keep_alive_; }

  // For answering after the handler has returned (e.g. when pool work completes).
  ResponseHandle handle();
  // The loop this response's connection runs on (a coroutine handler's frame needs it).
  loop::Loop& loop() const;
  // The request's body while it streams to a StreamHandler (http/body_stream.h), else null.
  BodyStream* body();

 private:
  friend class Connection;
  enum class State : uint8_t { kNew, kStreaming, kFinished };

  // Called by the Connection.
  void reset(bool head_request, int version_minor, bool keep_alive);
  void become_first(std::string& connection_output);
  void forget_handle();
  void run_drain_callback();

  void write_head(std::string_view framing_fields);
  void append_status_line();

  Connection* connection_;
  std::string own_output_;                   // bytes waiting for their turn (pipelining)
  std::string* sink_ = &own_output_;         // own_output_, or the connection's output
  std::string fields_;                       // "Name: value\r\n" lines added by the handler
  std::function<void()> on_drain_;
  uint64_t handle_id_ = 0;                   // non-zero while a ResponseHandle may find us
  int status_ = 200;
  int version_minor_ = 1;
  State state_ = State::kNew;
  bool head_request_ = false;
  bool keep_alive_ = true;
  bool chunked_ = false;
};

}  // namespace osn::http
