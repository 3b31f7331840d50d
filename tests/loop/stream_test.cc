// tests/loop/stream_test.cc — Stream over socketpairs, pipes and real TCP on 127.0.0.1.
//
// Echo, multi-megabyte writes through a deliberately small send buffer (partial writes),
// backpressure and on_drain, write callbacks only from the loop (never inside write()),
// half-close, a peer that went away (EPIPE/ECONNRESET, never SIGPIPE), and callbacks that
// close or delete their own Stream.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/socket.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "loop/stream.h"
#include "tests/support/loop_fixture.h"
#include "tests/support/stream_pairs.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using looptest::FdPair;
using looptest::pattern;
using Labels = std::vector<std::string>;

class StreamTest : public looptest::LoopTest {
 protected:
  // Client sends `message`, server echoes every chunk, client checks what comes back.
  void echo_roundtrip(FdPair pair, size_t bytes) {
    const std::string message = pattern(bytes);
    Stream client(loop, std::move(pair.a));
    Stream server(loop, std::move(pair.b));
    server.read_start([&](std::string_view data) { server.write(std::string(data)); });
    server.on_end([&] { server.close(); });
    std::string received;
    client.read_start([&](std::string_view data) {
      received.append(data);
      if (received.size() >= message.size()) client.close();
    });
    client.write(message);
    run_bounded();
    EXPECT_EQ(received.size(), message.size());
    EXPECT_TRUE(received == message) << "echoed bytes differ";
  }

  // Writes `bytes` in one write() through a small send buffer; the peer checks every byte.
  // (TCP gets 128 KiB: loopback segments are 64 KiB, and with one segment in flight every
  // ACK is a delayed ACK — the transfer would crawl at one segment per ~40 ms.)
  void big_write(FdPair pair, size_t bytes, int send_buffer) {
    if (send_buffer > 0) {
      ASSERT_TRUE(kio::set_send_buffer(pair.a.get(), send_buffer));
    }
    Stream writer(loop, std::move(pair.a));
    Stream reader(loop, std::move(pair.b));
    size_t received = 0;
    bool corrupt = false;
    reader.read_start([&](std::string_view data) {
      for (size_t i = 0; i < data.size(); ++i)
        if (data[i] != static_cast<char>('a' + (received + i) % 26)) corrupt = true;
      received += data.size();
      if (received == bytes) {
        reader.close();
        writer.close();
      }
    });
    int done_calls = 0, drains = 0;
    bool done_ok = false;
    writer.on_drain([&] { ++drains; });
    bool accepted = writer.write(pattern(bytes), [&](kio::Status s) {
      ++done_calls;
      done_ok = s.ok();
    });
    EXPECT_FALSE(accepted) << "several MB cannot fit the send buffer: over high water";
    EXPECT_GT(writer.write_queue_bytes(), 0u) << "the kernel took only part of it";
    EXPECT_LT(writer.write_queue_bytes(), bytes + 1);
    run_bounded(10'000);
    EXPECT_EQ(received, bytes);
    EXPECT_FALSE(corrupt);
    EXPECT_EQ(done_calls, 1);
    EXPECT_TRUE(done_ok);
    EXPECT_EQ(drains, 1);
  }
};

TEST_P(StreamTest, EchoOverASocketpair) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  echo_roundtrip(std::move(*pair), 200'000);
}

TEST_P(StreamTest, EchoOverTcpOnLoopback) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  echo_roundtrip(std::move(*pair), 200'000);
}

TEST_P(StreamTest, SeveralMegabytesThroughASmallSendBufferOverASocketpair) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  big_write(std::move(*pair), 4 << 20, 4096);
}

TEST_P(StreamTest, SeveralMegabytesThroughASmallSendBufferOverTcp) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  big_write(std::move(*pair), 4 << 20, 128 * 1024);
}

TEST_P(StreamTest, WriteTakesAViewAndTheCallersBytesMayChangeRightAfter) {
  // write(std::string_view) sends from the caller's buffer and copies only what the kernel
  // did not take: the caller may reuse its buffer as soon as write() returns.
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::set_send_buffer(pair->a.get(), 4096));
  Stream writer(loop, std::move(pair->a));
  Stream reader(loop, std::move(pair->b));
  const std::string expected = pattern(300'000);
  std::string buffer = expected;
  writer.write(buffer);
  ASSERT_GT(writer.write_queue_bytes(), 0u) << "the test needs a partial write";
  EXPECT_LT(writer.write_queue_bytes(), expected.size()) << "the kernel took the first part";
  buffer.assign(buffer.size(), '!');  // the caller reuses its buffer at once
  std::string received;
  reader.read_start([&](std::string_view d) {
    received.append(d);
    if (received.size() >= expected.size()) {
      reader.close();
      writer.close();
    }
  });
  run_bounded();
  EXPECT_TRUE(received == expected) << "the queued rest was not copied before write() returned";
}

TEST_P(StreamTest, QueuedWritesCompleteInOrderEachCallbackOnce) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::set_send_buffer(pair->a.get(), 4096));
  Stream writer(loop, std::move(pair->a));
  Stream reader(loop, std::move(pair->b));
  Labels order;
  writer.write(pattern(100'000), [&](kio::Status s) { order.push_back(s.ok() ? "big" : "big failed"); });
  writer.write("a");  // no callback: joins the request before it, or the next
  writer.write("b", [&](kio::Status s) { order.push_back(s.ok() ? "b" : "b failed"); });
  writer.write("c");
  writer.write("", [&](kio::Status s) { order.push_back(s.ok() ? "empty" : "empty failed"); });
  const size_t total = 100'000 + 3;
  std::string received;
  reader.read_start([&](std::string_view d) {
    received.append(d);
    if (received.size() == total) reader.read_stop();
  });
  run_bounded();
  EXPECT_EQ(order, (Labels{"big", "b", "empty"}));
  EXPECT_EQ(received.size(), total);
  EXPECT_EQ(received.substr(100'000), "abc");
  EXPECT_EQ(writer.write_queue_bytes(), 0u);
}

TEST_P(StreamTest, BackpressurePastTheHighWaterMarkThenDrain) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::set_send_buffer(pair->a.get(), 4096));
  kio::Fd peer = std::move(pair->b);  // nobody reads it yet
  Stream writer(loop, std::move(pair->a));
  writer.set_high_water_mark(1024);
  const size_t total = 256 * 1024;
  EXPECT_FALSE(writer.write(pattern(total)));
  size_t queued = writer.write_queue_bytes();
  EXPECT_GE(queued, 1024u);
  EXPECT_FALSE(writer.write("x")) << "still over the mark: still false";
  EXPECT_EQ(writer.write_queue_bytes(), queued + 1);

  int drains = 0;
  bool accepted_after_drain = false;
  writer.on_drain([&] {
    ++drains;
    EXPECT_EQ(writer.write_queue_bytes(), 0u);
    accepted_after_drain = writer.write("y");
  });
  size_t received = 0;
  IoWatcher drainer(loop, peer.get(), [&](uint32_t) {
    char buf[65536];
    auto n = kio::read_some(peer.get(), buf);
    if (n) received += *n;
    if (received == total + 2) {
      drainer.stop();
      writer.close();
    }
  });
  loop.set_timeout(5, [&] { ASSERT_TRUE(drainer.start(kReadable)); });  // start reading later
  run_bounded();
  EXPECT_EQ(drains, 1);
  EXPECT_TRUE(accepted_after_drain);
  EXPECT_EQ(received, total + 2);
}

TEST_P(StreamTest, WriteCallbacksRunInTheNextPendingPhaseNeverInsideWrite) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream stream(loop, std::move(pair->a));
  Labels order;
  IdleHandle idle(loop);
  bool inside_write = false;
  loop.set_immediate([&] {  // check phase of iteration k
    inside_write = true;
    bool ok = stream.write("hello", [&](kio::Status s) {
      EXPECT_FALSE(inside_write);
      EXPECT_TRUE(s.ok());
      order.push_back("write callback");
    });
    inside_write = false;
    EXPECT_TRUE(ok);
    order.push_back("write returned");
    idle.start([&] {  // idle of iteration k+1: after its pending phase
      order.push_back("idle");
      idle.stop();
    });
  });
  run_bounded();
  EXPECT_EQ(order, (Labels{"write returned", "write callback", "idle"}));
}

TEST_P(StreamTest, ShutdownHalfClosesThePeerReadsEofAndCanStillAnswer) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  Stream client(loop, std::move(pair->a));
  Stream server(loop, std::move(pair->b));
  std::string server_got, client_got;
  int server_ends = 0, client_ends = 0;
  bool shutdown_ok = false;
  server.read_start([&](std::string_view d) { server_got.append(d); });
  server.on_end([&] {
    ++server_ends;
    server.write("bye");  // our reading side is done; our writing side is not
    server.shutdown();
  });
  client.read_start([&](std::string_view d) { client_got.append(d); });
  client.on_end([&] {
    ++client_ends;
    client.close();
    server.close();
  });
  client.write("request");
  client.shutdown([&](kio::Status s) { shutdown_ok = s.ok(); });
  run_bounded();
  EXPECT_EQ(server_got, "request");
  EXPECT_EQ(client_got, "bye");
  EXPECT_EQ(server_ends, 1);
  EXPECT_EQ(client_ends, 1);
  EXPECT_TRUE(shutdown_ok);
}

TEST_P(StreamTest, WriteAfterShutdownFailsFromTheLoop) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream stream(loop, std::move(pair->a));
  stream.shutdown();
  int write_error = 0, second_shutdown_error = 0;
  bool inside = true;
  EXPECT_FALSE(stream.write("late", [&](kio::Status s) {
    EXPECT_FALSE(inside);
    write_error = s.ok() ? 0 : s.error().code;
  }));
  stream.shutdown([&](kio::Status s) { second_shutdown_error = s.ok() ? 0 : s.error().code; });
  inside = false;
  run_bounded();
  EXPECT_EQ(write_error, EPIPE);
  EXPECT_EQ(second_shutdown_error, ENOTCONN);
  char byte;
  auto n = kio::read_some(pair->b.get(), {&byte, 1});
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u) << "the peer reads EOF";
}

TEST_P(StreamTest, WritingToAClosedSocketpairPeerGivesEpipeNotSigpipe) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  pair->b.reset();
  Stream stream(loop, std::move(pair->a));
  int error = 0, callback_error = 0;
  stream.on_error([&](const kio::SysError& e) {
    error = e.code;
    stream.close();
  });
  stream.write("nobody is listening", [&](kio::Status s) {
    callback_error = s.ok() ? 0 : s.error().code;
  });
  run_bounded();
  EXPECT_TRUE(error == EPIPE || error == ECONNRESET) << kio::errno_name(error);
  EXPECT_EQ(callback_error, error);
}

TEST_P(StreamTest, WritingToAPipeWithoutReaderGivesEpipeNotSigpipe) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  p->read_end.reset();
  Stream stream(loop, std::move(p->write_end));
  int error = 0;
  stream.on_error([&](const kio::SysError& e) {
    error = e.code;
    stream.close();
  });
  stream.write("x");
  run_bounded();
  EXPECT_EQ(error, EPIPE);  // and this process is still here: SIGPIPE is ignored
}

TEST_P(StreamTest, WritingAfterTheTcpPeerResetGivesAnErrorCallback) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  linger hard{1, 0};  // close with RST instead of FIN
  ASSERT_EQ(setsockopt(pair->b.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
  pair->b.reset();
  Stream stream(loop, std::move(pair->a));
  int error = 0, writes = 0, callback_error = 0;
  stream.on_error([&](const kio::SysError& e) {
    error = e.code;
    stream.close();
  });
  IdleHandle keep_writing(loop);  // writes until the error arrives
  keep_writing.start([&] {
    if (stream.is_closing() || ++writes > 1000) return keep_writing.stop();
    stream.write("data", [&](kio::Status s) {
      if (!s.ok() && callback_error == 0) callback_error = s.error().code;
    });
  });
  run_bounded();
  EXPECT_TRUE(error == EPIPE || error == ECONNRESET) << kio::errno_name(error);
  EXPECT_TRUE(callback_error == EPIPE || callback_error == ECONNRESET)
      << kio::errno_name(callback_error);
}

TEST_P(StreamTest, UnhandledErrorClosesTheStream) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  pair->b.reset();
  Stream stream(loop, std::move(pair->a));
  int result = 0;
  stream.write("x", [&](kio::Status s) { result = s.ok() ? 0 : s.error().code; });
  run_bounded();
  EXPECT_NE(result, 0);
  EXPECT_TRUE(stream.is_closing());
  EXPECT_EQ(stream.fd(), -1);
}

TEST_P(StreamTest, OnEndFiresOnceWhenThePeerCloses) {
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  Stream reader(loop, std::move(p->read_end));
  std::string got;
  int ends = 0;
  reader.read_start([&](std::string_view d) { got.append(d); });
  reader.on_end([&] { ++ends; });
  ASSERT_TRUE(kio::write_all(p->write_end.get(), {"last words", 10}));
  p->write_end.reset();
  run_bounded();
  EXPECT_EQ(got, "last words");
  EXPECT_EQ(ends, 1);
  EXPECT_FALSE(reader.is_reading());
  EXPECT_FALSE(loop.alive()) << "a stream that stopped reading no longer keeps the loop";
}

TEST_P(StreamTest, ReadStopPausesAndReadStartResumes) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream stream(loop, std::move(pair->a));
  std::string got;
  stream.read_start([&](std::string_view d) {
    got.append(d);
    if (got == "one") stream.read_stop();
    if (got == "onetwo") stream.close();
  });
  EXPECT_TRUE(stream.is_reading());
  ASSERT_TRUE(kio::write_all(pair->b.get(), {"one", 3}));
  run_bounded();  // returns: a stopped stream does not keep the loop alive
  EXPECT_EQ(got, "one");
  EXPECT_FALSE(stream.is_reading());
  ASSERT_TRUE(kio::write_all(pair->b.get(), {"two", 3}));
  stream.read_start([&](std::string_view d) {
    got.append(d);
    stream.close();
  });
  run_bounded();
  EXPECT_EQ(got, "onetwo");
}

TEST_P(StreamTest, TicksAreDrainedBetweenTwoOnDataCallsOfOneWakeup) {
  // 100 KB are waiting: one readable event gives two reads (64 KiB buffer), two on_data calls.
  // A tick queued by the first must run before the second, as after every callback.
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  const std::string data = pattern(100'000);
  ASSERT_TRUE(kio::write_all(pair->b.get(), data));
  Stream stream(loop, std::move(pair->a));
  Labels order;
  size_t received = 0;
  stream.read_start([&](std::string_view d) {
    order.push_back("data");
    if (order.size() == 1) loop.next_tick([&] { order.push_back("tick"); });
    received += d.size();
    if (received == data.size()) stream.close();
  });
  run_bounded();
  ASSERT_GE(order.size(), 3u);
  EXPECT_EQ(order[0], "data");
  EXPECT_EQ(order[1], "tick");
  EXPECT_EQ(order[2], "data");
}

TEST_P(StreamTest, CallbackClosesItsOwnStream) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream server(loop, std::move(pair->b));
  Stream client(loop, std::move(pair->a));
  int data_calls = 0, closes = 0, client_ends = 0;
  server.read_start([&](std::string_view) {
    ++data_calls;
    server.close([&] { ++closes; });
  });
  client.on_end([&] {
    ++client_ends;
    client.close();
  });
  client.on_error([&](const kio::SysError&) { client.close(); });
  client.read_start([](std::string_view) {});
  client.write(pattern(300'000));  // more than one read's worth
  run_bounded();
  EXPECT_EQ(data_calls, 1);
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(server.fd(), -1);
}

TEST_P(StreamTest, OnDataMayDeleteItsOwnStream) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  auto server = std::make_unique<Stream>(loop, std::move(pair->b));
  Stream client(loop, std::move(pair->a));
  int data_calls = 0;
  server->read_start([&](std::string_view) {
    ++data_calls;
    server.reset();  // deletes the Stream whose read loop is running
  });
  client.on_end([&] { client.close(); });
  client.on_error([&](const kio::SysError&) { client.close(); });
  client.read_start([](std::string_view) {});
  client.write(pattern(300'000));
  run_bounded();
  EXPECT_EQ(data_calls, 1);
  EXPECT_EQ(server, nullptr);
}

TEST_P(StreamTest, OnEndMayDeleteItsOwnStream) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  auto stream = std::make_unique<Stream>(loop, std::move(pair->a));
  stream->read_start([](std::string_view) {});
  stream->on_end([&] { stream.reset(); });
  pair->b.reset();
  run_bounded();
  EXPECT_EQ(stream, nullptr);
  EXPECT_FALSE(loop.alive());
}

TEST_P(StreamTest, WriteCallbackAndOnErrorMayDeleteTheStream) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::set_send_buffer(pair->a.get(), 4096));
  auto stream = std::make_unique<Stream>(loop, std::move(pair->a));
  int callbacks = 0;
  // Two queued writes; the first one's callback deletes the stream while the write queue is
  // being flushed.
  stream->write(pattern(100'000), [&](kio::Status) {
    ++callbacks;
    stream.reset();
  });
  stream->write("second", [&](kio::Status) { ++callbacks; });
  IoWatcher drain(loop, pair->b.get(), [&](uint32_t) {
    char buf[65536];
    auto n = kio::read_some(pair->b.get(), buf);
    if (!n || *n == 0 || stream == nullptr) drain.stop();
  });
  ASSERT_TRUE(drain.start(kReadable));
  run_bounded();
  EXPECT_EQ(stream, nullptr);
  EXPECT_GE(callbacks, 1);

  auto pair2 = looptest::unix_pair();
  ASSERT_TRUE(pair2);
  pair2->b.reset();
  auto failing = std::make_unique<Stream>(loop, std::move(pair2->a));
  failing->on_error([&](const kio::SysError&) { failing.reset(); });
  failing->write("x");
  run_bounded();
  EXPECT_EQ(failing, nullptr);
}

TEST_P(StreamTest, ClosingTwiceRunsTheFirstCloseCallbackOnce) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream stream(loop, std::move(pair->a));
  stream.read_start([](std::string_view) {});
  Labels order;
  stream.close([&] { order.push_back("first"); });
  stream.close([&] { order.push_back("second"); });
  EXPECT_EQ(stream.fd(), -1) << "close() closes the descriptor at once";
  run_bounded();
  EXPECT_EQ(order, Labels{"first"});
}

TEST_P(StreamTest, CloseCallbackRunsInTheClosePhase) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream stream(loop, std::move(pair->a));
  Labels order;
  stream.read_start([&](std::string_view) {  // poll phase
    stream.close([&] { order.push_back("close"); });
    loop.set_immediate([&] { order.push_back("immediate"); });  // check phase, same iteration
    order.push_back("data");
  });
  ASSERT_TRUE(kio::write_all(pair->b.get(), {"x", 1}));
  run_bounded();
  EXPECT_EQ(order, (Labels{"data", "immediate", "close"}));
}

TEST_P(StreamTest, CloseCancelsQueuedWritesBeforeTheCloseCallback) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::set_send_buffer(pair->a.get(), 4096));
  Stream stream(loop, std::move(pair->a));
  Labels order;
  int code = 0;
  stream.write(pattern(1 << 20), [&](kio::Status s) {
    code = s.ok() ? 0 : s.error().code;
    order.push_back("write");
  });
  ASSERT_GT(stream.write_queue_bytes(), 0u);
  stream.close([&] { order.push_back("close"); });
  EXPECT_EQ(stream.write_queue_bytes(), 0u);
  run_bounded();
  EXPECT_EQ(code, ECANCELED);
  EXPECT_EQ(order, (Labels{"write", "close"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, StreamTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
