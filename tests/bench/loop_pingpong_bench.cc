// tests/bench/loop_pingpong_bench.cc — one byte back and forth over a socketpair.
//
// Two osn::loop::Streams on the ends of one AF_UNIX socketpair, in one loop. Side A writes
// one byte; B's on_data writes it back; A's on_data counts a round trip and writes again,
// N = 1,000,000 x scale times. Each round trip is two poll phases, two read(2)s and two
// write(2)s, so this measures the loop's per-event overhead on top of the system calls.
// Same workload as peers/libuv_pingpong.c (uv_pipe_open + uv_read_start + uv_write).
//   pingpong_round_trips_per_s  N / wall time of loop.run()
// Usage: loop_pingpong_bench [SCALE]   (or env BENCH_SCALE; default 1.0)
#include <string>

#include "kernel-io/socket.h"
#include "loop/stream.h"
#include "tests/bench/bench_common.h"

int main(int argc, char** argv) {
  using namespace osn;
  const uint64_t n = bench::scaled(1'000'000, bench::scale_factor(argc, argv));
  loop::Loop loop;
  auto pair = kio::socket_pair();
  if (!pair) {
    std::fprintf(stderr, "loop_pingpong_bench: %s\n", pair.error().message().c_str());
    return 1;
  }
  loop::Stream a(loop, std::move(pair->first));
  loop::Stream b(loop, std::move(pair->second));
  uint64_t round_trips = 0;

  b.read_start([&b](std::string_view data) { b.write(std::string(data)); });
  a.read_start([&](std::string_view data) {
    round_trips += data.size();
    if (round_trips < n) {
      a.write(std::string(1, 'x'));
    } else {
      a.read_stop();
      b.read_stop();
    }
  });

  uint64_t start = bench::wall_ns();
  a.write(std::string(1, 'x'));
  loop.run();
  uint64_t elapsed = bench::wall_ns() - start;

  if (round_trips != n) {
    std::fprintf(stderr, "loop_pingpong_bench: %llu of %llu round trips\n",
                 static_cast<unsigned long long>(round_trips), static_cast<unsigned long long>(n));
    return 1;
  }
  std::printf("# %llu round trips, backend %s\n", static_cast<unsigned long long>(n),
              loop.backend_name());
  bench::report("pingpong_round_trips_per_s", static_cast<double>(n) * 1e9 / elapsed, "rt/s");
  return 0;
}
