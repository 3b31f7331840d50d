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

Listener::~Listener() {
  if (destroyed_flag_) *destroyed_flag_ = true;
  watcher_.stop();
  set_active(false);
}

kio::Result<std::unique_ptr<Listener>> Listener::listen_tcp(Loop& loop,
                                                           const kio::SocketAddress& address,
                                                           ConnectionCallback on_connection,
                                                           kio::ListenOptions options) {
  auto fd = kio::tcp_listen(address, options);
  if (!fd) return fd.error();
  auto listener = std::make_unique<Listener>(loop, std::move(*fd), std::move(on_connection));
  if (auto s = listener->start(); !s) return s.error();
  return listener;
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
  bool destroyed = false;
  destroyed_flag_ = &destroyed;
  for (size_t n = 0; max_accepts_ == 0 || n < max_accepts_; ++n) {
    if (!is_active()) break;  // a callback stopped us
    auto conn = kio::accept_connection(fd_.get());
    if (!conn) {
      const kio::SysError& err = conn.error();
      if (err.would_block()) break;  // the accept queue is empty
      if (err.is(ECONNABORTED)) continue;  // the client gave up while queued: next one
      if (err.is(EMFILE) || err.is(ENFILE)) shed_one_connection();
      report(err);
      if (!destroyed) loop().drain_ticks();
      if (destroyed) return;
      break;
    }
    ++accepted_;
    on_connection_(std::move(*conn));
    // Ticks run after every callback, before the next connection's (a tick may delete us).
    if (!destroyed) loop().drain_ticks();
    if (destroyed) return;
  }
  destroyed_flag_ = nullptr;
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
  std::fprintf(stderr, "osnode listener: %s\n", error.message().c_str());
}

}  // namespace osn::loop
