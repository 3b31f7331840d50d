// tests/support/resp_outcome.cc — feed the pieces, collect the replies, describe them.
#include "tests/support/resp_outcome.h"

#include <vector>

namespace osn::test {
namespace {

class Collect final : public redis::ReplySink {
 public:
  void on_reply(redis::Reply&& reply) override {
    // The type and the whole value: describe() shortens long bulks, so add the exact bytes' size
    // and a checksum that any change of one byte moves.
    uint64_t sum = 1469598103934665603ULL;
    add(reply, &sum);
    out += std::string(redis::reply_type_name(reply.type)) + " " + reply.describe() + " #" + std::to_string(sum) + "\n";
  }
  std::string out;

 private:
  static void add(const redis::Reply& r, uint64_t* sum) {
    auto mix = [sum](unsigned char c) { *sum = (*sum ^ c) * 1099511628211ULL; };
    mix(static_cast<unsigned char>(r.type));
    for (unsigned char c : r.str) mix(c);
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(static_cast<uint64_t>(r.integer) >> (8 * i)));
    for (const redis::Reply& e : r.elements) add(e, sum);
    mix(0xff);
  }
};

}  // namespace

std::string run_reply_parser(std::string_view input, std::span<const std::size_t> cuts,
                             const redis::ReplyLimits& limits, GuardPage* guard) {
  redis::ReplyParser parser(limits);
  Collect sink;
  std::size_t start = 0;
  std::vector<std::size_t> ends(cuts.begin(), cuts.end());
  ends.push_back(input.size());
  for (std::size_t end : ends) {
    if (end < start || end > input.size()) continue;
    std::string_view piece = input.substr(start, end - start);
    start = end;
    if (piece.empty()) continue;
    if (!parser.feed(guard->place(piece), sink)) break;
  }
  if (parser.failed()) return sink.out + "error: " + parser.error();
  if (parser.mid_reply()) return sink.out + "partial";
  return sink.out;
}

}  // namespace osn::test
