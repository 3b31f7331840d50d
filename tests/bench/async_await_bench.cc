// tests/bench/async_await_bench.cc — what a co_await costs, beside the same written with callbacks.
//
// 1. await_resolved: one Task doing 1,000,000 `co_await i` (Node: `for (...) await i`), each
//    one microtask turn; against callback_hop: a chain of 1,000,000 queue_microtask hops, each
//    queuing the next. Bar: a co_await costs at most 1.5x a callback hop.
// 2. await_sleep0: 100,000 frames each doing `co_await sleep(loop, 0)` (a timer round trip:
//    insert, fire, resume); against callback_timer0: 100,000 set_timeout(0, cb).
// Allocations are counted by replacing operator new: after the first warm-up the resolved
// awaits must allocate nothing at all; a sleeping frame allocates its frame and nothing else.
// The node twin is peers/async_await.js (make bench-peers: peers/async.sh).
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <new>
#include <vector>

#include "loop/loop.h"
#include "loop/sleep.h"
#include "loop/task.h"
#include "tests/bench/bench_common.h"

// ---- counting every heap allocation of this process -------------------------------------------
namespace {
std::atomic<uint64_t> g_allocations{0};
}
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that the operator new above is malloc, and warns that free() mismatches it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace {

using osn::loop::Loop;
using osn::loop::Task;
namespace bench = osn::bench;

uint64_t allocations() { return g_allocations.load(std::memory_order_relaxed); }

Task<> await_resolved(Loop& loop, uint64_t n, uint64_t* sum) {
  (void)loop;
  for (uint64_t i = 0; i < n; ++i) *sum += co_await i;
}

void bench_resolved(uint64_t n) {
  Loop loop;
  uint64_t sum = 0;
  {  // warm-up: the microtask queue's vectors reach their size
    Task<> warm = await_resolved(loop, 1000, &sum);
    loop.run();
  }
  uint64_t before = allocations();
  uint64_t t0 = bench::wall_ns();
  Task<> t = await_resolved(loop, n, &sum);
  uint64_t after_frame = allocations();
  loop.run();
  uint64_t t1 = bench::wall_ns();
  uint64_t during = allocations() - after_frame;
  bench::report("await_resolved_ns", double(t1 - t0) / double(n), "ns/await");
  bench::report("await_resolved_frame_allocations", double(after_frame - before), "allocs");
  bench::report("await_resolved_allocations_per_await", double(during) / double(n), "allocs");
  if (sum == 0) std::abort();
}

// The fairest callback: two pointers, so std::function keeps it inline (no allocation) —
// the same queue, the same drain, only the coroutine machinery taken away.
struct Hop {
  Loop* loop;
  uint64_t* left;
  void operator()() const {
    if (--*left > 0) loop->queue_microtask(*this);
  }
};

void bench_callback_hop(uint64_t n) {
  Loop loop;
  uint64_t left = 1000;
  loop.queue_microtask(Hop{&loop, &left});
  loop.run();  // warm-up
  left = n;
  uint64_t before = allocations();
  uint64_t t0 = bench::wall_ns();
  loop.queue_microtask(Hop{&loop, &left});
  loop.run();
  uint64_t t1 = bench::wall_ns();
  bench::report("callback_hop_ns", double(t1 - t0) / double(n), "ns/hop");
  bench::report("callback_hop_allocations_per_hop", double(allocations() - before) / double(n),
                "allocs");
}

Task<> sleep0(Loop& loop, uint64_t* done) {
  co_await osn::loop::sleep(loop, 0);
  ++*done;
}

void bench_sleep0(uint64_t n) {
  Loop loop;
  uint64_t done = 0;
  std::vector<Task<>> frames;
  frames.reserve(n);
  for (uint64_t i = 0; i < 1000; ++i) frames.push_back(sleep0(loop, &done));  // warm-up
  loop.run();
  frames.clear();
  uint64_t before = allocations();
  uint64_t t0 = bench::wall_ns();
  for (uint64_t i = 0; i < n; ++i) frames.push_back(sleep0(loop, &done));
  loop.run();
  uint64_t t1 = bench::wall_ns();
  uint64_t allocs = allocations() - before;
  bench::report("await_sleep0_ns", double(t1 - t0) / double(n), "ns/round-trip");
  bench::report("await_sleep0_allocations_per_await_beyond_frame",
                double(allocs) / double(n) - 1.0, "allocs");
  if (done != n + 1000) std::abort();
}

void bench_callback_timer0(uint64_t n) {
  Loop loop;
  uint64_t done = 0;
  for (uint64_t i = 0; i < 1000; ++i) loop.set_timeout(0, [&done] { ++done; });
  loop.run();
  uint64_t t0 = bench::wall_ns();
  for (uint64_t i = 0; i < n; ++i) loop.set_timeout(0, [&done] { ++done; });
  loop.run();
  uint64_t t1 = bench::wall_ns();
  bench::report("callback_timer0_ns", double(t1 - t0) / double(n), "ns/round-trip");
  if (done != n + 1000) std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  double scale = bench::scale_factor(argc, argv);
  uint64_t hops = bench::scaled(1'000'000, scale);
  uint64_t sleeps = bench::scaled(100'000, scale);
  bench_callback_hop(hops);
  bench_resolved(hops);
  bench_callback_timer0(sleeps);
  bench_sleep0(sleeps);
  return 0;
}
