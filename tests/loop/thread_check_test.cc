// tests/loop/thread_check_test.cc — a call from a thread that does not own the loop is caught.
//
// Debug builds (no NDEBUG) check every entry point of the loop — timers, queues, handle
// registration — and abort with a message naming the call and both threads (muduo's
// assertInLoopThread). Death tests run the offending call in a child process; the
// "threadsafe" style re-executes the test binary there, so the child starts with one thread.
// The owner rule (loop/loop.h): the constructing thread, until a thread calls run().
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <string>
#include <thread>

#include "kernel-io/pipe.h"
#include "loop/async.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"

namespace osn::loop {
namespace {

#ifdef NDEBUG
constexpr bool kChecked = false;
#else
constexpr bool kChecked = true;
#endif

// Runs `call` on a new thread (not the loop's) and waits for it.
void from_another_thread(const std::function<void()>& call) {
  std::thread other(call);
  other.join();
}

struct EntryPoint {
  const char* name;  // what the message must name
  std::function<void(Loop&)> call;
};

class ThreadCheckTest : public ::testing::TestWithParam<EntryPoint> {
 protected:
  void SetUp() override {
    if (!kChecked) GTEST_SKIP() << "built with NDEBUG: the thread check is compiled out";
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_P(ThreadCheckTest, ACallFromAnotherThreadAbortsNamingTheCallAndBothThreads) {
  const EntryPoint& entry = GetParam();
  EXPECT_DEATH(
      {
        Loop loop;
        from_another_thread([&] { entry.call(loop); });
      },
      std::string("osnode: ") + entry.name +
          " called from thread [0-9]+, but the loop runs on thread [0-9]+");
}

INSTANTIATE_TEST_SUITE_P(
    EntryPoints, ThreadCheckTest,
    ::testing::Values(
        EntryPoint{"Loop::set_timeout", [](Loop& l) { l.set_timeout(1, [] {}); }},
        EntryPoint{"Loop::set_interval", [](Loop& l) { l.set_interval(1, [] {}); }},
        EntryPoint{"Loop::clear_timer", [](Loop& l) { l.clear_timer(1); }},
        EntryPoint{"Loop::set_immediate", [](Loop& l) { l.set_immediate([] {}); }},
        EntryPoint{"Loop::next_tick", [](Loop& l) { l.next_tick([] {}); }},
        EntryPoint{"Loop::defer_to_pending", [](Loop& l) { l.defer_to_pending([] {}); }},
        EntryPoint{"Loop::stop", [](Loop& l) { l.stop(); }},
        EntryPoint{"IoWatcher::start/stop", [](Loop& l) {
                     auto p = kio::make_pipe();
                     IoWatcher w(l, p->read_end.get(), [](uint32_t) {});
                     (void)w.start(kReadable);
                   }},
        EntryPoint{"PhaseHandle::start", [](Loop& l) {
                     IdleHandle idle(l);
                     idle.start([] {});
                   }},
        EntryPoint{"Async::Async", [](Loop& l) { Async a(l, [] {}); }}),
    [](const ::testing::TestParamInfo<EntryPoint>& info) {
      std::string name;
      for (const char* c = info.param.name; *c; ++c)
        if (std::isalnum(static_cast<unsigned char>(*c))) name += *c;
      return name;
    });

TEST(ThreadCheck, TheThreadThatRunsTheLoopOwnsItFromThenOn) {
  // Built and set up here, then handed to another thread that runs it: from run() on that
  // thread owns it — in callbacks and after run() returns — and the builder no longer does.
  Loop loop;
  bool in_callback_owned = false, after_run_owned = false;
  loop.set_immediate([&] { in_callback_owned = loop.in_loop_thread(); });
  from_another_thread([&] {
    loop.run();
    after_run_owned = loop.in_loop_thread();
    loop.set_timeout(1, [] {});  // still its loop after run() returned
    loop.run();
  });
  EXPECT_TRUE(in_callback_owned);
  EXPECT_TRUE(after_run_owned);
  EXPECT_FALSE(loop.in_loop_thread()) << "run() on another thread hands the loop over";
}

TEST(ThreadCheck, WakeupAndAsyncSendAreFineFromAnyThread) {
  Loop loop;
  int ran = 0;
  Async async(loop, [&] {
    ++ran;
    loop.stop();
  });
  from_another_thread([&] {
    loop.wakeup();
    async.send();
  });
  loop.run();
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace osn::loop
