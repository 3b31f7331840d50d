// pool/crypto/hmac_sha256.h — HMAC-SHA256 (RFC 2104): a keyed hash, the pseudo-random function of PBKDF2.
//
//   HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m))
// K' is the key padded with zeros to one 64-byte block (a key longer than a block is first
// hashed); ipad = 0x36.., opad = 0x5c... Both padded-key blocks depend only on the key, so
// HmacSha256Key hashes each once and saves the two chaining states: every MAC then starts from
// a copy. PBKDF2 computes thousands of MACs with one key, so this halves its work.
// See docs/pool.md.
#pragma once

#include <span>

#include "pool/crypto/sha256.h"

namespace osn::pool {

// A key prepared for HMAC-SHA256: the inner and outer states after their padded-key block.
// An immutable value (no heap): after construction it may be shared by any number of threads.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::span<const uint8_t> key);

  // HMAC of a message of any length.
  Sha256Digest mac(std::span<const uint8_t> message) const;
  // Same as mac(), for a message of exactly 32 bytes (PBKDF2's inner loop, where the message is
  // the previous MAC): two compressions, no buffering.
  Sha256Digest mac_of_digest(const Sha256Digest& message) const;

  // Starts an HMAC to be fed in pieces: update() the returned hash with the message, then
  // pass it to finish_mac().
  Sha256 begin_mac() const { return Sha256(inner_state_, kSha256BlockSize); }
  Sha256Digest finish_mac(Sha256& inner) const;

 private:
  // H((K' ^ opad) || inner_digest): the outer half, shared by every way of making a MAC.
  Sha256Digest outer_hash(const Sha256Digest& inner_digest) const;

  Sha256State inner_state_;  // after compressing K' ^ ipad
  Sha256State outer_state_;  // after compressing K' ^ opad
};

// One-shot HMAC-SHA256.
Sha256Digest hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> message);

}  // namespace osn::pool
