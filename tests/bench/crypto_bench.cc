// tests/bench/crypto_bench.cc — how fast the pool's crypto runs on one core.
//
// SHA-256 throughput (MB/s, 1 MB = 10^6 bytes) over a 1 MiB buffer, through sha256() (the CPU's
// SHA extensions where present) and through the portable compression alone; and PBKDF2-HMAC-
// SHA256 iterations per second for one 32-byte key (password "password", salt "salt",
// c = 100,000): the call Node makes for crypto.pbkdf2Sync('password', 'salt', 100000, 32,
// 'sha256').
// Each figure is the best of a few timed rounds, to keep scheduler noise out.
#include <chrono>
#include <cstdio>
#include <vector>

#include "pool/crypto/hex.h"
#include "pool/crypto/pbkdf2.h"
#include "pool/crypto/sha256.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double sha256_mb_per_s() {
  std::vector<uint8_t> data(1 << 20);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + 7);
  constexpr int kHashesPerRound = 64;
  double best = 0;
  osn::pool::Sha256Digest digest{};  // printed, so the work cannot be optimised away
  for (int round = 0; round < 3; ++round) {
    Clock::time_point start = Clock::now();
    for (int i = 0; i < kHashesPerRound; ++i) digest = osn::pool::sha256(data);
    double mb = static_cast<double>(data.size()) * kHashesPerRound / 1e6;
    double rate = mb / seconds_since(start);
    if (rate > best) best = rate;
  }
  std::printf("(sha256 of the buffer %s)\n", osn::pool::to_hex(digest).c_str());
  return best;
}

// The portable compression alone, over the same bytes (block by block, no padding).
double sha256_portable_mb_per_s() {
  std::vector<uint8_t> data(1 << 20, 0x5a);
  constexpr int kPassesPerRound = 16;
  double best = 0;
  osn::pool::Sha256State state = osn::pool::kSha256InitialState;
  for (int round = 0; round < 3; ++round) {
    Clock::time_point start = Clock::now();
    for (int pass = 0; pass < kPassesPerRound; ++pass) {
      for (size_t at = 0; at < data.size(); at += osn::pool::kSha256BlockSize) {
        osn::pool::sha256_compress_portable(
            state, std::span(data).subspan(at).first<osn::pool::kSha256BlockSize>());
      }
    }
    double rate = static_cast<double>(data.size()) * kPassesPerRound / 1e6 / seconds_since(start);
    if (rate > best) best = rate;
  }
  std::printf("(portable state %s)\n", osn::pool::to_hex(osn::pool::sha256_digest_of(state)).c_str());
  return best;
}

double pbkdf2_iter_per_s() {
  constexpr uint32_t kIterations = 100'000;
  double best = 0;
  std::vector<uint8_t> key;
  for (int round = 0; round < 3; ++round) {
    Clock::time_point start = Clock::now();
    key = osn::pool::pbkdf2_hmac_sha256(osn::pool::bytes_of("password"),
                                        osn::pool::bytes_of("salt"), kIterations, 32);
    double rate = kIterations / seconds_since(start);
    if (rate > best) best = rate;
  }
  std::printf("(pbkdf2 key %s)\n", osn::pool::to_hex(key).c_str());
  return best;
}

}  // namespace

int main() {
  double sha = sha256_mb_per_s();
  double portable = sha256_portable_mb_per_s();
  double kdf = pbkdf2_iter_per_s();
  std::printf("(sha256_compress uses %s)\n",
              osn::pool::cpu_has_sha256_instructions() ? "the CPU's SHA extensions" : "portable code");
  std::printf("bench: sha256_mb_per_s %.1f MB/s\n", sha);
  std::printf("bench: sha256_portable_mb_per_s %.1f MB/s\n", portable);
  std::printf("bench: pbkdf2_sha256_iter_per_s %.0f iter/s\n", kdf);
  return 0;
}
