// redis/connection.cc — connect with a deadline, then parse what arrives.
#include "redis/connection.h"

#include "kernel-io/socket.h"

namespace osn::redis {

Connection::Connection(loop::Loop& loop, const Endpoint& endpoint, int connect_timeout_ms, ReplyLimits limits,
                       Callbacks callbacks)
    : loop_(loop), address_(endpoint.address()), callbacks_(std::move(callbacks)), parser_(limits) {
  start(endpoint, connect_timeout_ms);
}

Connection::~Connection() {
  if (connect_timer_ != 0) loop_.clear_timer(connect_timer_);
  if (early_failure_ != 0) loop_.clear_immediate(early_failure_);
}

void Connection::start(const Endpoint& endpoint, int connect_timeout_ms) {
  kio::Result<kio::SocketAddress> addr = kio::SocketAddress::ip(endpoint.host, endpoint.port);
  kio::Result<kio::Fd> fd = addr ? kio::tcp_connect(*addr) : kio::Result<kio::Fd>(addr.error());
  if (!fd) {
    std::string reason = fd.error().message();
    if (!addr) reason = "host \"" + endpoint.host + "\" is not a numeric address (" + reason + ")";
    early_failure_ = loop_.set_immediate([this, reason] {
      early_failure_ = 0;
      lose("cannot connect: " + reason);
    });
    return;
  }
  connecting_fd_ = std::move(*fd);
  // Writable = the handshake ended, one way or the other.
  connect_watcher_ = std::make_unique<loop::IoWatcher>(loop_, connecting_fd_.get(),
                                                       [this](uint32_t) { connect_finished(); });
  if (kio::Status s = connect_watcher_->start(loop::kWritable); !s) {
    early_failure_ = loop_.set_immediate([this, reason = s.error().message()] {
      early_failure_ = 0;
      lose("cannot connect: " + reason);
    });
    return;
  }
  connect_timer_ = loop_.set_timeout(static_cast<uint64_t>(connect_timeout_ms), [this, connect_timeout_ms] {
    connect_timer_ = 0;
    lose("connect timeout: no answer to the TCP handshake in " + std::to_string(connect_timeout_ms) + " ms");
  });
}

void Connection::connect_finished() {
  connect_watcher_->stop();
  if (connect_timer_ != 0) loop_.clear_timer(connect_timer_);
  connect_timer_ = 0;
  kio::Result<int> err = kio::socket_error(connecting_fd_.get());
  if (!err || *err != 0) {
    const kio::SysError e = err ? kio::SysError{"connect", *err} : err.error();
    return lose("cannot connect: " + e.message());
  }
  (void)kio::set_tcp_nodelay(connecting_fd_.get());  // small commands go out at once (no Nagle)
  stream_ = std::make_unique<loop::Stream>(loop_, std::move(connecting_fd_));
  stream_->on_end([this] { lose("the server closed the connection (EOF)"); });
  stream_->on_error([this](const kio::SysError& e) { lose(e.message()); });
  stream_->read_start([this](std::string_view bytes) { read(bytes); });
  callbacks_.on_connected();
}

void Connection::write(std::string_view bytes) {
  if (is_connected()) stream_->write(bytes);
}

void Connection::read(std::string_view bytes) {
  if (lost_) return;
  const bool ok = parser_.feed(bytes, *this);
  if (!batch_.empty()) {
    loop::DestroyGuard guard(destroy_flag_);
    callbacks_.on_replies(batch_);
    if (guard.destroyed()) return;
    batch_.clear();
  }
  if (!ok) lose(parser_.error());
}

void Connection::lose(std::string reason) {
  if (lost_) return;
  stop_everything();
  callbacks_.on_lost(reason);
}

void Connection::abandon() {
  if (!lost_) stop_everything();
}

void Connection::stop_everything() {
  lost_ = true;
  if (connect_timer_ != 0) loop_.clear_timer(connect_timer_);
  connect_timer_ = 0;
  if (early_failure_ != 0) loop_.clear_immediate(early_failure_);
  early_failure_ = 0;
  if (connect_watcher_) connect_watcher_->stop();
  stream_.reset();  // closes the socket (also from inside the stream's own callback: it allows it)
  connecting_fd_ = kio::Fd();
}

}  // namespace osn::redis
