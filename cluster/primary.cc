// cluster/primary.cc — opening the port, forking workers, and listening to their channels.
//
// Reaping, respawn and the rolling restart are in primary_lifecycle.cc, the graceful shutdown
// in primary_shutdown.cc.
#include "cluster/primary.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "cluster/fd_handoff.h"
#include "kernel-io/clock.h"
#include "kernel-io/socket.h"

namespace osn::cluster {

namespace {

// reuseport: every worker binds the port itself, so the primary only needs to *own the
// number* — a socket bound but never listen()ed takes no connections, yet keeps the port ours
// across respawns and tells us which port the kernel picked for port 0. It is bound with
// SO_REUSEADDR (TIME_WAIT leftovers of earlier runs do not block it) but WITHOUT SO_REUSEPORT:
// so it fails with EADDRINUSE where anyone already listens — a second cluster cannot join the
// first one's reuseport group unnoticed — while our workers' SO_REUSEPORT listeners may still
// bind beside it (a bound, non-listening SO_REUSEADDR socket does not conflict with them).
kio::Result<kio::Fd> reserve_port(const kio::SocketAddress& addr) {
  return kio::tcp_bind(addr, kio::ListenOptions{.reuse_port = false});
}

}  // namespace

// ---- Worker (the table row) ------------------------------------------------------------------

uint64_t Worker::connections() const {
  if (primary_->settings_.scheduling == Scheduling::kRoundRobin)
    return std::max(primary_->round_robin_.handed_out(id_), reported_connections_);
  return reported_connections_;
}

WorkerInfo Worker::info() const {
  WorkerInfo row{id_, slot_, pid_, state_, connections(), requests_, primary_->slots_[slot_].restarts};
  row.report_age_ms = reported_ms_ == 0 ? kNeverReported : kio::monotonic_ms() - reported_ms_;
  return row;
}

bool Worker::send(const Message& message) { return channel_ && channel_->send(message); }

// ---- Primary: setup ---------------------------------------------------------------------------

Primary::Primary(loop::Loop& loop, Settings settings, WorkerMain worker_main)
    : loop_(loop),
      settings_(std::move(settings)),
      worker_main_(std::move(worker_main)),
      round_robin_([this](int worker, uint64_t id, int fd) -> kio::Status {
        Worker* w = find(worker);
        if (!w || !w->handle_channel_) return kio::SysError{"sendmsg", EPIPE};
        return send_connection(w->handle_channel_.get(), id, fd);
      }) {
  for (size_t i = 0; i < settings_.workers; ++i) slots_.push_back(Slot{RespawnBackoff(settings_.respawn), 0, 0});
}

Primary::~Primary() {
  for (Slot& s : slots_)
    if (s.respawn_timer) loop_.clear_timer(s.respawn_timer);
  if (kill_timer_) loop_.clear_timer(kill_timer_);
}

kio::Status Primary::start() {
  if (auto s = open_port(); !s) return s;
  if (auto s = watch_signals(); !s) return s;
  log("primary pid %d, %zu workers, scheduling %s, listening on %s:%u", static_cast<int>(::getpid()),
      settings_.workers, scheduling_name(settings_.scheduling), settings_.host.c_str(), port_);
  if (std::string warning = workers_warning(settings_); !warning.empty()) log("%s", warning.c_str());
  for (size_t slot = 0; slot < settings_.workers; ++slot)
    if (auto w = fork_worker(slot); !w) return w.error();
  return {};
}

kio::Status Primary::open_port() {
  auto addr = kio::SocketAddress::ip(settings_.host, settings_.port);
  if (!addr) return addr.error();
  switch (settings_.scheduling) {
    case Scheduling::kRoundRobin: {
      auto listener = loop::Listener::listen_tcp(loop_, *addr, [this](kio::Fd c) { round_robin_.distribute(std::move(c)); });
      if (!listener) return listener.error();
      listener_ = std::move(*listener);
      port_ = listener_->port();
      return {};
    }
    case Scheduling::kShared: {
      auto fd = kio::tcp_listen(*addr);
      if (!fd) return fd.error();
      port_holder_ = std::move(*fd);
      break;
    }
    case Scheduling::kReusePort: {
      auto fd = reserve_port(*addr);
      if (!fd) return fd.error();
      port_holder_ = std::move(*fd);
      break;
    }
  }
  auto local = kio::local_address(port_holder_.get());
  if (!local) return local.error();
  port_ = local->port();
  return {};
}

kio::Status Primary::watch_signals() {
  for (int signo : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) {
    auto handle = std::make_unique<loop::Signal>(loop_, [this](int s) {
      if (s == SIGCHLD) reap_children();
      else if (s == SIGHUP) rolling_restart();
      else shutdown();
    });
    if (auto st = handle->start(signo); !st) return st;
    signals_.push_back(std::move(handle));
  }
  return {};
}

// ---- forking a worker -------------------------------------------------------------------------

// The error is a value (kio::Result): log() below may change errno before anyone reads it.
kio::Result<Worker*> Primary::fork_worker(size_t slot) {
  const int id = next_id_++;
  kio::Fd channel, handles;
  auto setup = prepare_worker_setup(id, slot, &channel, &handles);
  if (!setup) {
    log("cannot make channels for worker %d: %s", id, setup.error().message().c_str());
    return setup.error();
  }
  std::fflush(nullptr);  // or the child would inherit (and later print) our buffered output
  loop_.stop_threads_for_fork();  // OSN_WATCHDOG_MS's thread: the worker starts single-threaded
  auto pid = kio::fork_process();
  if (pid && *pid != 0) loop_.resume_threads_after_fork();
  if (!pid) {
    loop_.resume_threads_after_fork();
    log("cannot fork worker %d: %s", id, pid.error().message().c_str());
    return pid.error();
  }
  if (*pid == 0) run_worker_process(std::move(*setup), worker_main_);  // child: never returns

  // Parent: the child's ends of the socketpairs close when `setup` goes out of scope.
  auto record = std::make_unique<Worker>(Worker::Key(), *this, id, slot, *pid);
  Worker& w = *record;
  w.started_ms_ = kio::monotonic_ms();
  w.handle_channel_ = std::move(handles);
  w.channel_ = std::make_unique<Channel>(loop_, std::move(channel), settings_.max_frame_bytes);
  w.channel_->start([this, id](const Message& m) { if (Worker* x = find(id)) handle_message(*x, m); },
                    [this, id](const std::string& why) { if (Worker* x = find(id)) channel_closed(*x, why); });
  workers_.emplace(id, std::move(record));
  log("worker %d (pid %d) forked for slot %zu", id, static_cast<int>(*pid), slot);
  if (on_fork_) on_fork_(w);
  return &w;
}

// Both socketpairs; *channel and *handles get the primary's ends, the setup the worker's.
kio::Result<WorkerSetup> Primary::prepare_worker_setup(int id, size_t slot, kio::Fd* channel, kio::Fd* handles) {
  WorkerSetup setup;
  setup.id = id;
  setup.slot = slot;
  setup.settings = settings_;
  setup.port = port_;
  auto pair = kio::socket_pair(SOCK_STREAM);
  if (!pair) return pair.error();
  *channel = std::move(pair->first);
  setup.channel = std::move(pair->second);
  if (settings_.scheduling == Scheduling::kRoundRobin) {
    auto records = kio::socket_pair(SOCK_SEQPACKET);
    if (!records) return records.error();
    *handles = std::move(records->first);
    setup.handle_channel = std::move(records->second);
  } else if (settings_.scheduling == Scheduling::kShared) {
    auto copy = kio::duplicate(port_holder_.get());  // the one listening socket, inherited
    if (!copy) return copy.error();
    setup.shared_listener = std::move(*copy);
  }
  return setup;
}

// ---- messages ---------------------------------------------------------------------------------

void Primary::handle_message(Worker& w, const Message& message) {
  std::string_view type = message.type();
  if (type == msg::kOnline) {
    if (w.state_ == WorkerState::kForked) w.state_ = WorkerState::kOnline;
    log("worker %d (pid %d) online", w.id_, static_cast<int>(w.pid_));
    if (on_online_) on_online_(w);
  } else if (type == msg::kListening) {
    worker_listening(w);
  } else if (type == msg::kAck) {
    round_robin_.acknowledge(w.id_, static_cast<uint64_t>(message.get_int("conn").value_or(0)),
                             message.get_int("accepted").value_or(0) == 1);
    if (stop_after_handover_ && round_robin_.handed_over()) stop_every_worker();  // shutdown, step 3
  } else if (type == msg::kStats) {
    w.reported_connections_ = static_cast<uint64_t>(message.get_int("connections").value_or(0));
    w.requests_ = static_cast<uint64_t>(message.get_int("requests").value_or(0));
    w.reported_ms_ = kio::monotonic_ms();
  } else if (type == msg::kStatusQuery) {
    answer_status_query(w, message);
  } else if (!msg::is_internal(type) && on_message_) {
    on_message_(w, message);
  }
}

// The asking worker's own row is fresh (its counters came with the query, report age 0);
// every other row is as old as that worker's last osn.stats — each row says how old.
void Primary::answer_status_query(Worker& w, const Message& query) {
  w.reported_connections_ = static_cast<uint64_t>(query.get_int("connections").value_or(0));
  w.requests_ = static_cast<uint64_t>(query.get_int("requests").value_or(0));
  std::vector<WorkerInfo> rows = workers();
  for (WorkerInfo& row : rows)
    if (row.id == w.id_) row.report_age_ms = 0;
  w.reported_ms_ = kio::monotonic_ms();
  Message reply(msg::kStatus);
  reply.set_int("req", query.get_int("req").value_or(0));
  encode_worker_table(rows, reply);
  w.send(reply);
}

void Primary::channel_closed(Worker& w, const std::string& reason) {
  if (w.exited_ || reason == "peer closed the channel")
    log("worker %d (pid %d) disconnected", w.id_, static_cast<int>(w.pid_));
  else
    log("worker %d (pid %d): channel closed: %s", w.id_, static_cast<int>(w.pid_), reason.c_str());
  w.disconnect_reason_ = reason;
  w.handle_channel_.reset();
  if (settings_.scheduling == Scheduling::kRoundRobin) round_robin_.stop_offering(w.id_);
  const int id = w.id_;
  if (on_disconnect_) on_disconnect_(w);
  forget_if_gone(id);
}

// ---- the table --------------------------------------------------------------------------------

std::vector<WorkerInfo> Primary::workers() const {
  std::vector<WorkerInfo> rows;
  for (const auto& [id, w] : workers_) rows.push_back(w->info());
  return rows;
}

Worker* Primary::find(int id) {
  auto it = workers_.find(id);
  return it == workers_.end() ? nullptr : it->second.get();
}

void Primary::log(const char* fmt, ...) const {
  if (!settings_.log) return;
  char line[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  std::fprintf(stderr, "osnode cluster: %s\n", line);
}

std::string start_problem(const Settings& settings, const kio::SysError& error) {
  if (error.is(EADDRINUSE)) {
    const std::string port = std::to_string(settings.port);
    return "PORT=" + port + ": " + settings.host + ":" + port + " is already in use (" + error.message() +
           ") — another server is listening there; choose another PORT";
  }
  return "cannot start: " + error.message();
}

int run_cluster(Settings settings, WorkerMain worker_main, const std::function<void(Primary&)>& setup) {
  loop::Loop loop;
  Primary primary(loop, std::move(settings), std::move(worker_main));
  if (setup) setup(primary);
  if (auto s = primary.start(); !s) {
    std::fprintf(stderr, "osnode cluster: %s\n", start_problem(primary.settings(), s.error()).c_str());
    return s.error().is(EADDRINUSE) ? 2 : 1;
  }
  loop.run();
  return primary.exit_code();
}

}  // namespace osn::cluster
