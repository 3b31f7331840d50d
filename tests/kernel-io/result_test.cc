// tests/kernel-io/result_test.cc — errors as values: SysError, Result<T>, Status, errno_name.
#include "kernel-io/result.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

namespace osn::kio {
namespace {

TEST(ErrnoName, NamesTheSymbolsAManPageUses) {
  struct Case {
    int code;
    const char* name;
  };
  const Case cases[] = {
      {EPERM, "EPERM"},     {ENOENT, "ENOENT"},         {EINTR, "EINTR"},
      {EBADF, "EBADF"},     {ECHILD, "ECHILD"},         {EAGAIN, "EAGAIN"},
      {EMFILE, "EMFILE"},   {EINVAL, "EINVAL"},         {EPIPE, "EPIPE"},
      {ENOTSOCK, "ENOTSOCK"}, {EADDRINUSE, "EADDRINUSE"}, {ECONNREFUSED, "ECONNREFUSED"},
      {ECONNRESET, "ECONNRESET"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {EINPROGRESS, "EINPROGRESS"},
      {ETIMEDOUT, "ETIMEDOUT"}, {ENOTCONN, "ENOTCONN"},   {ESRCH, "ESRCH"},
  };
  for (const Case& c : cases) EXPECT_STREQ(errno_name(c.code), c.name) << c.code;
}

TEST(ErrnoName, EwouldblockIsReportedAsEagain) { EXPECT_STREQ(errno_name(EWOULDBLOCK), "EAGAIN"); }

TEST(ErrnoName, UnknownNumbersGetAPlaceholder) {
  EXPECT_STREQ(errno_name(0), "E?");
  EXPECT_STREQ(errno_name(99999), "E?");
}

TEST(SysError, MessageNamesCallSymbolAndProse) {
  SysError e{"accept4", EMFILE};
  EXPECT_EQ(e.message(), std::string("accept4: EMFILE (") + std::strerror(EMFILE) + ")");
  EXPECT_EQ(SysError({"read", EBADF}).message(), "read: EBADF (Bad file descriptor)");
}

TEST(SysError, IsAndWouldBlock) {
  SysError again{"read", EAGAIN};
  EXPECT_TRUE(again.is(EAGAIN));
  EXPECT_FALSE(again.is(EINTR));
  EXPECT_TRUE(again.would_block());
  EXPECT_TRUE((SysError{"read", EWOULDBLOCK}.would_block()));
  EXPECT_FALSE((SysError{"read", EPIPE}.would_block()));
}

TEST(SysError, LastErrorCapturesErrnoAndCall) {
  errno = ENOSPC;
  SysError e = last_error("write");
  EXPECT_STREQ(e.call, "write");
  EXPECT_EQ(e.code, ENOSPC);
}

TEST(Result, HoldsAValue) {
  Result<int> r = 42;
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(*r, 42);
  *r = 7;
  EXPECT_EQ(r.value(), 7);
  const Result<int>& cr = r;
  EXPECT_EQ(cr.value(), 7);
}

TEST(Result, HoldsAnError) {
  Result<int> r = SysError{"open", ENOENT};
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_STREQ(r.error().call, "open");
  EXPECT_EQ(r.error().code, ENOENT);
}

TEST(Result, ArrowReachesMembers) {
  Result<std::string> r = std::string("hello");
  EXPECT_EQ(r->size(), 5u);
}

TEST(Result, MoveOnlyValuesCanBeMovedOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 5);
}

TEST(Status, DefaultIsSuccess) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_TRUE(static_cast<bool>(s));
}

TEST(Status, CarriesAnError) {
  Status s = SysError{"close", EIO};
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, EIO);
  EXPECT_EQ(s.error().message(), std::string("close: EIO (") + std::strerror(EIO) + ")");
}

}  // namespace
}  // namespace osn::kio
