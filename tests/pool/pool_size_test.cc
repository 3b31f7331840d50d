// tests/pool/pool_size_test.cc — OSN_THREADPOOL_SIZE: accepted values, refused values, and
// what a program started with a refused value says.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "loop/loop.h"
#include "pool/pool_size.h"
#include "pool/queue_work.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

TEST(PoolSize, UnsetMeansFour) {
  PoolSizeChoice choice = parse_pool_size(nullptr);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice.threads, 4u);
}

TEST(PoolSize, AcceptsWholeNumbersFromOneTo1024) {
  const struct {
    const char* text;
    size_t threads;
  } kCases[] = {{"1", 1}, {"2", 2}, {"8", 8}, {"128", 128}, {"1024", 1024}, {"0064", 64}};
  for (const auto& c : kCases) {
    PoolSizeChoice choice = parse_pool_size(c.text);
    EXPECT_TRUE(choice.ok()) << c.text << ": " << choice.error;
    EXPECT_EQ(choice.threads, c.threads) << c.text;
  }
}

TEST(PoolSize, RefusesEverythingElseNamingTheVariableAndTheRange) {
  const char* kRefused[] = {"",   "0",   "1025", "-1", "+4",  "8x",  " 8",
                            "8 ", "abc", "4.0",  "0x4", "99999999999999999999999"};
  for (const char* text : kRefused) {
    PoolSizeChoice choice = parse_pool_size(text);
    EXPECT_FALSE(choice.ok()) << '"' << text << '"';
    EXPECT_NE(choice.error.find("OSN_THREADPOOL_SIZE=\"" + std::string(text) + "\""),
              std::string::npos) << choice.error;
    EXPECT_NE(choice.error.find("1 to 1024"), std::string::npos) << choice.error;
  }
}

// Runs in a child process started by the test below, with OSN_THREADPOOL_SIZE=0.
TEST(PoolSizeChild, DISABLED_QueueOneRequest) {
  testing::expect_first_request_refused_by("OSN_THREADPOOL_SIZE");
  EXPECT_FALSE(pool_size().ok());
}

TEST(PoolSize, AProgramWithARefusedSizeSaysWhyAndItsRequestsFail) {
  testing::ChildRun child = testing::run_test_child_with("PoolSizeChild.DISABLED_QueueOneRequest", "OSN_THREADPOOL_SIZE", "0");
  EXPECT_TRUE(child.exited_zero) << child.said;
  EXPECT_NE(child.said.find("OSN_THREADPOOL_SIZE=\"0\" is refused"), std::string::npos) << child.said;
  EXPECT_NE(child.said.find("1 to 1024"), std::string::npos) << child.said;
}

}  // namespace
}  // namespace osn::pool
