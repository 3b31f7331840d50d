// tests/pool/backends_test.cc — the hand-back works on every loop backend this machine builds:
// the loop's Async wakes epoll_wait, poll and kevent alike.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "loop/backend.h"
#include "loop/loop.h"
#include "pool/fs.h"
#include "pool/queue_work.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

class PoolOnBackend : public ::testing::TestWithParam<std::string_view> {};

TEST_P(PoolOnBackend, CompletionsComeBackOnTheLoopThread) {
  loop::Loop loop(GetParam());
  const auto loop_thread = std::this_thread::get_id();
  constexpr int kRequests = 300;
  int on_loop = 0;
  for (int i = 0; i < kRequests; ++i)
    queue_work(loop, [] {}, [&](kio::Status s) { on_loop += s.ok() && std::this_thread::get_id() == loop_thread; });
  ASSERT_TRUE(testing::run_with_guard(loop));
  EXPECT_EQ(on_loop, kRequests);
}

TEST_P(PoolOnBackend, AFileReadWakesAnIdleLoop) {
  loop::Loop loop(GetParam());
  kio::Result<std::string> read = kio::SysError{"not called", 0};
  // The loop has nothing else to do: it blocks in its backend until the pool wakes it.
  loop.set_timeout(5, [&] {
    fs::read_file(loop, "/proc/self/stat", [&](kio::Result<std::string> r) { read = std::move(r); });
  });
  ASSERT_TRUE(testing::run_with_guard(loop));
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_FALSE(read->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, PoolOnBackend, ::testing::ValuesIn(loop::available_backends()),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace osn::pool
