// pool/crypto/sha256.h — SHA-256 (FIPS 180-4), the hash under the pool's PBKDF2 work request.
//
// Construction: Merkle–Damgård. The message is padded (a 1 bit, zeros, then its length in bits
// as a 64-bit big-endian number) to a multiple of 64-byte blocks; a 256-bit chaining state,
// starting at fixed constants H(0), is fed block by block through a compression function of
// 64 rounds. The final state, written big-endian, is the digest.
// Invariants: Sha256 keeps fewer than 64 unprocessed bytes; full blocks are compressed straight
// from the caller's buffer; nothing allocates. The compression runs on the CPU's SHA
// instructions when it has them (sha256_sha_ni.cc), else on portable code (sha256.cc).
// This is CPU-bound work — the kind Node sends to libuv's thread pool (crypto.pbkdf2) so it
// does not stall the event loop. See docs/pool.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace osn::pool {

inline constexpr size_t kSha256BlockSize = 64;
inline constexpr size_t kSha256DigestSize = 32;

using Sha256Digest = std::array<uint8_t, kSha256DigestSize>;
// The chaining value H0..H7 carried from one block to the next.
using Sha256State = std::array<uint32_t, 8>;

// H(0): the first 32 bits of the fractional parts of the square roots of the first 8 primes.
inline constexpr Sha256State kSha256InitialState = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
inline constexpr std::array<uint32_t, 64> kSha256RoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The compression function: mixes one 64-byte block into `state` (64 rounds). It runs on the
// CPU's SHA instructions where there are some (x86-64 SHA-NI), and on portable code otherwise.
void sha256_compress(Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block);

// The two implementations it chooses between, named so tests and benchmarks can compare them:
// the portable one, written as FIPS 180-4 states it (sha256.cc) ...
void sha256_compress_portable(Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block);
// ... and the x86-64 SHA extensions (sha256_sha_ni.cc): the same rounds, done by the CPU two at
// a time. Call it only when cpu_has_sha256_instructions() says so.
bool cpu_has_sha256_instructions();
void sha256_compress_sha_ni(Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block);

// Writes a chaining state out as a digest (eight big-endian 32-bit words).
Sha256Digest sha256_digest_of(const Sha256State& state);

// A streaming hash: update() any number of times with pieces of any size, then finish() once.
// A plain value (copyable, no heap); not thread-safe — one thread uses one object at a time.
class Sha256 {
 public:
  Sha256() = default;
  // Continues a hash whose first `bytes_done` bytes (a multiple of 64) are already compressed
  // into `state`. HMAC uses this to start from a saved "key block already hashed" state.
  Sha256(const Sha256State& state, uint64_t bytes_done) : state_(state), total_bytes_(bytes_done) {}

  void update(std::span<const uint8_t> data);
  void update(std::string_view text);
  // Pads, compresses the last block(s) and returns the digest. Call once; the object is then
  // spent (make a new one, or copy one made earlier, to hash again).
  Sha256Digest finish();

 private:
  Sha256State state_ = kSha256InitialState;
  std::array<uint8_t, kSha256BlockSize> pending_{};  // bytes waiting for a full block
  size_t pending_size_ = 0;
  uint64_t total_bytes_ = 0;
};

// One-shot hash of a whole buffer.
Sha256Digest sha256(std::span<const uint8_t> data);

}  // namespace osn::pool
