// tests/support/bounded_wait.h — waits that always end, for tests of threads and loops.
//
// A test that waits for another thread must not hang when the code under test is broken: a
// loop runs under a guard timer (unref()'d, so it never keeps the loop alive by itself), a
// counter is polled until a deadline, and a gate that holds worker threads inside their work
// opens by itself after its deadline. Each returns (or opens) either way; the caller asserts.
// Used by tests/pool and lab 04's grader.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "kernel-io/clock.h"
#include "loop/loop.h"

namespace osn::test {

// Runs `loop` until nothing keeps it alive (true) or `ms` pass (false; the loop was stopped).
inline bool run_with_guard(loop::Loop& loop, uint64_t ms = 10'000) {
  bool timed_out = false;
  loop::TimerId guard = loop.set_timeout(ms, [&] {
    timed_out = true;
    loop.stop();
  });
  loop.unref_timer(guard);
  loop.run();
  if (!timed_out) loop.clear_timer(guard);
  return !timed_out;
}

// Waits (polling, at most `ms`) until `count` reaches `target`; whether it did.
inline bool wait_for_count(const std::atomic<int>& count, int target, uint64_t ms = 10'000) {
  const uint64_t deadline = kio::monotonic_ns() + ms * 1'000'000u;
  while (count.load() < target && kio::monotonic_ns() < deadline) ::usleep(200);
  return count.load() >= target;
}

// Holds threads inside wait() until open() — or, at the latest, `open_after_ms` after wait()
// began. Any thread may call either.
class Gate {
 public:
  explicit Gate(uint64_t open_after_ms = 10'000) : open_after_ms_(open_after_ms) {}
  void open() { open_.store(true, std::memory_order_release); }
  void wait() const {
    const uint64_t deadline = kio::monotonic_ns() + open_after_ms_ * 1'000'000u;
    while (!open_.load(std::memory_order_acquire) && kio::monotonic_ns() < deadline) ::usleep(200);
  }

 private:
  const uint64_t open_after_ms_;
  std::atomic<bool> open_{false};
};

}  // namespace osn::test
