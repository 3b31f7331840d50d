// tests/cluster/message_test.cc — the key=value payload and the length-prefixed frame.
#include <string>

#include "cluster/frame.h"
#include "cluster/message.h"
#include "cluster/protocol.h"
#include "gtest/gtest.h"

namespace osn::cluster {
namespace {

TEST(Message, EncodesFieldsInOrderAsKeyValuePairs) {
  Message m("ack");
  m.set_int("conn", 17).set("accepted", "1");
  EXPECT_EQ(m.encode(), "type=ack&conn=17&accepted=1");
}

TEST(Message, EscapesSeparatorsPercentAndControlBytes) {
  Message m;
  m.set("a&b=c", "50%\n\x01" "ok");
  EXPECT_EQ(m.encode(), "a%26b%3Dc=50%25%0A%01ok");
  DecodedMessage back = decode_message(m.encode());
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.message, m);
}

TEST(Message, RoundTripsEveryByteValue) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  Message m("bytes");
  m.set("data", all);
  DecodedMessage back = decode_message(m.encode());
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.message.get("data"), all);
}

TEST(Message, SettingAKeyAgainReplacesItsValue) {
  Message m;
  m.set("k", "1").set("k", "2");
  EXPECT_EQ(m.fields().size(), 1u);
  EXPECT_EQ(m.get("k"), "2");
}

TEST(Message, GetIntRejectsWhatIsNotANumber) {
  Message m;
  m.set("n", "42").set("x", "4x").set("e", "");
  EXPECT_EQ(m.get_int("n"), 42);
  EXPECT_EQ(m.get_int("x"), std::nullopt);
  EXPECT_EQ(m.get_int("e"), std::nullopt);
  EXPECT_EQ(m.get_int("missing"), std::nullopt);
}

TEST(Message, EmptyPayloadIsTheEmptyMessage) {
  DecodedMessage d = decode_message("");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d.message.fields().empty());
}

TEST(Message, DecodeRefusesMalformedPayloads) {
  for (const char* bad : {"novalue", "a=1&b", "a=%4", "a=%zz", "a=1&", "%=1", "a=%"}) {
    DecodedMessage d = decode_message(bad);
    EXPECT_FALSE(d.ok()) << "accepted '" << bad << "'";
  }
}

TEST(Message, WorkerTableRoundTrips) {
  std::vector<WorkerInfo> rows = {{1, 0, 100, WorkerState::kListening, 5, 9, 0, kNeverReported},
                                  {4, 1, 104, WorkerState::kStopping, 7, 7, 2, 180}};
  Message m(msg::kStatus);
  encode_worker_table(rows, m);
  std::vector<WorkerInfo> back;
  ASSERT_TRUE(decode_worker_table(decode_message(m.encode()).message, &back));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].pid, 104);
  EXPECT_EQ(back[1].state, WorkerState::kStopping);
  EXPECT_EQ(back[1].restarts, 2u);
  EXPECT_EQ(back[1].report_age_ms, 180u) << "each row says how old its counters are";
  EXPECT_EQ(back[0].report_age_ms, kNeverReported);
  Message broken;
  broken.set("count", "1").set("w0", "1,2,3,sleeping,0,0,0,0");
  EXPECT_FALSE(decode_worker_table(broken, &back));
}

TEST(Frame, HeaderIsFourBytesBigEndian) {
  std::string f = encode_frame("abc");
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f.substr(0, 4), std::string("\0\0\0\3", 4));
  EXPECT_EQ(f.substr(4), "abc");
}

TEST(Frame, EverySplitOfTheInputGivesTheSameFrames) {
  const std::string stream = encode_frame("first") + encode_frame("") + encode_frame(std::string(300, 'z'));
  for (size_t cut1 = 0; cut1 <= stream.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= stream.size(); cut2 += 7) {
      FrameDecoder d;
      std::vector<std::string> got;
      std::string_view payload;
      for (auto piece : {stream.substr(0, cut1), stream.substr(cut1, cut2 - cut1), stream.substr(cut2)}) {
        d.feed(piece);
        while (d.next(&payload) == FrameDecoder::Status::kFrame) got.emplace_back(payload);
      }
      ASSERT_EQ(got.size(), 3u) << "cuts " << cut1 << "," << cut2;
      EXPECT_EQ(got[0], "first");
      EXPECT_EQ(got[1], "");
      EXPECT_EQ(got[2], std::string(300, 'z'));
      EXPECT_EQ(d.buffered(), 0u);
    }
  }
}

TEST(Frame, OversizedLengthIsRefusedBeforeThePayloadArrives) {
  FrameDecoder d(1024);
  d.feed(std::string("\x00\x00\x04\x01", 4));  // 1025 bytes announced, none sent
  std::string_view payload;
  EXPECT_EQ(d.next(&payload), FrameDecoder::Status::kOversized);
  EXPECT_EQ(d.refused_length(), 1025u);
  FrameDecoder ok(1024);
  ok.feed(encode_frame(std::string(1024, 'a')));
  EXPECT_EQ(ok.next(&payload), FrameDecoder::Status::kFrame);
}

TEST(Frame, ManyBackToBackFramesDecodeInOrder) {
  std::string stream;
  for (int i = 0; i < 10000; ++i) stream += encode_frame(std::to_string(i));
  FrameDecoder d;
  d.feed(stream);
  std::string_view payload;
  int expected = 0;
  while (d.next(&payload) == FrameDecoder::Status::kFrame) EXPECT_EQ(payload, std::to_string(expected++));
  EXPECT_EQ(expected, 10000);
}

}  // namespace
}  // namespace osn::cluster
