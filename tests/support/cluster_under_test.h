// tests/support/cluster_under_test.h — running a real cluster inside a test, and cleaning up
// after it (tests/cluster and lab 06's grader).
//
// ClusterUnderTest forks a child of the test process that becomes the primary (in its own
// process group) and runs osn::cluster::run_cluster. The primary reports its events as text
// lines on a pipe ("port 4242", "fork 3 1234", "exit 3 1234 killed by SIGKILL", ...), which
// the test reads with bounded waits. The destructor SIGKILLs the whole process group, reaps
// every process it saw (the test process is a child subreaper, so orphaned workers become
// its children) and records any survivor, which fails the test.
// The workers usually run line_app (tests/support/line_app.h).
#pragma once

#include <sys/types.h>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/primary.h"
#include "kernel-io/fd.h"

namespace osn::cluster::testing {

// Writes event lines from the primary process.
struct EventSink {
  int fd = -1;
  void emit(const std::string& line) const;
};

class ClusterUnderTest {
 public:
  using PrimarySetup = std::function<void(Primary&, const EventSink&)>;

  ClusterUnderTest(Settings settings, WorkerMain main, PrimarySetup extra = {});
  ~ClusterUnderTest();

  pid_t primary_pid() const { return primary_; }
  uint16_t port() const { return port_; }
  bool started() const { return port_ != 0; }

  // Waits (at most timeout_ms) for the next event line starting with `prefix`; lines read on
  // the way are kept in history(). "" on timeout or when the primary closed the pipe.
  std::string wait_for(std::string_view prefix, int timeout_ms = 5000);
  // Waits until `n` workers have reported "listening" since the start.
  bool wait_listening(size_t n, int timeout_ms = 5000);
  const std::vector<std::string>& history() const { return history_; }
  // Every worker pid seen in a "fork" event.
  const std::set<pid_t>& worker_pids() const { return worker_pids_; }

  // Waits for the primary to exit; its status, or pid 0 on timeout.
  kio::ChildStatus wait_primary_exit(int timeout_ms);

 private:
  bool read_line(std::string* line, int timeout_ms);
  void note(const std::string& line);

  pid_t primary_ = 0;
  bool primary_reaped_ = false;
  uint16_t port_ = 0;
  kio::Fd events_;
  std::string buffer_;
  std::vector<std::string> history_;
  size_t listening_seen_ = 0;
  std::set<pid_t> worker_pids_;
};

// true if no process with this pid exists any more (a zombie counts as existing).
bool process_gone(pid_t pid);

}  // namespace osn::cluster::testing
