// tests/loop/destroy_guard_test.cc — DestroyGuard tells a caller that its object is gone.
#include "loop/destroy_guard.h"

#include <gtest/gtest.h>

#include <memory>

namespace osn::loop {
namespace {

struct Owner {
  DestroyFlag flag;
};

TEST(DestroyGuard, SaysNothingWhileTheObjectLives) {
  Owner owner;
  DestroyGuard guard(owner.flag);
  EXPECT_FALSE(guard.destroyed());
}

TEST(DestroyGuard, NoticesTheObjectDestroyedWhileItWatched) {
  auto owner = std::make_unique<Owner>();
  DestroyGuard guard(owner->flag);
  owner.reset();  // what a callback that deletes its own handle does
  EXPECT_TRUE(guard.destroyed());
}

TEST(DestroyGuard, NestedGuardsAllNoticeOneDestruction) {
  auto owner = std::make_unique<Owner>();
  DestroyGuard outer(owner->flag);
  {
    DestroyGuard inner(owner->flag);  // the callback re-entered the object and called out again
    owner.reset();
    EXPECT_TRUE(inner.destroyed());
  }
  EXPECT_TRUE(outer.destroyed());
}

TEST(DestroyGuard, AnEndedInnerGuardLeavesTheOuterOneWatching) {
  auto owner = std::make_unique<Owner>();
  DestroyGuard outer(owner->flag);
  { DestroyGuard inner(owner->flag); }
  owner.reset();
  EXPECT_TRUE(outer.destroyed());
}

}  // namespace
}  // namespace osn::loop
