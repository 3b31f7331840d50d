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
static long submitted, done, requests, in_flight;
static int round_trips;
static uint64_t samples[kRoundTrips];
static int left;
static uint64_t sent;
static uv_work_t one;

static void noop(uv_work_t* req) { (void)req; }

static void after_throughput(uv_work_t* req, int status) {
  (void)status;
  ++done;
  if (submitted < requests) {
    ++submitted;
    uv_queue_work(uv_default_loop(), req, noop, after_throughput);
  }
}

static void after_round_trip(uv_work_t* req, int status) {
  (void)status;
  uint64_t now = uv_hrtime();
  if (left-- <= round_trips) samples[round_trips - left - 1] = now - sent;
  if (left <= 0) return;
  sent = uv_hrtime();
  uv_queue_work(uv_default_loop(), req, noop, after_round_trip);
}

static int by_value(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

/* BENCH_SCALE (environment) scales both workloads as in pool_bench (round trips: at most 1x). */
static long scaled(long base) {
  const char* text = getenv("BENCH_SCALE");
  double scale = text ? strtod(text, NULL) : 1.0;
  double n = (double)base * (scale > 0 ? scale : 1.0);
  return n < 1 ? 1 : (long)n;
}

int main(int argc, char** argv) {
  requests = scaled(kRequests);
  in_flight = requests < kInFlight ? requests : kInFlight;
  round_trips = (int)(scaled(kRoundTrips) < kRoundTrips ? scaled(kRoundTrips) : kRoundTrips);
  if (argc == 3 && strcmp(argv[1], "throughput") == 0) {
    uint64_t start = uv_hrtime();
    for (; submitted < in_flight; ++submitted)
      uv_queue_work(uv_default_loop(), &reqs[submitted], noop, after_throughput);
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    double seconds = (double)(uv_hrtime() - start) / 1e9;
    printf("bench: pool_noop_per_s_%sthreads %.0f req/s\n", argv[2], (double)done / seconds);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "roundtrip") == 0) {
    left = kWarmUp + round_trips;
    sent = uv_hrtime();
    uv_queue_work(uv_default_loop(), &one, noop, after_round_trip);
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    qsort(samples, (size_t)round_trips, sizeof samples[0], by_value);
    printf("bench: pool_roundtrip_p50_us %.1f us\n", (double)samples[round_trips / 2] / 1e3);
    printf("bench: pool_roundtrip_p99_us %.1f us\n",
           (double)samples[round_trips * 99 / 100] / 1e3);
    return 0;
  }
  fprintf(stderr, "usage: %s throughput THREADS | roundtrip\n", argv[0]);
  return 2;
}
