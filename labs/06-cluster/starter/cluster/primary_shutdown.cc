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
  // TODO(lab 06): only once (shutting_down_). Then the steps of the comment at the top: end a
  // rolling restart (restart_), clear every slot's respawn_timer, stop accepting (listener_,
  // port_holder_), request_stop every worker, start kill_timer_ (settings_.shutdown_timeout_ms
  // -> kill_stragglers), and call finish_if_done in case there is no worker at all.
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
  // TODO(lab 06): every worker not yet exited_ gets SIGKILL (kio::send_signal), and the
  // primary's exit_code_ becomes 1.
  // [lab 06] end
}

void Primary::finish_if_done() {
  // [lab 06] begin: finish_if_done — the last exit ends the primary's loop
  // TODO(lab 06): only while shutting down, once (finished_), and only when every worker has
  // exited_: clear kill_timer_, close each worker's channel_, clear signals_ (the dispositions
  // go back), and stop the loop (loop_.stop) so run_cluster returns exit_code_.
  // [lab 06] end
}

}  // namespace osn::cluster
