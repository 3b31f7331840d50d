// tests/labs/points_registry_test.cc — GRADED_TEST registers its points, and `--points` lists
// them. This suite links labs/grading/graded_test.cc (its main), so this very binary is a
// grader too: the check below is run through it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "labs/grading/graded_test.h"
#include "tests/support/run_program.h"

namespace osn::grading {
namespace {

// Draws one random number and prints it, so a run can be compared with another.
GRADED_TEST(PointsRegistry, ACheckWorthSevenPoints, 7) {
  std::printf("drawn %lld\n", static_cast<long long>(random_between(0, 1'000'000'000'000)));
}

std::string drawn_with_seed(const std::string& seed, std::string* err) {
  auto r = test::run_program("/proc/self/exe", {"--gtest_filter=PointsRegistry.ACheckWorthSevenPoints"},
                             test::RunOptions::with_env({"OSN_GRADE_SEED=" + seed}));
  *err = r.err;
  size_t at = r.out.find("drawn ");
  return r.exit_code == 0 && at != std::string::npos ? r.out.substr(at, r.out.find('\n', at) - at) : "<failed>";
}

TEST(PointsRegistry, DashDashPointsListsEveryGradedCheckWithItsPoints) {
  auto r = test::run_program("/proc/self/exe", {"--points"});
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "PointsRegistry.ACheckWorthSevenPoints 7\n") << "plain TESTs are not graded checks";
}

TEST(PointsRegistry, TheSeedIsPrintedAndReplaysTheSameNumbers) {
  std::string err1, err2, err3;
  std::string first = drawn_with_seed("12345", &err1), again = drawn_with_seed("12345", &err2);
  std::string other = drawn_with_seed("12346", &err3);
  EXPECT_NE(first, "<failed>");
  EXPECT_EQ(first, again) << "one seed, one sequence: a failing check can be replayed";
  EXPECT_NE(first, other);
  EXPECT_NE(err1.find("random seed 12345 (replay with OSN_GRADE_SEED=12345)"), std::string::npos) << err1;
}

}  // namespace
}  // namespace osn::grading
