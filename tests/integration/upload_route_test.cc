// tests/integration/upload_route_test.cc — the demo's POST /upload streams its body: 50 MB
// hashed right (the digest equals the client's own SHA-256) while the worker's peak RSS, read
// from /proc/PID/status (VmHWM, reset through /proc/PID/clear_refs), stays where it was; the
// same 50 MB through the collecting POST /echo moves it by at least the body — so the probe
// sees a held body when there is one. Real processes; every wait bounded; no timing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "pool/crypto/hex.h"
#include "pool/crypto/sha256.h"
#include "tests/integration/demo_process.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"

namespace osn::test {
namespace {

uint64_t peak_rss_bytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  return 0;
}
// How much the peak grew from `before`. The kernel sums a process's RSS from per-CPU counters,
// so two reads of an unchanged peak can differ by a page either way (CI saw "-4 KiB" once):
// a peak below `before` is no growth, not a wrap-around to 2^64 - 4096.
uint64_t growth(uint64_t after, uint64_t before) { return after > before ? after - before : 0; }

bool reset_peak_rss(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/clear_refs").c_str(), "w");
  if (!f) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

// POSTs `total` bytes of a fixed pattern in 64 KiB pieces (the client never holds the body).
std::optional<HttpResponse> post_pattern(uint16_t port, std::string_view path, size_t total, std::string* digest) {
  auto client = HttpClient::connect(port);
  if (!client) return std::nullopt;
  std::string piece(64 << 10, '\0');
  for (size_t i = 0; i < piece.size(); ++i) piece[i] = static_cast<char>(i * 131 % 251);
  pool::Sha256 hash;
  if (!client->send("POST " + std::string(path) + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n"))
    return std::nullopt;
  for (size_t sent = 0; sent < total; sent += piece.size()) {
    std::string_view part = std::string_view(piece).substr(0, std::min(piece.size(), total - sent));
    hash.update(part);
    if (!client->send(part, 30'000)) return std::nullopt;
  }
  *digest = pool::to_hex(hash.finish());
  return client->read_response(60'000);
}

TEST(UploadRoute, FiftyMegabytesAreHashedWithoutMovingTheWorkersPeakRss) {
  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=1"});
  ASSERT_TRUE(demo.started());
  std::optional<HttpResponse> who;
  for (int i = 0; i < 500 && !who; ++i) {
    if (auto c = HttpClient::connect(port, 500)) who = c->round_trip(get_request("/whoami", "Connection: close\r\n"), 5'000);
    if (!who) ::usleep(20'000);
  }
  ASSERT_TRUE(who) << demo.output();
  const size_t at = who->body.find("\"pid\":");
  ASSERT_NE(at, std::string::npos) << who->body;
  const pid_t worker = static_cast<pid_t>(std::stol(who->body.substr(at + 6)));
  if (!reset_peak_rss(worker) || peak_rss_bytes(worker) == 0) GTEST_SKIP() << "/proc/PID/clear_refs or VmHWM unavailable";

  constexpr size_t kBody = 50u << 20;
  std::string digest;
  // Warm up first: the first /upload starts the pool's threads (their stacks, and under TSan
  // its per-thread state, are megabytes that have nothing to do with the body).
  auto warm = post_pattern(port, "/upload", 1u << 20, &digest);
  ASSERT_TRUE(warm) << demo.output();
  ASSERT_EQ(warm->status, 200) << warm->body;
  ASSERT_TRUE(reset_peak_rss(worker));
  const uint64_t before = peak_rss_bytes(worker);
  auto up = post_pattern(port, "/upload", kBody, &digest);
  const uint64_t streamed = growth(peak_rss_bytes(worker), before);
  ASSERT_TRUE(up) << demo.output();
  EXPECT_EQ(up->status, 200);
  EXPECT_NE(up->body.find("\"bytes\":" + std::to_string(kBody)), std::string::npos) << up->body;
  EXPECT_NE(up->body.find("\"sha256\":\"" + digest + "\""), std::string::npos) << up->body << " vs " << digest;

  ASSERT_TRUE(reset_peak_rss(worker));
  const uint64_t before_echo = peak_rss_bytes(worker);
  auto echo = post_pattern(port, "/echo", kBody, &digest);
  const uint64_t collected = growth(peak_rss_bytes(worker), before_echo);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->body.size(), kBody);
  std::printf("worker peak RSS growth through 50 MB: /upload %llu KiB, /echo %llu KiB\n",
              static_cast<unsigned long long>(streamed >> 10), static_cast<unsigned long long>(collected >> 10));
  EXPECT_GE(collected, kBody) << "the probe must see a collected body (else it proves nothing)";
  EXPECT_LT(streamed, 8u << 20) << "/upload held the body: the worker's peak grew by " << (streamed >> 10) << " KiB";
}

}  // namespace
}  // namespace osn::test
