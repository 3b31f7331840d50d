// tests/integration/line_server_test.cc — build/bin/line-server as a black box, on real TCP.
//
// The example shows a loop-owned Stream (Listener's Stream& callback) and a timer on their
// own, so this checks what a reader of it would try: each line is answered with its length
// however the bytes are split, a client's end closes its connection (the loop, not the
// program, owns it), a client that resets does not hurt the next one, the 1 s timer reports
// the lines counted, and a bad PORT is refused by name. Every wait is bounded; ChildGuard
// kills and reaps the server whatever happens.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <optional>
#include <string>

#include "kernel-io/clock.h"
#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/socket.h"
#include "tests/support/process_guard.h"
#include "tests/support/run_program.h"

namespace osn::test {
namespace {

constexpr int kWaitMs = 5'000;

// Reads from `fd` into `buffer` until `text` has arrived, EOF, or kWaitMs in all.
std::string read_until(int fd, std::string_view text, std::string& buffer) {
  const uint64_t deadline = kio::monotonic_ms() + kWaitMs;
  while (buffer.find(text) == std::string::npos) {
    const uint64_t now = kio::monotonic_ms();
    if (now >= deadline) break;
    auto ready = kio::wait_readable(fd, static_cast<int>(deadline - now));
    if (!ready.ok() || !*ready) break;
    char buf[512];
    auto n = kio::read_some(fd, buf);
    if (!n.ok() || *n == 0) break;
    buffer.append(buf, *n);
  }
  return buffer;
}

// True when the peer closed within kWaitMs (EOF or reset); bytes before it go to `rest`.
bool closed_by_peer(int fd, std::string& rest) {
  for (;;) {
    auto ready = kio::wait_readable(fd, kWaitMs);
    if (!ready.ok() || !*ready) return false;
    char buf[512];
    auto n = kio::read_some(fd, buf);
    if (!n.ok()) return !n.error().would_block();
    if (*n == 0) return true;
    rest.append(buf, *n);
  }
}

class LineServer : public ::testing::Test {
 protected:
  void SetUp() override {
    auto out = kio::make_pipe();
    ASSERT_TRUE(out.ok());
    kio::SpawnOptions spawn;
    spawn.program = locate_tool("line-server");
    spawn.args = {"0"};
    spawn.inherit = {{out->write_end.get(), 1}};
    auto pid = kio::spawn_process(spawn);
    ASSERT_TRUE(pid.ok()) << pid.error().message();
    guard_.emplace(*pid);
    (void)out->write_end.close();
    stdout_ = std::move(out->read_end);
    const std::string first = read_until(stdout_.get(), "\n", printed_);
    const size_t colon = first.rfind(':');
    ASSERT_NE(colon, std::string::npos) << "line-server printed: " << first;
    port_ = static_cast<uint16_t>(std::stoul(first.substr(colon + 1)));
    ASSERT_NE(port_, 0) << first;
  }

  kio::Fd connect() {
    auto address = kio::SocketAddress::ip("127.0.0.1", port_);
    auto fd = kio::connect_blocking(*address);
    EXPECT_TRUE(fd.ok()) << fd.error().message();
    return fd.ok() ? std::move(*fd) : kio::Fd();
  }

  std::optional<ChildGuard> guard_;  // declared first: kills the server last
  kio::Fd stdout_;
  std::string printed_;
  uint16_t port_ = 0;
};

TEST_F(LineServer, AnswersEachLineWithItsLengthHoweverTheBytesAreSplit) {
  kio::Fd client = connect();
  ASSERT_TRUE(client.valid());
  for (std::string_view piece : {"hello\nab", "c\n", "\n", "a somewhat longer line\nx"})
    ASSERT_TRUE(kio::write_all(client.get(), piece).ok());
  std::string answers;
  EXPECT_EQ(read_until(client.get(), "22\n", answers), "5\n3\n0\n22\n");
}

TEST_F(LineServer, ClosesAConnectionOnceItsClientEndsItAfterAnsweringIt) {
  kio::Fd client = connect();
  ASSERT_TRUE(client.valid());
  ASSERT_TRUE(kio::write_all(client.get(), std::string_view("four\nsix666\n")).ok());
  ASSERT_TRUE(kio::shutdown_write(client.get()).ok());  // FIN: nothing more from us
  std::string rest;
  EXPECT_TRUE(closed_by_peer(client.get(), rest)) << "the server kept the ended connection open";
  EXPECT_EQ(rest, "4\n6\n");
}

TEST_F(LineServer, AClientThatResetsDoesNotDisturbTheNext) {
  {
    kio::Fd rude = connect();
    ASSERT_TRUE(rude.valid());
    ASSERT_TRUE(kio::write_all(rude.get(), std::string_view("unfinished")).ok());
    const linger reset_on_close{1, 0};  // close() sends RST instead of FIN
    ASSERT_EQ(::setsockopt(rude.get(), SOL_SOCKET, SO_LINGER, &reset_on_close, sizeof reset_on_close), 0);
  }
  kio::Fd polite = connect();
  ASSERT_TRUE(polite.valid());
  ASSERT_TRUE(kio::write_all(polite.get(), std::string_view("ok\n")).ok());
  std::string answer;
  EXPECT_EQ(read_until(polite.get(), "\n", answer), "2\n");
}

TEST_F(LineServer, TheOneSecondTimerReportsTheLinesCounted) {
  kio::Fd client = connect();
  ASSERT_TRUE(client.valid());
  ASSERT_TRUE(kio::write_all(client.get(), std::string_view("a\nb\nc\n")).ok());
  std::string answers;
  ASSERT_EQ(read_until(client.get(), "1\n1\n1\n", answers), "1\n1\n1\n");
  // Reports before the lines arrived say fewer; one within a few ticks says three.
  EXPECT_NE(read_until(stdout_.get(), "3 lines so far\n", printed_).find("3 lines so far\n"),
            std::string::npos)
      << printed_;
}

TEST(LineServerUsage, ABadPortIsRefusedWithExit64) {
  const std::string program = locate_tool("line-server");
  EXPECT_EQ(run_program(program, {"http"}).exit_code, 64);
  EXPECT_EQ(run_program(program, {"70000"}).exit_code, 64);
  EXPECT_EQ(run_program(program, {"80x"}).exit_code, 64);
}

}  // namespace
}  // namespace osn::test
