// cluster/round_robin.cc — the free queue, the pending queue and the acknowledgement.
#include "cluster/round_robin.h"

namespace osn::cluster {

void RoundRobin::add_worker(int worker) {
  // [lab 06] begin: add_worker — a worker that can take connections now
  // TODO(lab 06): make a WorkerSlot for it (workers_) and hand it the oldest pending
  // connection — or, if none waits, queue it at the end of free_ (handoff).
  (void)worker;
  // [lab 06] end
}

void RoundRobin::stop_offering(int worker) {
  // [lab 06] begin: stop_offering — a stopping worker is offered nothing new
  // TODO(lab 06): mark the slot stopping (handoff never sends it anything again) and take it
  // out of the free queue (clearing queued_free is enough if take_free_worker skips it).
  (void)worker;
  // [lab 06] end
}

void RoundRobin::remove_worker(int worker) {
  // [lab 06] begin: remove_worker — a worker that left gives back its connection in flight
  // TODO(lab 06): forget the worker. If it had a connection in flight, that connection goes
  // back to the FRONT of pending_ and the next free worker gets it.
  (void)worker;
  // [lab 06] end
}

void RoundRobin::distribute(kio::Fd connection) {
  // [lab 06] begin: distribute — a new connection to the first free worker, else pending
  // TODO(lab 06): give the connection an id (next_id_), put it at the end of pending_, and if
  // a worker is free hand it over. Never more than one connection in flight per worker.
  (void)connection;  // TODO(lab 06): dropping it here closes it: the client sees EOF
  (void)next_id_;
  // [lab 06] end
}

void RoundRobin::acknowledge(int worker, uint64_t id, bool accepted) {
  // [lab 06] begin: acknowledge — the worker's answer: close our copy, or retry elsewhere
  // TODO(lab 06): ignore an answer from an unknown worker or for another id than the one in
  // flight. Accepted: count it (slot.accepted) and close the primary's copy of the fd.
  // Refused: the connection goes back to the front of pending_ for another free worker. Either
  // way the worker is free again: handoff(worker).
  (void)worker;
  (void)id;
  (void)accepted;
  // [lab 06] end
}

void RoundRobin::handoff(int worker) {
  // [lab 06] begin: handoff — send the next pending connection, or queue the worker as free
  // TODO(lab 06): if the worker is known, not busy and not stopping: send it the oldest pending
  // connection with send_ (if sending fails, the connection stays first in pending_ and the
  // worker stays out of free_), and it is busy with that one in flight; with nothing pending,
  // queue it once at the end of free_.
  (void)worker;
  (void)send_;
  // [lab 06] end
}

bool RoundRobin::take_free_worker(int* worker) {
  // [lab 06] begin: take_free_worker — the oldest free worker still there
  // TODO(lab 06): pop free_ until an entry names a worker that is still there and still
  // queued_free; clear its queued_free and return it in *worker. false when there is none.
  (void)worker;
  return false;
  // [lab 06] end
}

size_t RoundRobin::free_workers() const {
  size_t n = 0;
  for (const auto& [id, slot] : workers_) n += slot.queued_free ? 1 : 0;
  return n;
}

bool RoundRobin::handed_over() const {
  if (!pending_.empty()) return false;
  for (const auto& [id, slot] : workers_)
    if (slot.busy) return false;
  return true;
}

uint64_t RoundRobin::handed_out(int worker) const {
  auto it = workers_.find(worker);
  return it == workers_.end() ? 0 : it->second.accepted;
}

}  // namespace osn::cluster
