// tests/loop/loop_owned_stream_test.cc — streams the loop owns (Stream::adopt, the Stream& a
// Listener hands out), and Stream::take.
//
// A loop-owned stream lives until it closes: after the peer's end (once its queued writes are
// out), on an error (on_error or not), or by close(). It is freed after its close callbacks
// ran — they may still name it (ASan would see it otherwise) — and the loop frees the ones it
// still owns when it is destroyed. take() makes it the caller's, and then nothing closes it.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "loop/listener.h"
#include "loop/loop.h"
#include "loop/stream.h"
#include "loop/stream_keeper.h"
#include "tests/support/loop_fixture.h"
#include "tests/support/stream_pairs.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;
using looptest::pattern;
using Labels = std::vector<std::string>;

// Reads `fd` (blocking up to 5 s per read) until EOF; false if it stayed open or failed.
bool read_to_eof(int fd, std::string& out) {
  for (;;) {
    auto ready = kio::wait_readable(fd, 5'000);
    if (!ready || !*ready) return false;
    char buf[65536];
    auto n = kio::read_some(fd, buf);
    if (!n) {
      if (n.error().would_block()) continue;
      return false;
    }
    if (*n == 0) return true;
    out.append(buf, *n);
  }
}

class LoopOwnedStreamTest : public looptest::LoopTest {
 protected:
  size_t owned() { return StreamKeeper::of(loop).size(); }
};

TEST_P(LoopOwnedStreamTest, ClosesItselfAfterThePeerEndsAndIsFreed) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  Stream& server = Stream::adopt(loop, std::move(pair->b));
  EXPECT_TRUE(server.loop_owned());
  Labels order;
  server.read_start([&](std::string_view data) { server.write(data); });  // echo
  server.on_end([&] { order.push_back("end"); });
  server.on_close([&] { order.push_back("close"); });
  ASSERT_TRUE(kio::write_all(pair->a.get(), std::string_view("abc")));
  ASSERT_TRUE(kio::shutdown_write(pair->a.get()));
  EXPECT_EQ(owned(), 1u);
  run_bounded();  // returns: the stream closed itself, nothing keeps the loop alive
  EXPECT_EQ(order, (Labels{"end", "close"}));
  EXPECT_EQ(owned(), 0u) << "the loop freed the closed stream";
  std::string echoed;
  EXPECT_TRUE(read_to_eof(pair->a.get(), echoed)) << "the peer got no FIN";
  EXPECT_EQ(echoed, "abc");
}

TEST_P(LoopOwnedStreamTest, WritesQueuedAtTheEndLeaveBeforeTheAutomaticClose) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  ASSERT_TRUE(kio::set_send_buffer(pair->b.get(), 4096));
  const std::string reply = pattern(1 << 20);
  Stream& server = Stream::adopt(loop, std::move(pair->b));
  server.read_start([](std::string_view) {});
  server.on_end([&] {
    server.write(reply);
    EXPECT_GT(server.write_queue_bytes(), 0u) << "the test needs a queue at the end";
  });
  ASSERT_TRUE(kio::shutdown_write(pair->a.get()));
  std::string received;
  IoWatcher client(loop, pair->a.get(), [&](uint32_t) {
    char buf[65536];
    auto n = kio::read_some(pair->a.get(), buf);
    if (n && *n > 0) received.append(buf, *n);
    if (!n ? !n.error().would_block() : *n == 0) client.stop();
  });
  ASSERT_TRUE(client.start(kReadable));
  run_bounded();
  EXPECT_EQ(received.size(), reply.size());
  EXPECT_TRUE(received == reply) << "bytes lost or reordered before the close";
  EXPECT_EQ(owned(), 0u);
}

TEST_P(LoopOwnedStreamTest, AnErrorClosesItEvenWithAnOnErrorCallback) {
  auto pair = looptest::tcp_pair();
  ASSERT_TRUE(pair);
  Stream& server = Stream::adopt(loop, std::move(pair->b));
  int errors = 0, closes = 0;
  server.read_start([](std::string_view) {});
  server.on_error([&](const kio::SysError&) { ++errors; });
  server.on_close([&] { ++closes; });
  // The client leaves with a reset (SO_LINGER 0), unread bytes on our side make sure of it.
  const linger reset_on_close{1, 0};
  ASSERT_EQ(::setsockopt(pair->a.get(), SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close), 0);
  server.write("unread by the client");
  pair->a.reset();
  run_bounded();
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(closes, 1);
  EXPECT_EQ(owned(), 0u);
}

TEST_P(LoopOwnedStreamTest, ACloseCallbackMayStillUseTheStream) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream& stream = Stream::adopt(loop, std::move(pair->b));
  int fd_seen = 0;
  bool closing_seen = false;
  stream.on_close([&] { closing_seen = stream.is_closing(); });
  stream.close([&] { fd_seen = stream.fd(); });  // runs after on_close, in the same phase
  run_bounded();
  EXPECT_TRUE(closing_seen);
  EXPECT_EQ(fd_seen, -1);
  EXPECT_EQ(owned(), 0u);
}

TEST_P(LoopOwnedStreamTest, TakeMakesItYoursAndNothingClosesItThen) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream& adopted = Stream::adopt(loop, std::move(pair->b));
  std::unique_ptr<Stream> mine = adopted.take();
  ASSERT_EQ(mine.get(), &adopted);
  EXPECT_FALSE(mine->loop_owned());
  EXPECT_EQ(owned(), 0u);
  EXPECT_EQ(mine->take(), nullptr) << "a stream you own cannot be taken again";
  int ends = 0;
  mine->read_start([](std::string_view) {});
  mine->on_end([&] { ++ends; });
  pair->a.reset();
  run_bounded();
  EXPECT_EQ(ends, 1);
  EXPECT_FALSE(mine->is_closing()) << "a stream you own does not close by itself";
  EXPECT_NE(mine->fd(), -1);
}

TEST_P(LoopOwnedStreamTest, AClosingStreamCannotBeTaken) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  Stream& stream = Stream::adopt(loop, std::move(pair->b));
  stream.close();
  EXPECT_EQ(stream.take(), nullptr);
  run_bounded();
  EXPECT_EQ(owned(), 0u);
}

TEST_P(LoopOwnedStreamTest, ManyStreamsClosingInAnyOrderAreEachFreedOnce) {
  std::vector<looptest::FdPair> pairs;
  std::vector<Stream*> streams;
  for (int i = 0; i < 8; ++i) {
    auto pair = looptest::unix_pair();
    ASSERT_TRUE(pair);
    streams.push_back(&Stream::adopt(loop, std::move(pair->b)));
    streams.back()->read_start([](std::string_view) {});
    pairs.push_back(std::move(*pair));
  }
  EXPECT_EQ(owned(), 8u);
  int closes = 0;
  for (Stream* s : streams) s->on_close([&] { ++closes; });
  streams[5]->close();  // by hand; the others end when their peers go, in reverse order
  for (int i = 7; i >= 0; --i) pairs[i].a.reset();
  run_bounded();
  EXPECT_EQ(closes, 8);
  EXPECT_EQ(owned(), 0u);
}

TEST_P(LoopOwnedStreamTest, DestroyingTheLoopFreesTheStreamsItStillOwns) {
  auto pair = looptest::unix_pair();
  ASSERT_TRUE(pair);
  {
    Loop short_lived(GetParam());
    Stream& stream = Stream::adopt(short_lived, std::move(pair->b));
    stream.read_start([](std::string_view) {});
  }  // ~Loop: the stream is destroyed (LeakSanitizer would see it otherwise), its fd closed
  std::string rest;
  EXPECT_TRUE(read_to_eof(pair->a.get(), rest)) << "the descriptor was not closed";
}

TEST_P(LoopOwnedStreamTest, AListenerHandsOutLoopOwnedStreams) {
  std::unique_ptr<Listener> listener;
  int connections = 0;
  auto made = Listener::listen_tcp(loop, "127.0.0.1", 0, [&](Stream& socket) {
    ++connections;
    EXPECT_TRUE(socket.loop_owned());
    socket.read_start([&socket](std::string_view data) { socket.write(std::to_string(data.size())); });
    socket.on_close([&] { listener->close(); });  // one client, then we are done
  });
  ASSERT_TRUE(made) << made.error().message();
  listener = std::move(*made);
  EXPECT_TRUE(listener->is_active()) << "listen_tcp starts accepting by itself";
  auto address = kio::SocketAddress::ip("127.0.0.1", listener->port());
  auto client = kio::connect_blocking(*address);
  ASSERT_TRUE(client);
  ASSERT_TRUE(kio::write_all(client->get(), std::string_view("12345")));
  std::string answer;
  std::string_view expected = "5";
  IoWatcher reader(loop, client->get(), [&](uint32_t) {
    char buf[64];
    auto n = kio::read_some(client->get(), buf);
    if (n && *n > 0) answer.append(buf, *n);
    if (answer == expected) {
      reader.stop();
      ASSERT_TRUE(kio::shutdown_write(client->get()));  // the server side then closes itself
    }
  });
  ASSERT_TRUE(reader.start(kReadable));
  run_bounded();
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(answer, "5");
  EXPECT_EQ(owned(), 0u);
}

TEST_P(LoopOwnedStreamTest, ABadListenAddressIsAnErrorNotACrash) {
  auto made = Listener::listen_tcp(loop, "not-an-address", 0, [](Stream&) {});
  EXPECT_FALSE(made);
}

INSTANTIATE_TEST_SUITE_P(Backends, LoopOwnedStreamTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
