// http/connection_body_stream.cc — a request body streamed to its handler (http/body_stream.h).
//
// At the end of a head that announces a body, the Server is asked whether this request's
// handler takes its body as a stream (Server::stream_bodies). If so, the handler is called
// at once, with the head and its Response, and each kBodyData event of the parser goes to the
// BodyStream instead of into ConnectionBuffers::body: nothing is collected, so the server-wide
// body budget does not count it. kMessageComplete ends the stream (on_end), a parse error, the
// client's FIN, a body timeout or a closed connection fail it (on_error). pause() stops both
// parsing (process_input) and reading (update_reading): the socket's receive buffer fills and
// TCP's flow control stops the client — backpressure from the handler to the sender.
#include "http/connection.h"
#include "http/server.h"

namespace osn::http {

bool Connection::wants_streamed_body() const {
  const RequestHead& head = b_->parser.head();
  if (head.framing == BodyFraming::kNone || head.upgrade || head.connect) return false;
  return server_->wants_streamed_body(b_->request);
}

void Connection::start_streamed_body() {
  Response& response = next_response();
  response.reset(b_->request.method == "HEAD", b_->request.version_minor,
                 b_->request.keep_alive && !server_->shutting_down());
  if (b_->in_flight.size() == 1) response.become_first(b_->out);
  ServerStats& stats = server_->mutable_stats();
  ++stats.requests_total;
  ++stats.bodies_streamed;
  b_->streaming = true;
  b_->stream_response = &response;
  b_->body_stream.start(this);
  b_->request.body = {};
  b_->request.trailers = {};
  server_->stream_handler()(b_->request, response, b_->body_stream);
}

// false when the batch must stop here: the handler paused (or closed the connection).
bool Connection::deliver_body_piece(std::string_view piece) {
  b_->body_stream.deliver(piece);
  return !closed_ && !stop_reading_ && !body_paused();
}

void Connection::finish_streamed_body() {
  b_->streaming = false;
  b_->stream_response = nullptr;
  deadline_kind_ = Deadline::kNone;  // the next request's header clock starts afresh
  b_->body_stream.finish(b_->parser.trailers());
}

// The body will not complete. The connection ends after this request: its answer says
// Connection: close. The handler hears why first; if it has not answered when on_error
// returns, the server answers with the status (0: the connection is gone, nothing to send).
void Connection::fail_streamed_body(int status, std::string_view reason) {
  Response* response = b_->stream_response;
  b_->streaming = false;
  b_->stream_response = nullptr;
  stop_reading_ = true;
  if (response != nullptr && !response->finished()) response->keep_alive_ = false;
  b_->body_stream.fail(status, reason);
  if (status == 0 || closed_) return;
  if (response != nullptr && !response->finished() && !response->head_sent())
    write_error_answer(*response, status, reason);
  if (!in_batch_ && !closed_) finish_batch();
}

// pause() or resume() from the handler — inside a batch (an on_data callback) or later.
void Connection::body_paused_changed() {
  if (closed_ || !b_) return;
  update_reading();
  if (in_batch_) return;  // process_input's loop sees it
  // Resumed: parse on, even with no byte left — after the last piece the parser still owes
  // kMessageComplete (on_end), and no more bytes may ever come to ask for it.
  if (!body_paused()) return process_input();
  choose_deadline();
}

BodyStream* Connection::body_of(const Response& response) {
  if (!b_ || !b_->streaming || b_->stream_response != &response) return nullptr;
  return &b_->body_stream;
}

}  // namespace osn::http
