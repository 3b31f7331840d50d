// pool/crypto/hmac_sha256.cc — HMAC-SHA256 with the padded-key blocks hashed once per key.
//
// Invariant: inner_state_/outer_state_ are exactly SHA-256's chaining state after one block
// (64 bytes) of input, so a MAC resumes from them with 64 bytes already counted.
#include "pool/crypto/hmac_sha256.h"

#include <cstring>

namespace osn::pool {
namespace {

constexpr uint8_t kInnerPad = 0x36;
constexpr uint8_t kOuterPad = 0x5c;

// The state after hashing one block: (padded key) XOR pad.
Sha256State state_after_padded_key(const std::array<uint8_t, kSha256BlockSize>& padded_key,
                                   uint8_t pad) {
  std::array<uint8_t, kSha256BlockSize> block;
  for (size_t i = 0; i < block.size(); ++i) block[i] = padded_key[i] ^ pad;
  Sha256State state = kSha256InitialState;
  sha256_compress(state, block);
  return state;
}

// SHA-256's final block for a 32-byte message that follows one already-hashed 64-byte block:
// the 32 bytes, 0x80, zeros, and the total length 96 bytes = 768 bits. Both halves of an HMAC
// over a digest have exactly this shape, so one template serves both.
constexpr std::array<uint8_t, kSha256BlockSize> digest_block_template() {
  std::array<uint8_t, kSha256BlockSize> block{};
  block[kSha256DigestSize] = 0x80;
  constexpr uint64_t kBits = (kSha256BlockSize + kSha256DigestSize) * 8;  // 768
  block[62] = static_cast<uint8_t>(kBits >> 8);
  block[63] = static_cast<uint8_t>(kBits);
  return block;
}
constexpr std::array<uint8_t, kSha256BlockSize> kDigestBlockTemplate = digest_block_template();

}  // namespace

HmacSha256Key::HmacSha256Key(std::span<const uint8_t> key) {
  // K': a key longer than a block is replaced by its hash; then zero-padded to a block.
  std::array<uint8_t, kSha256BlockSize> padded_key{};
  if (key.size() > kSha256BlockSize) {
    Sha256Digest hashed = sha256(key);
    std::memcpy(padded_key.data(), hashed.data(), hashed.size());
  } else if (!key.empty()) {
    std::memcpy(padded_key.data(), key.data(), key.size());
  }
  inner_state_ = state_after_padded_key(padded_key, kInnerPad);
  outer_state_ = state_after_padded_key(padded_key, kOuterPad);
}

Sha256Digest HmacSha256Key::finish_mac(Sha256& inner) const {
  return outer_hash(inner.finish());
}

Sha256Digest HmacSha256Key::mac(std::span<const uint8_t> message) const {
  Sha256 inner = begin_mac();
  inner.update(message);
  return finish_mac(inner);
}

Sha256Digest HmacSha256Key::mac_of_digest(const Sha256Digest& message) const {
  // Inner hash: H((K' ^ ipad) || message), resumed after the key block: one compression.
  std::array<uint8_t, kSha256BlockSize> block = kDigestBlockTemplate;
  std::memcpy(block.data(), message.data(), message.size());
  Sha256State inner = inner_state_;
  sha256_compress(inner, block);
  return outer_hash(sha256_digest_of(inner));
}

Sha256Digest HmacSha256Key::outer_hash(const Sha256Digest& inner_digest) const {
  // Outer hash: H((K' ^ opad) || inner digest), resumed after the key block: one compression.
  std::array<uint8_t, kSha256BlockSize> block = kDigestBlockTemplate;
  std::memcpy(block.data(), inner_digest.data(), inner_digest.size());
  Sha256State outer = outer_state_;
  sha256_compress(outer, block);
  return sha256_digest_of(outer);
}

Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  return HmacSha256Key(key).mac(message);
}

}  // namespace osn::pool
