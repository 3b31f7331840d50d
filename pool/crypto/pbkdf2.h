// pool/crypto/pbkdf2.h — PBKDF2-HMAC-SHA256 (RFC 8018 §5.2), the crypto work request of the pool.
//
// Password hashing made deliberately slow: each 32-byte block T_i of the derived key is
//   U_1 = HMAC(P, S || INT(i)),  U_j = HMAC(P, U_{j-1}),  T_i = U_1 ^ U_2 ^ ... ^ U_c
// and the key is T_1 || T_2 || ... cut to key_length bytes. c (the iteration count) sets the
// cost: c = 600,000 takes a core a fraction of a second — far too long to run on the event loop
// thread, which is why Node's crypto.pbkdf2 runs on libuv's thread pool. This function is pure
// (no I/O, no shared state): any number of pool threads may run it at once. See docs/pool.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace osn::pool {

// The derived key, key_length bytes (empty when key_length is 0). RFC 8018 requires
// iterations >= 1; 0 is treated as 1 (U_1 is always computed) — callers that take the count
// from users should refuse 0, as Node does. key_length may be at most (2^32 - 1) * 32.
std::vector<uint8_t> pbkdf2_hmac_sha256(std::span<const uint8_t> password,
                                        std::span<const uint8_t> salt, uint32_t iterations,
                                        size_t key_length);

}  // namespace osn::pool
