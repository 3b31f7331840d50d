// labs/06-cluster/grader/rr_grade.cc — part 1: RoundRobin (cluster/round_robin.h) on its own.
//
// The scheduler runs here without processes (RoundRobinRig, tests/support/round_robin_rig.h):
// "sending" a connection records who got what, and connections are pipe read ends — real
// descriptors, so whether the primary closed its copy is seen from the other end of the pipe.

#include <algorithm>
#include <map>
#include <vector>

#include "cluster/round_robin.h"
#include "labs/grading/graded_test.h"
#include "tests/support/round_robin_rig.h"

namespace osn::cluster {
namespace {

using grading::random_between;

using Rig = testing::RoundRobinRig;
using testing::Sent;

std::vector<int> random_worker_ids(size_t n) {
  std::vector<int> ids;
  while (ids.size() < n) {
    const int id = static_cast<int>(random_between(1, 1000));
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

GRADED_TEST(RoundRobin, FreeWorkersTakeConnectionsInTurn, 8) {
  Rig rig;
  const std::vector<int> workers = random_worker_ids(static_cast<size_t>(random_between(2, 8)));
  for (int w : workers) rig.rr.add_worker(w);
  EXPECT_EQ(rig.rr.free_workers(), workers.size());
  const auto rounds = random_between(2, 6);
  const size_t total = workers.size() * static_cast<size_t>(rounds);
  for (size_t i = 0; i < total; ++i) {
    rig.connect();
    ASSERT_EQ(rig.sent.size(), i + 1) << "a free worker must get the connection at once";
    rig.rr.acknowledge(rig.sent.back().worker, rig.sent.back().id, true);
  }
  for (size_t i = 0; i < total; ++i) EXPECT_EQ(rig.sent[i].worker, workers[i % workers.size()]) << "connection " << i;
  for (int w : workers) EXPECT_EQ(rig.rr.handed_out(w), static_cast<uint64_t>(rounds)) << "worker " << w;
  std::vector<uint64_t> ids;
  for (const Sent& s : rig.sent) ids.push_back(s.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "every connection needs its own id";
}

GRADED_TEST(RoundRobin, AWorkerHasOneConnectionInFlightAndTheRestWait, 6) {
  Rig rig;
  for (int i = 0; i < 50; ++i) rig.connect();
  EXPECT_EQ(rig.rr.pending(), 50u) << "no worker yet: every connection waits";
  EXPECT_TRUE(rig.sent.empty());
  Rig r2;
  const std::vector<int> workers = random_worker_ids(static_cast<size_t>(random_between(1, 6)));
  for (int w : workers) r2.rr.add_worker(w);
  // At least 2 waiting: one goes to the first worker that answers, one to the late worker.
  const size_t extra = static_cast<size_t>(random_between(2, 20));
  for (size_t i = 0; i < workers.size() + extra; ++i) r2.connect();
  ASSERT_EQ(r2.sent.size(), workers.size()) << "one in flight per worker, no more";
  EXPECT_EQ(r2.rr.pending(), extra);
  EXPECT_EQ(r2.rr.free_workers(), 0u);
  // An answer frees the worker, and the oldest waiting connection goes to it.
  const Sent first = r2.sent[0];
  r2.rr.acknowledge(first.worker, first.id, true);
  ASSERT_EQ(r2.sent.size(), workers.size() + 1);
  EXPECT_EQ(r2.sent.back().worker, first.worker);
  EXPECT_EQ(r2.rr.pending(), extra - 1);
  // A worker that arrives later takes a waiting one at once.
  r2.rr.add_worker(5000);
  ASSERT_EQ(r2.sent.size(), workers.size() + 2);
  EXPECT_EQ(r2.sent.back().worker, 5000);
}

GRADED_TEST(RoundRobin, ThePrimaryClosesItsCopyOnlyWhenTheWorkerAccepted, 6) {
  Rig rig;
  rig.rr.add_worker(1);
  rig.rr.add_worker(2);
  const size_t a = rig.connect();
  ASSERT_EQ(rig.sent.size(), 1u);
  EXPECT_FALSE(rig.closed(a)) << "in flight: the primary still holds it (the worker may refuse)";
  rig.rr.acknowledge(rig.sent[0].worker, rig.sent[0].id, true);
  EXPECT_TRUE(rig.closed(a)) << "accepted: the primary must close its copy, or descriptors leak";
  const size_t b = rig.connect();
  ASSERT_EQ(rig.sent.size(), 2u);
  rig.rr.stop_offering(rig.sent[1].worker);
  rig.rr.acknowledge(rig.sent[1].worker, rig.sent[1].id, false);
  EXPECT_FALSE(rig.closed(b)) << "refused: the connection is kept for another worker";
  ASSERT_EQ(rig.sent.size(), 3u) << "a refused connection goes to the next free worker";
  EXPECT_NE(rig.sent[2].worker, rig.sent[1].worker);
  EXPECT_EQ(rig.sent[2].id, rig.sent[1].id) << "the same connection, retried";
}

GRADED_TEST(RoundRobin, StoppingLeavingAndFailingWorkersLoseNoConnection, 6) {
  {  // a stopping worker gets nothing new
    Rig rig;
    rig.rr.add_worker(1);
    rig.rr.add_worker(2);
    rig.rr.stop_offering(1);
    rig.connect();
    rig.connect();
    ASSERT_EQ(rig.sent.size(), 1u);
    EXPECT_EQ(rig.sent[0].worker, 2);
    EXPECT_EQ(rig.rr.free_workers(), 0u);
  }
  {  // a worker that leaves gives back the connection it had in flight
    Rig rig;
    rig.rr.add_worker(1);
    const size_t c = rig.connect();
    rig.rr.remove_worker(1);
    EXPECT_EQ(rig.rr.pending(), 1u);
    EXPECT_FALSE(rig.closed(c));
    rig.rr.add_worker(2);
    ASSERT_EQ(rig.sent.size(), 2u);
    EXPECT_EQ(rig.sent[1].worker, 2);
    EXPECT_EQ(rig.sent[1].id, rig.sent[0].id);
    rig.rr.acknowledge(1, rig.sent[0].id, true);  // a late answer from the one that left
    EXPECT_FALSE(rig.closed(c)) << "an answer from a worker that left must be ignored";
  }
  {  // a failed send keeps the connection first in line for another worker
    Rig rig;
    rig.refuse = {1};
    rig.rr.add_worker(1);
    const size_t c = rig.connect();
    EXPECT_TRUE(rig.sent.empty());
    EXPECT_EQ(rig.rr.pending(), 1u);
    EXPECT_FALSE(rig.closed(c));
    rig.rr.add_worker(2);
    ASSERT_EQ(rig.sent.size(), 1u);
    EXPECT_EQ(rig.sent[0].worker, 2);
  }
}

GRADED_TEST(RoundRobin, StaleOrUnknownAnswersAreIgnored, 4) {
  Rig rig;
  rig.rr.add_worker(1);
  const size_t c = rig.connect();
  ASSERT_EQ(rig.sent.size(), 1u);
  rig.rr.acknowledge(1, rig.sent[0].id + static_cast<uint64_t>(random_between(1, 99)), true);
  rig.rr.acknowledge(42, rig.sent[0].id, true);
  EXPECT_EQ(rig.rr.handed_out(1), 0u);
  EXPECT_FALSE(rig.closed(c));
  rig.connect();
  EXPECT_EQ(rig.sent.size(), 1u) << "worker 1 is still busy";
  rig.rr.acknowledge(1, rig.sent[0].id, true);
  rig.rr.acknowledge(1, rig.sent[0].id, true);  // twice: the second one is stale
  EXPECT_EQ(rig.rr.handed_out(1), 1u);
}

}  // namespace
}  // namespace osn::cluster
