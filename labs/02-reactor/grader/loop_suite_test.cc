// Lab 02's first half: osnode's own loop tests, run on the student's epoll backend.
//
// The suite_*.cc files beside this one compile tests/loop/*_test.cc into the grader. Each
// check below runs one of those suites, restricted to its /epoll instances, in a child process
// (labs/grading/run_suite.h) and is worth its points only if every selected test passes. The
// floors are the number of tests each suite has today, so a filter that matches nothing fails.
#include "labs/grading/graded_test.h"
#include "labs/grading/run_suite.h"

namespace {

using osn::grading::expect_suite_passes;

GRADED_TEST(LoopSuite, BackendContract, 10) {
  expect_suite_passes("Backends/BackendTest.*/epoll:BackendRegistry.*", 15);
}

GRADED_TEST(LoopSuite, HangupsWithNoInterest, 5) { expect_suite_passes("Backends/HangupTest.*/epoll", 2); }

GRADED_TEST(LoopSuite, Streams, 10) {
  expect_suite_passes("Backends/StreamTest.*/epoll:Backends/LoopOwnedStreamTest.*/epoll", 34);
}

GRADED_TEST(LoopSuite, Listeners, 5) { expect_suite_passes("Backends/ListenerTest.*/epoll", 9); }

GRADED_TEST(LoopSuite, AsyncAndSignals, 5) {
  expect_suite_passes("Backends/AsyncTest.*/epoll:Backends/SignalTest.*/epoll", 20);
}

GRADED_TEST(LoopSuite, RunModesAndPhases, 5) {
  expect_suite_passes("Backends/RunModesTest.*/epoll:Backends/PhaseHandlesTest.*/epoll", 27);
}

}  // namespace
