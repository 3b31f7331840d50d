// cluster/round_robin.h — Node's RoundRobinHandle: the primary's connection scheduler.
//
// Round-robin here is flow control, not blind rotation. Two queues, each O(1) per connection:
//   free     — workers ready for a connection, oldest first;
//   pending  — accepted connections no worker has taken yet.
// A new connection goes to the first free worker, else waits in pending. A worker holds at
// most one connection "in flight" (sent, not yet acknowledged); when it acknowledges, the
// primary closes its own copy (accepted) or puts the connection back in front of pending for
// another worker (refused: that worker is stopping), and the worker is handed the next pending
// connection or goes back to the end of the free queue. A worker that leaves gives back the
// connection it had in flight (only once it is gone: until then it may still accept it).
// Lab 06 asks students to write this class.
// Ownership: owns the connections it holds (pending and in flight). Thread affinity: the
// primary's loop thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>

#include "kernel-io/fd.h"
#include "kernel-io/result.h"

namespace osn::cluster {

class RoundRobin {
 public:
  // Sends connection `id` (fd borrowed) to `worker`. An error means the worker cannot get it.
  using SendFn = std::function<kio::Status(int worker, uint64_t id, int fd)>;

  explicit RoundRobin(SendFn send) : send_(std::move(send)) {}

  // The worker can take connections now (it is listening).
  void add_worker(int worker);
  // The worker is stopping: no more connections. Its answer for the one in flight still counts.
  void stop_offering(int worker);
  // The worker is gone (exited, channel closed): its in-flight connection goes to another.
  void remove_worker(int worker);
  // A connection the primary just accepted.
  void distribute(kio::Fd connection);
  // The worker's answer for connection `id`.
  void acknowledge(int worker, uint64_t id, bool accepted);

  size_t pending() const { return pending_.size(); }
  size_t free_workers() const;
  // Nothing waits: no connection pending and none in flight (what a graceful shutdown waits for).
  bool handed_over() const;
  uint64_t handed_out(int worker) const;  // connections this worker accepted

 private:
  struct Pending {
    uint64_t id;
    kio::Fd fd;
  };
  struct WorkerSlot {
    bool queued_free = false;         // it is in free_ (at most once)
    bool busy = false;                // a connection is in flight to it
    bool stopping = false;            // stop_offering(): never handed another one
    Pending in_flight{0, kio::Fd()};
    uint64_t accepted = 0;
  };

  void handoff(int worker);     // give `worker` the next pending connection, or mark it free
  bool take_free_worker(int* worker);

  SendFn send_;
  std::unordered_map<int, WorkerSlot> workers_;
  std::deque<int> free_;  // may hold ids of workers that left: skipped when popped
  std::deque<Pending> pending_;
  uint64_t next_id_ = 1;
};

}  // namespace osn::cluster
