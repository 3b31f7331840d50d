// labs/06-cluster/grader/respawn_grade.cc — part 3: should_respawn and RespawnBackoff.
//
// The rule for every combination of facts, and the backoff against a model of respawn.h
// with a random policy and a random history of short and healthy lives.
#include <algorithm>
#include <vector>

#include "cluster/respawn.h"
#include "labs/grading/graded_test.h"

namespace osn::cluster {
namespace {

using grading::random_between;

GRADED_TEST(Respawn, TheRuleForEveryCombinationOfFacts, 5) {
  for (int bits = 0; bits < 8; ++bits) {
    const SlotFacts facts{.cluster_running = (bits & 1) != 0, .replacement_scheduled = (bits & 2) != 0, .served = (bits & 4) != 0};
    EXPECT_EQ(should_respawn(facts), bits == 1)
        << "running=" << facts.cluster_running << " scheduled=" << facts.replacement_scheduled << " served=" << facts.served;
  }
}

GRADED_TEST(Respawn, BackoffDoublesUpToTheCapAndAHealthyLifeResetsIt, 10) {
  for (int round = 0; round < 20; ++round) {
    RespawnPolicy policy;
    policy.initial_delay_ms = static_cast<uint64_t>(random_between(1, 500));
    policy.max_delay_ms = policy.initial_delay_ms * (uint64_t{1} << random_between(1, 6)) + static_cast<uint64_t>(random_between(0, 99));
    policy.stable_after_ms = static_cast<uint64_t>(random_between(100, 60'000));
    RespawnBackoff backoff(policy);
    unsigned crashes = 0;  // the model
    for (int death = 0; death < 60; ++death) {
      const bool healthy = random_between(0, 7) == 0;
      const uint64_t lived = healthy ? policy.stable_after_ms + static_cast<uint64_t>(random_between(0, 1000))
                                     : static_cast<uint64_t>(random_between(0, static_cast<std::int64_t>(policy.stable_after_ms) - 1));
      crashes = healthy ? 1 : crashes + 1;
      uint64_t want = policy.initial_delay_ms;
      for (unsigned i = 1; i < crashes && want < policy.max_delay_ms; ++i) want *= 2;
      want = std::min(want, policy.max_delay_ms);
      ASSERT_EQ(backoff.next_delay_ms(lived), want)
          << "initial " << policy.initial_delay_ms << " max " << policy.max_delay_ms << " stable " << policy.stable_after_ms
          << ", death " << death << " after " << lived << " ms";
      ASSERT_EQ(backoff.consecutive_crashes(), crashes);
    }
  }
  // A crash loop that never ends stays at the cap (no overflow back to small delays).
  RespawnBackoff endless(RespawnPolicy{.initial_delay_ms = 100, .max_delay_ms = 10'000, .stable_after_ms = 5'000});
  for (int i = 0; i < 200; ++i) {
    const uint64_t d = endless.next_delay_ms(0);
    if (i >= 7) {
      ASSERT_EQ(d, 10'000u) << "crash " << i;
    }
  }
}

}  // namespace
}  // namespace osn::cluster
