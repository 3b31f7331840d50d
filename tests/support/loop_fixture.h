// tests/support/loop_fixture.h — one loop per backend, and runs that cannot hang.
//
// Every loop test is a TEST_P on LoopTest, instantiated once per entry of
// osn::loop::available_backends() (epoll and poll on Linux, kqueue where built), so one
// suite checks every backend. run_bounded() arms a guard timer: if the loop is still running
// when it fires, the guard calls stop() and the test fails instead of hanging. The guard is
// unreferenced, so it never keeps the loop alive by itself.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "loop/backend.h"
#include "loop/loop.h"

namespace osn::looptest {

inline std::string backend_param_name(const ::testing::TestParamInfo<std::string_view>& info) {
  return std::string(info.param);
}

class LoopTest : public ::testing::TestWithParam<std::string_view> {
 protected:
  // Runs `mode` until run() returns, or stops the loop after `limit_ms` and fails.
  // Returns what run() returned (whether the loop is still alive).
  bool run_bounded(int limit_ms = 5'000, loop::RunMode mode = loop::RunMode::kDefault) {
    bool expired = false;
    loop::TimerId guard = loop.set_timeout(static_cast<uint64_t>(limit_ms), [&] {
      expired = true;
      loop.stop();
    });
    loop.unref_timer(guard);
    bool alive = loop.run(mode);
    loop.clear_timer(guard);
    EXPECT_FALSE(expired) << "the loop was still running after " << limit_ms << " ms";
    return alive;
  }

  // Sleeps long enough that timers created with a 1 ms delay are due at the next iteration.
  static void let_a_millisecond_pass() { std::this_thread::sleep_for(std::chrono::milliseconds(3)); }

  loop::Loop loop{GetParam()};
};

// INSTANTIATE_TEST_SUITE_P(Backends, SomeTest, ::testing::ValuesIn(all_backends()),
//                          backend_param_name);
inline std::vector<std::string_view> all_backends() { return loop::available_backends(); }

}  // namespace osn::looptest
