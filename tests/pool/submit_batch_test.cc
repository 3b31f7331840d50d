// tests/pool/submit_batch_test.cc — the batched submits (pool/submit_batch.h): OSN_POOL_BATCH
// read strictly, and, with the batch on and off, the same promises: every request runs once
// and comes back, one thread starts them in submission order, a request is cancellable and
// counted as soon as it is submitted, and a run is handed over after kMaxKept submits without
// waiting for the callbacks to end.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <string>
#include <vector>

#include "loop/loop.h"
#include "pool/queue_work.h"
#include "pool/submit_batch.h"
#include "pool/work_queue.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

using testing::Gate;
using testing::run_with_guard;
using testing::wait_for_count;

TEST(PoolBatch, UnsetMeansTheDefault) {
  PoolSwitch c = parse_pool_batch(nullptr);
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(c.on, kPoolBatchDefault);
}

TEST(PoolBatch, ZeroIsOffAndOneIsOn) {
  EXPECT_TRUE(parse_pool_batch("0").ok());
  EXPECT_FALSE(parse_pool_batch("0").on);
  EXPECT_TRUE(parse_pool_batch("1").ok());
  EXPECT_TRUE(parse_pool_batch("1").on);
}

TEST(PoolBatch, RefusesEverythingElseNamingTheVariable) {
  for (const char* bad : {"", "2", "on", "no", "00", " 0", "1\n", "false", "-0"}) {
    PoolSwitch c = parse_pool_batch(bad);
    EXPECT_FALSE(c.ok()) << '"' << bad << '"';
    EXPECT_NE(c.error.find(std::string("OSN_POOL_BATCH=\"") + bad + "\" is refused"),
              std::string::npos)
        << c.error;
    EXPECT_NE(c.error.find("0 ("), std::string::npos) << c.error;
    EXPECT_NE(c.error.find("1 ("), std::string::npos) << c.error;
  }
}

// Runs in a child process started by the test below, with OSN_POOL_BATCH=yes.
TEST(PoolBatchChild, DISABLED_QueueOneRequest) {
  EXPECT_NE(pool_environment_problem().find("OSN_POOL_BATCH=\"yes\" is refused"),
            std::string::npos)
      << pool_environment_problem();
  testing::expect_first_request_refused_by("OSN_POOL_BATCH");
}

TEST(PoolBatch, AProgramWithARefusedValueSaysWhyAndItsRequestsFail) {
  testing::ChildRun child = testing::run_test_child_with("PoolBatchChild.DISABLED_QueueOneRequest",
                                                         "OSN_POOL_BATCH", "yes");
  EXPECT_TRUE(child.exited_zero) << child.said;
  EXPECT_NE(child.said.find("OSN_POOL_BATCH=\"yes\" is refused"), std::string::npos) << child.said;
}

TEST(PoolBatch, TheEnvironmentCheckIsQuietWhenEveryVariableIsAccepted) {
  // The suite runs with accepted values (unset, or 0/1), as its other tests' requests show.
  EXPECT_EQ(pool_environment_problem(), "");
}

// Each test below runs twice: OSN_POOL_BATCH=0 and =1, read by a loop when it first uses the
// pool (so set before the test's loop is made).
class SubmitBatchTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    const char* before = std::getenv(kPoolBatchVariable);
    had_ = before != nullptr;
    if (had_) saved_ = before;
    ::setenv(kPoolBatchVariable, GetParam(), 1);
  }
  void TearDown() override {
    if (had_) {
      ::setenv(kPoolBatchVariable, saved_.c_str(), 1);
    } else {
      ::unsetenv(kPoolBatchVariable);
    }
  }

 private:
  bool had_ = false;
  std::string saved_;
};

// One callback submits far more than a run holds, and each of those callbacks submits one
// more: every request's work runs exactly once and every callback comes back.
TEST_P(SubmitBatchTest, EveryRequestSubmittedFromCallbacksRunsOnceAndComesBack) {
  static constexpr int kFanOut = 3 * static_cast<int>(SubmitBatch::kMaxKept) + 5;
  loop::Loop loop;
  std::vector<std::atomic<int>> runs(2 * kFanOut);
  int callbacks = 0;
  queue_work(loop, [] {}, [&](kio::Status) {
    for (int i = 0; i < kFanOut; ++i) {
      queue_work(loop, [&runs, i] { ++runs[i]; }, [&, i](kio::Status s) {
        EXPECT_TRUE(s.ok());
        ++callbacks;
        queue_work(loop, [&runs, i] { ++runs[kFanOut + i]; }, [&](kio::Status t) {
          EXPECT_TRUE(t.ok());
          ++callbacks;
        });
      });
    }
  });
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_EQ(callbacks, 2 * kFanOut);
  for (int i = 0; i < 2 * kFanOut; ++i) EXPECT_EQ(runs[i].load(), 1) << "request " << i;
}

// With one thread, requests start in the order they were submitted, whether a callback's
// submits were kept in a run or went straight to the FIFO (a run goes in behind both).
TEST_P(SubmitBatchTest, OneThreadStartsRequestsInSubmissionOrderAcrossRuns) {
  ASSERT_TRUE(shutdown_pool().ok());
  const char* before = std::getenv("OSN_THREADPOOL_SIZE");
  const std::string saved = before ? before : "";
  ::setenv("OSN_THREADPOOL_SIZE", "1", 1);
  {
    loop::Loop loop;
    std::vector<int> started;  // written by the pool's only thread, read after the loop ends
    int next = 0;
    int done = 0;
    constexpr int kPerCallback = 150;  // two full runs and part of a third
    auto submit_numbered = [&](auto& self, int depth) -> void {
      for (int i = 0; i < kPerCallback; ++i) {
        const int number = next++;
        queue_work(loop, [&started, number] { started.push_back(number); },
                   [&, depth](kio::Status) {
                     ++done;
                     if (depth < 2 && done % 97 == 0) self(self, depth + 1);
                   });
      }
    };
    submit_numbered(submit_numbered, 0);  // from the main program: straight to the FIFO
    ASSERT_TRUE(run_with_guard(loop));
    ASSERT_EQ(done, next);
    ASSERT_GT(next, kPerCallback);  // some came from callbacks
    ASSERT_EQ(started.size(), static_cast<size_t>(next));
    for (int i = 0; i < next; ++i) EXPECT_EQ(started[i], i);
  }
  if (before) {
    ::setenv("OSN_THREADPOOL_SIZE", saved.c_str(), 1);
  } else {
    ::unsetenv("OSN_THREADPOOL_SIZE");
  }
  ASSERT_TRUE(shutdown_pool().ok());
}

// A callback sees its own submits in pool_stats() at once, as queued, running or completed.
TEST_P(SubmitBatchTest, StatsCountARequestAsSoonAsACallbackSubmitsIt) {
  loop::Loop loop;
  uint64_t before = 0, after = 0;
  queue_work(loop, [] {}, [&](kio::Status) {
    before = pool_stats().submitted;
    queue_work(loop, [] {}, [](kio::Status) {});
    queue_work(loop, [] {}, [](kio::Status) {});
    after = pool_stats().submitted;
  });
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_EQ(after, before + 2);
}

// The same from a callback of a second loop, run inside the first loop's callback: the first
// loop's kept submits count too.
TEST_P(SubmitBatchTest, StatsFromANestedLoopsCallbackCountTheOuterLoopsSubmits) {
  loop::Loop outer;
  uint64_t before = 0, seen_inside = 0;
  queue_work(outer, [] {}, [&](kio::Status) {
    before = pool_stats().submitted;
    queue_work(outer, [] {}, [](kio::Status) {});  // kept, with the batch on
    loop::Loop inner;
    queue_work(inner, [] {}, [&](kio::Status) { seen_inside = pool_stats().submitted; });
    ASSERT_TRUE(run_with_guard(inner));
  });
  ASSERT_TRUE(run_with_guard(outer));
  EXPECT_EQ(seen_inside, before + 2);
}

// shutdown_pool() from a callback that has just submitted says EBUSY: the request is in flight.
TEST_P(SubmitBatchTest, ShutdownFromACallbackThatJustSubmittedIsRefused) {
  loop::Loop loop;
  Gate gate;
  kio::Status refused;
  queue_work(loop, [] {}, [&](kio::Status) {
    queue_work(loop, [&] { gate.wait(); }, [](kio::Status) {});
    refused = shutdown_pool();
    gate.open();
  });
  ASSERT_TRUE(run_with_guard(loop));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.error().is(EBUSY));
}

// Cancelled by the callback that submitted it, while every thread is held: it never runs and
// its callback receives ECANCELED — a kept request is cancellable like any other.
TEST_P(SubmitBatchTest, ARequestCancelledByTheCallbackThatSubmittedItNeverRuns) {
  loop::Loop loop;
  auto threads = pool_size();
  ASSERT_TRUE(threads.ok());
  std::atomic<int> trigger_ran{0};
  std::atomic<bool> ran{false};
  kio::Status status;
  bool cancelled = false;
  Gate gate;
  queue_work(loop, [&] { ++trigger_ran; }, [&](kio::Status) {
    WorkHandle h = queue_work(loop, [&] { ran = true; }, [&](kio::Status s) { status = s; });
    cancelled = cancel(loop, h);
    gate.open();
  });
  ASSERT_TRUE(wait_for_count(trigger_ran, 1));  // its callback waits on the done list
  std::atomic<int> holding{0};
  for (size_t i = 0; i < *threads; ++i)
    queue_work(loop, [&] { ++holding, gate.wait(); }, [](kio::Status) {});
  ASSERT_TRUE(wait_for_count(holding, static_cast<int>(*threads)));
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(ran.load());
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(status.error().is(ECANCELED));
}

// A run is handed over once it holds kMaxKept requests, while the callbacks still run: a
// callback that waits for its 64th request's work sees it done. (Only a test may wait like
// this; a real callback must not block the loop.) With the batch off, at once.
TEST_P(SubmitBatchTest, AFullRunIsHandedOverBeforeTheCallbacksEnd) {
  loop::Loop loop;
  std::atomic<int> ran{0};
  bool all_seen = false;
  queue_work(loop, [] {}, [&](kio::Status) {
    for (size_t i = 0; i < SubmitBatch::kMaxKept; ++i)
      queue_work(loop, [&] { ++ran; }, [](kio::Status) {});
    all_seen = wait_for_count(ran, static_cast<int>(SubmitBatch::kMaxKept));
  });
  ASSERT_TRUE(run_with_guard(loop));
  EXPECT_TRUE(all_seen) << ran.load() << " of " << SubmitBatch::kMaxKept << " ran";
}

INSTANTIATE_TEST_SUITE_P(BatchOffAndOn, SubmitBatchTest, ::testing::Values("0", "1"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param) == "1" ? "batch_on" : "batch_off";
                         });

}  // namespace
}  // namespace osn::pool
