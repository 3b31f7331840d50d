// loop/listener.cc — the accept loop and the EMFILE reserve.
#include "loop/listener.h"

#include <fcntl.h>

#include <cstdio>

namespace osn::loop {

namespace {
kio::Fd open_reserve() { return kio::Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC)); }
}  // namespace

Listener::Listener(Loop& loop, kio::Fd listening_socket, ConnectionCallback on_connection)
    : Handle(loop),
      fd_(std::move(listening_socket)),
      watcher_(loop, fd_.get(), [this](uint32_t) { accept_pending(); }),
      reserve_(open_reserve()),
      on_connection_(std::move(on_connection)) {
  watcher_.unref();
}

Listener::Listener(Loop& loop, kio::Fd listening_socket, StreamCallback on_connection)
    : Listener(loop, std::move(listening_socket),
               ConnectionCallback([&loop, cb = std::move(on_connection)](kio::Fd fd) {
                 cb(Stream::adopt(loop, std::move(fd)));
               })) {}

Listener::~Listener() {
  if (log_timer_ != 0) loop().clear_timer(log_timer_);
  watcher_.stop();
  set_active(false);
}

namespace {
template <class Callback>
kio::Result<std::unique_ptr<Listener>> bind_and_start(Loop& loop, const kio::SocketAddress& address,
                                                      Callback on_connection,
                                                      kio::ListenOptions options) {
  auto fd = kio::tcp_listen(address, options);
  if (!fd) return fd.error();
  auto listener = std::make_unique<Listener>(loop, std::move(*fd), std::move(on_connection));
  if (auto s = listener->start(); !s) return s.error();
  return listener;
}
}  // namespace

kio::Result<std::unique_ptr<Listener>> Listener::listen_tcp(Loop& loop, std::string_view host,
                                                           uint16_t port, StreamCallback on_connection) {
  auto address = kio::SocketAddress::ip(host, port);
  if (!address) return address.error();
  return bind_and_start(loop, *address, std::move(on_connection), {});
}

kio::Result<std::unique_ptr<Listener>> Listener::listen_tcp(Loop& loop,
                                                           const kio::SocketAddress& address,
                                                           StreamCallback on_connection,
                                                           kio::ListenOptions options) {
  return bind_and_start(loop, address, std::move(on_connection), options);
}

kio::Result<std::unique_ptr<Listener>> Listener::listen_tcp(Loop& loop,
                                                           const kio::SocketAddress& address,
                                                           ConnectionCallback on_connection,
                                                           kio::ListenOptions options) {
  return bind_and_start(loop, address, std::move(on_connection), options);
}

kio::Status Listener::start() {
  auto status = watcher_.start(kReadable);
  if (status) set_active(true);
  return status;
}

void Listener::stop_watching() {
  watcher_.stop();
  set_active(false);
  if (is_closing()) (void)fd_.close();
}

uint16_t Listener::port() const {
  auto addr = kio::local_address(fd_.get());
  return addr ? addr->port() : 0;
}

void Listener::accept_pending() {
  DestroyGuard guard(destroy_flag_);
  for (size_t n = 0; max_accepts_ == 0 || n < max_accepts_; ++n) {
    if (!is_active()) break;  // a callback stopped us
    auto conn = kio::accept_connection(fd_.get());
    if (!conn) {
      const kio::SysError& err = conn.error();
      if (err.would_block()) break;  // the accept queue is empty
      if (err.is(ECONNABORTED)) continue;  // the client gave up while queued: next one
      if (err.is(EMFILE) || err.is(ENFILE)) shed_one_connection();
      report(err);
      if (!guard.destroyed()) loop().drain_ticks_and_microtasks();
      return;
    }
    ++accepted_;
    on_connection_(std::move(*conn));
    // Ticks run after every callback, before the next connection's (a tick may delete us).
    if (!guard.destroyed()) loop().drain_ticks_and_microtasks();
    if (guard.destroyed()) return;
  }
}

void Listener::shed_one_connection() {
  if (!reserve_.valid()) return;
  reserve_.reset();  // one free slot in the descriptor table...
  if (auto conn = kio::accept_connection(fd_.get())) ++refused_emfile_;  // ...accepted, closed
  reserve_ = open_reserve();
}

void Listener::report(const kio::SysError& error) {
  if (on_error_) {
    on_error_(error);
    return;
  }
  const uint64_t now = loop().now();
  if (!logged_any_ || now >= last_logged_ms_ + 1'000) {
    if (suppressed_ > 0) report_suppressed();
    std::fprintf(stderr, "osnode listener: %s\n", error.message().c_str());
    logged_any_ = true;
    last_logged_ms_ = now;
    return;
  }
  ++suppressed_;
  suppressed_what_ = error.message();
  if (log_timer_ == 0) {
    log_timer_ = loop().set_timeout(last_logged_ms_ + 1'000 - now, [this] {
      log_timer_ = 0;
      if (suppressed_ > 0) report_suppressed();
      last_logged_ms_ = loop().now();
    });
    loop().unref_timer(log_timer_);
  }
}

void Listener::report_suppressed() {
  std::fprintf(stderr, "osnode listener: %s: %llu more in the last second (%llu connections shed in all)\n",
               suppressed_what_.c_str(), static_cast<unsigned long long>(suppressed_),
               static_cast<unsigned long long>(refused_emfile_));
  suppressed_ = 0;
}

}  // namespace osn::loop
