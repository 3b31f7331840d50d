// tests/bench/async_await_bench.cc — what a co_await costs, beside the same written with callbacks.
//
// 1. await_resolved: one Task doing 1,000,000 `co_await i` (Node: `for (...) await i`), each
//    one microtask turn; against callback_hop: a chain of 1,000,000 queue_microtask hops, each
//    queuing the next. Bar: a co_await costs at most 1.5x a callback hop.
//    await_resolved_2frames: the same million awaits shared by two frames taking turns, so
//    every turn goes through the microtask ring (with one frame the turn is taken in place:
//    loop/frame.h). Each figure also in CPU time (_cpu_ns), which a loaded machine disturbs
//    far less than wall time.
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
#include <string>
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

// `frames` frames share the n awaits. With one, each await's turn is the next microtask and
// is taken in place (frame.h, suspend_for_one_turn); with two, the other frame is always
// queued, so every turn goes round the ring: push, pop, resume.
void bench_resolved(const char* name, uint64_t n, uint64_t frames) {
  Loop loop;
  uint64_t sum = 0;
  {  // warm-up: the microtask queue's vectors reach their size
    std::vector<Task<>> warm;
    for (uint64_t f = 0; f < frames; ++f) warm.push_back(await_resolved(loop, 1000, &sum));
    loop.run();
  }
  std::vector<Task<>> tasks;
  tasks.reserve(frames);
  uint64_t before = allocations();
  uint64_t t0 = bench::wall_ns();
  uint64_t c0 = bench::cpu_ns();
  for (uint64_t f = 0; f < frames; ++f) tasks.push_back(await_resolved(loop, n / frames, &sum));
  uint64_t after_frame = allocations();
  loop.run();
  uint64_t c1 = bench::cpu_ns();
  uint64_t t1 = bench::wall_ns();
  uint64_t during = allocations() - after_frame;
  std::string metric = name;
  bench::report((metric + "_ns").c_str(), double(t1 - t0) / double(n), "ns/await");
  bench::report((metric + "_cpu_ns").c_str(), double(c1 - c0) / double(n), "cpu-ns/await");
  bench::report((metric + "_frame_allocations").c_str(), double(after_frame - before) / double(frames),
                "allocs/frame");
  bench::report((metric + "_allocations_per_await").c_str(), double(during) / double(n), "allocs");
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
  uint64_t c0 = bench::cpu_ns();
  loop.queue_microtask(Hop{&loop, &left});
  loop.run();
  uint64_t c1 = bench::cpu_ns();
  uint64_t t1 = bench::wall_ns();
  bench::report("callback_hop_ns", double(t1 - t0) / double(n), "ns/hop");
  bench::report("callback_hop_cpu_ns", double(c1 - c0) / double(n), "cpu-ns/hop");
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
  bench_resolved("await_resolved", hops, 1);
  bench_resolved("await_resolved_2frames", hops, 2);
  bench_callback_timer0(sleeps);
  bench_sleep0(sleeps);
  return 0;
}
