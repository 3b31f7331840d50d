// tests/fuzz/resp_parser_fuzz.cc — libFuzzer target: the RESP reply parser never crashes, never
// reads past its input, and however the input is cut, the replies are the same.
//
// The first two bytes of the fuzz input choose the cuts (one cut, and a stride for a many-piece
// feed) and the limits; the rest is the reply bytes. Every piece sits against a guard page.
// Built and run by `make fuzz-resp` (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/resp_outcome.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static osn::test::GuardPage guard(1 << 16);
  if (size < 2 || size - 2 > guard.capacity()) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  osn::redis::ReplyLimits limits;
  if (data[0] & 1) {  // sometimes tight limits, so that every limit is reached
    limits.max_depth = 3;
    limits.max_bulk_bytes = 16;
    limits.max_array_elements = 4;
    limits.max_line_bytes = 12;
  }
  const std::string whole = osn::test::run_reply_parser(input, {}, limits, &guard);
  const std::size_t one_cut[] = {input.empty() ? 0 : data[0] % (input.size() + 1)};
  std::vector<std::size_t> stride_cuts;
  const std::size_t stride = 1 + data[1] % 7;
  for (std::size_t i = stride; i < input.size(); i += stride) stride_cuts.push_back(i);
  for (const std::string& split : {osn::test::run_reply_parser(input, one_cut, limits, &guard),
                                   osn::test::run_reply_parser(input, stride_cuts, limits, &guard)}) {
    if (split != whole) {
      std::fprintf(stderr, "split changed the result:\nwhole:\n%s\nsplit:\n%s\n", whole.c_str(), split.c_str());
      std::abort();
    }
  }
  return 0;
}
