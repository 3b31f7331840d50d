// tests/bench/http_parser_bench.cc — request-parser throughput, in requests/s and MB/s.
//
// Three requests: a 760-byte browser request (the shape picohttpparser's bench.c uses, written
// afresh here), picohttpparser's own 703-byte request byte for byte (so the two parsers can be
// compared on the same bytes), and the smallest useful one. Each run parses the request N times
// with a fresh parser, the way a server parses one request per connection read; the median of
// 7 runs is printed as `bench: NAME VALUE UNIT`. The scan in use is printed first ("avx2",
// "ssse3", "sse2" or "plain"; OSN_PARSER_SIMD=0 / sse2 / ssse3 / avx2 choose). Compare against
// picohttpparser on the same machine (docs/http.md says how). Work scales with argv[1] or
// BENCH_SCALE (bench_common.h).
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "http/parser.h"
#include "http/wide_scan.h"
#include "tests/bench/bench_common.h"

namespace {

constexpr std::string_view kBrowserRequest =
    "GET /wp-content/uploads/2024/03/lecture-notes-week4.html?view=full&lang=en HTTP/1.1\r\n"
    "Host: www.course.example.edu\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.7,ko;q=0.3\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Referer: https://www.course.example.edu/wp-content/uploads/2024/03/index.html\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: session_id=4f1c2a9be7d34e0c8a51b6f2d90e3c17; theme=dark; last_visit=1711843200; "
    "tz=Asia%2FSeoul; consent=analytics%3Dno%2Cads%3Dno\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Cache-Control: max-age=0\r\n"
    "\r\n";

// picohttpparser's own benchmark request, byte for byte (bench.c in github.com/h2o/picohttpparser,
// 703 bytes): the figure docs/http.md sets beside that bench's, built and run on the same machine.
constexpr std::string_view kPicoRequest =
    "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
    "Host: www.kittyhell.com\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 "
    "Pathtraq/0.9\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
    "Accept-Encoding: gzip,deflate\r\n"
    "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
    "Keep-Alive: 115\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; "
    "__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; "
    "__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n"
    "\r\n";
static_assert(kPicoRequest.size() == 703);

constexpr std::string_view kMinimalRequest = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";

// Parses `request` once; returns the number of header fields (kept so nothing is optimized out).
std::size_t parse_once(std::string_view request, std::array<osn::http::Header, 64>& storage) {
  osn::http::RequestParser parser(storage);
  std::size_t pos = 0, fields = 0;
  for (;;) {
    const osn::http::Event event = parser.next(request.substr(pos));
    pos += event.consumed;
    if (event.kind == osn::http::EventKind::kHeadComplete) fields = parser.head().headers.size();
    if (event.kind == osn::http::EventKind::kMessageComplete) return fields;
    if (event.kind != osn::http::EventKind::kHeadComplete && event.kind != osn::http::EventKind::kBodyData) {
      std::fprintf(stderr, "bench request did not parse\n");
      return 0;
    }
  }
}

// Requests per second of CPU time (this process is one thread; CPU time, not wall time, so a
// loaded machine stretches the figure less), median of `runs` runs of `iterations` parses each.
double requests_per_second(std::string_view request, int runs, int iterations) {
  std::array<osn::http::Header, 64> storage;
  std::vector<double> rates;
  volatile std::size_t sink = 0;
  for (int r = 0; r < runs; ++r) {
    const std::uint64_t start = osn::bench::cpu_ns();
    for (int i = 0; i < iterations; ++i) sink = sink + parse_once(request, storage);
    const double elapsed_s = static_cast<double>(osn::bench::cpu_ns() - start) / 1e9;
    rates.push_back(iterations / elapsed_s);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

void report(const char* name, std::string_view request, int iterations) {
  const double rps = requests_per_second(request, 7, iterations);
  std::printf("bench: http_parse_%s_req_per_s %.0f req/s\n", name, rps);
  std::printf("bench: http_parse_%s_mb_per_s %.1f MB/s\n", name, rps * static_cast<double>(request.size()) / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
  const double scale = osn::bench::scale_factor(argc, argv);
  const auto iterations = [&](int base) { return static_cast<int>(osn::bench::scaled(base, scale)); };
  std::printf("# scan: %s\n", std::string(osn::http::scan_kernels_name()).c_str());
  std::printf("# browser request: %zu bytes; picohttpparser's bench request: %zu bytes; minimal request: %zu bytes\n",
              kBrowserRequest.size(), kPicoRequest.size(), kMinimalRequest.size());
  report("browser", kBrowserRequest, iterations(300000));
  report("pico703", kPicoRequest, iterations(300000));
  report("minimal", kMinimalRequest, iterations(1000000));
  return 0;
}
