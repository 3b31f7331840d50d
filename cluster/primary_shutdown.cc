// cluster/primary_shutdown.cc — graceful shutdown (SIGTERM, SIGINT): the primary's steps.
//
//   1. stop accepting: close the rr listener, or our copy of the shared socket / reservation;
//   2. cancel every pending respawn (should_respawn now says no: the cluster is not running);
//   3. ask every worker to stop (request_stop: osn.shutdown — it finishes what it has); in rr,
//      only once every connection the primary already accepted has been handed to a worker and
//      acknowledged (RoundRobin::handed_over): a client whose connect the primary accepted is
//      owed an answer, and a stopping worker refuses new connections (stop_every_worker runs
//      from the acknowledgement that empties the queue);
//   4. start a deadline: whoever still runs after settings.shutdown_timeout_ms gets SIGKILL
//      (kill_stragglers, exit code 1);
//   5. each exit is reaped as usual (primary_lifecycle.cc); when the last worker has exited,
//      finish_if_done closes the channels, restores the signal dispositions and leaves the loop.
// Lab 06's part: the three function bodies marked [lab 06]. docs/cluster.md §6.
#include <signal.h>

#include "cluster/primary.h"

namespace osn::cluster {

void Primary::shutdown() {
  // [lab 06] begin: shutdown — the numbered steps above
  if (shutting_down_) return;
  shutting_down_ = true;
  log("shutting down: no new connections, waiting up to %llu ms for the workers",
      static_cast<unsigned long long>(settings_.shutdown_timeout_ms));
  restart_ = RollingRestart{};  // a rolling restart in progress ends here
  // 2. no respawn from now on: cancel the ones already scheduled
  for (Slot& s : slots_) {
    if (s.respawn_timer) loop_.clear_timer(s.respawn_timer);
    s.respawn_timer = 0;
  }
  // 1. stop accepting
  listener_.reset();      // rr: the primary stops accepting
  port_holder_.reset();   // shared: our copy of the socket; reuseport: the reservation
  // 3. ask every worker to finish and exit, once what was accepted has been handed over
  if (round_robin_.handed_over())
    stop_every_worker();
  else
    stop_after_handover_ = true;
  // 4. the deadline
  kill_timer_ = loop_.set_timeout(settings_.shutdown_timeout_ms, [this] {
    kill_timer_ = 0;
    kill_stragglers();
  });
  finish_if_done();  // 5. (no worker at all: done now)
  // [lab 06] end
}

// Step 3 of shutdown: osn.shutdown to every worker (request_stop), exactly once.
void Primary::stop_every_worker() {
  stop_after_handover_ = false;
  std::vector<int> ids;
  for (const auto& [id, w] : workers_) ids.push_back(id);
  for (int id : ids)
    if (Worker* w = find(id)) request_stop(*w);
}

void Primary::kill_stragglers() {
  // [lab 06] begin: kill_stragglers — SIGKILL whoever still runs at the deadline
  for (const auto& [id, w] : workers_) {
    if (w->exited_) continue;
    log("worker %d (pid %d) did not stop in time: SIGKILL", id, static_cast<int>(w->pid_));
    (void)kio::send_signal(w->pid_, SIGKILL);
    exit_code_ = 1;
  }
  // [lab 06] end
}

void Primary::finish_if_done() {
  // [lab 06] begin: finish_if_done — the last exit ends the primary's loop
  if (!shutting_down_ || finished_) return;
  for (const auto& [id, w] : workers_)
    if (!w->exited_) return;
  finished_ = true;
  if (kill_timer_) loop_.clear_timer(kill_timer_);
  kill_timer_ = 0;
  for (auto& [id, w] : workers_)
    if (w->channel_) w->channel_->close();
  signals_.clear();  // dispositions go back to what they were
  log("all workers have exited; primary exits with code %d", exit_code_);
  loop_.stop();
  // [lab 06] end
}

}  // namespace osn::cluster
