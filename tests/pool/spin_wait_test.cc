// tests/pool/spin_wait_test.cc — the optional fast path: SpinBackoff's decisions, and
// OSN_POOL_SPIN read strictly (0 or 1; anything else refused by name).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "loop/loop.h"
#include "pool/queue_work.h"
#include "pool/work_queue.h"
#include "pool/spin_wait.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

// Asks `b` for its next `n` decisions (spin or not), reporting each spin as missed.
std::vector<bool> decisions_while_missing(SpinBackoff& b, int n) {
  std::vector<bool> spun;
  for (int i = 0; i < n; ++i) {
    bool spin = b.should_spin();
    spun.push_back(spin);
    if (spin) b.missed();
  }
  return spun;
}

TEST(SpinBackoff, SpinsUntilTold) {
  SpinBackoff b;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.should_spin());
}

TEST(SpinBackoff, OneMissAloneIsForgiven) {
  SpinBackoff b;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(b.should_spin()) << "round " << i;
    b.missed();  // a miss ...
    ASSERT_TRUE(b.should_spin()) << "round " << i;
    b.caught();  // ... then a catch: never a skipped chance
  }
}

TEST(SpinBackoff, MissesInARowSkip1Then2Then4ChancesUpTo64) {
  SpinBackoff b;
  // miss, miss -> skip 1; miss -> skip 2; miss -> skip 4 ...
  std::vector<bool> expected = {true, true, false, true, false, false, true,
                                false, false, false, false, true};
  EXPECT_EQ(decisions_while_missing(b, static_cast<int>(expected.size())), expected);
  // Keep missing: the skips double until they reach 64 and stay there.
  int skipped = 0, longest = 0;
  for (int i = 0; i < 2000; ++i) {
    if (b.should_spin()) {
      b.missed();
      longest = std::max(longest, skipped);
      skipped = 0;
    } else {
      ++skipped;
    }
  }
  EXPECT_EQ(longest, static_cast<int>(SpinBackoff::kMaxSkip));
}

TEST(SpinBackoff, OneCatchResetsTheBackoff) {
  SpinBackoff b;
  (void)decisions_while_missing(b, 40);  // deep into backing off
  while (!b.should_spin()) {
  }
  b.caught();
  // As new: a miss is forgiven, the second in a row skips exactly one chance.
  std::vector<bool> expected = {true, true, false, true};
  EXPECT_EQ(decisions_while_missing(b, 4), expected);
}

TEST(PoolSpin, UnsetMeansTheDefault) {
  PoolSpinChoice c = parse_pool_spin(nullptr);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.on, kPoolSpinDefault);
}

TEST(PoolSpin, ZeroIsOffAndOneIsOn) {
  EXPECT_TRUE(parse_pool_spin("0").ok());
  EXPECT_FALSE(parse_pool_spin("0").on);
  EXPECT_TRUE(parse_pool_spin("1").ok());
  EXPECT_TRUE(parse_pool_spin("1").on);
}

TEST(PoolSpin, RefusesEverythingElseNamingTheVariable) {
  for (const char* bad : {"", "2", "on", "yes", "01", " 1", "1 ", "true", "-1"}) {
    PoolSpinChoice c = parse_pool_spin(bad);
    EXPECT_FALSE(c.ok()) << '"' << bad << '"';
    EXPECT_NE(c.error.find(std::string("OSN_POOL_SPIN=\"") + bad + "\" is refused"),
              std::string::npos)
        << c.error;
    EXPECT_NE(c.error.find("0 ("), std::string::npos) << c.error;
  }
}

// Runs in a child process started by the test below, with OSN_POOL_SPIN=yes.
TEST(PoolSpinChild, DISABLED_QueueOneRequest) {
  EXPECT_NE(pool_environment_problem().find("OSN_POOL_SPIN=\"yes\" is refused"),
            std::string::npos)
      << pool_environment_problem();
  testing::expect_first_request_refused_by("OSN_POOL_SPIN");
}

TEST(PoolSpin, AProgramWithARefusedValueSaysWhyAndItsRequestsFail) {
  testing::ChildRun child = testing::run_test_child_with("PoolSpinChild.DISABLED_QueueOneRequest", "OSN_POOL_SPIN", "yes");
  EXPECT_TRUE(child.exited_zero) << child.said;
  EXPECT_NE(child.said.find("OSN_POOL_SPIN=\"yes\" is refused"), std::string::npos) << child.said;
}

}  // namespace
}  // namespace osn::pool
