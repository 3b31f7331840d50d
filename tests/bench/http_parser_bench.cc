// tests/bench/http_parser_bench.cc — request-parser throughput, in requests/s and MB/s.
//
// Two requests: a ~700-byte browser request (the shape picohttpparser's bench.c uses, written
// afresh here) and the smallest useful one. Each run parses the request N times with a fresh
// parser, the way a server parses one request per connection read; the median of several runs
// is printed as `bench: NAME VALUE UNIT`. Compare against picohttpparser on the same machine
// (docs/http.md says how).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

#include "http/parser.h"

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

// Requests per second, median of `runs` runs of `iterations` parses each.
double requests_per_second(std::string_view request, int runs, int iterations) {
  std::array<osn::http::Header, 64> storage;
  std::vector<double> rates;
  volatile std::size_t sink = 0;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) sink = sink + parse_once(request, storage);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    rates.push_back(iterations / elapsed.count());
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

int main() {
  std::printf("# browser request: %zu bytes; minimal request: %zu bytes\n", kBrowserRequest.size(),
              kMinimalRequest.size());
  report("browser", kBrowserRequest, 300000);
  report("minimal", kMinimalRequest, 1000000);
  return 0;
}
