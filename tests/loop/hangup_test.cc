// tests/loop/hangup_test.cc — a vanished peer is noticed by a watcher that asks for nothing.
//
// The shape of a server that has stopped reading (its answer is not ready yet) when the
// client resets the connection: the IoWatcher is started with interest 0, which still
// reports kError/kHangup on every backend (loop/backend.h), once — then the loop stops
// watching that fd, so an unhandled hang-up cannot keep waking the loop.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "tests/support/loop_fixture.h"
#include "tests/support/stream_pairs.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class HangupTest : public looptest::LoopTest {
 protected:
  static void reset_connection(kio::Fd& fd) {
    linger hard{1, 0};  // close with RST instead of FIN
    ASSERT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    fd.reset();
  }
};

TEST_P(HangupTest, AWatcherWithNoInterestSeesThePeerResetOnce) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  int calls = 0;
  uint32_t seen = 0;
  TimerId keep_alive = loop.set_timeout(5'000, [] {});  // the watcher alone keeps nobody alive
  IoWatcher watcher(loop, pair->b.get(), [&](uint32_t events) {
    ++calls;
    seen = events;
    loop.clear_timer(keep_alive);
  });
  ASSERT_TRUE(watcher.start(kReadable));
  ASSERT_TRUE(watcher.start(0));  // "stopped reading", as a paused stream does
  EXPECT_TRUE(watcher.is_watching());
  EXPECT_FALSE(watcher.is_active());
  ASSERT_TRUE(kio::write_some(pair->a.get(), {"unread", 6}));
  reset_connection(pair->a);
  run_bounded();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(seen & kError) << "events=" << seen;
  EXPECT_FALSE(seen & (kReadable | kWritable)) << "events=" << seen;
  EXPECT_FALSE(watcher.is_watching()) << "reported once, then no longer watched";

  // Reported once: another 20 ms of loop sees no second call, and only a few iterations
  // (a level-triggered hang-up still in the backend would spin the poll phase).
  const uint64_t before = loop.iteration();
  loop.set_timeout(20, [] {});
  run_bounded();
  EXPECT_EQ(calls, 1);
  EXPECT_LT(loop.iteration() - before, 10u);
}

TEST_P(HangupTest, StartingAgainAfterTheReportWatchesAgain) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  int calls = 0;
  uint32_t last = 0;
  TimerId keep_alive = loop.set_timeout(5'000, [] {});
  IoWatcher watcher(loop, pair->b.get(), [&](uint32_t events) {
    last = events;
    if (++calls == 1) {
      (void)watcher.start(kReadable);  // now read: the reset is still there to be seen
    } else {
      watcher.stop();
      loop.clear_timer(keep_alive);
    }
  });
  ASSERT_TRUE(watcher.start(0));
  reset_connection(pair->a);
  run_bounded();
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(last & kReadable) << "events=" << last;
  EXPECT_FALSE(watcher.is_watching());
}

INSTANTIATE_TEST_SUITE_P(Backends, HangupTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
