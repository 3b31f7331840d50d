// tests/kernel-io/io_test.cc — read/write/writev on sockets and pipes: short reads, partial
// writes, EAGAIN as would_block(), EOF as 0, EPIPE without a SIGPIPE death, bounded waits.
#include "kernel-io/io.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/signals.h"
#include "kernel-io/socket.h"
#include "tests/support/process_guard.h"

namespace osn::kio {
namespace {

std::span<const char> bytes(std::string_view s) { return {s.data(), s.size()}; }

std::pair<Fd, Fd> make_socket_pair() {
  auto sp = socket_pair();
  EXPECT_TRUE(sp.ok()) << sp.error().message();
  return sp ? std::move(*sp) : std::pair<Fd, Fd>{};
}

// Fills a non-blocking descriptor until the kernel refuses more; returns bytes written.
size_t fill_until_full(int fd) {
  std::vector<char> chunk(64 * 1024, 'f');
  size_t total = 0;
  for (;;) {
    auto n = write_some(fd, chunk);
    if (!n) {
      EXPECT_TRUE(n.error().would_block()) << n.error().message();
      return total;
    }
    total += *n;
  }
}

TEST(ReadSome, ReturnsWhatIsThereEvenIfLessThanAsked) {
  auto [a, b] = make_socket_pair();
  ASSERT_TRUE(write_all(a.get(), bytes("hello")).ok());
  char buf[64];
  auto n = read_some(b.get(), buf);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(std::string_view(buf, *n), "hello");
}

TEST(ReadSome, ReportsEagainAsWouldBlock) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  char buf[8];
  auto n = read_some(p->read_end.get(), buf);
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(n.error().would_block());
  EXPECT_STREQ(n.error().call, "read");
}

TEST(ReadSome, ReturnsZeroAtEndOfFile) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  p->write_end.reset();
  char buf[8];
  auto n = read_some(p->read_end.get(), buf);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(*n, 0u);
}

TEST(ReadSome, OnAClosedDescriptorNamesTheCall) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fd = p->read_end.get();
  p->read_end.reset();
  char buf[8];
  auto n = read_some(fd, buf);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().message(), "read: EBADF (Bad file descriptor)");
}

TEST(WriteSome, WritesToSocketsAndToPipes) {
  auto [a, b] = make_socket_pair();
  auto n = write_some(a.get(), bytes("sock"));
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(*n, 4u);
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  auto m = write_some(p->write_end.get(), bytes("pipe"));  // send() says ENOTSOCK: write() used
  ASSERT_TRUE(m.ok()) << m.error().message();
  char buf[8];
  ASSERT_EQ(read_exact(p->read_end.get(), {buf, 4}).value(), 4u);
  EXPECT_EQ(std::string_view(buf, 4), "pipe");
}

TEST(WriteSome, IsPartialThenEagainWhenTheSendBufferIsFull) {
  auto [a, b] = make_socket_pair();
  ASSERT_TRUE(set_send_buffer(a.get(), 4096).ok());
  std::vector<char> big(4 << 20, 'x');
  auto n = write_some(a.get(), big);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_GT(*n, 0u);
  EXPECT_LT(*n, big.size()) << "a partial write was expected with a 4 KiB send buffer";
  fill_until_full(a.get());
  auto again = write_some(a.get(), big);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.error().would_block());
  EXPECT_EQ(again.error().message().rfind("write: EAGAIN", 0), 0u) << again.error().message();
}

TEST(WriteSome, OnAClosedDescriptorNamesTheCall) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fd = p->write_end.get();
  p->write_end.reset();
  auto n = write_some(fd, bytes("x"));
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().message(), "write: EBADF (Bad file descriptor)");
}

// The child keeps SIGPIPE at its default action (terminate). If write_some did not use
// MSG_NOSIGNAL, the child would die "killed by SIGPIPE" instead of exiting with code 0.
TEST(WriteSome, ToASocketPeerThatWentAwayGivesEpipeAndNoSignal) {
  auto status = test::run_in_child([] {
    if (!set_default_action(SIGPIPE)) return 10;
    auto sp = socket_pair();
    if (!sp) return 11;
    sp->second.reset();
    auto n = write_some(sp->first.get(), bytes("anyone there?"));
    if (n.ok()) return 12;
    return n.error().is(EPIPE) ? 0 : 13;
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "exited with code 0");
}

TEST(WriteSome, ToATcpPeerThatWentAwayFailsAndNoSignal) {
  auto status = test::run_in_child([] {
    if (!set_default_action(SIGPIPE)) return 10;
    auto addr = SocketAddress::ip("127.0.0.1", 0);
    auto listener = tcp_listen(*addr);
    if (!listener) return 11;
    auto client = connect_blocking(local_address(listener->get()).value());
    if (!client) return 12;
    auto ready = wait_readable(listener->get(), 5'000);
    if (!ready || !*ready) return 12;
    auto server = accept_connection(listener->get());
    if (!server) return 13;
    server->reset();  // peer gone: its kernel answers our data with RST
    for (int i = 0; i < 200; ++i) {
      auto n = write_some(client->get(), bytes("x"));
      if (!n) return (n.error().is(EPIPE) || n.error().is(ECONNRESET)) ? 0 : 14;
      (void)wait_readable(client->get(), 50);  // give the RST time to arrive
    }
    return 15;
  });
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(status->describe(), "exited with code 0");
}

// Pipes have no MSG_NOSIGNAL: a writer whose reader is gone gets SIGPIPE. That is why the
// loop ignores SIGPIPE process-wide (ignore_sigpipe()); then the write reports EPIPE.
TEST(WriteSome, ToAPipeWithoutAReaderKillsUnlessSigpipeIsIgnored) {
  auto killed = test::run_in_child([] {
    if (!set_default_action(SIGPIPE)) return 10;
    auto p = make_pipe();
    if (!p) return 11;
    p->read_end.reset();
    (void)write_some(p->write_end.get(), bytes("x"));
    return 0;
  });
  ASSERT_TRUE(killed.ok()) << killed.error().message();
  EXPECT_EQ(killed->describe(), "killed by SIGPIPE");

  auto survived = test::run_in_child([] {
    if (!ignore_sigpipe()) return 10;
    auto p = make_pipe();
    if (!p) return 11;
    p->read_end.reset();
    auto n = write_some(p->write_end.get(), bytes("x"));
    return !n && n.error().is(EPIPE) ? 0 : 12;
  });
  ASSERT_TRUE(survived.ok()) << survived.error().message();
  EXPECT_EQ(survived->describe(), "exited with code 0");
}

TEST(WritevSome, GathersSeveralBuffersOnSocketsAndPipes) {
  std::string a = "gather ", b = "these ", c = "bytes";
  iovec iov[3] = {{a.data(), a.size()}, {b.data(), b.size()}, {c.data(), c.size()}};
  auto [s1, s2] = make_socket_pair();
  auto n = writev_some(s1.get(), iov);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(*n, a.size() + b.size() + c.size());
  char buf[64];
  auto got = read_exact(s2.get(), {buf, *n});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string_view(buf, *got), "gather these bytes");

  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  auto m = writev_some(p->write_end.get(), iov);  // sendmsg() says ENOTSOCK: writev() used
  ASSERT_TRUE(m.ok()) << m.error().message();
  got = read_exact(p->read_end.get(), {buf, *m});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(std::string_view(buf, *got), "gather these bytes");
}

TEST(WritevSome, OnAClosedDescriptorNamesTheCall) {
  std::string a = "x";
  iovec iov[1] = {{a.data(), a.size()}};
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fd = p->write_end.get();
  p->write_end.reset();
  auto n = writev_some(fd, iov);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().message(), "writev: EBADF (Bad file descriptor)");
}

TEST(WriteAllReadExact, MoveAMegabyteThroughASocketPair) {
  auto [a, b] = make_socket_pair();
  std::vector<char> out(1 << 20);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(i * 7 + 3);
  std::vector<char> in(out.size());
  Result<size_t> got = SysError{"not run", 0};
  std::thread reader([&, fd = b.get()] { got = read_exact(fd, in); });
  auto written = write_all(a.get(), out);
  reader.join();
  ASSERT_TRUE(written.ok()) << written.error().message();
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(*got, out.size());
  EXPECT_EQ(in, out);
}

TEST(WriteAll, TimesOutWhenNobodyReads) {
  auto [a, b] = make_socket_pair();
  fill_until_full(a.get());
  auto s = write_all(a.get(), bytes("one more"), 20);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ETIMEDOUT);
  EXPECT_STREQ(s.error().call, "write_all");
}

TEST(WriteAll, ReportsRealErrors) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fd = p->write_end.get();
  p->write_end.reset();
  auto s = write_all(fd, bytes("x"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().is(EBADF));
}

TEST(ReadExact, StopsEarlyAtEndOfFile) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(write_all(p->write_end.get(), bytes("abc")).ok());
  p->write_end.reset();
  char buf[10];
  auto n = read_exact(p->read_end.get(), buf);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(*n, 3u);
}

TEST(ReadExact, TimesOutWhenNothingArrives) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  char buf[4];
  auto n = read_exact(p->read_end.get(), buf, 20);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, ETIMEDOUT);
  EXPECT_STREQ(n.error().call, "read_exact");
}

TEST(Wait, ReadableOnlyWhenDataIsThere) {
  auto [a, b] = make_socket_pair();
  auto before = wait_readable(b.get(), 0);
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(*before);
  ASSERT_TRUE(write_all(a.get(), bytes("!")).ok());
  auto after = wait_readable(b.get(), 5'000);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after);
}

TEST(Wait, WritableUntilTheBufferIsFull) {
  auto [a, b] = make_socket_pair();
  auto fresh = wait_writable(a.get(), 0);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(*fresh);
  fill_until_full(a.get());
  auto full = wait_writable(a.get(), 0);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(*full);
}

TEST(Wait, OnAClosedDescriptorIsAnErrorNotReadiness) {
  auto p = make_pipe();
  ASSERT_TRUE(p.ok());
  int fd = p->read_end.get();
  p->read_end.reset();
  auto r = wait_readable(fd, 0);
  ASSERT_FALSE(r.ok()) << "poll(2) flags a closed fd with POLLNVAL; that is not 'readable'";
  EXPECT_EQ(r.error().message(), "poll: EBADF (Bad file descriptor)");
  auto w = wait_writable(fd, 0);
  ASSERT_FALSE(w.ok());
  EXPECT_TRUE(w.error().is(EBADF));
}

}  // namespace
}  // namespace osn::kio
