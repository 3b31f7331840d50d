// loop/signal.cc — the process-wide handler, the per-signal routing table, and dispatch.
//
// g_route[signo] holds the write end of the pipe of the loop watching signo (-1: none). It
// is the only mutable global in the loop layer: a signal handler can reach nothing else.
// Dispositions are changed under a mutex (never taken in the handler); the previous action
// is restored when the last Signal for a number stops.
#include "loop/signal.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "kernel-io/io.h"
#include "kernel-io/signals.h"
#include "loop/loop.h"

namespace osn::loop {

namespace {

constexpr int kMaxSignal = 65;
std::atomic<int> g_route[kMaxSignal];  // signo -> pipe write fd of the watching loop
std::mutex g_table_mutex;
int g_watchers[kMaxSignal];                 // Signal handles started per signo (all loops)
struct sigaction g_previous[kMaxSignal];    // disposition before we installed ours

void on_signal(int signo) {
  int saved = errno;
  int fd = g_route[signo].load(std::memory_order_relaxed);
  if (fd >= 0) {
    unsigned char byte = static_cast<unsigned char>(signo);
    (void)!::write(fd, &byte, 1);  // a full pipe already holds a wake-up: dropping is fine
  }
  errno = saved;
}

// In a forked child the parent's loops do not exist: forget every route, restore defaults.
void reset_after_fork() {
  for (int s = 1; s < kMaxSignal; ++s) {
    if (g_watchers[s] > 0) (void)kio::restore_action(s, g_previous[s]);
    g_watchers[s] = 0;
    g_route[s].store(-1);
  }
}

void init_routes_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto& r : g_route) r.store(-1);
    pthread_atfork(nullptr, nullptr, reset_after_fork);
  });
}

}  // namespace

// ---- SignalRouter ---------------------------------------------------------------------------

kio::Result<std::unique_ptr<SignalRouter>> SignalRouter::create(Loop& loop) {
  init_routes_once();
  auto pipe = kio::make_pipe();
  if (!pipe) return pipe.error();
  std::unique_ptr<SignalRouter> router(new SignalRouter(loop, std::move(*pipe)));
  if (auto s = router->watcher_.start(kReadable); !s) return s.error();
  router->watcher_.unref();  // the Signal handles keep the loop alive, not the pipe
  return router;
}

SignalRouter::SignalRouter(Loop& loop, kio::Pipe pipe)
    : loop_(loop), pipe_(std::move(pipe)), watcher_(loop, pipe_.read_end.get(), [this](uint32_t) {
        dispatch();
      }) {}

SignalRouter::~SignalRouter() {
  for (Signal* h : handles_)
    if (h) remove(h);
}

kio::Status SignalRouter::add(Signal* handle, int signo) {
  if (signo <= 0 || signo >= kMaxSignal || signo == SIGKILL || signo == SIGSTOP)
    return kio::SysError{"sigaction", EINVAL};
  std::lock_guard lock(g_table_mutex);
  if (g_watchers[signo] == 0) {
    if (auto s = kio::install_handler(signo, on_signal, &g_previous[signo]); !s) return s;
  }
  ++g_watchers[signo];
  g_route[signo].store(pipe_.write_end.get());
  handles_.push_back(handle);
  return {};
}

void SignalRouter::remove(Signal* handle) {
  auto it = std::find(handles_.begin(), handles_.end(), handle);
  if (it == handles_.end()) return;
  *it = nullptr;  // compacted in dispatch(); we may be inside it right now
  int signo = handle->signo_;
  std::lock_guard lock(g_table_mutex);
  if (--g_watchers[signo] == 0) {
    g_route[signo].store(-1);
    (void)kio::restore_action(signo, g_previous[signo]);
  }
}

void SignalRouter::dispatch() {
  unsigned char signals[64];
  for (;;) {
    auto n = kio::read_some(pipe_.read_end.get(), {reinterpret_cast<char*>(signals), sizeof signals});
    if (!n || *n == 0) break;
    for (size_t i = 0; i < *n; ++i) {
      const size_t end = handles_.size();
      for (size_t h = 0; h < end; ++h) {
        Signal* s = handles_[h];
        if (s == nullptr || s->signo_ != signals[i]) continue;
        Signal::SignalCallback cb = s->cb_;  // the callback may stop or destroy its handle
        int signo = signals[i];
        loop_.invoke(cb, signo);
      }
    }
  }
  handles_.erase(std::remove(handles_.begin(), handles_.end(), nullptr), handles_.end());
}

// ---- Signal ---------------------------------------------------------------------------------

Signal::Signal(Loop& loop, SignalCallback cb) : Handle(loop), cb_(std::move(cb)) {}

Signal::~Signal() { stop_watching(); }

kio::Status Signal::start(int signo) {
  if (is_active()) stop_watching();
  if (!loop().signals_) {
    auto router = SignalRouter::create(loop());
    if (!router) return router.error();
    loop().signals_ = std::move(*router);
  }
  signo_ = signo;
  if (auto s = loop().signals_->add(this, signo); !s) return s;
  set_active(true);
  return {};
}

void Signal::stop_watching() {
  if (!is_active() || !loop().signals_) return;
  loop().signals_->remove(this);
  set_active(false);
}

}  // namespace osn::loop
