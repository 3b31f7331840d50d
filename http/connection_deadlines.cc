// http/connection_deadlines.cc — one lazy deadline per connection (header, idle, body stall,
// body total, send, shutdown grace, linger); see the table in docs/http.md, "Timeouts without a
// timer per request".
//
// A deadline that passed is not yet a verdict. After a stall (a handler that blocked the loop
// for 5 s, a SIGSTOP) every idle deadline has passed at once, while the requests clients sent
// during the stall wait in the sockets: those connections were not idle. on_timeout() asks the
// kernel first (FIONREAD) and spares a connection with bytes waiting; closing it would destroy
// the request, and closing a socket with unread bytes sends a reset.
//
// A deadline is measured from the clock, not from the loop's now. The loop reads the clock once
// per poll phase (as libuv's uv_now); a callback that blocks makes that now stale for every
// callback after it in the same batch. A connection answered after the stall would get an idle
// deadline already in the past, and the next timers phase would close it while its client is
// still reading the answer — its next request then meets EOF or a reset (the CI failure of
// stall_sigstop: SIGSTOP taken in the middle of a batch). So set_deadline() reads the clock
// (clock_gettime through the vDSO, tens of nanoseconds, once per request); comparing with the
// loop's now later can only find a deadline not yet due, and the timer re-arms.
//
// set_deadline() only stores the new deadline when a timer due no later is already armed;
// when that timer fires early, on_timer() re-arms it for the rest. So the timer heap is
// touched about once per timeout period per connection, not once per request.
#include "http/connection.h"
#include "http/server.h"
#include "kernel-io/clock.h"
#include "kernel-io/io.h"
#include "kernel-io/socket.h"

namespace osn::http {

// One deadline at a time. Moving it later costs a clock read and a store: the loop timer, when it fires early,
// re-arms itself for the rest (so a busy keep-alive connection touches the timer heap about
// once per timeout period, not once per request).
void Connection::set_deadline(Deadline kind, uint64_t ms) {
  deadline_kind_ = kind;
  if (kind == Deadline::kNone) return;
  deadline_ms_ = kio::monotonic_ms() + ms;  // not loop_->now(): it may be stale (see the top)
  if (timer_ != 0 && timer_due_ms_ <= deadline_ms_) return;
  if (timer_ != 0) loop_->clear_timer(timer_);
  timer_ = loop_->set_timeout(ms, [this] {
    timer_ = 0;
    on_timer();
  });
  loop_->unref_timer(timer_);
  timer_due_ms_ = deadline_ms_;
}

uint64_t Connection::time_left(uint64_t until_ms) const {
  const uint64_t now = loop_->now();
  return until_ms > now ? until_ms - now : 0;
}

void Connection::choose_deadline() {
  if (closed_) return;
  const ServerOptions& o = server_->options();
  const bool queued = stream_.write_queue_bytes() > 0;
  if (lingering_) return set_deadline(Deadline::kLinger, queued ? o.send_timeout_ms : o.linger_ms);
  if (queued) return set_deadline(Deadline::kSend, o.send_timeout_ms);
  // The handler is working: no deadline — unless its body streams (not paused): then the
  // client's pace is timed as for a buffered body (http/body_stream.h).
  const bool streaming = b_ && b_->streaming;
  if (streaming && b_->body_stream.paused()) return set_deadline(Deadline::kNone, 0);
  if (!owes_nothing() && !streaming) return set_deadline(Deadline::kNone, 0);
  switch (b_ ? b_->parser.state() : ParserState::kIdle) {  // no buffers: idle, nothing received
    case ParserState::kIdle:
      if (!b_ || b_->in_pos == b_->in.size()) {
        if (!server_->shutting_down()) return set_deadline(Deadline::kIdle, o.idle_timeout_ms);
        return set_deadline(Deadline::kGrace, time_left(server_->shutdown_grace_ends_ms()));
      }
      [[fallthrough]];
    case ParserState::kHead:
      // Timed from the head's first byte (or from accept): trickling bytes does not extend it.
      if (deadline_kind_ != Deadline::kHeader) set_deadline(Deadline::kHeader, o.header_timeout_ms);
      return;
    case ParserState::kFixedBody:
    case ParserState::kChunkedBody:
    case ParserState::kTrailers: {
      // Two clocks: a stall between reads (progress re-arms it) and the whole body's total, so
      // that a byte every few seconds cannot keep a connection forever.
      const uint64_t total_left = time_left(body_deadline_ms_);
      if (total_left <= o.idle_timeout_ms) return set_deadline(Deadline::kBodyTotal, total_left);
      return set_deadline(Deadline::kBody, o.idle_timeout_ms);
    }
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

bool Connection::bytes_are_waiting() const {
  auto n = kio::bytes_waiting(stream_.fd());
  return n && *n > 0;
}

void Connection::on_timeout() {
  ServerStats& stats = server_->mutable_stats();
  const ServerOptions& o = server_->options();
  switch (deadline_kind_) {
    case Deadline::kIdle:
    case Deadline::kGrace:
    case Deadline::kBody:
      if (bytes_are_waiting()) {  // not idle: the poll phase of this iteration reads them
        ++stats.idle_deadlines_spared;
        if (deadline_kind_ == Deadline::kBody) return set_deadline(Deadline::kBody, o.idle_timeout_ms);
        return set_deadline(Deadline::kHeader, o.header_timeout_ms);  // a request has begun
      }
      if (deadline_kind_ == Deadline::kGrace) {  // shutdown, and no request came: half-close
        stop_reading_ = true;
        return begin_linger();
      }
      ++stats.idle_timeouts;
      return close_now();
    case Deadline::kBodyTotal:
      ++stats.body_timeouts;
      if (b_ && b_->streaming) return fail_streamed_body(408, "the body took longer than body_timeout_ms to arrive");
      return answer_error(408, "the body took longer than body_timeout_ms to arrive");
    case Deadline::kHeader:
      ++stats.header_timeouts;
      return close_now();
    case Deadline::kLinger:
      discard_waiting_bytes();  // closing with unread bytes would send a reset
      return close_now();
    default:
      ++stats.idle_timeouts;  // kSend: the client stopped reading
      return close_now();
  }
}

// Reads (and drops) what the client sent after our FIN, so close(2) sends FIN, not RST.
void Connection::discard_waiting_bytes() {
  for (int i = 0; i < 16; ++i) {
    auto n = kio::read_some(stream_.fd(), loop_->read_buffer());
    if (!n || *n == 0) return;
  }
}

}  // namespace osn::http
