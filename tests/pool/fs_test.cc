// tests/pool/fs_test.cc — file system requests: results and errors come back on the loop.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "loop/loop.h"
#include "pool/fs.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

using testing::run_with_guard;

class FsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/osn-fs-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const char* name : {"/a.txt", "/b.txt"}) unlink((dir_ + name).c_str());
    rmdir(dir_.c_str());
  }
  std::string path(const char* name) const { return dir_ + "/" + name; }

  loop::Loop loop_;
  std::string dir_;
};

TEST_F(FsTest, WriteFileThenReadFileAndStat) {
  const std::string text = "The loop thread asks; a pool thread reads.\n";
  kio::Status wrote = kio::SysError{"not called", 0};
  kio::Result<std::string> read = kio::SysError{"not called", 0};
  off_t size = -1;
  const auto loop_thread = std::this_thread::get_id();
  fs::write_file(loop_, path("a.txt"), text, [&](kio::Status s) {
    wrote = s;
    EXPECT_EQ(std::this_thread::get_id(), loop_thread);
    fs::read_file(loop_, path("a.txt"), [&](kio::Result<std::string> r) { read = std::move(r); });
    fs::stat(loop_, path("a.txt"), [&](kio::Result<struct stat> st) {
      if (st) size = st->st_size;
    });
  });
  ASSERT_TRUE(run_with_guard(loop_));
  ASSERT_TRUE(wrote.ok()) << wrote.error().message();
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(read.value(), text);
  EXPECT_EQ(size, static_cast<off_t>(text.size()));
}

TEST_F(FsTest, OpenWriteReadCloseAtOffsets) {
  kio::Result<kio::Fd> opened = kio::SysError{"not called", 0};
  fs::open(loop_, path("b.txt"), O_RDWR | O_CREAT | O_TRUNC, 0600,
           [&](kio::Result<kio::Fd> fd) { opened = std::move(fd); });
  ASSERT_TRUE(run_with_guard(loop_));
  ASSERT_TRUE(opened.ok()) << opened.error().message();
  const int fd = opened->get();
  const std::string data = "0123456789";
  char buffer[4] = {};
  size_t written = 0, got = 0;
  fs::write(loop_, fd, data, 0, [&](kio::Result<size_t> n) {
    ASSERT_TRUE(n.ok());
    written = *n;
    fs::read(loop_, fd, buffer, 6, [&](kio::Result<size_t> r) {
      ASSERT_TRUE(r.ok());
      got = *r;
    });
  });
  ASSERT_TRUE(run_with_guard(loop_));
  EXPECT_EQ(written, data.size());
  ASSERT_EQ(got, 4u);
  EXPECT_EQ(std::string(buffer, 4), "6789");
  kio::Status closed = kio::SysError{"not called", 0};
  fs::close(loop_, std::move(*opened), [&](kio::Status s) { closed = s; });
  ASSERT_TRUE(run_with_guard(loop_));
  EXPECT_TRUE(closed.ok());
  EXPECT_EQ(fcntl(fd, F_GETFD), -1) << "the descriptor is closed";
}

TEST_F(FsTest, MissingFileIsEnoentNamingTheCall) {
  kio::Result<std::string> read = std::string("not called");
  kio::Result<struct stat> st = kio::SysError{"not called", 0};
  fs::read_file(loop_, path("missing"), [&](kio::Result<std::string> r) { read = std::move(r); });
  fs::stat(loop_, path("missing"), [&](kio::Result<struct stat> r) { st = r; });
  ASSERT_TRUE(run_with_guard(loop_));
  ASSERT_FALSE(read.ok());
  EXPECT_TRUE(read.error().is(ENOENT));
  EXPECT_EQ(read.error().message(), "open: ENOENT (No such file or directory)");
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is(ENOENT));
  EXPECT_STREQ(st.error().call, "stat");
}

TEST_F(FsTest, ReadFromABadDescriptorIsEbadf) {
  char buffer[8];
  kio::Result<size_t> got = size_t{99};
  fs::read(loop_, -1, buffer, -1, [&](kio::Result<size_t> r) { got = r; });
  ASSERT_TRUE(run_with_guard(loop_));
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.error().is(EBADF));
}

TEST_F(FsTest, ReadFileOfAProcFileWithoutASize) {
  kio::Result<std::string> read = kio::SysError{"not called", 0};
  fs::read_file(loop_, "/proc/self/status", [&](kio::Result<std::string> r) { read = std::move(r); });
  ASSERT_TRUE(run_with_guard(loop_));
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_NE(read->find("Threads:"), std::string::npos);
}

}  // namespace
}  // namespace osn::pool
