// tests/loop/task_failure_test.cc — a Task fails with an error value, no exception:
// `co_await fail(error)` (loop/task.h), which a Task<void> needs because it cannot take
// `co_return error;`. The error reaches the awaiting frame, the body never goes on after the
// fail, the frame's locals are destroyed with the frame, and an error nobody takes is
// reported. ASan runs of this suite check that no frame leaks.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "loop/loop.h"
#include "loop/sleep.h"
#include "loop/task.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using Labels = std::vector<std::string>;

class TaskFailureTest : public looptest::LoopTest {};

// Sets *flag when destroyed: tells when a frame's locals go.
struct Witness {
  bool* destroyed;
  ~Witness() { *destroyed = true; }
};

Task<> refuses_after_a_sleep(Loop& loop, Labels& order, bool* local_destroyed) {
  Witness w{local_destroyed};
  co_await sleep(loop, 1);
  order.push_back("before fail");
  co_await fail(kio::SysError{"connect", ECONNREFUSED});
  order.push_back("after fail");  // never
}

Task<std::string> awaits_the_void_task(Loop& loop, Labels& order, bool* local_destroyed) {
  kio::Status s = co_await refuses_after_a_sleep(loop, order, local_destroyed);
  order.push_back("awaiter resumed");
  if (!s) co_return s.error();  // and on up, as a value
  co_return std::string("no error?");
}

TEST_P(TaskFailureTest, AVoidTaskFailsWithAnErrorValueThatReachesItsAwaiter) {
  Labels order;
  bool local_destroyed = false;
  Task<std::string> t = awaits_the_void_task(loop, order, &local_destroyed);
  run_bounded();
  ASSERT_TRUE(t.done());
  kio::Result<std::string> r = t.result();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ECONNREFUSED);
  EXPECT_EQ(order, (Labels{"before fail", "awaiter resumed"}));
  EXPECT_TRUE(local_destroyed);  // the child Task (a temporary) destroyed its frame
  EXPECT_EQ(loop.unhandled_rejections(), 0u);
}

Task<> fails_at_once(Loop& loop, bool* local_destroyed) {
  (void)loop;
  Witness w{local_destroyed};
  co_await fail(kio::SysError{"open", ENOENT});
}

TEST_P(TaskFailureTest, FailingBeforeAnyAwaitFinishesTheTaskAtOnce) {
  bool local_destroyed = false;
  {
    Task<> t = fails_at_once(loop, &local_destroyed);
    EXPECT_TRUE(t.done());
    EXPECT_FALSE(local_destroyed);  // the frame (and its locals) live until ~Task
    kio::Status s = t.result();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ENOENT);
  }
  EXPECT_TRUE(local_destroyed);
  EXPECT_EQ(loop.unhandled_rejections(), 0u);
}

TEST_P(TaskFailureTest, AFailureNobodyAwaitedIsReportedWhenTheTaskIsDestroyed) {
  bool local_destroyed = false;
  testing::internal::CaptureStderr();
  { Task<> t = fails_at_once(loop, &local_destroyed); }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(local_destroyed);
  EXPECT_EQ(loop.unhandled_rejections(), 1u);
  EXPECT_NE(err.find("unhandled rejection (a Task nobody awaited): open: ENOENT"),
            std::string::npos) << err;
}

TEST_P(TaskFailureTest, ASpawnedTaskThatFailsIsReportedAndFreed) {
  Labels order;
  bool local_destroyed = false;
  testing::internal::CaptureStderr();
  spawn(refuses_after_a_sleep(loop, order, &local_destroyed));
  run_bounded();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(local_destroyed);  // freed at the fail, not at ~Loop
  EXPECT_EQ(order, (Labels{"before fail"}));
  EXPECT_EQ(loop.unhandled_rejections(), 1u);
  EXPECT_NE(err.find("unhandled rejection (a spawned Task): connect: ECONNREFUSED"),
            std::string::npos) << err;
}

Task<int> int_task_fails(Loop& loop) {
  co_await nullptr;
  (void)loop;
  co_await fail(kio::SysError{"read", EIO});
  co_return 1;  // never
}

TEST_P(TaskFailureTest, ATaskWithAValueMayFailTheSameWay) {
  Task<int> t = int_task_fails(loop);
  EXPECT_FALSE(t.done());
  run_bounded();
  ASSERT_TRUE(t.done());
  kio::Result<int> r = t.result();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, EIO);
}

INSTANTIATE_TEST_SUITE_P(Backends, TaskFailureTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
