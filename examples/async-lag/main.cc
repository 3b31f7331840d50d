// examples/async-lag — co_await does not make CPU-bound work asynchronous.
//
// A heartbeat timer fires every 10 ms and records how late it was (loop lag). Then the same
// eight PBKDF2 jobs run twice inside a loop::Task coroutine:
//   1. inline: the coroutine computes each key itself and `co_await nullptr`s between jobs.
//      The await gives the loop a turn *between* jobs, never during one: the frame is
//      resumed on the loop thread, and while it computes, nothing else on the loop runs. The
//      worst heartbeat delay is about one job.
//   2. on the pool: `co_await promises::pbkdf2(...)` — the work runs on an osn-pool-N thread and
//      only the resumption comes back to the loop. The worst delay drops to about a millisecond
//      (if the machine has a core free for the loop thread).
// docs/async.md, "CPU-bound work still blocks". Usage: build/bin/async-lag [ITERATIONS]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "kernel-io/clock.h"
#include "loop/loop.h"
#include "loop/task.h"
#include "pool/crypto/pbkdf2.h"
#include "pool/promises.h"

using osn::loop::Loop;
using osn::loop::Task;

namespace {

struct Heartbeat {
  uint64_t expected_ns = 0;
  uint64_t worst_ns = 0;
};

constexpr uint64_t kBeatMs = 10;
constexpr int kJobs = 8;

Task<> inline_jobs(Loop& loop, uint32_t iterations) {
  std::vector<uint8_t> pw = {'p', 'w'}, salt = {'s', 'a', 'l', 't'};
  for (int i = 0; i < kJobs; ++i) {
    (void)osn::pool::pbkdf2_hmac_sha256(pw, salt, iterations, 32);  // on the loop thread
    co_await nullptr;  // a turn for the loop between jobs, not during one
  }
  (void)loop;
}

Task<> pool_jobs(Loop& loop, uint32_t iterations) {
  std::vector<uint8_t> pw = {'p', 'w'}, salt = {'s', 'a', 'l', 't'};
  for (int i = 0; i < kJobs; ++i) (void)co_await osn::pool::promises::pbkdf2(loop, pw, salt, iterations, 32);
}

uint64_t worst_lag_ms(Task<> (*jobs)(Loop&, uint32_t), uint32_t iterations) {
  Loop loop;
  Heartbeat beat;
  beat.expected_ns = osn::kio::monotonic_ns() + kBeatMs * 1'000'000;
  osn::loop::TimerId id = loop.set_interval(kBeatMs, [&] {
    uint64_t now = osn::kio::monotonic_ns();
    if (now > beat.expected_ns && now - beat.expected_ns > beat.worst_ns)
      beat.worst_ns = now - beat.expected_ns;
    beat.expected_ns = now + kBeatMs * 1'000'000;
  });
  Task<> t = jobs(loop, iterations);
  while (!t.done() && loop.run(osn::loop::RunMode::kOnce)) {}
  loop.clear_timer(id);
  return beat.worst_ns / 1'000'000;
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t iterations = argc > 1 ? static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 100'000;
  if (iterations == 0) {
    std::fprintf(stderr, "usage: %s [ITERATIONS > 0]\n", argv[0]);
    return 64;
  }
  std::printf("8 PBKDF2 jobs of %u iterations inside a coroutine; heartbeat every %llu ms\n",
              iterations, static_cast<unsigned long long>(kBeatMs));
  std::printf("inline in the coroutine : worst heartbeat delay %llu ms\n",
              static_cast<unsigned long long>(worst_lag_ms(inline_jobs, iterations)));
  std::printf("co_await on the pool    : worst heartbeat delay %llu ms\n",
              static_cast<unsigned long long>(worst_lag_ms(pool_jobs, iterations)));
  return 0;
}
