// http/connection_deadlines.cc — one lazy deadline per connection (header, idle, body, send,
// linger); see the table in docs/http.md, "Timeouts without a timer per request".
//
// set_deadline() only stores the new deadline when a timer due no later is already armed;
// when that timer fires early, on_timer() re-arms it for the rest. So the timer heap is
// touched about once per timeout period per connection, not once per request.
#include "http/connection.h"
#include "http/server.h"

namespace osn::http {

// One deadline at a time. Moving it later costs a store: the loop timer, when it fires early,
// re-arms itself for the rest (so a busy keep-alive connection touches the timer heap about
// once per timeout period, not once per request).
void Connection::set_deadline(Deadline kind, uint64_t ms) {
  deadline_kind_ = kind;
  if (kind == Deadline::kNone) return;
  deadline_ms_ = loop_->now() + ms;
  if (timer_ != 0 && timer_due_ms_ <= deadline_ms_) return;
  if (timer_ != 0) loop_->clear_timer(timer_);
  timer_ = loop_->set_timeout(ms, [this] {
    timer_ = 0;
    on_timer();
  });
  loop_->unref_timer(timer_);
  timer_due_ms_ = deadline_ms_;
}

void Connection::choose_deadline() {
  if (closed_) return;
  const ServerOptions& o = server_->options();
  const bool queued = stream_.write_queue_bytes() > 0;
  if (lingering_) return set_deadline(Deadline::kLinger, queued ? o.send_timeout_ms : o.linger_ms);
  if (queued) return set_deadline(Deadline::kSend, o.send_timeout_ms);
  if (!in_flight_.empty()) return set_deadline(Deadline::kNone, 0);  // the handler is working
  switch (parser_.state()) {
    case ParserState::kIdle:
      if (in_pos_ == in_.size()) return set_deadline(Deadline::kIdle, o.idle_timeout_ms);
      [[fallthrough]];
    case ParserState::kHead:
      // Timed from the head's first byte (or from accept): trickling bytes does not extend it.
      if (deadline_kind_ != Deadline::kHeader) set_deadline(Deadline::kHeader, o.header_timeout_ms);
      return;
    case ParserState::kFixedBody:
    case ParserState::kChunkedBody:
    case ParserState::kTrailers:
      return set_deadline(Deadline::kBody, o.idle_timeout_ms);  // progress re-arms it
    default:
      return set_deadline(Deadline::kNone, 0);
  }
}

void Connection::on_timer() {
  if (closed_ || deadline_kind_ == Deadline::kNone) return;
  const uint64_t now = loop_->now();
  if (now < deadline_ms_) {  // the deadline moved on since the timer was set
    const Deadline kind = deadline_kind_;
    const uint64_t due = deadline_ms_;
    set_deadline(kind, due - now);
    return;
  }
  if (deadline_kind_ == Deadline::kSend && stream_.write_queue_bytes() == 0) {
    deadline_kind_ = Deadline::kNone;
    return choose_deadline();
  }
  on_timeout();
}

void Connection::on_timeout() {
  ServerStats& stats = server_->mutable_stats();
  if (deadline_kind_ == Deadline::kHeader) {
    ++stats.header_timeouts;
  } else if (deadline_kind_ != Deadline::kLinger) {
    ++stats.idle_timeouts;
  }
  close_now();
}

}  // namespace osn::http
