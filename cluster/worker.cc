// cluster/worker.cc — the worker's side: taking connections, counters, graceful stop.
#include "cluster/worker.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>

#include "cluster/fd_handoff.h"
#include "kernel-io/process.h"

namespace osn::cluster {

WorkerContext::WorkerContext(loop::Loop& loop, WorkerSetup setup)
    : loop_(loop), setup_(std::move(setup)) {
  channel_ = std::make_unique<Channel>(loop_, std::move(setup_.channel), setup_.settings.max_frame_bytes);
  channel_->start([this](const Message& m) { handle_message(m); },
                  [this](const std::string& reason) { channel_closed(reason); });
  channel_->send(Message(msg::kOnline));
  // SIGTERM sent to a worker directly stops it gracefully. SIGINT (Ctrl-C reaches the whole
  // foreground process group) is left to the primary, which then stops every worker in order.
  sigterm_ = std::make_unique<loop::Signal>(loop_, [this](int) { begin_shutdown(); });
  sigint_ = std::make_unique<loop::Signal>(loop_, [](int) {});
  for (auto* s : {sigterm_.get(), sigint_.get()}) s->unref();
  (void)sigterm_->start(SIGTERM);
  (void)sigint_->start(SIGINT);
}

WorkerContext::~WorkerContext() {
  if (stats_timer_) loop_.clear_timer(stats_timer_);
}

pid_t WorkerContext::pid() const { return ::getpid(); }

bool WorkerContext::send(const Message& message) { return channel_->send(message); }

kio::Status WorkerContext::start_accepting() {
  switch (setup_.settings.scheduling) {
    case Scheduling::kRoundRobin: {
      int fd = setup_.handle_channel.get();
      handle_watcher_ = std::make_unique<loop::IoWatcher>(loop_, fd, [this](uint32_t) { receive_handles(); });
      if (auto s = handle_watcher_->start(loop::kReadable); !s) return s;
      break;
    }
    case Scheduling::kShared:
    case Scheduling::kReusePort: {
      kio::Fd fd = std::move(setup_.shared_listener);
      if (setup_.settings.scheduling == Scheduling::kReusePort) {
        auto addr = kio::SocketAddress::ip(setup_.settings.host, setup_.port);
        if (!addr) return addr.error();
        auto bound = kio::tcp_listen(*addr, kio::ListenOptions{.backlog = 511, .reuse_port = true});
        if (!bound) return bound.error();
        fd = std::move(*bound);
      }
      listener_ = std::make_unique<loop::Listener>(loop_, std::move(fd), [this](kio::Fd c) { take_connection(std::move(c)); });
      listener_->set_max_accepts_per_wakeup(setup_.settings.accepts_per_wakeup);
      if (auto s = listener_->start(); !s) return s;
      break;
    }
  }
  stats_timer_ = loop_.set_interval(setup_.settings.stats_interval_ms, [this] { send_stats(); });
  loop_.unref_timer(stats_timer_);
  channel_->send(Message(msg::kListening));
  return {};
}

void WorkerContext::take_connection(kio::Fd fd) {
  ++connections_;
  if (on_connection_) on_connection_(std::move(fd));  // else the Fd closes here
}

// rr: read every record the primary sent; acknowledge each (accepted, or refused when stopping).
void WorkerContext::receive_handles() {
  for (;;) {
    auto got = receive_connection(setup_.handle_channel.get());
    if (!got) {
      if (got.error().would_block()) return;
      std::fprintf(stderr, "osnode worker %d: handle channel: %s\n", id(), got.error().message().c_str());
      if (got.error().is(EBADMSG)) continue;
      handle_watcher_->stop();
      return;
    }
    if (!*got) {  // the primary closed the handle channel
      handle_watcher_->stop();
      return;
    }
    ReceivedConnection conn = std::move(**got);
    const bool accept = !shutting_down_;
    channel_->send(Message(msg::kAck).set_int("conn", static_cast<int64_t>(conn.id)).set_int("accepted", accept));
    if (accept) take_connection(std::move(conn.fd));  // refused: our copy closes; the primary re-sends
  }
}

void WorkerContext::handle_message(const Message& message) {
  std::string_view type = message.type();
  if (type == msg::kShutdown) {
    begin_shutdown();
  } else if (type == msg::kStatus) {
    auto it = queries_.find(message.get_int("req").value_or(0));
    if (it == queries_.end()) return;
    auto cb = std::move(it->second);
    queries_.erase(it);
    std::vector<WorkerInfo> rows;
    if (!decode_worker_table(message, &rows)) rows.clear();
    cb(std::move(rows));
  } else if (!msg::is_internal(type) && on_message_) {
    on_message_(message);
  }
}

void WorkerContext::query_cluster(std::function<void(std::vector<WorkerInfo>)> cb) {
  const int64_t req = next_query_++;
  Message query(msg::kStatusQuery);
  query.set_int("req", req)
      .set_int("connections", static_cast<int64_t>(connections_))
      .set_int("requests", static_cast<int64_t>(requests_));
  if (!channel_->is_open()) {
    loop_.next_tick([cb = std::move(cb)] { cb({}); });
    return;
  }
  queries_.emplace(req, std::move(cb));
  channel_->send(query);
}

void WorkerContext::send_stats() {
  if (connections_ == reported_connections_ && requests_ == reported_requests_) return;
  reported_connections_ = connections_;
  reported_requests_ = requests_;
  channel_->send(Message(msg::kStats)
                     .set_int("connections", static_cast<int64_t>(connections_))
                     .set_int("requests", static_cast<int64_t>(requests_)));
}

// Stop taking connections, let the app wind down, and let the loop run dry.
void WorkerContext::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  if (listener_) listener_->close();
  if (handle_watcher_) handle_watcher_->unref();  // still answers (refuses) stray handles
  send_stats();
  if (stats_timer_) loop_.clear_timer(stats_timer_);
  stats_timer_ = 0;
  channel_->unref();
  if (on_shutdown_) on_shutdown_();
}

void WorkerContext::channel_closed(const std::string& reason) {
  if (!shutting_down_) std::fprintf(stderr, "osnode worker %d: channel closed (%s): stopping\n", id(), reason.c_str());
  auto queries = std::move(queries_);
  queries_.clear();
  for (auto& [req, cb] : queries) cb({});
  begin_shutdown();
  if (handle_watcher_) handle_watcher_->stop();
}

void WorkerContext::exit(int code) {
  exit_code_ = code;
  exit_requested_ = true;
  loop_.stop();
}

[[noreturn]] void run_worker_process(WorkerSetup setup, const WorkerMain& main) {
  // Keep only what this worker needs; the primary's epoll fd, listening socket (rr) and other
  // workers' channels vanish from this process (compare ls -l /proc/PID/fd of both).
  std::vector<int> keep = {setup.channel.get()};
  if (setup.handle_channel) keep.push_back(setup.handle_channel.get());
  if (setup.shared_listener) keep.push_back(setup.shared_listener.get());
  kio::close_fds_except(keep);

  int code = 0;
  {
    loop::Loop loop;  // a fresh loop: the primary's Loop object is never touched here
    WorkerContext context(loop, std::move(setup));
    if (main) main(context);
    if (context.exit_requested()) {
      code = context.exit_code();  // the app gave up before taking any connection
    } else if (auto s = context.start_accepting(); !s) {
      std::fprintf(stderr, "osnode worker %d: cannot take connections: %s\n", context.id(), s.error().message().c_str());
      code = 1;
    } else {
      loop.run();
      code = context.exit_code();
    }
    std::fflush(nullptr);
  }
  ::_exit(code);
}

}  // namespace osn::cluster
