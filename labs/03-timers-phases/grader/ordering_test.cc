// Lab 03, Node's ordering puzzles: osnode must print exactly what Node.js printed.
//
// For each scenario of examples/ordering, labs/03-timers-phases/expected/NAME.txt holds what
// `node examples/ordering/NAME.js` printed (expected/regenerate.sh wrote it; Node is not needed
// to grade). The check runs osnode's twin, build/bin/ordering NAME, linked with the student's
// timer heap and queues, and compares byte for byte. The binary is found through OSN_BIN_DIR,
// else as bin/ordering in the nearest build folder above the grader binary, else build/bin.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "labs/grading/graded_test.h"
#include "labs/grading/run_suite.h"

namespace {

namespace fs = std::filesystem;

// The lab folder: expected/ lives there (this file is LAB/grader/ordering_test.cc).
fs::path lab_dir() { return fs::path(__FILE__).parent_path().parent_path(); }

fs::path ordering_binary() {
  if (const char* dir = std::getenv("OSN_BIN_DIR"); dir != nullptr && *dir != '\0')
    return fs::path(dir) / "ordering";
  std::error_code ec;
  fs::path here = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (fs::path dir = here; !ec && !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
    if (fs::exists(dir / "bin" / "ordering")) return dir / "bin" / "ordering";
  return fs::path("build") / "bin" / "ordering";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_node_order(const char* scenario) {
  const fs::path expected_file = lab_dir() / "expected" / (std::string(scenario) + ".txt");
  ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing (expected/regenerate.sh)";
  const std::string expected = read_file(expected_file);
  ASSERT_FALSE(expected.empty()) << expected_file;
  const fs::path binary = ordering_binary();
  ASSERT_TRUE(fs::exists(binary)) << binary << " not found: build it with `make` (or set OSN_BIN_DIR)";
  // A binary older than the library would hold the code from before your changes.
  const fs::path library = binary.parent_path().parent_path() / "lib" / "libosn.a";
  std::error_code ec;
  if (fs::exists(library, ec)) {
    ASSERT_GE(fs::last_write_time(binary), fs::last_write_time(library))
        << binary << " is older than " << library << ": run `make` so it links your code";
  }
  auto run = osn::grading::run_child({binary.string(), scenario}, 30'000);
  ASSERT_TRUE(run.finished) << "ordering " << scenario << " did not finish; it printed:\n" << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output, expected) << "ordering " << scenario << " (left) vs node " << scenario
                                  << ".js (right)";
}

GRADED_TEST(NodeOrder, NexttickFirst, 3) { expect_node_order("nexttick-first"); }
GRADED_TEST(NodeOrder, NestedNexttick, 3) { expect_node_order("nested-nexttick"); }
GRADED_TEST(NodeOrder, ImmediateChain, 3) { expect_node_order("immediate-chain"); }
GRADED_TEST(NodeOrder, ImmediateInIo, 3) { expect_node_order("immediate-in-io"); }
GRADED_TEST(NodeOrder, TimersSameDeadline, 3) { expect_node_order("timers-same-deadline"); }
GRADED_TEST(NodeOrder, TickBetweenTimers, 3) { expect_node_order("tick-between-timers"); }
GRADED_TEST(NodeOrder, IntervalClear, 3) { expect_node_order("interval-clear"); }
GRADED_TEST(NodeOrder, PoolChain, 3) { expect_node_order("pool-chain"); }

}  // namespace
