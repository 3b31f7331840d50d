// tests/bench/loop_empty_iter_bench.cc — how fast does the loop go round with nothing to do?
//
// One active IdleHandle keeps the loop spinning: while an idle handle is active the poll
// phase must not block (libuv's uv_idle rule). Its callback counts and stops the handle after
// N = 10,000,000 x scale iterations, and run() returns. No descriptor other than the loop's
// own wake-up channel is watched. The libuv twin, peers/libuv_empty_iter.c, does exactly
// the same with a uv_idle_t (not UV_RUN_NOWAIT in a loop, which would add uv_run's own entry
// and exit to every iteration).
//   empty_iterations_per_s  N / wall time of loop.run()
// Usage: loop_empty_iter_bench [SCALE]   (or env BENCH_SCALE; default 1.0)
#include "loop/phase_handle.h"
#include "tests/bench/bench_common.h"

int main(int argc, char** argv) {
  using namespace osn;
  const uint64_t n = bench::scaled(10'000'000, bench::scale_factor(argc, argv));
  loop::Loop loop;
  loop::IdleHandle idle(loop);
  uint64_t count = 0;
  idle.start([&] {
    if (++count == n) idle.stop();
  });

  uint64_t start = bench::wall_ns();
  loop.run();
  uint64_t elapsed = bench::wall_ns() - start;

  if (count != n) {
    std::fprintf(stderr, "loop_empty_iter_bench: %llu of %llu iterations\n",
                 static_cast<unsigned long long>(count), static_cast<unsigned long long>(n));
    return 1;
  }
  std::printf("# %llu iterations (loop counted %llu), backend %s\n",
              static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(loop.iteration()), loop.backend_name());
  bench::report("empty_iterations_per_s", static_cast<double>(n) * 1e9 / elapsed, "iter/s");
  return 0;
}
