// cluster/round_robin.cc — the free queue, the pending queue and the acknowledgement.
#include "cluster/round_robin.h"

namespace osn::cluster {

void RoundRobin::add_worker(int worker) {
  // [lab 06] begin: add_worker — a worker that can take connections now
  workers_.try_emplace(worker);
  handoff(worker);
  // [lab 06] end
}

void RoundRobin::stop_offering(int worker) {
  // [lab 06] begin: stop_offering — a stopping worker is offered nothing new
  auto it = workers_.find(worker);
  if (it == workers_.end()) return;
  it->second.stopping = true;
  it->second.queued_free = false;  // its entry in free_ is skipped lazily
  // [lab 06] end
}

void RoundRobin::remove_worker(int worker) {
  // [lab 06] begin: remove_worker — a worker that left gives back its connection in flight
  auto it = workers_.find(worker);
  if (it == workers_.end()) return;
  Pending returned = std::move(it->second.in_flight);
  bool was_busy = it->second.busy;
  workers_.erase(it);  // its entry in free_ is skipped lazily
  if (was_busy) {
    pending_.push_front(std::move(returned));
    int other;
    if (take_free_worker(&other)) handoff(other);
  }
  // [lab 06] end
}

void RoundRobin::distribute(kio::Fd connection) {
  // [lab 06] begin: distribute — a new connection to the first free worker, else pending
  pending_.push_back(Pending{next_id_++, std::move(connection)});
  int worker;
  if (take_free_worker(&worker)) handoff(worker);
  // [lab 06] end
}

void RoundRobin::acknowledge(int worker, uint64_t id, bool accepted) {
  // [lab 06] begin: acknowledge — the worker's answer: close our copy, or retry elsewhere
  auto it = workers_.find(worker);
  if (it == workers_.end() || !it->second.busy || it->second.in_flight.id != id) return;
  WorkerSlot& slot = it->second;
  slot.busy = false;
  if (accepted) {
    ++slot.accepted;
    slot.in_flight.fd.reset();  // the worker has its own descriptor now; close ours
  } else {
    pending_.push_front(std::move(slot.in_flight));  // refused: someone else takes it
    int other;
    if (take_free_worker(&other)) handoff(other);
  }
  handoff(worker);
  // [lab 06] end
}

void RoundRobin::handoff(int worker) {
  // [lab 06] begin: handoff — send the next pending connection, or queue the worker as free
  auto it = workers_.find(worker);
  if (it == workers_.end() || it->second.busy || it->second.stopping) return;
  WorkerSlot& slot = it->second;
  if (pending_.empty()) {
    if (!slot.queued_free) {
      slot.queued_free = true;
      free_.push_back(worker);
    }
    return;
  }
  Pending next = std::move(pending_.front());
  pending_.pop_front();
  if (kio::Status sent = send_(worker, next.id, next.fd.get()); !sent) {
    pending_.push_front(std::move(next));  // this worker cannot take it; it stays out of free_
    return;
  }
  slot.busy = true;
  slot.in_flight = std::move(next);
  // [lab 06] end
}

bool RoundRobin::take_free_worker(int* worker) {
  // [lab 06] begin: take_free_worker — the oldest free worker still there
  while (!free_.empty()) {
    int candidate = free_.front();
    free_.pop_front();
    auto it = workers_.find(candidate);
    if (it == workers_.end() || !it->second.queued_free) continue;  // it left meanwhile
    it->second.queued_free = false;
    *worker = candidate;
    return true;
  }
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
