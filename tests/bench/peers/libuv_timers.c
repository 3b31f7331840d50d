/* tests/bench/peers/libuv_timers.c — libuv twin of ../loop_timers_bench.cc.
 *
 * N = 1,000,000 x scale uv_timer_t, timeouts from the same xorshift64* sequence modulo 1000
 * ms, one uv_run. The handles are allocated and pre-faulted before timing (a libuv user owns
 * handle memory); the timed insert covers uv_timer_init + uv_timer_start, the libuv
 * equivalent of one set_timeout. CPU per fire: CLOCK_PROCESS_CPUTIME_ID over uv_run / N.
 * Usage: libuv_timers [SCALE]   (or env BENCH_SCALE; default 1.0)
 */
#include <string.h>
#include <uv.h>

#include "bench_peer.h"

static uint64_t fired;

static void on_timer(uv_timer_t* timer) {
  (void)timer;
  ++fired;
}

int main(int argc, char** argv) {
  uint64_t n = peer_scaled(1000000, peer_scale_factor(argc, argv));
  uv_loop_t* loop = uv_default_loop();
  uv_timer_t* timers = malloc(n * sizeof(uv_timer_t));
  if (timers == NULL) return 1;
  memset(timers, 0, n * sizeof(uv_timer_t));

  uint64_t start = peer_clock_ns(CLOCK_MONOTONIC);
  for (uint64_t i = 0; i < n; ++i) {
    uv_timer_init(loop, &timers[i]);
    uv_timer_start(&timers[i], on_timer, peer_random_next() % 1000, 0);
  }
  uint64_t inserted = peer_clock_ns(CLOCK_MONOTONIC);

  uint64_t cpu_before = peer_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
  uv_run(loop, UV_RUN_DEFAULT);
  uint64_t cpu_after = peer_clock_ns(CLOCK_PROCESS_CPUTIME_ID);

  if (fired != n) {
    fprintf(stderr, "libuv_timers: %llu of %llu timers fired\n", (unsigned long long)fired,
            (unsigned long long)n);
    return 1;
  }
  printf("# %llu timers, libuv %s\n", (unsigned long long)n, uv_version_string());
  peer_report("timers_insert_ns", (double)(inserted - start) / (double)n, "ns/timer");
  peer_report("timers_cpu_per_fire_ns", (double)(cpu_after - cpu_before) / (double)n, "ns/timer");
  free(timers);
  return 0;
}
