// tests/cluster/scheduling_test.cc — round-robin flow control, respawn backoff, settings.
#include <cstdlib>
#include <vector>

#include "cluster/respawn.h"
#include "cluster/round_robin.h"
#include "cluster/settings.h"
#include "gtest/gtest.h"
#include "tests/support/round_robin_rig.h"

namespace osn::cluster {
namespace {

using testing::RoundRobinRig;
using testing::Sent;

TEST(RoundRobin, FreeWorkersTakeConnectionsInTurn) {
  RoundRobinRig rig;
  for (int w : {1, 2, 3}) rig.rr.add_worker(w);
  for (int i = 0; i < 6; ++i) {
    rig.connect();
    rig.rr.acknowledge(rig.sent.back().worker, rig.sent.back().id, true);
  }
  std::vector<int> order;
  for (const Sent& s : rig.sent) order.push_back(s.worker);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 1, 2, 3}));
  EXPECT_EQ(rig.rr.handed_out(2), 2u);
}

TEST(RoundRobin, AWorkerHasAtMostOneConnectionInFlight) {
  RoundRobinRig rig;
  rig.rr.add_worker(1);
  rig.connect();
  rig.connect();
  rig.connect();
  EXPECT_EQ(rig.sent.size(), 1u);
  EXPECT_EQ(rig.rr.pending(), 2u);
  rig.rr.acknowledge(1, rig.sent[0].id, true);  // the answer frees it: next one goes out
  EXPECT_EQ(rig.sent.size(), 2u);
  EXPECT_EQ(rig.rr.pending(), 1u);
}

TEST(RoundRobin, ARefusedConnectionGoesToAnotherWorker) {
  RoundRobinRig rig;
  rig.rr.add_worker(1);
  rig.rr.add_worker(2);
  rig.connect();
  ASSERT_EQ(rig.sent[0].worker, 1);
  rig.rr.stop_offering(1);
  rig.rr.acknowledge(1, rig.sent[0].id, false);
  ASSERT_EQ(rig.sent.size(), 2u);
  EXPECT_EQ(rig.sent[1].worker, 2);
  EXPECT_EQ(rig.sent[1].id, rig.sent[0].id) << "the same connection, retried";
}

TEST(RoundRobin, AWorkerThatLeavesGivesBackItsConnectionInFlight) {
  RoundRobinRig rig;
  rig.rr.add_worker(1);
  rig.connect();
  rig.rr.remove_worker(1);
  EXPECT_EQ(rig.rr.pending(), 1u);
  rig.rr.add_worker(2);
  ASSERT_EQ(rig.sent.size(), 2u);
  EXPECT_EQ(rig.sent[1].worker, 2);
}

TEST(RoundRobin, ConnectionsWaitWhenNoWorkerIsFree) {
  RoundRobinRig rig;
  for (int i = 0; i < 100; ++i) rig.connect();
  EXPECT_EQ(rig.rr.pending(), 100u);
  EXPECT_TRUE(rig.sent.empty());
  rig.rr.add_worker(7);
  EXPECT_EQ(rig.sent.size(), 1u);
}

TEST(RoundRobin, AStoppingWorkerGetsNothingNew) {
  RoundRobinRig rig;
  rig.rr.add_worker(1);
  rig.rr.add_worker(2);
  rig.rr.stop_offering(1);
  rig.connect();
  rig.connect();
  ASSERT_EQ(rig.sent.size(), 1u);
  EXPECT_EQ(rig.sent[0].worker, 2);
  EXPECT_EQ(rig.rr.free_workers(), 0u);
}

// What a graceful shutdown waits for before it stops the workers (primary_shutdown.cc, step 3):
// nothing pending and nothing sent but unacknowledged.
TEST(RoundRobin, IsHandedOverOnlyWhenNothingIsPendingOrInFlight) {
  RoundRobinRig rig;
  EXPECT_TRUE(rig.rr.handed_over());
  rig.connect();  // no worker yet: pending
  EXPECT_FALSE(rig.rr.handed_over());
  rig.rr.add_worker(1);  // sent, not acknowledged: in flight
  ASSERT_EQ(rig.sent.size(), 1u);
  EXPECT_FALSE(rig.rr.handed_over());
  rig.connect();  // the worker is busy: this one waits
  rig.rr.acknowledge(1, rig.sent[0].id, true);
  ASSERT_EQ(rig.sent.size(), 2u);
  EXPECT_FALSE(rig.rr.handed_over());
  rig.rr.acknowledge(1, rig.sent[1].id, true);
  EXPECT_TRUE(rig.rr.handed_over());
}

TEST(RoundRobin, StaleOrUnknownAcknowledgementsAreIgnored) {
  RoundRobinRig rig;
  rig.rr.add_worker(1);
  rig.connect();
  rig.rr.acknowledge(1, rig.sent[0].id + 99, true);
  rig.rr.acknowledge(42, rig.sent[0].id, true);
  EXPECT_EQ(rig.rr.handed_out(1), 0u);
  rig.connect();
  EXPECT_EQ(rig.sent.size(), 1u) << "worker 1 is still busy";
}

TEST(RespawnBackoff, DoublesForEachShortLifeUpToTheCap) {
  RespawnBackoff b(RespawnPolicy{.initial_delay_ms = 100, .max_delay_ms = 1000, .stable_after_ms = 5000});
  std::vector<uint64_t> delays;
  for (int i = 0; i < 7; ++i) delays.push_back(b.next_delay_ms(10));
  EXPECT_EQ(delays, (std::vector<uint64_t>{100, 200, 400, 800, 1000, 1000, 1000}));
  EXPECT_EQ(b.consecutive_crashes(), 7u);
}

TEST(RespawnBackoff, AHealthyLifeResetsTheCount) {
  RespawnBackoff b(RespawnPolicy{.initial_delay_ms = 100, .max_delay_ms = 1000, .stable_after_ms = 5000});
  (void)b.next_delay_ms(10);
  (void)b.next_delay_ms(10);
  EXPECT_EQ(b.next_delay_ms(5000), 100u);
  EXPECT_EQ(b.consecutive_crashes(), 1u);
}

TEST(Settings, TheDefaultSettingsAreOneWorkerPerCoreInRoundRobin) {
  EXPECT_EQ(Settings{}.workers, cpu_count());
  EXPECT_EQ(Settings{}.scheduling, Scheduling::kRoundRobin);
}

TEST(Settings, MoreWorkersThanCoresIsAllowedWithAWarning) {
  Settings s;
  EXPECT_EQ(workers_warning(s), "") << "one per core: nothing to say";
  s.workers = cpu_count() + 1;
  const std::string warning = workers_warning(s);
  EXPECT_NE(warning.find("WORKERS=" + std::to_string(cpu_count() + 1)), std::string::npos) << warning;
  EXPECT_NE(warning.find(std::to_string(cpu_count()) + " CPU cores"), std::string::npos) << warning;
  size_t parsed = 0;
  EXPECT_EQ(parse_workers("1024", &parsed), "") << "still allowed up to 1024";
}

TEST(RespawnRule, ReplaceOnlyWhileRunningAnUnservedSlotWithNoReplacementOnItsWay) {
  EXPECT_TRUE(should_respawn(SlotFacts{.cluster_running = true, .replacement_scheduled = false, .served = false}));
  EXPECT_FALSE(should_respawn(SlotFacts{.cluster_running = false, .replacement_scheduled = false, .served = false}))
      << "graceful shutdown: nothing is replaced";
  EXPECT_FALSE(should_respawn(SlotFacts{.cluster_running = true, .replacement_scheduled = true, .served = false}))
      << "one replacement per slot";
  EXPECT_FALSE(should_respawn(SlotFacts{.cluster_running = true, .replacement_scheduled = false, .served = true}))
      << "rolling restart: the new worker serves the slot";
}

TEST(Settings, BadValuesAreRefusedNamingTheVariable) {
  size_t n = 0;
  EXPECT_EQ(parse_workers("4", &n), "");
  EXPECT_EQ(n, 4u);
  for (const char* bad : {"", "0", "abc", "-1", "4x", "1025"}) {
    std::string e = parse_workers(bad, &n);
    EXPECT_EQ(e.rfind("WORKERS=", 0), 0u) << "'" << bad << "' -> '" << e << "'";
  }
  Scheduling s{};
  EXPECT_EQ(parse_scheduling("reuseport", &s), "");
  EXPECT_EQ(s, Scheduling::kReusePort);
  EXPECT_NE(parse_scheduling("random", &s).find("SCHED=random"), std::string::npos);
  uint16_t port = 0;
  EXPECT_NE(parse_port("70000", &port).find("PORT=70000"), std::string::npos);
}

TEST(Settings, EnvironmentOverridesDefaults) {
  ::setenv("WORKERS", "3", 1);
  ::setenv("SCHED", "shared", 1);
  Settings s;
  EXPECT_EQ(apply_environment(s), "");
  EXPECT_EQ(s.workers, 3u);
  EXPECT_EQ(s.scheduling, Scheduling::kShared);
  ::setenv("WORKERS", "many", 1);
  EXPECT_EQ(apply_environment(s).rfind("WORKERS=many", 0), 0u);
  ::unsetenv("WORKERS");
  ::unsetenv("SCHED");
}

}  // namespace
}  // namespace osn::cluster
