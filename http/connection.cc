// http/connection.cc — reading requests, calling the handler, writing answers in order.
//
// A "batch" is one on_data callback: every complete request in it is dispatched, and the
// answers that are ready are written together with one write(2) at the end (finish_batch).
// Answers finished later (async handlers) are written as soon as they are first in line.
#include "http/connection.h"

#include "http/server.h"
#include "http/status.h"
#include "kernel-io/clock.h"
#include "kernel-io/socket.h"

namespace osn::http {

namespace {
std::string_view rebase(std::string_view v, const char* old_base, const std::string& copy) {
  if (v.empty()) return {};
  return {copy.data() + (v.data() - old_base), v.size()};
}
}  // namespace

Connection::Connection(Server& server, kio::Fd fd)
    : server_(&server),
      loop_(&server.loop()),
      stream_(server.loop(), std::move(fd)) {}

Connection::~Connection() {
  if (timer_ != 0) loop_->clear_timer(timer_);
  release_body_bytes();
  if (b_) --server_->mutable_stats().buffers_lent;
}

void Connection::start() {
  if (server_->options().tcp_nodelay) (void)kio::set_tcp_nodelay(stream_.fd());
  stream_.on_end([this] { on_peer_end(); });
  stream_.on_error([this](const kio::SysError&) { close_now(); });
  stream_.on_drain([this] { on_drain(); });
  update_reading();
  set_deadline(Deadline::kHeader, server_->options().header_timeout_ms);
}

std::string_view Connection::date_line() { return server_->date_line(); }

// ---- reading ------------------------------------------------------------------------------

void Connection::on_data(std::string_view data) {
  if (stop_reading_) return;  // after our final answer (or a parse error): discard
  buffers();  // busy now: borrow the parser and buffers from the server
  if (b_->in_pos == b_->in.size()) {
    b_->in.clear();
    b_->in_pos = 0;
  }
  b_->in.append(data);
  process_input();
}

void Connection::process_input() {
  in_batch_ = true;
  while (!stop_reading_ && !paused_ && !closed_ && !body_paused()) {
    const size_t start = b_->in_pos;
    const Event event = b_->parser.next(std::string_view(b_->in).substr(b_->in_pos));
    b_->in_pos += event.consumed;
    if (!handle_event(event, start)) break;
  }
  in_batch_ = false;
  finish_batch();
}

// One parser event; false when the batch must end (more bytes needed, or no more requests).
bool Connection::handle_event(const Event& event, size_t event_start) {
  switch (event.kind) {
    case EventKind::kNeedMore: return false;
    case EventKind::kHeadComplete:
      on_head_complete(event_start, event.consumed);
      if (!stop_reading_ && wants_streamed_body()) start_streamed_body();  // connection_body_stream.cc
      return !stop_reading_ && !closed_;
    case EventKind::kBodyData:
      if (b_->streaming) return deliver_body_piece(event.data);
      return take_body_bytes(event.data);
    case EventKind::kMessageComplete:
      if (b_->streaming) {
        finish_streamed_body();
        return !closed_;
      }
      dispatch_request();
      return true;
    case EventKind::kStopped: stop_reading_ = true; return false;  // close / upgrade / CONNECT
    case EventKind::kError: {
      const ParseError& error = b_->parser.error();
      if (b_->streaming) {  // mid-body: the handler hears of it first
        ++server_->mutable_stats().parse_errors[to_int(error.status)];
        fail_streamed_body(to_int(error.status), error.reason);
      } else {
        answer_error(to_int(error.status), error.reason);
      }
      return false;
    }
  }
  return false;
}

void Connection::on_head_complete(size_t head_start, size_t head_bytes) {
  const RequestHead& head = b_->parser.head();
  b_->request = Request{};
  b_->request.method = head.method;
  b_->request.target = head.target;
  b_->request.headers = head.headers;
  b_->request.version_minor = head.version_minor;
  b_->request.keep_alive = head.keep_alive;
  if (head.framing != BodyFraming::kNone) {
    // The body may take several reads, and the input buffer moves when it grows or is compacted: keep a
    // copy of the head for the handler (the rare path; body-less requests are zero-copy).
    const char* base = b_->in.data() + head_start;
    b_->head_copy.assign(b_->in, head_start, head_bytes);
    b_->head_fields.assign(head.headers.begin(), head.headers.end());
    for (Header& h : b_->head_fields) {
      h.name = rebase(h.name, base, b_->head_copy);
      h.value = rebase(h.value, base, b_->head_copy);
    }
    b_->request.method = rebase(head.method, base, b_->head_copy);
    b_->request.target = rebase(head.target, base, b_->head_copy);
    b_->request.headers = b_->head_fields;
  }
  const size_t question = b_->request.target.find('?');
  b_->request.path = b_->request.target.substr(0, question);
  if (question != std::string_view::npos) b_->request.query = b_->request.target.substr(question + 1);
  release_body_bytes();
  b_->body.clear();
  if (head.framing != BodyFraming::kNone)
    body_deadline_ms_ = kio::monotonic_ms() + server_->options().body_timeout_ms;  // not the loop's now: connection_deadlines.cc

  // Expect: 100-continue — tell the client to send its body now (only when nothing is owed
  // before it: an interim answer must not overtake earlier final ones).
  const std::string_view expect = b_->request.header("expect");
  if (expect.empty() || head.version_minor == 0) return;
  if (!equals_ignore_case(expect, "100-continue")) {
    answer_error(417, "unsupported expectation");
  } else if (head.framing != BodyFraming::kNone && b_->in_flight.empty() && b_->in_pos == b_->in.size()) {
    b_->out.append("HTTP/1.1 100 Continue\r\n\r\n");
    flush();
  }
}

void Connection::dispatch_request() {
  b_->request.body = b_->body;
  b_->request.trailers = b_->parser.trailers();
  Response& response = next_response();
  // After an upgrade or CONNECT request the parser stops (we speak no other protocol), so
  // its answer closes the connection too.
  const RequestHead& head = b_->parser.head();
  response.reset(b_->request.method == "HEAD", b_->request.version_minor,
                 b_->request.keep_alive && !head.upgrade && !head.connect && !server_->shutting_down());
  if (b_->in_flight.size() == 1) response.become_first(b_->out);
  ++server_->mutable_stats().requests_total;
  deadline_kind_ = Deadline::kNone;  // the next request's header clock starts afresh
  server_->handler()(b_->request, response);
  if (!closed_ && b_->in_flight.size() >= server_->options().max_pipelined) {
    paused_ = true;  // stop parsing (and reading) until answers leave
    update_reading();
  }
}

// The request was malformed: answer with its status and Connection: close, after the answers
// already owed, then close. Nothing more is read.
void Connection::answer_error(int status, std::string_view reason) {
  buffers();
  ++server_->mutable_stats().parse_errors[status];
  stop_reading_ = true;
  Response& response = next_response();
  response.reset(false, 1, false);
  if (b_->in_flight.size() == 1) response.become_first(b_->out);
  write_error_answer(response, status, reason);
}

void Connection::write_error_answer(Response& response, int status, std::string_view reason) {
  response.set_status(status);
  response.add_header("Content-Type", "text/plain");
  std::string body = std::to_string(status);
  body.append(" ").append(reason_phrase(status)).append(": ").append(reason).append("\n");
  response.end(body);
}

// Body bytes are buffered only within the server-wide budget (max_buffered_body_bytes).
bool Connection::take_body_bytes(std::string_view data) {
  if (!server_->reserve_body_bytes(data.size())) {
    answer_error(503, "the server's budget for buffered bodies (max_buffered_body_bytes) is spent; retry later");
    return false;
  }
  b_->body.append(data);
  body_bytes_counted_ += data.size();
  return true;
}

void Connection::release_body_bytes() {
  server_->release_body_bytes(body_bytes_counted_);
  body_bytes_counted_ = 0;
}

void Connection::on_peer_end() {
  peer_ended_ = true;
  if (b_ && b_->streaming) fail_streamed_body(400, "the client ended its side before the body was complete");
  if (closed_) return;
  stop_reading_ = true;  // answer what was asked, then close
  if (owes_nothing()) begin_linger();
}

// ---- the line of responses ----------------------------------------------------------------

Response& Connection::next_response() {
  std::unique_ptr<Response> response;
  if (!b_->spare.empty()) {
    response = std::move(b_->spare.back());
    b_->spare.pop_back();
  } else {
    response = std::make_unique<Response>(*this);
  }
  b_->in_flight.push_back(std::move(response));
  return *b_->in_flight.back();
}

bool Connection::response_output(Response& response) {
  if (closed_) return false;
  if (b_->in_flight.empty() || b_->in_flight.front().get() != &response) return true;  // waits its turn
  if (!in_batch_ || b_->out.size() >= 64 * 1024) flush();
  if (!in_batch_) choose_deadline();
  return !write_blocked_;
}

void Connection::response_finished(Response& response) {
  if (closed_ || b_->in_flight.empty() || b_->in_flight.front().get() != &response) return;
  advance_line();
  if (in_batch_) return;
  if (b_->streaming) return process_input();  // an early answer unpaused the body: parse on
  finish_batch();
}

// Retires finished answers from the front of the line and lets the next one write directly.
void Connection::advance_line() {
  while (!b_->in_flight.empty() && b_->in_flight.front()->finished()) {
    std::unique_ptr<Response> done = std::move(b_->in_flight.front());
    b_->in_flight.erase(b_->in_flight.begin());
    const bool keep_alive = done->keeps_connection();
    // Answered before its streamed body ended: the rest is read and dropped (never paused).
    if (b_->streaming && done.get() == b_->stream_response) {
      b_->body_stream.discard_rest();
      update_reading();
    }
    b_->spare.push_back(std::move(done));
    if (!keep_alive) {
      stop_reading_ = true;
      drop_remaining();
      break;
    }
    if (!b_->in_flight.empty()) b_->in_flight.front()->become_first(b_->out);
  }
  if (paused_ && b_->in_flight.size() < server_->options().max_pipelined / 2 + 1) {
    paused_ = false;
    update_reading();
    if (!in_batch_ && b_->in_pos < b_->in.size()) process_input();  // requests already received
  }
}

// The connection closes after the current answer: later answers will never be sent.
void Connection::drop_remaining() {
  for (auto& response : b_->in_flight) {
    response->forget_handle();
    b_->spare.push_back(std::move(response));
  }
  b_->in_flight.clear();
}

// ---- writing and closing ------------------------------------------------------------------

void Connection::flush() {
  if (!b_ || b_->out.empty() || closed_) return;
  // The Stream writes straight from the output buffer and copies only what the kernel does not
  // take, so the buffer keeps its capacity for the next batch (no allocation per response).
  const bool below_high_water = stream_.write(b_->out);
  b_->out.clear();
  if (!below_high_water) {
    write_blocked_ = true;
    update_reading();
  }
}

void Connection::on_drain() {
  write_blocked_ = false;
  update_reading();
  if (!owes_nothing()) b_->in_flight.front()->run_drain_callback();
  if (!closed_ && !in_batch_) finish_batch();
}

void Connection::finish_batch() {
  if (closed_) return;
  if (b_ && b_->in_pos > 0) {  // drop consumed bytes; unconsumed ones move to the front
    b_->in.erase(0, b_->in_pos);
    b_->in_pos = 0;
  }
  flush();
  if (closed_) return;
  if (stop_reading_ && owes_nothing()) {
    begin_linger();
  } else {
    give_back_buffers_if_idle();
    choose_deadline();
  }
}

// ---- the busy state, borrowed from the server (connection_buffers.h) ------------------------

ConnectionBuffers& Connection::buffers() {
  if (!b_) {
    b_ = server_->lend_buffers();
    for (auto& response : b_->spare) response->connection_ = this;  // they answer for us now
  }
  return *b_;
}

// Idle again — nothing owed, nothing buffered, the parser between messages: the parser,
// request, buffers and spare responses go back to the server for the next busy connection.
void Connection::give_back_buffers_if_idle() {
  if (!b_ || in_batch_ || paused_ || !b_->in_flight.empty() || !b_->out.empty()) return;
  if (b_->in_pos != b_->in.size() || b_->parser.state() != ParserState::kIdle) return;
  for (auto& response : b_->spare) response->forget_handle();
  release_body_bytes();  // the body goes with the buffers
  server_->take_back_buffers(std::move(b_));
}

// Our last answer is out: send FIN after the queue, then wait (briefly) for the client's FIN
// before closing, so that a request still in flight from the client cannot turn our close
// into a reset that destroys the answer in the client's receive buffer.
void Connection::begin_linger() {
  if (closed_) return;
  if (peer_ended_ && stream_.write_queue_bytes() == 0) {
    close_now();  // both sides are done: no FIN dance needed
    return;
  }
  if (!lingering_) {
    lingering_ = true;
    stream_.shutdown();
  }
  choose_deadline();
}

// Shutdown must not race the client. A keep-alive client may have sent its next request already:
// closing now would destroy it (and closing with its bytes unread sends a reset). So:
//   * answers owed: the last one says Connection: close, then we half-close (begin_linger);
//   * nothing owed: keep reading until the server's grace period ends; a request that arrives
//     is answered with Connection: close (dispatch_request asks shutting_down()); when the
//     grace period ends in silence, on_timeout half-closes, and the linger drains what comes.
void Connection::stop_after_current() {
  if (closed_ || lingering_) return;
  if (!owes_nothing()) {
    stop_reading_ = true;
    b_->in_flight.back()->keep_alive_ = false;  // the last answer says Connection: close
    return;
  }
  if (!in_batch_) choose_deadline();  // kGrace while idle (connection_deadlines.cc)
}

void Connection::close_now() {
  if (closed_) return;
  closed_ = true;
  if (timer_ != 0) {
    loop_->clear_timer(timer_);
    timer_ = 0;
  }
  if (b_)
    for (auto& response : b_->in_flight) response->forget_handle();
  if (b_ && b_->streaming) fail_streamed_body(0, "the connection closed before the body was complete");
  stream_.close();
  server_->bury(*this);
}

void Connection::update_reading() {
  const bool want = !closed_ && !paused_ && !write_blocked_ && !peer_ended_ && !body_paused();
  if (want && !stream_.is_reading()) {
    stream_.read_start([this](std::string_view data) { on_data(data); });
  } else if (!want && stream_.is_reading()) {
    stream_.read_stop();
  }
}

}  // namespace osn::http
