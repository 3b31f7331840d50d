// tests/integration/ordering_test.cc — our loop orders callbacks exactly as Node does.
//
// For each scenario of examples/ordering: run build/bin/ordering SCENARIO, require the
// expected sequence (so the test means something without Node), and, when `node` is on PATH,
// run examples/ordering/SCENARIO.js and require byte-identical stdout. The ordering binary is
// found through OSN_BIN_DIR, else BUILD/bin beside this test binary; the .js files relative
// to the repository root (the working directory of `make test`). Every scenario runs four
// times, with each of the pool's two fast paths — the spin-wait (OSN_POOL_SPIN) and the batched
// submits (OSN_POOL_BATCH) — off and on: neither may change anything about what runs when.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/run_program.h"

namespace {

using osn::test::bin_dir;
using osn::test::on_path;
using osn::test::run_program;
using osn::test::RunOptions;

struct Scenario {
  const char* name;
  const char* expected;
};

constexpr Scenario kScenarios[] = {
    {"nexttick-first", "nextTick\nimmediate\n"},
    {"immediate-in-io", "io\nimmediate\ntimeout\n"},
    {"nested-nexttick", "tick 1\ntick 2\ntick 3\nimmediate\n"},
    {"immediate-chain", "immediate 1\ntick\nimmediate 2\n"},
    {"timers-same-deadline", "timer 1\ntimer 2\ntimer 3\ntimer 4\ntimer 5\n"},
    {"tick-between-timers", "timer 1\ntick\ntimer 2\n"},
    {"interval-clear", "interval 1\ninterval 2\ninterval 3\n"},
    {"pool-chain", "stat 1\nimmediate\nstat 2\n"},
    {"promise-then-tick-immediate", "nextTick\nthen\nimmediate\n"},
    {"await-null", "async start\nmain\nnextTick\nafter await\nthen\nimmediate\n"},
    {"promise-in-fs-callback", "stat\nnextTick\nthen\nimmediate\ntimeout\n"},
    {"microtask-tick-interleave",
     "tick 1\ntick 2\nmicro 1\nmicro from tick\nmicro 2\ntick from micro 1\n"
     "tick from micro from tick\nimmediate\n"},
    {"await-chain-vs-then-chain", "await 1\nthen 1\nawait 2\nthen 2\nawait 3\nthen 3\n"},
    {"await-timer-vs-immediate", "sleep start\nimmediate\nslept\ntimeout after\n"},
    {"rejection-caught-by-await", "main\nnextTick\ncaught ENOENT\n"},
    {"await-next-in-line",
     "parent 1\nmain\ninner 1\nafter inner()\nparent 2\ninner 2\nparent 3\nparent 4\nchild\n"
     "parent 5\ntick from parent\n"},
};

// The pool's mode to run a scenario in: each fast path off ("0") or on ("1").
struct PoolMode {
  const char* label;
  const char* spin;
  const char* batch;
};

constexpr PoolMode kPoolModes[] = {
    {"plain", "0", "0"}, {"spin", "1", "0"}, {"batch", "0", "1"}, {"spin_batch", "1", "1"}};

// gtest prints a parameter in failure messages: the scenario's name, not its bytes.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.name; }
void PrintTo(const PoolMode& m, std::ostream* os) { *os << m.label; }

class OrderingTest : public ::testing::TestWithParam<std::tuple<Scenario, PoolMode>> {
 protected:
  // The child's environment is ours plus the two switches; a value of our own would come
  // first and win, so drop it.
  void SetUp() override {
    ::unsetenv("OSN_POOL_SPIN");
    ::unsetenv("OSN_POOL_BATCH");
  }
  const Scenario& scenario() const { return std::get<0>(GetParam()); }
  std::vector<std::string> spin_env() const {
    const PoolMode& mode = std::get<1>(GetParam());
    return {std::string("OSN_POOL_SPIN=") + mode.spin,
            std::string("OSN_POOL_BATCH=") + mode.batch};
  }
};

std::string scenario_label(const ::testing::TestParamInfo<OrderingTest::ParamType>& info) {
  std::string name = std::get<0>(info.param).name;
  for (char& c : name)
    if (c == '-') c = '_';
  return name + "_" + std::get<1>(info.param).label;
}

TEST_P(OrderingTest, OsnodePrintsTheExpectedOrder) {
  std::string binary = bin_dir() + "/ordering";
  auto r = run_program(binary, {scenario().name}, RunOptions::with_env(spin_env()));
  ASSERT_TRUE(r.started) << binary << ": " << r.err;
  ASSERT_TRUE(r.finished) << "ordering " << scenario().name << " did not finish";
  EXPECT_TRUE(r.status.exited && r.status.exit_code == 0) << r.status.describe() << "\n" << r.err;
  EXPECT_EQ(r.out, scenario().expected);
}

TEST_P(OrderingTest, NodePrintsTheSameAsOsnode) {
  if (!on_path("node")) GTEST_SKIP() << "node is not on PATH: cannot compare with Node.js";
  std::string script = std::string("examples/ordering/") + scenario().name + ".js";
  if (::access(script.c_str(), R_OK) != 0)
    GTEST_SKIP() << script << " not found: run from the repository root (make test does)";
  auto ours = run_program(bin_dir() + "/ordering", {scenario().name}, RunOptions::with_env(spin_env()));
  auto node = run_program("node", {script});
  ASSERT_TRUE(ours.finished && node.finished);
  EXPECT_TRUE(node.status.exited && node.status.exit_code == 0) << node.err;
  EXPECT_EQ(node.out, scenario().expected) << "Node disagrees with the expected order";
  EXPECT_EQ(ours.out, node.out);
}

TEST(Ordering, UnknownScenarioIsAUsageError) {
  auto r = run_program(bin_dir() + "/ordering", {"no-such-scenario"});
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.status.exit_code, 64);
  EXPECT_NE(r.err.find("unknown scenario"), std::string::npos);
}

// The pool hides no phase handle: with its fast path on, OSN_TRACE=loop shows no idle or prepare
// handle in any iteration of the pool scenario (its callbacks run from the poll phase).
TEST(Ordering, ThePoolNeedsNoHiddenIdleOrPrepareHandle) {
  ::unsetenv("OSN_POOL_SPIN");
  auto r = run_program(bin_dir() + "/ordering", {"pool-chain"},
                       RunOptions::with_env({"OSN_TRACE=loop", "OSN_POOL_SPIN=1"}));
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.out, "stat 1\nimmediate\nstat 2\n");
  int iterations = 0;
  size_t start = 0;
  while (start < r.err.size()) {
    size_t end = r.err.find('\n', start);
    if (end == std::string::npos) end = r.err.size();
    std::string line = r.err.substr(start, end - start);
    start = end + 1;
    if (line.find(" iteration ") == std::string::npos) continue;
    ++iterations;
    EXPECT_NE(line.find(" idle=0("), std::string::npos) << line;
    EXPECT_NE(line.find(" prepare=0("), std::string::npos) << line;
  }
  EXPECT_GE(iterations, 2) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, OrderingTest,
                         ::testing::Combine(::testing::ValuesIn(kScenarios),
                                            ::testing::ValuesIn(kPoolModes)),
                         scenario_label);

}  // namespace
