// http/connection.h — one client connection: the server's per-socket state machine.
//
//   reading head --head--> reading body --complete--> handler --> (next request | writing)
//        ^                                                              |
//        +---------------------- keep-alive ----------------------------+
//
// Bytes received are appended to one input buffer that the RequestParser scans; the handler
// is called when a request (with its body) is complete. Pipelined requests found in the same
// read are dispatched one after another; their Responses wait in line (in_flight_) and leave
// in request order, even when a later one finishes first. Output of one read batch is written
// with one system call. One deadline at a time guards the connection (header, idle, body
// stall, body total, send, shutdown grace, linger); it is a lazy timer: moving the deadline is a clock read and a store, and the loop timer
// re-arms itself when it fires early. A parse error is answered with its status and
// `Connection: close`, then the connection closes — after the answers it already owes.
// Ownership: the Server owns Connections; a Connection owns its Stream and Responses.
// Thread affinity: loop thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/connection_buffers.h"
#include "http/parser.h"
#include "http/request.h"
#include "http/response.h"
#include "kernel-io/fd.h"
#include "loop/loop.h"
#include "loop/stream.h"

namespace osn::http {

class Server;

class Connection {
 public:
  Connection(Server& server, kio::Fd fd);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // Server shutdown, losing nothing: the answers owed say Connection: close; an idle
  // connection stays open for the grace period, in case a request is already on its way (it is
  // answered, with Connection: close), then half-closes and drains until the client's FIN.
  void stop_after_current();
  bool closed() const { return closed_; }
  size_t slot = 0;  // index in the Server's table (for O(1) removal)

  // ---- for Response ----
  Server& server() const { return *server_; }
  std::string_view date_line();
  bool response_output(Response& response);  // bytes were appended; false = slow down
  void response_finished(Response& response);

  // ---- for BodyStream and Response (a body streamed to its handler, http/body_stream.h) ----
  void body_paused_changed();
  BodyStream* body_of(const Response& response);

 private:
  enum class Deadline : uint8_t { kNone, kHeader, kIdle, kBody, kBodyTotal, kSend, kGrace, kLinger };

  // reading
  void on_data(std::string_view data);
  void process_input();
  bool handle_event(const Event& event, size_t event_start);
  void on_head_complete(size_t head_start, size_t head_bytes);
  void dispatch_request();
  void answer_error(int status, std::string_view reason);
  void on_peer_end();
  bool take_body_bytes(std::string_view data);
  void release_body_bytes();
  void write_error_answer(Response& response, int status, std::string_view reason);

  // a body streamed to its handler (connection_body_stream.cc)
  bool wants_streamed_body() const;
  void start_streamed_body();
  bool deliver_body_piece(std::string_view piece);
  void finish_streamed_body();
  void fail_streamed_body(int status, std::string_view reason);
  bool body_paused() const { return b_ && b_->streaming && b_->body_stream.paused(); }

  // the line of responses
  Response& next_response();
  void advance_line();
  void drop_remaining();
  void update_reading();

  // writing and closing
  void flush();
  void on_drain();
  void finish_batch();
  void begin_linger();
  void close_now();

  // timeouts
  void set_deadline(Deadline kind, uint64_t ms);
  void choose_deadline();
  void on_timer();
  void on_timeout();
  bool bytes_are_waiting() const;
  void discard_waiting_bytes();
  uint64_t time_left(uint64_t until_ms) const;

  // busy state: borrowed from the Server while busy (connection_buffers.h)
  ConnectionBuffers& buffers();      // borrows them first if needed
  bool owes_nothing() const { return !b_ || b_->in_flight.empty(); }
  void give_back_buffers_if_idle();

  Server* server_;
  loop::Loop* loop_;
  loop::Stream stream_;
  std::unique_ptr<ConnectionBuffers> b_;  // null while idle

  Deadline deadline_kind_ = Deadline::kNone;
  uint64_t deadline_ms_ = 0;
  loop::TimerId timer_ = 0;
  uint64_t timer_due_ms_ = 0;
  uint64_t body_deadline_ms_ = 0;
  size_t body_bytes_counted_ = 0;  // our share of the server's body budget  // the whole body must have arrived by then (body_timeout_ms)

  bool in_batch_ = false;        // inside process_input: output and closing wait for its end
  bool stop_reading_ = false;    // no more requests: close/error/upgrade/peer FIN/shutdown
  bool write_blocked_ = false;   // the stream's queue is past its high-water mark
  bool paused_ = false;          // too many answers owed: stop parsing until some leave
  bool lingering_ = false;       // our FIN is sent: discard input until the client's FIN
  bool peer_ended_ = false;
  bool closed_ = false;
};

}  // namespace osn::http
