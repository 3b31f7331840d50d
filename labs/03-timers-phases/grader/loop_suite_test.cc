// Lab 03, the loop's own tests: osnode's timer, queue and phase suites on the student's code.
//
// The suite_*.cc files beside this one compile tests/loop/*_test.cc into the grader; each check
// runs some of them (the /epoll instances of the loop tests) in a child process and is worth
// its points only if every selected test passes (labs/grading/run_suite.h). The floors are the
// number of tests each selection has today, so a filter that matches nothing fails.
#include "labs/grading/graded_test.h"
#include "labs/grading/run_suite.h"

namespace {

using osn::grading::expect_suite_passes;

GRADED_TEST(LoopSuite, TimerHeap, 3) { expect_suite_passes("TimerHeap.*", 6); }

GRADED_TEST(LoopSuite, Timers, 3) { expect_suite_passes("Backends/TimersTest.*/epoll", 16); }

GRADED_TEST(LoopSuite, Queues, 3) { expect_suite_passes("Backends/QueuesTest.*/epoll", 16); }

GRADED_TEST(LoopSuite, PhasesAndRunModes, 3) {
  expect_suite_passes("PhaseNames.*:Backends/PhaseHandlesTest.*/epoll:LoopCreate.*:Backends/RunModesTest.*/epoll", 29);
}

}  // namespace
