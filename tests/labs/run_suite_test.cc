// tests/labs/run_suite_test.cc — labs/grading/run_suite.h: a child's exit and output come back,
// a child past its deadline is killed, and a suite run in a child counts the tests that passed.
// This binary links labs/grading/graded_test.cc (its main), so it can run its own tests in a
// child the way a lab's grader does (RunSuiteSample.* are those tests).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <string>

#include "labs/grading/run_suite.h"

namespace osn::grading {
namespace {

// Two tests for the child runs below; the second fails only when the variable asks it to.
TEST(RunSuiteSample, Passes) { SUCCEED(); }
TEST(RunSuiteSample, FailsWhenAsked) {
  EXPECT_EQ(std::getenv("OSN_RUN_SUITE_SAMPLE_FAIL"), nullptr) << "asked to fail";
}

TEST(RunChild, ExitCodeAndBothOutputsComeBack) {
  ChildRun run = run_child({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 30'000);
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.output.find("out\n"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("err\n"), std::string::npos) << run.output;
}

TEST(RunChild, AChildPastItsDeadlineIsKilled) {
  ChildRun run = run_child({"/bin/sh", "-c", "exec sleep 60"}, 200);
  EXPECT_FALSE(run.finished);
  EXPECT_EQ(run.exit_code, -1) << "killed by a signal, not exited";
}

TEST(RunChild, AProgramThatCannotBeExecutedIs127) {
  ChildRun run = run_child({"/nonexistent/osn-no-such-program"}, 30'000);
  EXPECT_TRUE(run.finished);
  EXPECT_EQ(run.exit_code, 127);
  EXPECT_NE(run.output.find("/nonexistent/osn-no-such-program"), std::string::npos) << run.output;
}

TEST(RunSuiteInChild, CountsTheTestsThatPassed) {
  ::unsetenv("OSN_RUN_SUITE_SAMPLE_FAIL");
  ChildRun run = run_suite_in_child("RunSuiteSample.*", 60'000);
  EXPECT_TRUE(run.finished) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(passed_count(run.output), 2) << run.output;
}

TEST(RunSuiteInChild, AFailingTestFailsTheRun) {
  ::setenv("OSN_RUN_SUITE_SAMPLE_FAIL", "1", 1);
  ChildRun run = run_suite_in_child("RunSuiteSample.*", 60'000);
  ::unsetenv("OSN_RUN_SUITE_SAMPLE_FAIL");
  EXPECT_TRUE(run.finished) << run.output;
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_EQ(passed_count(run.output), 1) << run.output;
}

TEST(RunSuiteInChild, AFilterThatMatchesNothingPassesNoTest) {
  ChildRun run = run_suite_in_child("NoSuchSuite.*", 60'000);
  EXPECT_EQ(run.exit_code, 0) << "gtest passes an empty selection: hence expect_suite_passes' floor";
  EXPECT_EQ(passed_count(run.output), 0) << run.output;
}

}  // namespace
}  // namespace osn::grading
