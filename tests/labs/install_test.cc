// tests/labs/install_test.cc — `make install PREFIX=...` and labs/assignment-template, the way a
// student uses them: install into a fresh prefix, copy the template out of the tree, build it
// with PKG_CONFIG_PATH pointing at the prefix, run its program and its test.
//
// The install is made from this test's own build folder (BUILD/tests/labs_test → BUILD) with
// the variant it was built with (BUILD/lab-variant.txt: CXX, BACKEND, SANITIZE), so a
// sanitizer build installs and links a sanitizer library. Skipped, with the reason, where make
// or pkg-config is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// This test binary's build folder: the parent of the folder holding it.
std::string build_dir() {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "build";
  std::string path(self, static_cast<size_t>(n));
  path = path.substr(0, path.rfind('/'));  // BUILD/tests
  return path.substr(0, path.rfind('/'));
}

// A sub-make must not join the jobserver of the `make test` that started us.
RunOptions make_options(std::vector<std::string> env) {
  env.push_back("MAKEFLAGS=");
  env.push_back("MAKELEVEL=");
  env.push_back("MFLAGS=");
  RunOptions options = RunOptions::with_env(std::move(env));
  options.timeout_ms = 300'000;
  return options;
}

class Install : public testing::Test {
 protected:
  void SetUp() override {
    if (!on_path("make")) GTEST_SKIP() << "make is not installed";
    if (!on_path("pkg-config")) GTEST_SKIP() << "pkg-config is not installed (apt-get install pkg-config)";
    ASSERT_TRUE(dir_.ok());
    prefix_ = dir_.file("prefix");
    std::string build = build_dir();
    std::vector<std::string> args = {"-s", "--no-print-directory", "install", "PREFIX=" + prefix_, "BUILD=" + build};
    std::istringstream variant(read_text(build + "/lab-variant.txt"));
    for (std::string word; variant >> word;) args.push_back(word);  // CXX=... BACKEND=... SANITIZE=...
    auto r = run_program("make", args, make_options({}));
    ASSERT_TRUE(r.finished && r.exit_code == 0) << "make install failed:\n" << r.out << r.err;
  }

  TempDir dir_;
  std::string prefix_;
};

TEST_F(Install, PutsHeadersUnderTheirLayerPathsTheLibraryAndAPkgConfigFile) {
  for (const char* header : {"kernel-io/fd.h", "loop/loop.h", "pool/queue_work.h", "http/server.h", "cluster/primary.h"})
    EXPECT_FALSE(read_text(prefix_ + "/include/osnode/" + header).empty()) << header;
  EXPECT_EQ(::access((prefix_ + "/lib/libosn.a").c_str(), R_OK), 0);
  auto r = run_program("pkg-config", {"--cflags", "--libs", "osnode"},
                       RunOptions::with_env({"PKG_CONFIG_PATH=" + prefix_ + "/lib/pkgconfig"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-I" + prefix_ + "/include/osnode"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-std=c++20"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-pthread"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-L" + prefix_ + "/lib"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-losn"), std::string::npos) << r.out;
}

TEST_F(Install, TheAssignmentTemplateBuildsOutsideTheTreeAndItsTestPasses) {
  std::string app = dir_.file("my-assignment");
  auto copied = run_program("cp", {"-R", "labs/assignment-template", app});
  ASSERT_EQ(copied.exit_code, 0) << "run from the repository root: " << copied.err;
  std::vector<std::string> env = {"PKG_CONFIG_PATH=" + prefix_ + "/lib/pkgconfig"};
  std::istringstream variant(read_text(build_dir() + "/lab-variant.txt"));
  for (std::string word; variant >> word;)
    if (word.rfind("CXX=", 0) == 0) env.push_back(word);  // the compiler the library was built with
  auto built = run_program("make", {"-C", app, "all", "test"}, make_options(env));
  ASSERT_TRUE(built.finished) << "make did not finish";
  EXPECT_EQ(built.exit_code, 0) << built.out << built.err;
  EXPECT_NE(built.out.find("test: all checks passed"), std::string::npos) << built.out;
  auto ran = run_program(app + "/app", {});
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(ran.out.substr(0, 10), "next_tick\n") << ran.out;
  EXPECT_NE(ran.out.find("after_work\n"), std::string::npos) << ran.out;
}

}  // namespace
}  // namespace osn::test
