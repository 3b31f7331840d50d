// tests/support/cluster_under_test.cc — the forked primary, its event pipe, and the
// process-group guard.
#include "tests/support/cluster_under_test.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "gtest/gtest.h"
#include "kernel-io/clock.h"
#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/socket.h"

namespace osn::cluster::testing {

void EventSink::emit(const std::string& line) const {
  std::string text = line + "\n";
  (void)kio::write_all(fd, text, 2000);
}

namespace {

void attach_standard_events(Primary& p, const EventSink& sink) {
  auto row = [](Worker& w) { return std::to_string(w.id()) + " " + std::to_string(w.pid()); };
 p.on_fork([sink, row, &p](Worker& w) {
    sink.emit("port " + std::to_string(p.port()));
    sink.emit("fork " + row(w) + " slot " + std::to_string(w.slot()));
  });
  p.on_online([sink, row](Worker& w) { sink.emit("online " + row(w)); });
  p.on_listening([sink, row](Worker& w) { sink.emit("listening " + row(w)); });
  p.on_disconnect([sink, row](Worker& w) { sink.emit("disconnect " + row(w) + " " + w.disconnect_reason()); });
  p.on_exit([sink, row](Worker& w, const kio::ChildStatus& s) { sink.emit("exit " + row(w) + " " + s.describe()); });
  p.on_respawn_scheduled([sink](size_t slot, uint64_t delay) {
    sink.emit("respawn " + std::to_string(slot) + " " + std::to_string(delay));
  });
  p.on_restart_done([sink] { sink.emit("restart-done"); });
}

}  // namespace

ClusterUnderTest::ClusterUnderTest(Settings settings, WorkerMain main, PrimarySetup extra) {
  static const bool subreaper = ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;  // orphans come to us
  (void)subreaper;
  auto pipe = kio::make_pipe();
  if (!pipe) return;
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    pipe->read_end.reset();
    EventSink sink{pipe->write_end.get()};
    int code = run_cluster(std::move(settings), std::move(main), [&](Primary& p) {
      attach_standard_events(p, sink);
      if (extra) extra(p, sink);
    });
    ::_exit(code);
  }
  if (pid < 0) return;
  ::setpgid(pid, pid);  // also here, so the group exists before we might kill it
  primary_ = pid;
  events_ = std::move(pipe->read_end);
  pipe->write_end.reset();
  // The first "fork" event is preceded by "port N".
  std::string line = wait_for("port ", 10000);
  if (!line.empty()) port_ = static_cast<uint16_t>(std::atoi(line.c_str() + 5));
}

ClusterUnderTest::~ClusterUnderTest() {
  if (primary_ > 0) {
    ::kill(-primary_, SIGKILL);
    if (!primary_reaped_) (void)kio::wait_child_for(primary_, 5000);
  }
  for (pid_t pid : worker_pids_) {
    // Killed with the group above (never by bare pid: the number may belong to someone else
    // by now). Reaped here when it was orphaned to us; ECHILD at once otherwise.
    (void)kio::wait_child_for(pid, 3000);
    EXPECT_TRUE(process_gone(pid)) << "worker " << pid << " survived the test";
  }
  if (primary_ > 0) {
    EXPECT_TRUE(process_gone(primary_)) << "primary " << primary_ << " survived";
  }
}

bool ClusterUnderTest::read_line(std::string* line, int timeout_ms) {
  const uint64_t deadline = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      *line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      note(*line);
      return true;
    }
    const uint64_t now = kio::monotonic_ms();
    if (now >= deadline || !events_) return false;
    auto ready = kio::wait_readable(events_.get(), static_cast<int>(deadline - now));
    if (!ready || !*ready) return false;
    char buf[4096];
    auto n = kio::read_some(events_.get(), buf);
    if (n && *n == 0) {
      events_.reset();  // the primary is gone
      return false;
    }
    if (n) buffer_.append(buf, *n);
  }
}

void ClusterUnderTest::note(const std::string& line) {
  history_.push_back(line);
  if (line.rfind("listening ", 0) == 0) ++listening_seen_;
  if (line.rfind("fork ", 0) == 0) {
    int id = 0, pid = 0;
    if (std::sscanf(line.c_str(), "fork %d %d", &id, &pid) == 2) worker_pids_.insert(pid);
  }
}

std::string ClusterUnderTest::wait_for(std::string_view prefix, int timeout_ms) {
  const uint64_t deadline = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  std::string line;
  while (kio::monotonic_ms() < deadline) {
    if (!read_line(&line, static_cast<int>(deadline - kio::monotonic_ms()))) return {};
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return {};
}

bool ClusterUnderTest::wait_listening(size_t n, int timeout_ms) {
  const uint64_t deadline = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  std::string line;
  while (listening_seen_ < n && kio::monotonic_ms() < deadline)
    if (!read_line(&line, static_cast<int>(deadline - kio::monotonic_ms()))) return false;
  return listening_seen_ >= n;
}

kio::ChildStatus ClusterUnderTest::wait_primary_exit(int timeout_ms) {
  auto status = kio::wait_child_for(primary_, timeout_ms);
  if (status && status->pid != 0) {
    primary_reaped_ = true;
    return *status;
  }
  return {};
}

bool process_gone(pid_t pid) {
  if (::kill(pid, 0) == 0) return false;
  return errno == ESRCH;
}

}  // namespace osn::cluster::testing
