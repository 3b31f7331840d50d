// pool/crypto/sha256.cc — SHA-256's compression function, padding and streaming buffer.
//
// FIPS 180-4 §6.2.2: expand the 16 words of a block into a 64-word message schedule W, then run
// 64 rounds over eight working variables a..h, each round adding one constant K[t] and one
// W[t]; finally add a..h into the chaining state. All arithmetic is modulo 2^32 (uint32_t).
// Read next to the standard: the names (Ch, Maj, Σ0, Σ1, σ0, σ1) are the standard's.
#include "pool/crypto/sha256.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace osn::pool {
namespace {

uint32_t load_big_endian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void store_big_endian32(uint32_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// The six logical functions of FIPS 180-4 §4.1.2.
uint32_t choose(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }            // Ch
uint32_t majority(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }  // Maj
uint32_t big_sigma0(uint32_t x) { return std::rotr(x, 2) ^ std::rotr(x, 13) ^ std::rotr(x, 22); }
uint32_t big_sigma1(uint32_t x) { return std::rotr(x, 6) ^ std::rotr(x, 11) ^ std::rotr(x, 25); }
uint32_t small_sigma0(uint32_t x) { return std::rotr(x, 7) ^ std::rotr(x, 18) ^ (x >> 3); }
uint32_t small_sigma1(uint32_t x) { return std::rotr(x, 17) ^ std::rotr(x, 19) ^ (x >> 10); }

}  // namespace

void sha256_compress(Sha256State& state, std::span<const uint8_t, kSha256BlockSize> block) {
  // Asked once (thread-safe initialisation of a local static), then only read.
  static const bool use_sha_ni = cpu_has_sha256_instructions();
  if (use_sha_ni) {
    sha256_compress_sha_ni(state, block);
  } else {
    sha256_compress_portable(state, block);
  }
}

void sha256_compress_portable(Sha256State& state,
                              std::span<const uint8_t, kSha256BlockSize> block) {
  // 1. The message schedule: 16 words from the block, 48 more derived from earlier ones.
  std::array<uint32_t, 64> w;
  for (size_t t = 0; t < 16; ++t) w[t] = load_big_endian32(block.data() + 4 * t);
  for (size_t t = 16; t < 64; ++t) {
    w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
  }
  // 2. 64 rounds over the working variables, initialised from the chaining state.
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  // (Unrolled, the compiler renames a..h instead of moving them; ~10% faster here.)
#pragma GCC unroll 64
  for (size_t t = 0; t < 64; ++t) {
    uint32_t t1 = h + big_sigma1(e) + choose(e, f, g) + kSha256RoundConstants[t] + w[t];
    uint32_t t2 = big_sigma0(a) + majority(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  // 3. Feed-forward: add the result into the chaining state (this is what makes it one-way).
  state[0] += a; state[1] += b; state[2] += c; state[3] += d;
  state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

Sha256Digest sha256_digest_of(const Sha256State& state) {
  Sha256Digest digest;
  for (size_t i = 0; i < state.size(); ++i) store_big_endian32(state[i], digest.data() + 4 * i);
  return digest;
}

void Sha256::update(std::span<const uint8_t> data) {
  total_bytes_ += data.size();
  // Top up a partly filled block first.
  if (pending_size_ > 0) {
    size_t take = std::min(data.size(), kSha256BlockSize - pending_size_);
    std::memcpy(pending_.data() + pending_size_, data.data(), take);
    pending_size_ += take;
    data = data.subspan(take);
    if (pending_size_ < kSha256BlockSize) return;
    sha256_compress(state_, pending_);
    pending_size_ = 0;
  }
  // Whole blocks straight from the caller's memory: no copy.
  while (data.size() >= kSha256BlockSize) {
    sha256_compress(state_, data.first<kSha256BlockSize>());
    data = data.subspan(kSha256BlockSize);
  }
  if (!data.empty()) std::memcpy(pending_.data(), data.data(), data.size());
  pending_size_ = data.size();
}

void Sha256::update(std::string_view text) {
  update(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Sha256Digest Sha256::finish() {
  // Padding: 0x80, then zeros up to 56 mod 64, then the message length in bits (big-endian).
  // If the length does not fit after the 0x80 in this block, it goes in one more block.
  uint64_t bit_length = total_bytes_ * 8;
  pending_[pending_size_++] = 0x80;
  if (pending_size_ > kSha256BlockSize - 8) {
    std::memset(pending_.data() + pending_size_, 0, kSha256BlockSize - pending_size_);
    sha256_compress(state_, pending_);
    pending_size_ = 0;
  }
  std::memset(pending_.data() + pending_size_, 0, kSha256BlockSize - 8 - pending_size_);
  store_big_endian32(static_cast<uint32_t>(bit_length >> 32), pending_.data() + 56);
  store_big_endian32(static_cast<uint32_t>(bit_length), pending_.data() + 60);
  sha256_compress(state_, pending_);
  pending_size_ = 0;
  return sha256_digest_of(state_);
}

Sha256Digest sha256(std::span<const uint8_t> data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

}  // namespace osn::pool
