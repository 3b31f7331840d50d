// tests/bench/loop_timers_bench.cc — a million timers: heap insert cost and cost per firing.
//
// Schedules N = 1,000,000 x scale timers with timeouts drawn uniformly from [0, 1000) ms (a
// fixed seed, the same sequence as peers/libuv_timers.c), then runs the loop until all fired.
//   timers_insert_ns        wall time of the N set_timeout calls / N
//   timers_cpu_per_fire_ns  process CPU time (CLOCK_PROCESS_CPUTIME_ID) spent in loop.run()
//                           / N — the loop sleeps between deadlines, so this is the work per
//                           timer: pop from the heap, call back, free the slot
// osnode clamps a 0 ms timeout to 1 ms as Node does; libuv does not (0.1% of the timers).
// Usage: loop_timers_bench [SCALE]   (or env BENCH_SCALE; default 1.0)
#include "loop/loop.h"
#include "tests/bench/bench_common.h"

int main(int argc, char** argv) {
  using namespace osn;
  const uint64_t n = bench::scaled(1'000'000, bench::scale_factor(argc, argv));
  loop::Loop loop;
  bench::Random random(42);
  uint64_t fired = 0;

  uint64_t start = bench::wall_ns();
  for (uint64_t i = 0; i < n; ++i) loop.set_timeout(random.next() % 1000, [&fired] { ++fired; });
  uint64_t inserted = bench::wall_ns();

  uint64_t cpu_before = bench::cpu_ns();
  loop.run();
  uint64_t cpu_after = bench::cpu_ns();

  if (fired != n) {
    std::fprintf(stderr, "loop_timers_bench: %llu of %llu timers fired\n",
                 static_cast<unsigned long long>(fired), static_cast<unsigned long long>(n));
    return 1;
  }
  std::printf("# %llu timers, backend %s\n", static_cast<unsigned long long>(n),
              loop.backend_name());
  bench::report("timers_insert_ns", static_cast<double>(inserted - start) / n, "ns/timer");
  bench::report("timers_cpu_per_fire_ns", static_cast<double>(cpu_after - cpu_before) / n,
                "ns/timer");
  return 0;
}
