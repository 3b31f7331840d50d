// tests/cluster/channel_test.cc — both ends of a socketpair channel in one loop.
#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "cluster/channel.h"
#include "cluster/fd_handoff.h"
#include "gtest/gtest.h"
#include "kernel-io/fd_passing.h"
#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "loop/loop.h"

namespace osn::cluster {
namespace {

struct ChannelPair {
  loop::Loop loop;
  std::unique_ptr<Channel> a, b;
  std::vector<Message> got_a, got_b;
  std::string closed_a, closed_b;

  explicit ChannelPair(size_t max_frame = kDefaultMaxFrameBytes) {
    auto pair = kio::socket_pair(SOCK_STREAM);
    a = std::make_unique<Channel>(loop, std::move(pair->first), max_frame);
    b = std::make_unique<Channel>(loop, std::move(pair->second), max_frame);
    a->start([this](const Message& m) { got_a.push_back(m); }, [this](const std::string& r) { closed_a = r; });
    b->start([this](const Message& m) { got_b.push_back(m); }, [this](const std::string& r) { closed_b = r; });
  }
  // Runs the loop until `done` or a bounded number of iterations (never hangs).
  template <class F>
  void run_until(F done) {
    auto guard = loop.set_timeout(5000, [this] { loop.stop(); });
    for (int i = 0; i < 100000 && !done(); ++i) loop.run(loop::RunMode::kOnce);
    loop.clear_timer(guard);
  }
};

TEST(Channel, OneMegabyteMessagesCrossBothWays) {
  ChannelPair p;
  const std::string big(1 << 20, 'q');
  Message m("big");
  m.set("data", big);
  EXPECT_FALSE(p.a->send(m)) << "1 MiB is over the high-water mark: send() reports backpressure";
  p.b->send(m);
  p.run_until([&] { return p.got_a.size() == 1 && p.got_b.size() == 1; });
  ASSERT_EQ(p.got_b.size(), 1u);
  ASSERT_EQ(p.got_a.size(), 1u);
  EXPECT_EQ(p.got_b[0].get("data"), big);
  EXPECT_EQ(p.got_a[0], m);
}

TEST(Channel, BackToBackFramesArriveInOrder) {
  ChannelPair p;
  for (int i = 0; i < 5000; ++i) p.a->send(Message("n").set_int("i", i));
  p.run_until([&] { return p.got_b.size() == 5000; });
  ASSERT_EQ(p.got_b.size(), 5000u);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(p.got_b[i].get_int("i"), i);
}

TEST(Channel, DrainFiresAfterBackpressure) {
  ChannelPair p;
  bool drained = false;
  p.a->on_drain([&] { drained = true; });
  bool accepted = true;
  for (int i = 0; i < 100 && accepted; ++i) accepted = p.a->send(Message("x").set("d", std::string(8192, 'd')));
  ASSERT_FALSE(accepted) << "the write queue never reached the high-water mark";
  p.run_until([&] { return drained; });
  EXPECT_TRUE(drained);
}

TEST(Channel, MalformedFrameClosesWithAReason) {
  ChannelPair p;
  p.a->send_raw_bytes(encode_frame("no-equals-sign"));
  p.run_until([&] { return !p.closed_b.empty(); });
  EXPECT_NE(p.closed_b.find("malformed message"), std::string::npos) << p.closed_b;
  EXPECT_FALSE(p.b->is_open());
  p.run_until([&] { return !p.closed_a.empty(); });
  EXPECT_EQ(p.closed_a, "peer closed the channel");
}

TEST(Channel, OversizedFrameClosesWithAReason) {
  ChannelPair p(4096);
  p.a->send_raw_bytes(std::string("\x7f\xff\xff\xff", 4));
  p.run_until([&] { return !p.closed_b.empty(); });
  EXPECT_NE(p.closed_b.find("exceeds the limit of 4096"), std::string::npos) << p.closed_b;
}

TEST(Channel, MessagesBeforeTheBadFrameAreStillDelivered) {
  ChannelPair p;
  p.a->send(Message("good"));
  p.a->send_raw_bytes(encode_frame("a=%zz"));
  p.a->send(Message("never"));
  p.run_until([&] { return !p.closed_b.empty(); });
  ASSERT_EQ(p.got_b.size(), 1u);
  EXPECT_EQ(p.got_b[0].type(), "good");
}

TEST(Channel, ACallbackMayDestroyItsChannel) {
  ChannelPair p;
  p.b = nullptr;  // replace b with one that destroys itself on the first message
  auto pair = kio::socket_pair(SOCK_STREAM);
  p.a = std::make_unique<Channel>(p.loop, std::move(pair->first));
  auto self = std::make_unique<Channel>(p.loop, std::move(pair->second));
  int seen = 0;
  self->start([&](const Message&) { ++seen; self.reset(); }, [](const std::string&) {});
  p.a->send(Message("one"));
  p.a->send(Message("two"));
  p.run_until([&] { return self == nullptr; });
  EXPECT_EQ(seen, 1);
}

TEST(FdHandoff, ADescriptorSentArrivesAsTheSameOpenFile) {
  auto records = kio::socket_pair(SOCK_SEQPACKET);
  ASSERT_TRUE(records.ok());
  auto tcp = kio::socket_pair(SOCK_STREAM);  // any socket will do as "the connection"
  ASSERT_TRUE(send_connection(records->first.get(), 77, tcp->first.get()).ok());
  auto got = receive_connection(records->second.get());
  ASSERT_TRUE(got.ok()) << got.error().message();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->id, 77u);
  EXPECT_NE((*got)->fd.get(), tcp->first.get()) << "a new number in the receiver";
  // Same open file: what we write through the received fd comes out of the original's peer.
  ASSERT_TRUE(kio::write_all((*got)->fd.get(), std::string("via the passed fd")).ok());
  char buf[17];
  ASSERT_TRUE(kio::read_exact(tcp->second.get(), buf).ok());
  EXPECT_EQ(std::string(buf, 17), "via the passed fd");
  EXPECT_TRUE(kio::is_cloexec((*got)->fd.get()));
}

TEST(FdHandoff, NothingPendingIsEagainAndAClosedPeerIsNullopt) {
  auto records = kio::socket_pair(SOCK_SEQPACKET);
  auto empty = receive_connection(records->second.get());
  ASSERT_FALSE(empty.ok());
  EXPECT_TRUE(empty.error().would_block());
  records->first.reset();
  auto closed = receive_connection(records->second.get());
  ASSERT_TRUE(closed.ok());
  EXPECT_FALSE(closed->has_value());
}

TEST(FdHandoff, ARecordWithoutADescriptorIsRefused) {
  auto records = kio::socket_pair(SOCK_SEQPACKET);
  ASSERT_TRUE(kio::write_all(records->first.get(), std::string("conn=5")).ok());
  auto got = receive_connection(records->second.get());
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.error().is(EBADMSG));
}

TEST(FdHandoff, AnIdTooLargeFor64BitsIsRefusedNotReadAsZero) {
  auto records = kio::socket_pair(SOCK_SEQPACKET);
  auto tcp = kio::socket_pair(SOCK_STREAM);
  const int fds[1] = {tcp->first.get()};
  ASSERT_TRUE(kio::send_with_fds(records->first.get(), std::string("conn=18446744073709551616"), fds).ok());
  auto got = receive_connection(records->second.get());
  ASSERT_FALSE(got.ok()) << "accepted with id " << (got.ok() && got->has_value() ? (*got)->id : 0);
  EXPECT_TRUE(got.error().is(EBADMSG));
}

}  // namespace
}  // namespace osn::cluster
