/* tests/bench/peers/bench_peer.h — what the libuv peer programs share with ../bench_common.h.
 *
 * The same scale rule (argv[1], else env BENCH_SCALE, else 1.0), the same clocks, the same
 * xorshift64* generator (so both sides draw identical timeouts) and the same output lines
 * `bench: NAME VALUE UNIT`. Plain C: these programs are libuv's idiom, not ours.
 */
#ifndef OSN_BENCH_PEER_H
#define OSN_BENCH_PEER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double peer_scale_factor(int argc, char** argv) {
  const char* text = argc > 1 ? argv[1] : getenv("BENCH_SCALE");
  if (text == NULL || *text == '\0') return 1.0;
  double scale = strtod(text, NULL);
  if (!(scale > 0.0)) {
    fprintf(stderr, "bench: scale must be a number > 0, got '%s'\n", text);
    exit(2);
  }
  return scale;
}

static inline uint64_t peer_scaled(uint64_t base, double scale) {
  double n = (double)base * scale;
  return n < 1.0 ? 1 : (uint64_t)n;
}

static inline uint64_t peer_clock_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t peer_random_state = 42;
static inline uint64_t peer_random_next(void) { /* xorshift64*, as osn::bench::Random */
  peer_random_state ^= peer_random_state >> 12;
  peer_random_state ^= peer_random_state << 25;
  peer_random_state ^= peer_random_state >> 27;
  return peer_random_state * 0x2545F4914F6CDD1Dull;
}

static inline void peer_report(const char* name, double value, const char* unit) {
  printf("bench: %s %.1f %s\n", name, value, unit);
  fflush(stdout);
}

#endif
