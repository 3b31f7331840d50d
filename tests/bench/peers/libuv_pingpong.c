/* tests/bench/peers/libuv_pingpong.c — libuv twin of ../loop_pingpong_bench.cc.
 *
 * A socketpair(AF_UNIX, SOCK_STREAM), each end opened with uv_pipe_open; uv_read_start on
 * both; side A uv_write()s one byte, B's read callback writes it back, A counts a round trip
 * and writes again, N = 1,000,000 x scale times. Like osnode's Stream, reads land in one
 * reused 64 KiB buffer and writes have no callback. One uv_write_t per side is enough: a
 * side writes again only after its previous write has completed (the peer answered).
 * Usage: libuv_pingpong [SCALE]   (or env BENCH_SCALE; default 1.0)
 */
#include <sys/socket.h>
#include <uv.h>

#include "bench_peer.h"

static uv_pipe_t side_a, side_b;
static uv_write_t write_a, write_b;
static char read_buffer[64 * 1024];
static char byte = 'x';
static uint64_t round_trips, wanted;

static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf) {
  (void)handle;
  (void)suggested;
  *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void send_byte(uv_pipe_t* side, uv_write_t* req) {
  uv_buf_t buf = uv_buf_init(&byte, 1);
  int rc = uv_write(req, (uv_stream_t*)side, &buf, 1, NULL);
  if (rc != 0) {
    fprintf(stderr, "libuv_pingpong: uv_write: %s\n", uv_strerror(rc));
    exit(1);
  }
}

static void on_read_b(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  (void)stream;
  (void)buf;
  if (nread > 0) send_byte(&side_b, &write_b);
}

static void on_read_a(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  (void)stream;
  (void)buf;
  if (nread <= 0) return;
  round_trips += (uint64_t)nread;
  if (round_trips < wanted) {
    send_byte(&side_a, &write_a);
  } else {
    uv_read_stop((uv_stream_t*)&side_a);
    uv_read_stop((uv_stream_t*)&side_b);
  }
}

int main(int argc, char** argv) {
  wanted = peer_scaled(1000000, peer_scale_factor(argc, argv));
  uv_loop_t* loop = uv_default_loop();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    perror("libuv_pingpong: socketpair");
    return 1;
  }
  uv_pipe_init(loop, &side_a, 0);
  uv_pipe_init(loop, &side_b, 0);
  uv_pipe_open(&side_a, fds[0]);
  uv_pipe_open(&side_b, fds[1]);
  uv_read_start((uv_stream_t*)&side_a, on_alloc, on_read_a);
  uv_read_start((uv_stream_t*)&side_b, on_alloc, on_read_b);

  uint64_t start = peer_clock_ns(CLOCK_MONOTONIC);
  send_byte(&side_a, &write_a);
  uv_run(loop, UV_RUN_DEFAULT);
  uint64_t elapsed = peer_clock_ns(CLOCK_MONOTONIC) - start;

  if (round_trips != wanted) {
    fprintf(stderr, "libuv_pingpong: %llu of %llu round trips\n",
            (unsigned long long)round_trips, (unsigned long long)wanted);
    return 1;
  }
  printf("# %llu round trips, libuv %s\n", (unsigned long long)wanted, uv_version_string());
  peer_report("pingpong_round_trips_per_s", (double)wanted * 1e9 / (double)elapsed, "rt/s");
  uv_close((uv_handle_t*)&side_a, NULL);
  uv_close((uv_handle_t*)&side_b, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  return 0;
}
