/* tests/bench/peers/pool_uv.c — the libuv twin of tests/bench/pool_bench.cc.
 *
 * Same workloads with uv_queue_work: 1,000,000 no-op requests with at most 10,000 in flight
 * (throughput; the pool size comes from UV_THREADPOOL_SIZE, so run it once per size), and
 * 20,000 one-at-a-time round trips after 1,000 warm-up ones (median and p99, from sorted
 * samples). The metric names are pool_bench's, so peers/pool.sh can compare them line by line.
 * Build: cc -O2 pool_uv.c -luv. Usage: UV_THREADPOOL_SIZE=N pool_uv throughput N | pool_uv roundtrip
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

enum { kRequests = 1000000, kInFlight = 10000, kRoundTrips = 20000, kWarmUp = 1000 };

static uv_work_t reqs[kInFlight];
static long submitted, done;
static uint64_t samples[kRoundTrips];
static int left;
static uint64_t sent;
static uv_work_t one;

static void noop(uv_work_t* req) { (void)req; }

static void after_throughput(uv_work_t* req, int status) {
  (void)status;
  ++done;
  if (submitted < kRequests) {
    ++submitted;
    uv_queue_work(uv_default_loop(), req, noop, after_throughput);
  }
}

static void after_round_trip(uv_work_t* req, int status) {
  (void)status;
  uint64_t now = uv_hrtime();
  if (left-- <= kRoundTrips) samples[kRoundTrips - left - 1] = now - sent;
  if (left <= 0) return;
  sent = uv_hrtime();
  uv_queue_work(uv_default_loop(), req, noop, after_round_trip);
}

static int by_value(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "throughput") == 0) {
    uint64_t start = uv_hrtime();
    for (; submitted < kInFlight; ++submitted)
      uv_queue_work(uv_default_loop(), &reqs[submitted], noop, after_throughput);
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    double seconds = (double)(uv_hrtime() - start) / 1e9;
    printf("bench: pool_noop_per_s_%sthreads %.0f req/s\n", argv[2], (double)done / seconds);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "roundtrip") == 0) {
    left = kWarmUp + kRoundTrips;
    sent = uv_hrtime();
    uv_queue_work(uv_default_loop(), &one, noop, after_round_trip);
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    qsort(samples, kRoundTrips, sizeof samples[0], by_value);
    printf("bench: pool_roundtrip_p50_us %.1f us\n", (double)samples[kRoundTrips / 2] / 1e3);
    printf("bench: pool_roundtrip_p99_us %.1f us\n",
           (double)samples[kRoundTrips * 99 / 100] / 1e3);
    return 0;
  }
  fprintf(stderr, "usage: %s throughput THREADS | roundtrip\n", argv[0]);
  return 2;
}
