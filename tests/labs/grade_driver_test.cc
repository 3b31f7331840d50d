// tests/labs/grade_driver_test.cc — the grade driver (labs/grading/grade.sh) against a fake
// grader: a shell script that answers --points and --gtest_filter the way a GRADED_TEST binary
// does, with one check that passes, one that fails, one that hangs (and forks a child that
// would outlive it), one that is skipped and, in the "TSan build", one with a race report.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace osn::test {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_script(const std::string& path, const std::string& body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  ::chmod(path.c_str(), 0755);
}

// A grader whose checks behave as their names say. `race` makes Fake.Passes print a
// ThreadSanitizer report (the TSan build of the same checks).
std::string fake_grader(const TempDir& dir, const std::string& name, bool race) {
  std::string path = dir.file(name);
  write_script(path, std::string("case \"$1\" in\n") +
                         "  --points) printf 'Fake.Passes 3\\nFake.Fails 2\\nFake.Hangs 4\\nFake.Skips 1\\n' ;;\n"
                         "  --gtest_filter=Fake.Passes) " +
                         (race ? "echo 'WARNING: ThreadSanitizer: data race (pid=1)'; exit 66 ;;\n"
                               : "echo '[  PASSED  ] 1 test.' ;;\n") +
                         "  --gtest_filter=Fake.Fails) echo 'the reason it failed'; echo '[  FAILED  ] 1 test, listed below:'; exit 1 ;;\n"
                         "  --gtest_filter=Fake.Hangs) sleep 300 & echo $! >" + dir.file("sleeper.pid") + "; wait ;;\n"
                         "  --gtest_filter=Fake.Skips) echo 'x.cc:3: Skipped'; echo 'redis-server is not installed';"
                         " echo '[  SKIPPED ] 1 test, listed below:' ;;\n"
                         "  *) echo \"unexpected arguments: $*\"; exit 9 ;;\n"
                         "esac\n");
  return path;
}

ProgramResult grade(const std::vector<std::string>& args) {
  RunOptions options = RunOptions::with_env({"GRADE_TIMEOUT=2"});
  options.timeout_ms = 60'000;
  return run_program("labs/grading/grade.sh", args, options);
}

// Gone, or a zombie waiting for init: either way no longer running.
bool process_ended(pid_t pid) {
  for (int i = 0; i < 100; ++i) {
    std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty() || stat.find(") Z ") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(GradeDriver, PrintsEachCheckWithPointsAndTheScoreLast) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto r = grade({"07", fake_grader(dir, "grader", false), dir.file("out")});
  ASSERT_TRUE(r.finished) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << "below full marks";
  EXPECT_NE(r.out.find("  PASS  Fake.Passes  (3/3)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  FAIL  Fake.Fails  (0/2)  failed: " + dir.file("out") + "/Fake.Fails.log\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  TIME  Fake.Hangs  (0/4)  killed after 2 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  SKIP  Fake.Skips  (0/1)  skipped (redis-server is not installed)"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1), "lab 07: 3/10 points\n");
}

TEST(GradeDriver, KeepsTheOutputOfFailingChecksOnly) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto r = grade({"07", fake_grader(dir, "grader", false), dir.file("out")});
  ASSERT_TRUE(r.finished);
  EXPECT_NE(read_text(dir.file("out") + "/Fake.Fails.log").find("the reason it failed"), std::string::npos);
  EXPECT_EQ(read_text(dir.file("out") + "/Fake.Passes.log"), "");
  EXPECT_NE(read_text(dir.file("out") + "/Fake.Hangs.log"), "x") << "kept (it may be empty)";
}

TEST(GradeDriver, AHungCheckIsKilledWithTheChildrenItForked) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto r = grade({"07", fake_grader(dir, "grader", false), dir.file("out")});
  ASSERT_TRUE(r.finished);
  std::string pid_text = read_text(dir.file("sleeper.pid"));
  ASSERT_FALSE(pid_text.empty()) << "the hanging check never started";
  pid_t sleeper = static_cast<pid_t>(std::stol(pid_text));
  bool ended = process_ended(sleeper);
  if (!ended) ::kill(sleeper, SIGKILL);
  EXPECT_TRUE(ended) << "the hung check's child " << sleeper << " survived its time limit";
}

TEST(GradeDriver, ATsanReportFailsACheckThatPassesWithoutTsan) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto r = grade({"04", fake_grader(dir, "grader", false), dir.file("out"), fake_grader(dir, "tsan-grader", true)});
  ASSERT_TRUE(r.finished);
  EXPECT_NE(r.out.find("  RACE  Fake.Passes  (0/3)  ThreadSanitizer report in the TSan build: " + dir.file("out") +
                       "/Fake.Passes.tsan.log"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("lab 04: 0/10 points"), std::string::npos);
}

TEST(GradeDriver, FullMarksExitZero) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("grader");
  write_script(path, "case \"$1\" in --points) echo 'A.One 2'; echo 'A.Two 5' ;; *) echo '[  PASSED  ] 1 test.' ;; esac\n");
  auto r = grade({"03", path, dir.file("out")});
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("lab 03: 7/7 points"), std::string::npos) << r.out;
}

TEST(GradeDriver, AGraderWhosePointsCannotBeReadIsRefused) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string path = dir.file("grader");
  write_script(path, "echo 'not a check line'\n");
  auto r = grade({"03", path, dir.file("out")});
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not 'Suite.Name points'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("points"), std::string::npos) << "no score line for a grader that cannot be read";
}

}  // namespace
}  // namespace osn::test
