// cluster/primary_lifecycle.cc — a worker's death, its replacement, and the rolling restart.
//
// SIGCHLD only says "some child changed state"; several deaths may arrive as one signal. So
// reap_children() asks waitpid(pid, WNOHANG) about every worker still believed alive (per
// pid, not -1: children the application started itself are left to their own reaper).
// Whether a dead worker is replaced is decided in one place, should_respawn (respawn.h): this
// file only gathers the facts about the slot (slot_facts) and acts on the answer.
// A record leaves the table once its process is reaped AND its channel is closed — only then
// can no acknowledgement for a connection in flight still arrive.
// The graceful shutdown (SIGTERM, SIGINT) is in primary_shutdown.cc.
#include <signal.h>

#include "cluster/primary.h"
#include "kernel-io/clock.h"

namespace osn::cluster {

void Primary::reap_children() {
  std::vector<int> alive;
  for (const auto& [id, w] : workers_)
    if (!w->exited_) alive.push_back(id);
  for (int id : alive) {
    Worker* w = find(id);
    if (!w) continue;
    auto status = kio::wait_child(w->pid_, /*block=*/false);
    if (!status) {
      log("waitpid(%d): %s", static_cast<int>(w->pid_), status.error().message().c_str());
      continue;
    }
    if (status->pid != 0) worker_exited(*w, *status);
  }
}

void Primary::worker_exited(Worker& w, const kio::ChildStatus& status) {
  w.exited_ = true;
  w.state_ = WorkerState::kExited;
  const int id = w.id_;
  const size_t slot = w.slot_;
  const uint64_t lived_ms = kio::monotonic_ms() - w.started_ms_;
  log("worker %d (pid %d) %s%s", id, static_cast<int>(w.pid_), status.describe().c_str(),
      w.stop_requested_ ? "" : " unexpectedly");
  if (settings_.scheduling == Scheduling::kRoundRobin) round_robin_.stop_offering(id);
  if (on_exit_) on_exit_(w, status);

  if (should_respawn(slot_facts(slot))) schedule_respawn(slot, lived_ms);
  if (restart_.active && id == restart_.old_id) {
    Worker* replacement = find(restart_.new_id);
    if (replacement && replacement->state_ == WorkerState::kListening) restart_next();
  } else if (restart_.active && id == restart_.new_id) {
    log("rolling restart stopped: the new worker %d exited before it was listening", id);
    restart_ = RollingRestart{};
  }
  forget_if_gone(id);
  finish_if_done();
}

void Primary::forget_if_gone(int id) {
  Worker* w = find(id);
  if (!w || !w->exited_ || w->is_connected()) return;
  round_robin_.remove_worker(id);  // a connection still in flight to it goes to another worker
  workers_.erase(id);
}

SlotFacts Primary::slot_facts(size_t slot) const {
  SlotFacts facts;
  facts.cluster_running = !shutting_down_;
  facts.replacement_scheduled = slots_[slot].respawn_timer != 0;
  for (const auto& [id, w] : workers_)
    if (w->slot_ == slot && !w->exited_ && !w->stop_requested_) facts.served = true;
  return facts;
}

void Primary::schedule_respawn(size_t slot, uint64_t lived_ms) {
  Slot& s = slots_[slot];
  const uint64_t delay = s.backoff.next_delay_ms(lived_ms);
  log("slot %zu: new worker in %llu ms (crash %u in a row)", slot, static_cast<unsigned long long>(delay),
      s.backoff.consecutive_crashes());
  if (on_respawn_) on_respawn_(slot, delay);
  s.respawn_timer = loop_.set_timeout(delay, [this, slot] {
    slots_[slot].respawn_timer = 0;
    if (shutting_down_) return;
    ++slots_[slot].restarts;
    if (!fork_worker(slot)) schedule_respawn(slot, 0);  // fork failed: try again, backing off
  });
}

void Primary::request_stop(Worker& w) {
  if (w.stop_requested_ || w.exited_) return;
  w.stop_requested_ = true;
  w.state_ = WorkerState::kStopping;
  if (settings_.scheduling == Scheduling::kRoundRobin) round_robin_.stop_offering(w.id_);
  w.send(Message(msg::kShutdown));
  log("worker %d (pid %d) asked to stop", w.id_, static_cast<int>(w.pid_));
}

void Primary::worker_listening(Worker& w) {
  if (w.stop_requested_) return;  // asked to stop before it got this far: give it nothing
  w.state_ = WorkerState::kListening;
  log("worker %d (pid %d) listening", w.id_, static_cast<int>(w.pid_));
  if (settings_.scheduling == Scheduling::kRoundRobin) round_robin_.add_worker(w.id_);
  if (on_listening_) on_listening_(w);
  if (restart_.active && w.id_ == restart_.new_id) {
    Worker* old = find(restart_.old_id);
    if (old && !old->exited_) request_stop(*old);  // restart_next() runs when it has exited
    else restart_next();
  }
}

// ---- rolling restart (SIGHUP) -----------------------------------------------------------------

void Primary::rolling_restart() {
  if (shutting_down_) return;
  if (restart_.active) {
    log("rolling restart already in progress");
    return;
  }
  restart_ = RollingRestart{};
  for (const auto& [id, w] : workers_)
    if (!w->exited_ && !w->stop_requested_) restart_.queue.push_back(id);
  restart_.active = true;
  log("rolling restart of %zu workers", restart_.queue.size());
  restart_next();
}

// Starts the replacement for the next old worker; the old one is stopped once the new one
// listens (worker_listening), and this runs again when the old one has exited.
void Primary::restart_next() {
  while (!restart_.queue.empty()) {
    Worker* old = find(restart_.queue.front());
    restart_.queue.pop_front();
    if (!old || old->exited_ || old->stop_requested_) continue;
    restart_.old_id = old->id_;
    const size_t slot = old->slot_;
    auto fresh = fork_worker(slot);
    if (!fresh) {
      log("rolling restart stopped: %s", fresh.error().message().c_str());
      restart_ = RollingRestart{};
      return;
    }
    ++slots_[slot].restarts;
    restart_.new_id = (*fresh)->id_;
    return;
  }
  restart_ = RollingRestart{};
  log("rolling restart done");
  if (on_restart_done_) on_restart_done_();
}

}  // namespace osn::cluster
