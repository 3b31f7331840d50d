/* tests/bench/peers/libuv_empty_iter.c — libuv twin of ../loop_empty_iter_bench.cc.
 *
 * One active uv_idle_t keeps uv_run(UV_RUN_DEFAULT) spinning without blocking; its callback
 * counts and stops the handle after N = 10,000,000 x scale iterations.
 * Usage: libuv_empty_iter [SCALE]   (or env BENCH_SCALE; default 1.0)
 */
#include <uv.h>

#include "bench_peer.h"

static uv_idle_t idle;
static uint64_t count, wanted;

static void on_idle(uv_idle_t* handle) {
  if (++count == wanted) uv_idle_stop(handle);
}

int main(int argc, char** argv) {
  wanted = peer_scaled(10000000, peer_scale_factor(argc, argv));
  uv_loop_t* loop = uv_default_loop();
  uv_idle_init(loop, &idle);
  uv_idle_start(&idle, on_idle);

  uint64_t start = peer_clock_ns(CLOCK_MONOTONIC);
  uv_run(loop, UV_RUN_DEFAULT);
  uint64_t elapsed = peer_clock_ns(CLOCK_MONOTONIC) - start;

  if (count != wanted) {
    fprintf(stderr, "libuv_empty_iter: %llu of %llu iterations\n", (unsigned long long)count,
            (unsigned long long)wanted);
    return 1;
  }
  printf("# %llu iterations, libuv %s\n", (unsigned long long)wanted, uv_version_string());
  peer_report("empty_iterations_per_s", (double)wanted * 1e9 / (double)elapsed, "iter/s");
  return 0;
}
