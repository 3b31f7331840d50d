// tests/loop/await_stream_test.cc — co_await read/write on Streams (loop/await_stream.h):
// every byte arrives in order, a full write queue makes the writer wait for 'drain', a reader
// that does not read stops the stream reading, and the end and errors reach the waiting frame.
#include <gtest/gtest.h>

#include <string>

#include "loop/await_stream.h"
#include "loop/loop.h"
#include "loop/sleep.h"
#include "loop/stream.h"
#include "loop/task.h"
#include "tests/support/loop_fixture.h"
#include "tests/support/stream_pairs.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class AwaitStreamTest : public looptest::LoopTest {};

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

Task<> write_all(AwaitStream& s, std::string data, size_t piece) {
  for (size_t at = 0; at < data.size(); at += piece) {
    kio::Status ok = co_await s.write(std::string_view(data).substr(at, piece));
    if (!ok) co_return;
  }
  s.stream().shutdown();
}

Task<> read_all(AwaitStream& s, std::string* into) {
  for (;;) {
    kio::Result<std::string> got = co_await s.read();
    if (!got || got->empty()) co_return;
    into->append(*got);
  }
}

TEST_P(AwaitStreamTest, EveryByteArrivesInOrderAndAFullQueueMakesTheWriterWait) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  Stream left(loop, std::move(pair->a)), right(loop, std::move(pair->b));
  left.set_high_water_mark(16 * 1024);
  AwaitStream writer(left), reader(right);
  const std::string data = pattern(4 * 1024 * 1024);
  std::string got;
  Task<> w = write_all(writer, data, 64 * 1024);
  Task<> r = read_all(reader, &got);
  run_bounded(30'000);
  EXPECT_TRUE(w.done());
  EXPECT_TRUE(r.done());
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data) << "bytes differ";
  EXPECT_GT(writer.drain_waits(), 0u) << "4 MiB into a 16 KiB high-water mark never waited?";
}

Task<> read_once_after(Loop& loop, AwaitStream& s, uint64_t ms, std::string* into) {
  co_await sleep(loop, ms);
  kio::Result<std::string> got = co_await s.read();
  if (got) *into = *got;
}

// Nobody reads: after kHighWater bytes the stream stops reading (the kernel buffers the rest).
TEST_P(AwaitStreamTest, AReaderThatDoesNotReadStopsTheStreamReading) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream left(loop, std::move(pair->a)), right(loop, std::move(pair->b));
  AwaitStream reader(right);
  std::string first;
  // Start reading: one read, then stop taking bytes.
  Task<> r = read_once_after(loop, reader, 0, &first);
  const std::string chunk = pattern(AwaitStream::kHighWater);
  bool stopped = false;
  TimerId check = 0;
  loop.set_timeout(20, [&] {
    left.write(chunk);
    left.write(chunk);
    left.write(chunk);
    check = loop.set_interval(2, [&] {  // until the stream stops reading (bounded by the run)
      if (right.is_reading()) return;
      stopped = true;
      loop.clear_timer(check);
      left.close();
      right.close();
    });
  });
  run_bounded(20'000);
  EXPECT_FALSE(first.empty());
  EXPECT_TRUE(stopped) << "the stream kept reading with nobody taking the bytes";
}

TEST_P(AwaitStreamTest, TheEndOfTheStreamIsAnEmptyRead) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream left(loop, std::move(pair->a)), right(loop, std::move(pair->b));
  AwaitStream reader(right);
  std::string got = "unset";
  auto body = [](AwaitStream& s, std::string* got) -> Task<> {
    kio::Result<std::string> r = co_await s.read();
    *got = r ? *r : "error";
  };
  Task<> t = body(reader, &got);
  left.shutdown();
  run_bounded();
  EXPECT_EQ(got, "");
}

TEST_P(AwaitStreamTest, AWriteToAStreamWhosePeerClosedGivesTheError) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  Stream left(loop, std::move(pair->a));
  pair->b.reset();  // the peer is gone: writes fail with EPIPE or ECONNRESET
  AwaitStream writer(left);
  int code = 0;
  auto body = [](Loop& loop, AwaitStream& s, int* code) -> Task<> {
    const std::string big(256 * 1024, 'x');
    for (int i = 0; i < 200; ++i) {
      kio::Status st = co_await s.write(big);
      if (!st) {
        *code = st.error().code;
        co_return;
      }
      co_await sleep(loop, 1);
    }
  };
  Task<> t = body(loop, writer, &code);
  run_bounded(20'000);
  EXPECT_TRUE(code == EPIPE || code == ECONNRESET) << code;
}

INSTANTIATE_TEST_SUITE_P(Backends, AwaitStreamTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
