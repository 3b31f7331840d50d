// http/connection.cc — reading requests, calling the handler, writing answers in order.
//
// A "batch" is one on_data callback: every complete request in it is dispatched, and the
// answers that are ready are written together with one write(2) at the end (finish_batch).
// Answers finished later (async handlers) are written as soon as they are first in line.
#include "http/connection.h"

#include "http/server.h"
#include "http/status.h"
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
      stream_(server.loop(), std::move(fd)),
      fields_(server.options().limits.max_header_count),
      parser_(fields_, server.options().limits) {}

Connection::~Connection() {
  if (timer_ != 0) loop_->clear_timer(timer_);
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
  if (in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  }
  in_.append(data);
  process_input();
}

void Connection::process_input() {
  in_batch_ = true;
  while (!stop_reading_ && !paused_ && !closed_) {
    const size_t start = in_pos_;
    const Event event = parser_.next(std::string_view(in_).substr(in_pos_));
    in_pos_ += event.consumed;
    if (!handle_event(event, start)) break;
  }
  in_batch_ = false;
  finish_batch();
}

// One parser event; false when the batch must end (more bytes needed, or no more requests).
bool Connection::handle_event(const Event& event, size_t event_start) {
  switch (event.kind) {
    case EventKind::kNeedMore: return false;
    case EventKind::kHeadComplete: on_head_complete(event_start, event.consumed); return !stop_reading_;
    case EventKind::kBodyData: body_.append(event.data); return true;
    case EventKind::kMessageComplete: dispatch_request(); return true;
    case EventKind::kStopped: stop_reading_ = true; return false;  // close / upgrade / CONNECT
    case EventKind::kError: {
      const ParseError& error = parser_.error();
      answer_error(to_int(error.status), error.reason);
      return false;
    }
  }
  return false;
}

void Connection::on_head_complete(size_t head_start, size_t head_bytes) {
  const RequestHead& head = parser_.head();
  request_ = Request{};
  request_.method = head.method;
  request_.target = head.target;
  request_.headers = head.headers;
  request_.version_minor = head.version_minor;
  request_.keep_alive = head.keep_alive;
  if (head.framing != BodyFraming::kNone) {
    // The body may take several reads, and in_ moves when it grows or is compacted: keep a
    // copy of the head for the handler (the rare path; body-less requests are zero-copy).
    const char* base = in_.data() + head_start;
    head_copy_.assign(in_, head_start, head_bytes);
    head_fields_.assign(head.headers.begin(), head.headers.end());
    for (Header& h : head_fields_) {
      h.name = rebase(h.name, base, head_copy_);
      h.value = rebase(h.value, base, head_copy_);
    }
    request_.method = rebase(head.method, base, head_copy_);
    request_.target = rebase(head.target, base, head_copy_);
    request_.headers = head_fields_;
  }
  const size_t question = request_.target.find('?');
  request_.path = request_.target.substr(0, question);
  if (question != std::string_view::npos) request_.query = request_.target.substr(question + 1);
  body_.clear();
  if (head.framing != BodyFraming::kNone)
    body_deadline_ms_ = loop_->now() + server_->options().body_timeout_ms;

  // Expect: 100-continue — tell the client to send its body now (only when nothing is owed
  // before it: an interim answer must not overtake earlier final ones).
  const std::string_view expect = request_.header("expect");
  if (expect.empty() || head.version_minor == 0) return;
  if (!equals_ignore_case(expect, "100-continue")) {
    answer_error(417, "unsupported expectation");
  } else if (head.framing != BodyFraming::kNone && in_flight_.empty() && in_pos_ == in_.size()) {
    out_.append("HTTP/1.1 100 Continue\r\n\r\n");
    flush();
  }
}

void Connection::dispatch_request() {
  request_.body = body_;
  request_.trailers = parser_.trailers();
  Response& response = next_response();
  // After an upgrade or CONNECT request the parser stops (we speak no other protocol), so
  // its answer closes the connection too.
  const RequestHead& head = parser_.head();
  response.reset(request_.method == "HEAD", request_.version_minor,
                 request_.keep_alive && !head.upgrade && !head.connect && !server_->shutting_down());
  if (in_flight_.size() == 1) response.become_first(out_);
  ++server_->mutable_stats().requests_total;
  deadline_kind_ = Deadline::kNone;  // the next request's header clock starts afresh
  server_->handler()(request_, response);
  if (!closed_ && in_flight_.size() >= server_->options().max_pipelined) {
    paused_ = true;  // stop parsing (and reading) until answers leave
    update_reading();
  }
}

// The request was malformed: answer with its status and Connection: close, after the answers
// already owed, then close. Nothing more is read.
void Connection::answer_error(int status, std::string_view reason) {
  ++server_->mutable_stats().parse_errors[status];
  stop_reading_ = true;
  Response& response = next_response();
  response.reset(false, 1, false);
  if (in_flight_.size() == 1) response.become_first(out_);
  response.set_status(status);
  response.add_header("Content-Type", "text/plain");
  std::string body = std::to_string(status);
  body.append(" ").append(reason_phrase(status)).append(": ").append(reason).append("\n");
  response.end(body);
}

void Connection::on_peer_end() {
  peer_ended_ = true;
  stop_reading_ = true;  // answer what was asked, then close
  if (in_flight_.empty()) begin_linger();
}

// ---- the line of responses ----------------------------------------------------------------

Response& Connection::next_response() {
  std::unique_ptr<Response> response;
  if (!spare_.empty()) {
    response = std::move(spare_.back());
    spare_.pop_back();
  } else {
    response = std::make_unique<Response>(*this);
  }
  in_flight_.push_back(std::move(response));
  return *in_flight_.back();
}

bool Connection::response_output(Response& response) {
  if (closed_) return false;
  if (in_flight_.empty() || in_flight_.front().get() != &response) return true;  // waits its turn
  if (!in_batch_ || out_.size() >= 64 * 1024) flush();
  if (!in_batch_) choose_deadline();
  return !write_blocked_;
}

void Connection::response_finished(Response& response) {
  if (closed_ || in_flight_.empty() || in_flight_.front().get() != &response) return;
  advance_line();
  if (!in_batch_) finish_batch();
}

// Retires finished answers from the front of the line and lets the next one write directly.
void Connection::advance_line() {
  while (!in_flight_.empty() && in_flight_.front()->finished()) {
    std::unique_ptr<Response> done = std::move(in_flight_.front());
    in_flight_.erase(in_flight_.begin());
    const bool keep_alive = done->keeps_connection();
    spare_.push_back(std::move(done));
    if (!keep_alive) {
      stop_reading_ = true;
      drop_remaining();
      break;
    }
    if (!in_flight_.empty()) in_flight_.front()->become_first(out_);
  }
  if (paused_ && in_flight_.size() < server_->options().max_pipelined / 2 + 1) {
    paused_ = false;
    update_reading();
    if (!in_batch_ && in_pos_ < in_.size()) process_input();  // requests already received
  }
}

// The connection closes after the current answer: later answers will never be sent.
void Connection::drop_remaining() {
  for (auto& response : in_flight_) {
    response->forget_handle();
    spare_.push_back(std::move(response));
  }
  in_flight_.clear();
}

// ---- writing and closing ------------------------------------------------------------------

void Connection::flush() {
  if (out_.empty() || closed_) return;
  // The Stream writes straight from out_ and copies only what the kernel does not take, so
  // out_ keeps its capacity for the next batch (no allocation per response).
  const bool below_high_water = stream_.write(out_);
  out_.clear();
  if (!below_high_water) {
    write_blocked_ = true;
    update_reading();
  }
}

void Connection::on_drain() {
  write_blocked_ = false;
  update_reading();
  if (!in_flight_.empty()) in_flight_.front()->run_drain_callback();
  if (!closed_ && !in_batch_) finish_batch();
}

void Connection::finish_batch() {
  if (closed_) return;
  if (in_pos_ > 0) {  // drop consumed bytes; unconsumed ones move to the front
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  flush();
  if (closed_) return;
  if (stop_reading_ && in_flight_.empty()) {
    begin_linger();
  } else {
    choose_deadline();
  }
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
  if (!in_flight_.empty()) {
    stop_reading_ = true;
    in_flight_.back()->keep_alive_ = false;  // the last answer says Connection: close
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
  for (auto& response : in_flight_) response->forget_handle();
  stream_.close();
  server_->bury(*this);
}

void Connection::update_reading() {
  const bool want = !closed_ && !paused_ && !write_blocked_ && !peer_ended_;
  if (want && !stream_.is_reading()) {
    stream_.read_start([this](std::string_view data) { on_data(data); });
  } else if (!want && stream_.is_reading()) {
    stream_.read_stop();
  }
}

}  // namespace osn::http
