// tests/http/wide_scan_test.cc — the AVX2 and SSSE3 scans answer exactly as the byte table,
// and the parser's suites pass on the plain path too.
//
// The vector code is only worth having if no input can tell it from the plain loops: every
// byte value is put at every position of inputs long enough to cross two 32-byte steps, a
// 16-byte step and the byte-by-byte tail, each input ending against a guard page (an
// over-read is a crash), and each answer is compared with the byte table's, for every kernel
// set the CPU can run. Then this test binary runs its own parser suites again in a child
// process with OSN_PARSER_SIMD=0, so the vector and the plain scans go through the same
// tables, byte-by-byte splits and the conformance corpus in one `make test`.
#include "http/wide_scan.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

#include "http/char_class.h"
#include "tests/support/guard_page.h"
#include "tests/support/run_program.h"

namespace osn::http {
namespace {

// What each scan must answer, written from the grammar tables, not from wide_scan.cc.
struct ScanUnderTest {
  const char* name;
  const char* (*scan)(const char*, const char*);
  bool (*continues)(char);  // true: the byte belongs to the run
  char filler;              // a byte that belongs to the run
};

bool value_continues(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 ? u != 0x7F : u == '\t';
}

const ScanUnderTest kScans[] = {
    {"find_token_end", find_token_end, [](char c) { return is_tchar(c); }, 'a'},
    {"find_target_end", find_target_end, [](char c) { return is_target_char(c); }, '/'},
    {"find_field_value_end", find_field_value_end, value_continues, 'x'},
};

// What the CPU offers, asked here independently of wide_scan.cc.
bool cpu_has(const char* feature) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (std::string_view(feature) == "avx2") return __builtin_cpu_supports("avx2");
  if (std::string_view(feature) == "ssse3") return __builtin_cpu_supports("ssse3");
  if (std::string_view(feature) == "sse2") return true;  // part of x86-64 itself
#endif
  (void)feature;
  return false;
}

std::string best_kernels_name() {
  if (cpu_has("avx2")) return "avx2";
  if (cpu_has("ssse3")) return "ssse3";
  if (cpu_has("sse2")) return "sse2";
  return "plain";
}

constexpr ScanMode kEveryKernelSet[] = {ScanMode::kPlain, ScanMode::kSse2, ScanMode::kSsse3, ScanMode::kAvx2};

// Restores the environment's choice when a test that forced one ends.
struct ScanModeGuard {
  ~ScanModeGuard() { set_scan_mode(ScanMode::kAuto); }
};

TEST(WideScan, PlainAndBestAreTheKernelsAsked) {
  ScanModeGuard restore;
  EXPECT_EQ(set_scan_mode(ScanMode::kPlain), "plain");
  EXPECT_EQ(scan_kernels_name(), "plain");
  EXPECT_EQ(set_scan_mode(ScanMode::kSse2), cpu_has("sse2") ? "sse2" : "plain");
  EXPECT_EQ(set_scan_mode(ScanMode::kSsse3), cpu_has("ssse3") ? "ssse3" : "plain");
  EXPECT_EQ(set_scan_mode(ScanMode::kAvx2), cpu_has("avx2") ? "avx2" : "plain");
  EXPECT_EQ(set_scan_mode(ScanMode::kBest), best_kernels_name());
  EXPECT_EQ(scan_kernels_name(), best_kernels_name());
}

// In a child with OSN_PARSER_SIMD=0 this says "plain", with ssse3 or avx2 that set where the
// CPU has it; unset, 1 or anything else: the best the CPU has.
TEST(WideScan, TheEnvironmentChoosesTheScan) {
  const char* env = std::getenv("OSN_PARSER_SIMD");
  const std::string_view setting = env != nullptr ? env : "";
  std::string expected = best_kernels_name();
  if (setting == "0") expected = "plain";
  if (setting == "sse2") expected = cpu_has("sse2") ? "sse2" : "plain";
  if (setting == "ssse3") expected = cpu_has("ssse3") ? "ssse3" : "plain";
  if (setting == "avx2") expected = cpu_has("avx2") ? "avx2" : "plain";
  EXPECT_EQ(set_scan_mode(ScanMode::kAuto), expected);
}

TEST(WideScan, EveryByteAtEveryPositionStopsWhereTheTableSays) {
  ScanModeGuard restore;
  test::GuardPage guard(4096);
  for (const ScanMode mode : kEveryKernelSet) {
    const std::string kernels(set_scan_mode(mode));
    for (const ScanUnderTest& s : kScans) {
      // 0..72 bytes: two 32-byte steps, the 16-byte step and the tail, at every offset.
      for (std::size_t length = 0; length <= 72; ++length) {
        std::string input(length, s.filler);
        const std::string_view placed = guard.place(input);
        ASSERT_EQ(s.scan(placed.data(), placed.data() + length), placed.data() + length)
            << kernels << " " << s.name << ", " << length << " bytes of '" << s.filler << "'";
        for (std::size_t at = 0; at < length; ++at) {
          for (int byte = 0; byte < 256; ++byte) {
            input[at] = static_cast<char>(byte);
            const std::string_view in = guard.place(input);
            const std::size_t expected = s.continues(static_cast<char>(byte)) ? length : at;
            const auto got = static_cast<std::size_t>(s.scan(in.data(), in.data() + length) - in.data());
            ASSERT_EQ(got, expected) << kernels << " " << s.name << ": byte 0x" << std::hex << byte << std::dec
                                     << " at " << at << " of " << length;
          }
          input[at] = s.filler;
        }
      }
    }
  }
}

// Mixed runs at random: where the first stop byte is among several, and starts not at 0.
TEST(WideScan, RandomInputsGiveTheSameAnswerOnEveryPath) {
  ScanModeGuard restore;
  test::GuardPage guard(4096);
  std::mt19937 rng(20261201);
  for (int round = 0; round < 20000; ++round) {
    const std::size_t length = rng() % 300;
    std::string input(length, '\0');
    const unsigned rare = 1 + rng() % 64;  // 1 byte in `rare` is drawn from all 256 values
    for (char& c : input) c = rng() % rare == 0 ? static_cast<char>(rng()) : static_cast<char>(0x21 + rng() % 94);
    const std::string_view in = guard.place(input);
    const std::size_t start = length == 0 ? 0 : rng() % (length + 1);
    for (const ScanUnderTest& s : kScans) {
      std::size_t expected = start;
      while (expected < length && s.continues(in[expected])) ++expected;
      for (const ScanMode mode : kEveryKernelSet) {
        const std::string kernels(set_scan_mode(mode));
        const auto got = static_cast<std::size_t>(s.scan(in.data() + start, in.data() + length) - in.data());
        ASSERT_EQ(got, expected) << kernels << " " << s.name << ", round " << round;
      }
    }
  }
}

// The parser's own suites — tables, byte-by-byte splits, the conformance corpus, httpdump —
// once more on the plain path, in a child process started with OSN_PARSER_SIMD=0.
TEST(WideScan, ParserSuitesPassWithTheVectorScanOff) {
  if (std::getenv("OSN_PARSER_SIMD") != nullptr) GTEST_SKIP() << "already a run with OSN_PARSER_SIMD set";
  const test::ProgramResult r = test::run_program(
      "/proc/self/exe",
      {"--gtest_filter=HttpParser*:HttpParserApi*:HttpConformance*:Httpdump*:WideScan.*", "--gtest_brief=1"},
      [] {
        test::RunOptions o = test::RunOptions::with_env({"OSN_PARSER_SIMD=0"});
        o.timeout_ms = 300'000;  // a loaded machine; the suites take seconds when it is quiet
        return o;
      }());
  ASSERT_TRUE(r.finished) << "the child run did not end in time";
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("[  PASSED  ]"), std::string::npos) << r.out;
}

TEST(WideScan, TheEnvironmentCanAskForSsse3) {
  if (std::getenv("OSN_PARSER_SIMD") != nullptr) GTEST_SKIP() << "already a run with OSN_PARSER_SIMD set";
  const test::ProgramResult r =
      test::run_program("/proc/self/exe", {"--gtest_filter=WideScan.TheEnvironmentChoosesTheScan"},
                        test::RunOptions::with_env({"OSN_PARSER_SIMD=ssse3"}));
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("OSN_PARSER_SIMD must be"), std::string::npos) << r.err;
}

TEST(WideScan, TheEnvironmentCanAskForSse2) {
  if (std::getenv("OSN_PARSER_SIMD") != nullptr) GTEST_SKIP() << "already a run with OSN_PARSER_SIMD set";
  const test::ProgramResult r =
      test::run_program("/proc/self/exe", {"--gtest_filter=WideScan.TheEnvironmentChoosesTheScan"},
                        test::RunOptions::with_env({"OSN_PARSER_SIMD=sse2"}));
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("OSN_PARSER_SIMD must be"), std::string::npos) << r.err;
}

TEST(WideScan, AnUnknownSettingIsNamedAndTheDefaultUsed) {
  if (std::getenv("OSN_PARSER_SIMD") != nullptr) GTEST_SKIP() << "already a run with OSN_PARSER_SIMD set";
  const test::ProgramResult r =
      test::run_program("/proc/self/exe", {"--gtest_filter=WideScan.TheEnvironmentChoosesTheScan"},
                        test::RunOptions::with_env({"OSN_PARSER_SIMD=yes"}));
  ASSERT_TRUE(r.finished);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("OSN_PARSER_SIMD must be 0"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace osn::http
