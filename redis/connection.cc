// redis/connection.cc — connect with a deadline, then parse what arrives.
#include "redis/connection.h"

#include "kernel-io/socket.h"

namespace osn::redis {

Connection::Connection(loop::Loop& loop, const Endpoint& endpoint, int connect_timeout_ms, ReplyLimits limits,
                       Callbacks callbacks)
    : loop_(loop), host_(endpoint.host), address_(endpoint.address()), callbacks_(std::move(callbacks)), parser_(limits) {
  start(endpoint, connect_timeout_ms);
}

Connection::~Connection() {
  if (connect_timer_ != 0) loop_.clear_timer(connect_timer_);
  if (early_failure_ != 0) loop_.clear_immediate(early_failure_);
}

void Connection::start(const Endpoint& endpoint, int connect_timeout_ms) {
  connect_timer_ = loop_.set_timeout(static_cast<uint64_t>(connect_timeout_ms), [this, connect_timeout_ms] {
    connect_timer_ = 0;
    lose("connect timeout: no connection in " + std::to_string(connect_timeout_ms) + " ms" +
         (lookup_ ? " (still resolving the host name)" : " (no answer to the TCP handshake)"));
  });
  if (kio::Result<kio::SocketAddress> literal = kio::SocketAddress::ip(endpoint.host, endpoint.port)) {
    addresses_.push_back(*literal);  // an address as written: no lookup, no pool
    return connect_next();
  }
  named_ = true;
  lookup_ = std::make_unique<HostLookup>(
      loop_, endpoint.host, endpoint.port,
      [this](std::vector<kio::SocketAddress> addresses, std::string error) { resolved(std::move(addresses), std::move(error)); });
}

void Connection::resolved(std::vector<kio::SocketAddress> addresses, std::string error) {
  lookup_.reset();  // we are in its callback: it allows that (it touches nothing of itself after)
  if (!error.empty()) return lose(error);
  addresses_ = std::move(addresses);
  connect_next();
}

// The next address: connect(2) without waiting; its end comes as writability.
void Connection::connect_next() {
  while (!addresses_.empty()) {
    const kio::SocketAddress addr = addresses_.front();
    addresses_.erase(addresses_.begin());
    current_ = addr.to_string();
    kio::Result<kio::Fd> fd = kio::tcp_connect(addr);
    if (!fd) {
      note_failed_attempt(fd.error().message());
      continue;
    }
    connecting_fd_ = std::move(*fd);
    // Writable = the handshake ended, one way or the other.
    connect_watcher_ = std::make_unique<loop::IoWatcher>(loop_, connecting_fd_.get(),
                                                         [this](uint32_t) { connect_finished(); });
    if (kio::Status s = connect_watcher_->start(loop::kWritable); !s) return fail_later("cannot connect: " + s.error().message());
    return;
  }
  fail_later(no_address_connected());
}

// "connect: ECONNREFUSED (...)"; for a name, each address tried with its own reason.
void Connection::note_failed_attempt(const std::string& why) {
  if (!tried_.empty()) tried_ += "; ";
  tried_ += named_ ? current_ + ": " + why : why;
}

std::string Connection::no_address_connected() const {
  return named_ ? "cannot connect to any address of host \"" + host_ + "\": " + tried_ : "cannot connect: " + tried_;
}

// A failure found inside the constructor is reported a turn later: never inside it.
void Connection::fail_later(std::string reason) {
  if (early_failure_ != 0) return;
  early_failure_ = loop_.set_immediate([this, reason = std::move(reason)] {
    early_failure_ = 0;
    lose(reason);
  });
}

void Connection::connect_finished() {
  connect_watcher_->stop();
  kio::Result<int> err = kio::socket_error(connecting_fd_.get());
  if (!err || *err != 0) {
    const kio::SysError e = err ? kio::SysError{"connect", *err} : err.error();
    note_failed_attempt(e.message());
    connecting_fd_ = kio::Fd();
    if (!addresses_.empty()) return connect_next();  // the next address of this name
    return lose(no_address_connected());
  }
  if (connect_timer_ != 0) loop_.clear_timer(connect_timer_);
  connect_timer_ = 0;
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
  lookup_.reset();  // a name still being resolved: its answer goes nowhere
  stream_.reset();  // closes the socket (also from inside the stream's own callback: it allows it)
  connecting_fd_ = kio::Fd();
}

}  // namespace osn::redis
