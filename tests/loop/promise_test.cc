// tests/loop/promise_test.cc — Promise<T>: settles once, reactions as microtasks in order,
// then() chains values and errors, an unhandled rejection is reported (loop/promise.h).
#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "loop/loop.h"
#include "loop/promise.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using Labels = std::vector<std::string>;

class PromiseTest : public looptest::LoopTest {};

// node: tick, then, immediate (a resolved promise's then is a microtask: after the ticks)
TEST_P(PromiseTest, ThenOfAResolvedPromiseRunsAfterTicksBeforeImmediates) {
  Labels order;
  loop.set_immediate([&] { order.push_back("immediate"); });
  Promise<int>::settled(loop, 1).then([&](const kio::Result<int>&) { order.push_back("then"); });
  loop.next_tick([&] { order.push_back("tick"); });
  run_bounded();
  EXPECT_EQ(order, (Labels{"tick", "then", "immediate"}));
}

TEST_P(PromiseTest, ThenCallbacksDoNotRunInsideResolve) {
  Promise<int> p(loop);
  int seen = 0;
  p.then([&](const kio::Result<int>& v) { seen = *const_cast<kio::Result<int>&>(v); });
  p.resolver().resolve(7);
  EXPECT_EQ(seen, 0) << "a reaction is a microtask, never a call from inside resolve()";
  run_bounded();
  EXPECT_EQ(seen, 7);
}

TEST_P(PromiseTest, APromiseSettlesOnce) {
  Promise<int> p(loop);
  p.resolver().resolve(1);
  p.resolver().resolve(2);
  p.resolver().reject(kio::SysError{"late", EIO});
  std::vector<int> got;
  p.then([&](const kio::Result<int>& v) { got.push_back(v.value()); });
  run_bounded();
  EXPECT_EQ(got, (std::vector<int>{1}));
  EXPECT_EQ(loop.unhandled_rejections(), 0u);
}

TEST_P(PromiseTest, ThenChainsValuesAndErrorsInOrder) {
  Labels order;
  Promise<int> p(loop);
  p.then([&](const kio::Result<int>& v) -> kio::Result<std::string> {
     order.push_back("first " + std::to_string(v.value()));
     return kio::SysError{"parse", EINVAL};
   }).then([&](const kio::Result<std::string>& v) {
    order.push_back(v.ok() ? "second ok" : "second got " + v.error().message());
  });
  p.then([&](const kio::Result<int>&) { order.push_back("sibling"); });
  p.resolver().resolve(3);
  run_bounded();
  EXPECT_EQ(order, (Labels{"first 3", "sibling", "second got parse: EINVAL (Invalid argument)"}));
  EXPECT_EQ(loop.unhandled_rejections(), 0u);
}

TEST_P(PromiseTest, ARejectionNobodyHandlesIsReportedOnStderr) {
  testing::internal::CaptureStderr();
  Promise<int>::settled(loop, kio::SysError{"open", ENOENT});
  run_bounded();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(loop.unhandled_rejections(), 1u);
  EXPECT_NE(err.find("unhandled rejection (a Promise): open: ENOENT"), std::string::npos) << err;
}

// Node checks at the end of the drain: a handler attached by a later microtask of the same
// drain still counts.
TEST_P(PromiseTest, AHandlerAttachedLaterInTheSameDrainCounts) {
  Promise<int> p = Promise<int>::settled(loop, kio::SysError{"open", ENOENT});
  bool handled = false;
  loop.queue_microtask([&] { p.then([&](const kio::Result<int>& v) { handled = !v.ok(); }); });
  run_bounded();
  EXPECT_TRUE(handled);
  EXPECT_EQ(loop.unhandled_rejections(), 0u);
}

TEST_P(PromiseTest, PromiseOfVoidResolvesWithAStatus) {
  Promise<> p(loop);
  bool ok = false;
  p.then([&](const kio::Status& s) { ok = s.ok(); });
  p.resolver().resolve();
  run_bounded();
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Backends, PromiseTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
