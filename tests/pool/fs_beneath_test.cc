// tests/pool/fs_beneath_test.cc — open_beneath_sync keeps every open inside its root, by both
// methods: openat2(RESOLVE_BENEATH) (skipped, with the reason, where the kernel lacks it) and the
// component-wise O_NOFOLLOW walk. A real folder with real symbolic links: one to a file outside
// the root (must be refused), one to a file inside (openat2 allows it, the walk refuses every
// link), a subfolder, "..", an absolute path.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "loop/loop.h"
#include "pool/fs.h"
#include "pool/fs_beneath.h"
#include "tests/support/temp_dir.h"

namespace osn::pool::fs {
namespace {

class FsBeneath : public ::testing::TestWithParam<BeneathMethod> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    if (GetParam() == BeneathMethod::kOpenat2 && !have_openat2()) GTEST_SKIP() << "this kernel has no openat2(2)";
    root_ = dir_.file("root");
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/sub").c_str(), 0755), 0);
    ASSERT_TRUE(write_file_sync(root_ + "/inside.txt", "inside"));
    ASSERT_TRUE(write_file_sync(root_ + "/sub/deep.txt", "deep"));
    ASSERT_TRUE(write_file_sync(dir_.file("secret.txt"), "secret"));
    ASSERT_EQ(::symlink(dir_.file("secret.txt").c_str(), (root_ + "/absolute-out").c_str()), 0);
    ASSERT_EQ(::symlink("../secret.txt", (root_ + "/relative-out").c_str()), 0);
    ASSERT_EQ(::symlink("inside.txt", (root_ + "/link-in").c_str()), 0);
    ASSERT_EQ(::symlink("..", (root_ + "/sub/up").c_str()), 0);
  }
  kio::Result<std::string> read(const std::string& relative) {
    auto fd = open_beneath_sync(root_, relative, GetParam());
    if (!fd) return fd.error();
    return read_whole_sync(std::move(*fd));
  }

  test::TempDir dir_;
  std::string root_;
};

TEST_P(FsBeneath, PlainFilesAndSubfoldersOpen) {
  auto a = read("inside.txt");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(*a, "inside");
  auto b = read("sub/deep.txt");
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(*b, "deep");
}

TEST_P(FsBeneath, ASymlinkToAFileOutsideTheRootIsRefused) {
  for (const char* name : {"absolute-out", "relative-out", "sub/up/relative-out"}) {
    auto r = read(name);
    ASSERT_FALSE(r) << name << " was served: " << *r;
    // openat2: EXDEV; the walk: ELOOP for the file, ENOTDIR for a link opened as a folder
    EXPECT_TRUE(r.error().is(EXDEV) || r.error().is(ELOOP) || r.error().is(ENOTDIR)) << name << ": " << r.error().message();
  }
}

TEST_P(FsBeneath, DotDotAndAbsolutePathsAreRefusedBeforeAnyCall) {
  for (const char* name : {"../secret.txt", "sub/../../secret.txt", "/etc/hostname", "", "sub//deep.txt", "./inside.txt"}) {
    auto r = read(name);
    ASSERT_FALSE(r) << "'" << name << "' was served";
    EXPECT_TRUE(r.error().is(EACCES)) << name << ": " << r.error().message();
  }
}

TEST_P(FsBeneath, ASymlinkThatStaysInsideIsFollowedOnlyByOpenat2) {
  auto r = read("link-in");
  if (GetParam() == BeneathMethod::kWalk) {
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(ELOOP)) << r.error().message();
  } else {
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, "inside");
  }
}

TEST_P(FsBeneath, ReadFileBeneathRunsOnThePoolAndRefusesTheWayOut) {
  loop::Loop loop;
  kio::Result<std::string> inside = kio::SysError{"not called", 0};
  kio::Result<std::string> outside = kio::SysError{"not called", 0};
  read_file_beneath(loop, root_, "inside.txt", [&](kio::Result<std::string> r) { inside = std::move(r); });
  read_file_beneath(loop, root_, "relative-out", [&](kio::Result<std::string> r) { outside = std::move(r); });
  loop.run();
  ASSERT_TRUE(inside) << inside.error().message();
  EXPECT_EQ(*inside, "inside");
  EXPECT_FALSE(outside);
}

INSTANTIATE_TEST_SUITE_P(Method, FsBeneath,
                         ::testing::Values(BeneathMethod::kOpenat2, BeneathMethod::kWalk, BeneathMethod::kBest),
                         [](const auto& info) {
                           switch (info.param) {
                             case BeneathMethod::kOpenat2: return std::string("openat2");
                             case BeneathMethod::kWalk: return std::string("walk");
                             default: return std::string("best");
                           }
                         });

}  // namespace
}  // namespace osn::pool::fs
