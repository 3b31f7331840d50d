// tests/bench/pool_bench.cc — how fast does work go round: loop -> pool thread -> loop?
//
// Throughput: 1,000,000 no-op work requests, at most 10,000 in flight (each after_work submits
// the next), end to end. The pool's size is fixed per process, so the 4- and 2-thread figures
// come from child processes of this program started with OSN_THREADPOOL_SIZE=4 / =2.
// Round trip: one request at a time, submit -> after_work on the loop thread; median and p99.
// BENCH_SCALE (environment) scales both workloads. `pool_bench throughput N` runs one
// throughput child; `pool_bench roundtrip` only the round
// trip. The libuv twin is tests/bench/peers/pool_uv.c; tests/bench/peers/pool.sh runs both.
// OSN_POOL_SPIN=0|1 and OSN_POOL_BATCH=0|1 (inherited by the throughput children) measure the
// pool without/with each of its fast paths (pool/spin_wait.h, pool/submit_batch.h).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernel-io/clock.h"
#include "kernel-io/process.h"
#include "loop/loop.h"
#include "loop/metrics.h"
#include "pool/queue_work.h"

namespace {

using osn::kio::monotonic_ns;
namespace pool = osn::pool;

// Workload sizes at scale 1.0; BENCH_SCALE (tests/bench/README.md) multiplies them.
constexpr uint64_t kRequests = 1'000'000;
constexpr uint64_t kInFlight = 10'000;
constexpr int kRoundTrips = 20'000;
constexpr int kWarmUp = 1'000;

double scale() {
  const char* text = std::getenv("BENCH_SCALE");
  double value = text ? std::strtod(text, nullptr) : 1.0;
  return value > 0 ? value : 1.0;
}

uint64_t scaled(uint64_t base) {
  double n = static_cast<double>(base) * scale();
  return n < 1 ? 1 : static_cast<uint64_t>(n);
}

// The callback captures one pointer, as uv_queue_work's callbacks get their uv_work_t: a
// std::function keeps a callable that small in place, so resubmitting it allocates nothing.
struct NoopRun {
  osn::loop::Loop loop;
  uint64_t requests = 0, submitted = 0, done = 0;
};

void noop_after_work(NoopRun* run) {
  ++run->done;
  if (run->submitted < run->requests) {
    ++run->submitted;
    pool::queue_work(run->loop, [] {}, [run](osn::kio::Status) { noop_after_work(run); });
  }
}

double noop_per_second() {
  NoopRun run;
  run.requests = scaled(kRequests);
  const uint64_t in_flight = std::min(kInFlight, run.requests);
  NoopRun* r = &run;
  uint64_t start = monotonic_ns();
  for (; run.submitted < in_flight; ++run.submitted)
    pool::queue_work(run.loop, [] {}, [r](osn::kio::Status) { noop_after_work(r); });
  run.loop.run();
  double seconds = static_cast<double>(monotonic_ns() - start) / 1e9;
  return static_cast<double>(run.done) / seconds;
}

void round_trip(uint64_t& p50_ns, uint64_t& p99_ns) {
  osn::loop::Loop loop;
  osn::loop::LatencyHistogram hist;
  const int round_trips = static_cast<int>(scaled(kRoundTrips));
  int left = kWarmUp + round_trips;
  uint64_t sent = 0;
  std::function<void(osn::kio::Status)> after;
  after = [&](osn::kio::Status) {
    uint64_t now = monotonic_ns();
    if (left-- <= round_trips) hist.record(now - sent);
    if (left <= 0) return;
    sent = monotonic_ns();
    pool::queue_work(loop, [] {}, after);
  };
  sent = monotonic_ns();
  pool::queue_work(loop, [] {}, after);
  loop.run();
  p50_ns = hist.percentile(0.50);
  p99_ns = hist.percentile(0.99);
}

// Runs this program again as `self throughput` with OSN_THREADPOOL_SIZE=threads.
bool run_child(const char* self, int threads) {
  osn::kio::SpawnOptions options;
  options.program = self;
  options.args = {"throughput", std::to_string(threads)};
  options.extra_env = {"OSN_THREADPOOL_SIZE=" + std::to_string(threads)};
  auto pid = osn::kio::spawn_process(options);
  if (!pid) {
    std::fprintf(stderr, "pool_bench: %s\n", pid.error().message().c_str());
    return false;
  }
  auto status = osn::kio::wait_child_for(*pid, 60'000);
  return status && status->exited && status->exit_code == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "throughput") == 0) {
    std::printf("bench: pool_noop_per_s_%sthreads %.0f req/s\n", argv[2], noop_per_second());
    return 0;
  }
  bool round_trip_only = argc == 2 && std::strcmp(argv[1], "roundtrip") == 0;
  std::fflush(stdout);
  if (!round_trip_only && (!run_child("/proc/self/exe", 4) || !run_child("/proc/self/exe", 2)))
    return 1;
  uint64_t p50 = 0, p99 = 0;
  round_trip(p50, p99);
  std::printf("bench: pool_roundtrip_p50_us %.1f us\n", static_cast<double>(p50) / 1e3);
  std::printf("bench: pool_roundtrip_p99_us %.1f us\n", static_cast<double>(p99) / 1e3);
  return 0;
}
