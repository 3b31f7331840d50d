// tests/kernel-io/fd_test.cc — Fd closes exactly once; duplicate(); O_NONBLOCK / FD_CLOEXEC.
#include "kernel-io/fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>

#include "kernel-io/pipe.h"
#include "tests/support/fd_table.h"

namespace osn::kio {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) >= 0; }

// A plain pipe(2): blocking, not close-on-exec — the defaults we switch away from.
std::pair<int, int> raw_pipe() {
  int fds[2] = {-1, -1};
  EXPECT_EQ(::pipe(fds), 0);
  return {fds[0], fds[1]};
}

TEST(Fd, DefaultIsEmpty) {
  Fd fd;
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(static_cast<bool>(fd));
  EXPECT_EQ(fd.get(), -1);
}

TEST(Fd, DestructorClosesTheDescriptor) {
  auto [r, w] = raw_pipe();
  {
    Fd owner(r);
    EXPECT_TRUE(owner.valid());
    EXPECT_EQ(owner.get(), r);
  }
  EXPECT_FALSE(is_open(r));
  EXPECT_EQ(errno, EBADF);
  ::close(w);
}

TEST(Fd, MoveConstructionTransfersOwnership) {
  auto [r, w] = raw_pipe();
  Fd a(r);
  Fd b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.get(), r);
  b.reset();
  EXPECT_FALSE(is_open(r));
  ::close(w);
}

TEST(Fd, MoveAssignmentClosesWhatTheTargetHeld) {
  auto [r, w] = raw_pipe();
  Fd target(r);
  Fd source(w);
  target = std::move(source);
  EXPECT_FALSE(is_open(r));
  EXPECT_TRUE(is_open(w));
  EXPECT_EQ(target.get(), w);
  Fd& alias = target;
  target = std::move(alias);  // self-move keeps the descriptor open
  EXPECT_TRUE(is_open(w));
  EXPECT_EQ(target.get(), w);
}

TEST(Fd, ReleaseGivesUpOwnershipWithoutClosing) {
  auto [r, w] = raw_pipe();
  int released;
  {
    Fd owner(r);
    released = owner.release();
    EXPECT_FALSE(owner.valid());
  }
  EXPECT_EQ(released, r);
  EXPECT_TRUE(is_open(r));
  ::close(r);
  ::close(w);
}

TEST(Fd, ResetClosesTheOldAndAdoptsTheNew) {
  auto [r, w] = raw_pipe();
  Fd owner(r);
  owner.reset(w);
  EXPECT_FALSE(is_open(r));
  EXPECT_EQ(owner.get(), w);
  owner.reset();
  EXPECT_FALSE(is_open(w));
  EXPECT_FALSE(owner.valid());
}

TEST(Fd, ResetToTheSameNumberKeepsItOpen) {
  auto [r, w] = raw_pipe();
  Fd owner(r);
  owner.reset(r);
  EXPECT_TRUE(is_open(r));
  EXPECT_EQ(owner.get(), r);
  ::close(w);
}

TEST(Fd, CloseTwiceIsANoOpAndNeverClosesAReusedNumber) {
  auto [r, w] = raw_pipe();
  Fd owner(r);
  ASSERT_TRUE(owner.close().ok());
  EXPECT_FALSE(owner.valid());
  // Somebody else now gets the same number (dup2 forces it; open() would pick it anyway).
  ASSERT_EQ(::dup2(w, r), r);
  auto second = owner.close();
  EXPECT_TRUE(second.ok());
  EXPECT_TRUE(is_open(r)) << "the second close() closed a descriptor it no longer owned";
  ::close(r);
  ::close(w);
}

TEST(Fd, CloseReportsEbadfWhenTheNumberWasClosedBehindItsBack) {
  auto [r, w] = raw_pipe();
  Fd owner(r);
  ::close(r);  // the bug Fd exists to prevent, done on purpose
  auto s = owner.close();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, EBADF);
  EXPECT_EQ(s.error().message(), "close: EBADF (Bad file descriptor)");
  EXPECT_FALSE(owner.valid());
  ::close(w);
}

TEST(Duplicate, GivesANewCloexecNumberForTheSameOpenFile) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok()) << p.error().message();
  auto copy = duplicate(p->write_end.get());
  ASSERT_TRUE(copy.ok()) << copy.error().message();
  EXPECT_NE(copy->get(), p->write_end.get());
  EXPECT_TRUE(is_cloexec(copy->get()));
  EXPECT_EQ(test::fd_target(copy->get()), test::fd_target(p->write_end.get()));
  // Same open file description: data written through the copy comes out of the read end,
  // and status flags (O_NONBLOCK) are shared, while FD_CLOEXEC belongs to each number.
  ASSERT_EQ(::write(copy->get(), "x", 1), 1);
  char c = 0;
  ASSERT_EQ(::read(p->read_end.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
  ASSERT_TRUE(set_nonblocking(copy->get(), false).ok());
  EXPECT_FALSE(is_nonblocking(p->write_end.get()));
  ASSERT_TRUE(set_cloexec(copy->get(), false).ok());
  EXPECT_TRUE(is_cloexec(p->write_end.get()));
}

TEST(Duplicate, OfAClosedDescriptorNamesTheCall) {
  auto [r, w] = raw_pipe();
  ::close(r);
  ::close(w);
  auto copy = duplicate(r);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.error().message(), "fcntl(F_DUPFD_CLOEXEC): EBADF (Bad file descriptor)");
}

TEST(Flags, SetNonblockingTogglesOnlyThatFlag) {
  auto [r, w] = raw_pipe();
  Fd rd(r), wr(w);
  EXPECT_FALSE(is_nonblocking(r));
  ASSERT_TRUE(set_nonblocking(r).ok());
  EXPECT_TRUE(is_nonblocking(r));
  EXPECT_TRUE(::fcntl(r, F_GETFL) & O_NONBLOCK);
  EXPECT_FALSE(is_cloexec(r));
  ASSERT_TRUE(set_nonblocking(r).ok());  // already on: still fine
  ASSERT_TRUE(set_nonblocking(r, false).ok());
  EXPECT_FALSE(::fcntl(r, F_GETFL) & O_NONBLOCK);
}

TEST(Flags, SetCloexecTogglesOnlyThatFlag) {
  auto [r, w] = raw_pipe();
  Fd rd(r), wr(w);
  EXPECT_FALSE(is_cloexec(w));
  ASSERT_TRUE(set_cloexec(w).ok());
  EXPECT_TRUE(is_cloexec(w));
  EXPECT_TRUE(::fcntl(w, F_GETFD) & FD_CLOEXEC);
  EXPECT_FALSE(is_nonblocking(w));
  ASSERT_TRUE(set_cloexec(w, false).ok());
  EXPECT_FALSE(::fcntl(w, F_GETFD) & FD_CLOEXEC);
}

TEST(Flags, OnAClosedDescriptorQueriesAreFalseAndSettersNameTheCall) {
  auto [r, w] = raw_pipe();
  ::close(r);
  ::close(w);
  EXPECT_FALSE(is_nonblocking(r));
  EXPECT_FALSE(is_cloexec(r));
  auto nb = set_nonblocking(r);
  ASSERT_FALSE(nb.ok());
  EXPECT_EQ(nb.error().message(), "fcntl(O_NONBLOCK): EBADF (Bad file descriptor)");
  auto ce = set_cloexec(r);
  ASSERT_FALSE(ce.ok());
  EXPECT_EQ(ce.error().message(), "fcntl(FD_CLOEXEC): EBADF (Bad file descriptor)");
}

}  // namespace
}  // namespace osn::kio
