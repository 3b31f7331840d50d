// pool/crypto/pbkdf2.cc — PBKDF2's loop over blocks and iterations.
//
// The password becomes an HmacSha256Key once, so each of the c iterations costs exactly two
// SHA-256 compressions (inner and outer hash of a 32-byte message) and no allocation.
#include "pool/crypto/pbkdf2.h"

#include <algorithm>

#include "pool/crypto/hmac_sha256.h"

namespace osn::pool {
namespace {

// T_i = U_1 ^ ... ^ U_c for block number `block_index` (counting from 1).
Sha256Digest derive_block(const HmacSha256Key& key, std::span<const uint8_t> salt,
                          uint32_t iterations, uint32_t block_index) {
  // U_1 = HMAC(P, S || INT(i)), INT(i) being i as a 4-byte big-endian number.
  const uint8_t index_bytes[4] = {static_cast<uint8_t>(block_index >> 24),
                                  static_cast<uint8_t>(block_index >> 16),
                                  static_cast<uint8_t>(block_index >> 8),
                                  static_cast<uint8_t>(block_index)};
  Sha256 first = key.begin_mac();
  first.update(salt);
  first.update(index_bytes);
  Sha256Digest u = key.finish_mac(first);
  Sha256Digest block = u;
  // U_j = HMAC(P, U_{j-1}), folded into the block with XOR.
  for (uint32_t j = 1; j < iterations; ++j) {
    u = key.mac_of_digest(u);
    for (size_t k = 0; k < block.size(); ++k) block[k] ^= u[k];
  }
  return block;
}

}  // namespace

std::vector<uint8_t> pbkdf2_hmac_sha256(std::span<const uint8_t> password,
                                        std::span<const uint8_t> salt, uint32_t iterations,
                                        size_t key_length) {
  const HmacSha256Key key(password);
  std::vector<uint8_t> derived;
  derived.reserve(key_length);
  for (uint32_t block_index = 1; derived.size() < key_length; ++block_index) {
    Sha256Digest block = derive_block(key, salt, iterations, block_index);
    size_t take = std::min(block.size(), key_length - derived.size());
    derived.insert(derived.end(), block.begin(), block.begin() + take);
  }
  return derived;
}

}  // namespace osn::pool
