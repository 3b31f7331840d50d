// tests/fuzz/http_parser_fuzz.cc — libFuzzer target: the parser never crashes, and however the
// input is cut, and whichever scan runs (plain loops, SSE2, SSSE3 or AVX2, http/wide_scan.h),
// the result is the same.
//
// The first two bytes of the fuzz input choose the cut points (one cut, and a stride for a
// many-piece feed) and the vector scan; the rest is the request bytes. Small limits make 413/414/431 reachable.
// Built and run by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/wide_scan.h"
#include "tests/support/http_outcome.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The vector set under test: AVX2, SSSE3 or SSE2 (plain where the CPU lacks it).
  const osn::http::ScanMode vector_mode = data[1] & 0x80   ? osn::http::ScanMode::kSsse3
                                          : data[1] & 0x40 ? osn::http::ScanMode::kSse2
                                                           : osn::http::ScanMode::kAvx2;
  osn::http::set_scan_mode(vector_mode);
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  osn::http::ParserLimits limits;
  if (data[0] & 1) {  // sometimes tight limits, so that every limit status is exercised
    limits.max_header_bytes = 256;
    limits.max_header_count = 8;
    limits.max_target_bytes = 32;
    limits.max_body_bytes = 64;
    limits.max_chunk_ext_bytes = 16;
  }
  const std::string whole = osn::test::run_request_parser(input, {}, limits);
  // The plain scans and the vector scans must not be told apart (http/wide_scan.h).
  osn::http::set_scan_mode(osn::http::ScanMode::kPlain);
  const std::string plain = osn::test::run_request_parser(input, {}, limits);
  osn::http::set_scan_mode(vector_mode);
  if (plain != whole) {
    std::fprintf(stderr, "the plain scan changed the result:\nvector:\n%s\nplain:\n%s\n", whole.c_str(), plain.c_str());
    std::abort();
  }
  const std::size_t one_cut[] = {input.empty() ? 0 : data[0] % (input.size() + 1)};
  std::vector<std::size_t> stride_cuts;
  const std::size_t stride = 1 + data[1] % 7;
  for (std::size_t i = stride; i < input.size(); i += stride) stride_cuts.push_back(i);
  for (const std::string& split : {osn::test::run_request_parser(input, one_cut, limits),
                                   osn::test::run_request_parser(input, stride_cuts, limits)}) {
    if (split != whole) {
      std::fprintf(stderr, "split changed the result:\nwhole:\n%s\nsplit:\n%s\n", whole.c_str(), split.c_str());
      std::abort();
    }
  }
  return 0;
}
