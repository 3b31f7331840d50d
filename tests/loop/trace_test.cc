// tests/loop/trace_test.cc — OSN_TRACE=loop prints one line per iteration on stderr.
//
// Runs build/bin/ordering as a child process (the environment variable is read when a Loop
// is made) and reads its stderr: every phase name, the chosen poll timeout with its reason,
// and nothing at all without the variable.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "loop/loop.h"
#include "tests/support/run_program.h"

namespace osn::loop {
namespace {

using test::bin_dir;
using test::run_program;

std::string ordering_binary() { return bin_dir() + "/ordering"; }

TEST(Trace, OsnTraceLoopPrintsEveryPhaseAndThePollTimeout) {
  auto r = run_program(ordering_binary(), {"immediate-in-io"}, test::RunOptions::with_env({"OSN_TRACE=loop"}));
  ASSERT_TRUE(r.started) << r.err;
  ASSERT_TRUE(r.finished);
  EXPECT_TRUE(r.status.exited && r.status.exit_code == 0) << r.status.describe();
  EXPECT_EQ(r.out, "io\nimmediate\ntimeout\n") << "tracing must not change stdout";
  for (int p = 0; p < static_cast<int>(Phase::kCount); ++p) {
    std::string phase = std::string(" ") + phase_name(static_cast<Phase>(p)) + "=";
    EXPECT_NE(r.err.find(phase), std::string::npos) << "missing " << phase << " in:\n" << r.err;
  }
  EXPECT_NE(r.err.find("poll_timeout="), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[loop "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("iteration 1:"), std::string::npos) << r.err;
}

TEST(Trace, PollTimeoutReasonsAreSpelledOut) {
  // nexttick-first: an immediate is queued, so the first poll phase only looks.
  auto r = run_program(ordering_binary(), {"nexttick-first"}, test::RunOptions::with_env({"OSN_TRACE=loop"}));
  ASSERT_TRUE(r.started) << r.err;
  ASSERT_TRUE(r.finished);
  EXPECT_NE(r.err.find("poll_timeout=0(immediates queued)"), std::string::npos) << r.err;
  // timers-same-deadline: nothing else to do, so the poll phase sleeps until the timer.
  auto t = run_program(ordering_binary(), {"timers-same-deadline"}, test::RunOptions::with_env({"OSN_TRACE=loop"}));
  ASSERT_TRUE(t.finished);
  EXPECT_NE(t.err.find("(until the next timer)"), std::string::npos) << t.err;
}

TEST(Trace, SilentWithoutTheVariable) {
  if (std::getenv("OSN_TRACE")) GTEST_SKIP() << "OSN_TRACE is set in this environment";
  auto r = run_program(ordering_binary(), {"nexttick-first"});
  ASSERT_TRUE(r.started) << r.err;
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.out, "nextTick\nimmediate\n");
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace osn::loop
