// redis/client.cc — the pipeline: encode, batch, write once, match replies in order, fail clearly.
#include "redis/client.h"

#include <algorithm>

#include "redis/command.h"

namespace osn::redis {

const char* client_state_name(ClientState state) {
  switch (state) {
    case ClientState::kConnecting: return "connecting";
    case ClientState::kReady: return "ready";
    case ClientState::kWaitingToReconnect: return "waiting to reconnect";
    case ClientState::kClosed: return "closed";
  }
  return "?";
}

Client::Client(loop::Loop& loop, ClientOptions options) : loop_(loop), options_(std::move(options)) {
  connect();
}

Client::~Client() {
  if (flush_id_ != 0) loop_.clear_immediate(flush_id_);
  if (command_timer_ != 0) loop_.clear_timer(command_timer_);
  if (reconnect_timer_ != 0) loop_.clear_timer(reconnect_timer_);
}

void Client::set_state(ClientState state, const std::string& why) {
  state_ = state;
  if (on_state_) on_state_(state, why);
}

// ---- connecting ------------------------------------------------------------------------------

void Client::connect() {
  connection_.reset();  // the one before was abandoned; we are in a timer, not in its callback
  const uint64_t epoch = ++epoch_;
  connection_ = std::make_unique<Connection>(
      loop_, options_.endpoint, options_.connect_timeout_ms, options_.limits,
      Connection::Callbacks{
          [this] { connected(); },
          [this](std::vector<Reply>& replies) { answered(replies); },
          [this, epoch](const std::string& reason) {
            if (epoch == epoch_) lost(FailureKind::kLost, reason);
          }});
  state_ = ClientState::kConnecting;
}

// The handshake (AUTH, SELECT) goes in front of every command that waited for the connection:
// pipelined with them, in one write. A refused handshake drops the connection.
void Client::connected() {
  ++connections_made_;
  std::string handshake;
  std::vector<std::string> what;
  const Endpoint& e = options_.endpoint;
  if (!e.password.empty()) {
    if (e.user.empty()) {
      encode_command(handshake, {"AUTH", e.password});
    } else {
      encode_command(handshake, {"AUTH", e.user, e.password});
    }
    what.push_back("AUTH");
  }
  if (e.db != 0) {
    const std::string db = std::to_string(e.db);
    encode_command(handshake, {"SELECT", db});
    what.push_back("SELECT " + db);
  }
  for (auto it = what.rbegin(); it != what.rend(); ++it) {
    pending_.push_front(Pending{[this, name = *it](Outcome&& o) {
                                  if (o.ok() && o.reply().is_error()) {
                                    lost(FailureKind::kLost, name + " refused: " + o.reply().describe());
                                  }
                                },
                                loop_.now(), true});
  }
  out_.insert(0, handshake);
  loop::DestroyGuard guard(destroy_flag_);
  set_state(ClientState::kReady, "connected to " + e.address());
  if (guard.destroyed() || state_ != ClientState::kReady) return;
  flush();
}

// ---- sending ---------------------------------------------------------------------------------

void Client::command(std::span<const std::string_view> args, ReplyCallback done) {
  if (state_ == ClientState::kClosed || state_ == ClientState::kWaitingToReconnect) {
    std::string why = state_ == ClientState::kClosed
                          ? "the client is closed"
                          : "not connected (" + last_error_ + "); reconnecting in " + std::to_string(backoff_ms_) + " ms";
    refused_.emplace_back(std::move(done), Failure{FailureKind::kNotSent, prefix() + why});
    schedule_flush();
    return;
  }
  encode_command(out_, args);
  pending_.push_back(Pending{std::move(done), loop_.now(), false});
  if (command_timer_ == 0) arm_command_timer();
  if (state_ == ClientState::kReady) schedule_flush();
}

// One write per loop turn: after the replies of a read were answered (answered() flushes at its
// end), else in this iteration's check phase.
void Client::schedule_flush() {
  if (answering_ || flush_id_ != 0) return;
  flush_id_ = loop_.set_immediate([this] {
    flush_id_ = 0;
    flush();
  });
}

void Client::flush() {
  if (state_ == ClientState::kReady && !out_.empty()) {
    connection_->write(out_);  // the stream writes now, or copies what the kernel cannot take
    out_.clear();
    written_ = pending_.size();
  }
  if (refused_.empty()) return;
  std::vector<std::pair<ReplyCallback, Failure>> refused;
  refused.swap(refused_);
  loop::DestroyGuard guard(destroy_flag_);
  for (auto& [done, failure] : refused) {
    done(Outcome(std::move(failure)));
    if (guard.destroyed()) return;
  }
}

// ---- receiving -------------------------------------------------------------------------------

void Client::answered(std::vector<Reply>& replies) {
  const uint64_t epoch = epoch_;
  loop::DestroyGuard guard(destroy_flag_);
  answering_ = true;
  for (Reply& reply : replies) {
    if (pending_.empty() || written_ == 0) {
      answering_ = false;
      return lost(FailureKind::kLost, "a reply came with no command waiting for it: " + reply.describe());
    }
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    --written_;
    if (!p.handshake) backoff_ms_ = 0;  // a working connection: the next loss starts small again
    p.done(Outcome(std::move(reply)));
    if (guard.destroyed()) return;
    if (epoch != epoch_ || state_ != ClientState::kReady) {  // the callback closed us, or it was lost
      answering_ = false;
      return;
    }
  }
  answering_ = false;
  flush();
}

// ---- failing ---------------------------------------------------------------------------------

void Client::lost(FailureKind kind, const std::string& reason) {
  if (state_ == ClientState::kClosed) return;
  last_error_ = reason;
  ++epoch_;
  if (connection_) connection_->abandon();
  backoff_ms_ = backoff_ms_ == 0 ? options_.reconnect_min_ms : std::min(backoff_ms_ * 2, options_.reconnect_max_ms);
  if (reconnect_timer_ != 0) loop_.clear_timer(reconnect_timer_);
  reconnect_timer_ = loop_.set_timeout(static_cast<uint64_t>(backoff_ms_), [this] {
    reconnect_timer_ = 0;
    connect();
  });
  loop::DestroyGuard guard(destroy_flag_);
  set_state(ClientState::kWaitingToReconnect, reason);
  if (guard.destroyed()) return;
  fail_all(kind, reason + "; reconnecting in " + std::to_string(backoff_ms_) + " ms");
}

void Client::close() {
  if (state_ == ClientState::kClosed) return;
  ++epoch_;
  if (connection_) connection_->abandon();
  if (reconnect_timer_ != 0) loop_.clear_timer(reconnect_timer_);
  reconnect_timer_ = 0;
  loop::DestroyGuard guard(destroy_flag_);
  set_state(ClientState::kClosed, "closed by its owner");
  if (guard.destroyed()) return;
  fail_all(FailureKind::kClosed, "the client was closed");
  if (!guard.destroyed()) flush();  // the refused ones too, now
}

// Every command waiting fails: those written with `written_kind` (they may have run), the rest
// as kNotSent (the server never saw them). Nothing is re-sent.
void Client::fail_all(FailureKind written_kind, const std::string& reason) {
  std::deque<Pending> pending;
  pending.swap(pending_);
  const size_t written = written_;
  written_ = 0;
  out_.clear();
  if (command_timer_ != 0) loop_.clear_timer(command_timer_);
  command_timer_ = 0;
  size_t sent = 0, unsent = 0;
  for (size_t i = 0; i < pending.size(); ++i) (i < written ? sent : unsent) += pending[i].handshake ? 0 : 1;
  const std::string counts = " (" + std::to_string(sent) + " in flight: sent, may or may not have run; " +
                             std::to_string(unsent) + " never sent; none is re-sent)";
  loop::DestroyGuard guard(destroy_flag_);
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].handshake) continue;
    const bool closing = written_kind == FailureKind::kClosed;
    const FailureKind kind = i < written || closing ? written_kind : FailureKind::kNotSent;
    pending[i].done(Outcome(Failure{kind, prefix() + reason + counts}));
    if (guard.destroyed()) return;
  }
}

// ---- the command timeout: one timer for the oldest command, not one per command ----------------

void Client::arm_command_timer() {
  if (pending_.empty() || options_.command_timeout_ms <= 0) return;
  const uint64_t deadline = pending_.front().queued_ms + static_cast<uint64_t>(options_.command_timeout_ms);
  const uint64_t now = loop_.now();
  command_timer_ = loop_.set_timeout(deadline > now ? deadline - now : 1, [this] { command_timer_fired(); });
}

void Client::command_timer_fired() {
  command_timer_ = 0;
  if (pending_.empty()) return;
  if (pending_.front().queued_ms + static_cast<uint64_t>(options_.command_timeout_ms) > loop_.now()) {
    return arm_command_timer();  // the oldest one now is younger: wait for it
  }
  lost(FailureKind::kTimeout, "no reply in " + std::to_string(options_.command_timeout_ms) +
                                  " ms (command timeout): the server is stuck or too slow, so the connection is dropped");
}

}  // namespace osn::redis
