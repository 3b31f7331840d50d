// pool/sha256.h — SHA-256 (FIPS 180-4), the hash under the pool's PBKDF2 work request.
//
// Construction: Merkle–Damgård. The message is padded (a 1 bit, zeros, then its length in bits
// as a 64-bit big-endian number) to a multiple of 64-byte blocks; a 256-bit chaining state,
// starting at fixed constants H(0), is fed block by block through a compression function of
// 64 rounds. The final state, written big-endian, is the digest.
// Invariants: Sha256 keeps fewer than 64 unprocessed bytes; full blocks are compressed straight
// from the caller's buffer; nothing allocates. This is CPU-bound work — the kind Node sends to
// libuv's thread pool (crypto.pbkdf2) so it does not stall the event loop. See docs/pool.md.
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

// The compression function: mixes one 64-byte block into `state` (64 rounds).
void sha256_compress(Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block);

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
