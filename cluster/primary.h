// cluster/primary.h — the primary process: forks workers, watches them, hands out the port.
//
// One Node process uses one core; the cluster runs one worker process per core and a
// primary that manages them (nginx calls it the master). The primary keeps a worker table:
// one row per worker with its id, pid, state, channel and counters. It turns everything into
// loop events — SIGCHLD (a worker died: reap it with waitpid WNOHANG), SIGTERM/SIGINT
// (graceful shutdown), SIGHUP (rolling restart), messages on each channel — and never does
// real work in a signal handler. Events, as Node's cluster emits them: fork, online,
// listening, message, disconnect, exit.
// How the port is shared depends on Settings::scheduling (rr, shared, reuseport): see
// docs/cluster.md. The respawn rule lives in respawn.h; rr scheduling in round_robin.h; the
// graceful shutdown's steps in primary_shutdown.cc.
// Ownership: the Primary owns its workers' records, channels and the listening socket; the
// loop is borrowed and must outlive it. Thread affinity: the loop thread only.
#pragma once

#include <sys/types.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/channel.h"
#include "cluster/protocol.h"
#include "cluster/respawn.h"
#include "cluster/round_robin.h"
#include "cluster/settings.h"
#include "cluster/worker.h"
#include "kernel-io/process.h"
#include "loop/listener.h"
#include "loop/loop.h"
#include "loop/signal.h"

namespace osn::cluster {

class Primary;

// The primary's record of one worker: a row of the worker table.
class Worker {
 public:
  int id() const { return id_; }
  size_t slot() const { return slot_; }
  pid_t pid() const { return pid_; }
  WorkerState state() const { return state_; }
  bool is_connected() const { return channel_ && channel_->is_open(); }
  uint64_t connections() const;  // rr: counted by the primary; else reported by the worker
  uint64_t requests() const { return requests_; }
  // Why the channel closed, once it has ("peer closed the channel", "malformed message: ...").
  const std::string& disconnect_reason() const { return disconnect_reason_; }
  WorkerInfo info() const;

  // worker.send(): to this worker's on_message. false: backpressure or closed.
  bool send(const Message& message);

  // Only the Primary can make a Key, so only it makes rows (with std::make_unique).
  class Key {
    friend class Primary;
    Key() = default;
  };
  Worker(Key, Primary& primary, int id, size_t slot, pid_t pid) : primary_(&primary), id_(id), slot_(slot), pid_(pid) {}

 private:
  friend class Primary;

  Primary* primary_;
  int id_;
  size_t slot_;
  pid_t pid_;
  WorkerState state_ = WorkerState::kForked;
  std::unique_ptr<Channel> channel_;
  kio::Fd handle_channel_;  // rr: where connections are sent
  uint64_t started_ms_ = 0;
  uint64_t reported_connections_ = 0, requests_ = 0;
  uint64_t reported_ms_ = 0;  // when its counters last arrived (osn.stats or osn.status?)
  std::string disconnect_reason_;
  bool stop_requested_ = false;  // asked to stop: its exit is not a crash
  bool exited_ = false;
};

class Primary {
 public:
  using WorkerEvent = std::function<void(Worker&)>;
  using MessageEvent = std::function<void(Worker&, const Message&)>;
  using ExitEvent = std::function<void(Worker&, const kio::ChildStatus&)>;
  using RespawnEvent = std::function<void(size_t slot, uint64_t delay_ms)>;

  Primary(loop::Loop& loop, Settings settings, WorkerMain worker_main);
  ~Primary();
  Primary(const Primary&) = delete;
  Primary& operator=(const Primary&) = delete;

  // Opens the port (as the scheduling needs), starts watching signals, forks the workers.
  kio::Status start();
  uint16_t port() const { return port_; }
  const Settings& settings() const { return settings_; }

  // ---- events (cluster.on('fork'), ...) ----
  void on_fork(WorkerEvent cb) { on_fork_ = std::move(cb); }
  void on_online(WorkerEvent cb) { on_online_ = std::move(cb); }
  void on_listening(WorkerEvent cb) { on_listening_ = std::move(cb); }
  void on_disconnect(WorkerEvent cb) { on_disconnect_ = std::move(cb); }
  void on_message(MessageEvent cb) { on_message_ = std::move(cb); }
  void on_exit(ExitEvent cb) { on_exit_ = std::move(cb); }
  void on_respawn_scheduled(RespawnEvent cb) { on_respawn_ = std::move(cb); }
  void on_restart_done(std::function<void()> cb) { on_restart_done_ = std::move(cb); }

  // SIGTERM/SIGINT do this: stop accepting, ask every worker to finish, SIGKILL after
  // settings.shutdown_timeout_ms, then leave the loop.
  void shutdown();
  // SIGHUP does this: replace the workers one at a time.
  void rolling_restart();

  std::vector<WorkerInfo> workers() const;
  Worker* find(int id);
  loop::Loop& loop() const { return loop_; }
  // A rolling restart's progress (for a dashboard): active, old workers still to replace,
  // and the pair being swapped now.
  struct RestartProgress {
    bool active = false;
    size_t remaining = 0;
    int old_id = 0, new_id = 0;
  };
  RestartProgress restart_progress() const {
    return {restart_.active, restart_.queue.size(), restart_.old_id, restart_.new_id};
  }
  bool finished() const { return finished_; }
  int exit_code() const { return exit_code_; }

 private:
  friend class Worker;
  struct Slot {
    RespawnBackoff backoff;
    uint64_t restarts = 0;
    loop::TimerId respawn_timer = 0;
  };
  struct RollingRestart {
    std::deque<int> queue;  // old workers still to replace
    int old_id = 0, new_id = 0;
    bool active = false;
  };

  // primary.cc — setup, forking, messages
  kio::Status open_port();
  kio::Status watch_signals();
  kio::Result<Worker*> fork_worker(size_t slot);
  kio::Result<WorkerSetup> prepare_worker_setup(int id, size_t slot, kio::Fd* channel, kio::Fd* handles);
  void handle_message(Worker& w, const Message& message);
  void answer_status_query(Worker& w, const Message& query);
  void channel_closed(Worker& w, const std::string& reason);
  void log(const char* fmt, ...) const __attribute__((format(printf, 2, 3)));

  // primary_lifecycle.cc — reaping, respawn, rolling restart
  void reap_children();
  void worker_exited(Worker& w, const kio::ChildStatus& status);
  void forget_if_gone(int id);
  SlotFacts slot_facts(size_t slot) const;  // what should_respawn (respawn.h) decides on
  void schedule_respawn(size_t slot, uint64_t lived_ms);
  void request_stop(Worker& w);
  void worker_listening(Worker& w);
  void restart_next();
  // primary_shutdown.cc — the graceful shutdown's steps (shutdown() itself is public)
  void finish_if_done();
  void stop_every_worker();
  void kill_stragglers();

  loop::Loop& loop_;
  Settings settings_;
  WorkerMain worker_main_;
  uint16_t port_ = 0;
  kio::Fd port_holder_;  // shared: the listening socket; reuseport: a bound, non-listening one
  std::unique_ptr<loop::Listener> listener_;  // rr
  RoundRobin round_robin_;
  std::map<int, std::unique_ptr<Worker>> workers_;  // the worker table, by id
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<loop::Signal>> signals_;
  RollingRestart restart_;
  int next_id_ = 1;
  bool shutting_down_ = false;
  bool finished_ = false;
  bool stop_after_handover_ = false;  // rr shutdown: stop the workers once round_robin_ is handed over
  int exit_code_ = 0;
  loop::TimerId kill_timer_ = 0;

  WorkerEvent on_fork_, on_online_, on_listening_, on_disconnect_;
  MessageEvent on_message_;
  ExitEvent on_exit_;
  RespawnEvent on_respawn_;
  std::function<void()> on_restart_done_;
};

// The whole program for most users: a loop, a Primary, start, run; returns the exit code:
// the primary's (0, or 1 if a worker had to be killed), or, when it cannot start, 2 for a
// port in use (the message names PORT) and 1 for anything else.
// `setup` may attach event callbacks before the workers are forked.
int run_cluster(Settings settings, WorkerMain worker_main, const std::function<void(Primary&)>& setup = {});

// What run_cluster prints when start() fails with `error`: for EADDRINUSE
// "PORT=8080: 127.0.0.1:8080 is already in use (bind: EADDRINUSE ...) — another server is
// listening there; choose another PORT", else "cannot start: <error>".
std::string start_problem(const Settings& settings, const kio::SysError& error);

}  // namespace osn::cluster
