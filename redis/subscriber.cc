// redis/subscriber.cc — SUBSCRIBE, then read pushes; on a loss, back off and subscribe again.
#include "redis/subscriber.h"

#include <algorithm>

#include "redis/command.h"

namespace osn::redis {

Subscriber::Subscriber(loop::Loop& loop, ClientOptions options, std::vector<std::string> channels,
                       MessageCallback on_message)
    : loop_(loop), options_(std::move(options)), channels_(std::move(channels)), on_message_(std::move(on_message)) {
  connect();
}

Subscriber::~Subscriber() {
  if (reconnect_timer_ != 0) loop_.clear_timer(reconnect_timer_);
}

void Subscriber::connect() {
  connection_.reset();
  confirmed_ = 0;
  connection_ = std::make_unique<Connection>(
      loop_, options_.endpoint, options_.connect_timeout_ms, options_.limits,
      Connection::Callbacks{[this] { connected(); }, [this](std::vector<Reply>& r) { pushed(r); },
                            [this](const std::string& reason) { lost(reason); }});
}

void Subscriber::connected() {
  std::string out;
  const Endpoint& e = options_.endpoint;
  auth_pending_ = !e.password.empty();
  if (auth_pending_ && e.user.empty()) encode_command(out, {"AUTH", e.password});
  if (auth_pending_ && !e.user.empty()) encode_command(out, {"AUTH", e.user, e.password});
  std::vector<std::string_view> args{"SUBSCRIBE"};
  args.insert(args.end(), channels_.begin(), channels_.end());
  encode_command(out, args);
  connection_->write(out);
}

// Pushes are arrays: ["subscribe", channel, count] confirms, ["message", channel, payload] is one
// message. Anything else here means the server and we disagree: drop the connection.
void Subscriber::pushed(std::vector<Reply>& replies) {
  for (Reply& r : replies) {
    if (auth_pending_) {
      auth_pending_ = false;
      if (r.is_error()) return lost("AUTH refused: " + r.describe());
      continue;
    }
    const bool is_push = r.type == ReplyType::kArray && r.elements.size() == 3 &&
                         r.elements[0].type == ReplyType::kBulk && r.elements[1].type == ReplyType::kBulk;
    if (!is_push) return lost("unexpected reply on a subscribed connection: " + r.describe());
    const std::string& kind = r.elements[0].str;
    if (kind == "subscribe") {
      ++confirmed_;
      backoff_ms_ = 0;
    } else if (kind == "message" && r.elements[2].type == ReplyType::kBulk) {
      loop::DestroyGuard guard(destroy_flag_);
      on_message_(r.elements[1].str, r.elements[2].str);
      if (guard.destroyed() || closed_) return;
    }
  }
}

void Subscriber::lost(const std::string& reason) {
  if (closed_) return;
  last_error_ = "redis " + options_.endpoint.address() + " (subscriber): " + reason;
  confirmed_ = 0;
  if (connection_) connection_->abandon();
  backoff_ms_ = backoff_ms_ == 0 ? options_.reconnect_min_ms : std::min(backoff_ms_ * 2, options_.reconnect_max_ms);
  if (reconnect_timer_ != 0) loop_.clear_timer(reconnect_timer_);
  reconnect_timer_ = loop_.set_timeout(static_cast<uint64_t>(backoff_ms_), [this] {
    reconnect_timer_ = 0;
    connect();
  });
}

void Subscriber::close() {
  closed_ = true;
  if (connection_) connection_->abandon();
  if (reconnect_timer_ != 0) loop_.clear_timer(reconnect_timer_);
  reconnect_timer_ = 0;
}

}  // namespace osn::redis
