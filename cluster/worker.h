// cluster/worker.h — life inside a worker process: what the application sees.
//
// A worker is a forked copy of the primary that throws away what it must not hold (the
// primary's loop, its listening socket in rr mode, the other workers' channels) and builds its
// own: a fresh loop, its channel, its counters, its caches. Nothing here is shared with any
// other worker — heap, loop and every variable are per process; only messages cross.
// The application is a WorkerMain: it registers callbacks on the WorkerContext and returns;
// then the worker starts taking connections (tells the primary "listening") and runs its loop.
// The cluster never knows what is spoken on a connection: the app gets a kio::Fd.
// Graceful stop (osn.shutdown, or the primary vanished): stop taking connections, call the
// app's on_shutdown (close idle connections, finish in-flight ones), unreference the channel
// — the process exits when the app's last handle closes. docs/cluster.md.
// Ownership: the worker process owns the context. Thread affinity: the worker's loop thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "cluster/channel.h"
#include "cluster/protocol.h"
#include "cluster/settings.h"
#include "kernel-io/fd.h"
#include "kernel-io/socket.h"
#include "loop/io_watcher.h"
#include "loop/listener.h"
#include "loop/loop.h"
#include "loop/signal.h"

namespace osn::cluster {

class WorkerContext;
using WorkerMain = std::function<void(WorkerContext&)>;

// What the primary passes to a new worker process (all descriptors owned).
struct WorkerSetup {
  int id = 0;
  size_t slot = 0;
  Settings settings;
  kio::Fd channel;          // message channel (SOCK_STREAM socketpair end)
  kio::Fd handle_channel;   // rr: SOCK_SEQPACKET end that brings connections
  kio::Fd shared_listener;  // shared: the inherited listening socket
  uint16_t port = 0;        // reuseport: the port to bind
};

class WorkerContext {
 public:
  WorkerContext(loop::Loop& loop, WorkerSetup setup);
  ~WorkerContext();
  WorkerContext(const WorkerContext&) = delete;
  WorkerContext& operator=(const WorkerContext&) = delete;

  int id() const { return setup_.id; }
  size_t slot() const { return setup_.slot; }
  pid_t pid() const;
  Scheduling scheduling() const { return setup_.settings.scheduling; }
  const Settings& settings() const { return setup_.settings; }  // the primary's, as forked
  loop::Loop& loop() { return loop_; }

  // ---- the application's hooks ----
  // Every connection this worker takes; the app owns the Fd from then on.
  void on_connection(std::function<void(kio::Fd)> cb) { on_connection_ = std::move(cb); }
  // Graceful stop began: close idle connections; finish (then close) busy ones.
  void on_shutdown(std::function<void()> cb) { on_shutdown_ = std::move(cb); }
  // Application messages from the primary (process.on('message')).
  void on_message(std::function<void(const Message&)> cb) { on_message_ = std::move(cb); }

  // process.send(): to the primary. false: backpressure or closed (see Channel::send).
  bool send(const Message& message);
  // The app counts requests (keep-alive: several per connection); reported to the primary.
  void count_request() { ++requests_; }
  uint64_t connections() const { return connections_; }
  uint64_t requests() const { return requests_; }
  bool shutting_down() const { return shutting_down_; }

  // Asks the primary for every worker's row (GET /cluster). cb gets an empty vector if the
  // channel closes first.
  void query_cluster(std::function<void(std::vector<WorkerInfo>)> cb);

  // Leaves the loop at once; the process exits with `code`.
  void exit(int code);
  int exit_code() const { return exit_code_; }
  bool exit_requested() const { return exit_requested_; }

  // The raw channel, for tests that play a misbehaving worker.
  Channel& channel() { return *channel_; }

  // Called by run_worker_process: start taking connections, report "listening".
  kio::Status start_accepting();
  void begin_shutdown();

 private:
  void handle_message(const Message& message);
  void channel_closed(const std::string& reason);
  void take_connection(kio::Fd fd);
  void receive_handles();  // rr: connections arriving over the handle channel
  void send_stats();

  loop::Loop& loop_;
  WorkerSetup setup_;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<loop::IoWatcher> handle_watcher_;  // rr
  std::unique_ptr<loop::Listener> listener_;         // shared, reuseport
  std::unique_ptr<loop::Signal> sigterm_, sigint_;
  std::function<void(kio::Fd)> on_connection_;
  std::function<void()> on_shutdown_;
  std::function<void(const Message&)> on_message_;
  std::unordered_map<int64_t, std::function<void(std::vector<WorkerInfo>)>> queries_;
  int64_t next_query_ = 1;
  loop::TimerId stats_timer_ = 0;
  uint64_t connections_ = 0, requests_ = 0;
  uint64_t reported_connections_ = UINT64_MAX, reported_requests_ = UINT64_MAX;
  bool shutting_down_ = false;
  int exit_code_ = 0;
  bool exit_requested_ = false;
};

// The body of a forked worker: closes inherited descriptors it must not hold, builds a fresh
// loop, runs `main`, runs the loop, and _exit()s — it never returns into the primary's code.
[[noreturn]] void run_worker_process(WorkerSetup setup, const WorkerMain& main);

}  // namespace osn::cluster
