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
  loop::Loop loop;
  kio::Status seen;
  queue_work(loop, [] {}, [&](kio::Status s) { seen = s; });
  ASSERT_TRUE(testing::run_with_guard(loop));
  ASSERT_FALSE(seen.ok());
  EXPECT_TRUE(seen.error().is(EINVAL));
  EXPECT_STREQ(seen.error().call, "OSN_POOL_SPIN");
}

TEST(PoolSpin, AProgramWithARefusedValueSaysWhyAndItsRequestsFail) {
  auto pipe = kio::make_pipe();
  ASSERT_TRUE(pipe.ok());
  kio::SpawnOptions options;
  options.program = "/proc/self/exe";
  options.args = {"--gtest_also_run_disabled_tests",
                  "--gtest_filter=PoolSpinChild.DISABLED_QueueOneRequest"};
  options.extra_env = {"OSN_POOL_SPIN=yes"};
  // Our own value (if the suite runs with one) would come first in the child's environment.
  const char* ours = std::getenv("OSN_POOL_SPIN");
  std::string saved = ours ? ours : "";
  unsetenv("OSN_POOL_SPIN");
  options.inherit = {{pipe->write_end.get(), 1}, {pipe->write_end.get(), 2}};
  auto pid = kio::spawn_process(options);
  if (ours) setenv("OSN_POOL_SPIN", saved.c_str(), 1);
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  pipe->write_end.reset();
  std::string said;
  char buf[4096];
  for (;;) {
    auto ready = kio::wait_readable(pipe->read_end.get(), 10'000);
    if (!ready || !*ready) break;
    auto n = kio::read_some(pipe->read_end.get(), buf);
    if (!n || *n == 0) break;
    said.append(buf, *n);
  }
  auto status = kio::wait_child_for(*pid, 10'000);
  ASSERT_TRUE(status.ok());
  if (status->pid == 0) (void)kio::send_signal(*pid, SIGKILL), (void)kio::wait_child(*pid, true);
  ASSERT_NE(status->pid, 0) << "child did not finish";
  EXPECT_TRUE(status->exited && status->exit_code == 0) << status->describe() << "\n" << said;
  EXPECT_NE(said.find("OSN_POOL_SPIN=\"yes\" is refused"), std::string::npos) << said;
}

}  // namespace
}  // namespace osn::pool
