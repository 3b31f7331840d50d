// pool/crypto_work.cc — pbkdf2_hmac_sha256 (pool/pbkdf2.h) as a work request.
#include "pool/crypto_work.h"

#include <utility>

#include "pool/crypto/pbkdf2.h"
#include "pool/queue_work.h"

namespace osn::pool {

WorkHandle pbkdf2(loop::Loop& loop, std::vector<uint8_t> password, std::vector<uint8_t> salt,
                  uint32_t iterations, size_t key_length, KeyCallback cb) {
  auto derive = [password = std::move(password), salt = std::move(salt), iterations,
                 key_length]() -> kio::Result<std::vector<uint8_t>> {
    if (iterations == 0) return kio::SysError{"pbkdf2", EINVAL};
    return pbkdf2_hmac_sha256(password, salt, iterations, key_length);
  };
  return queue_result<std::vector<uint8_t>>(loop, std::move(derive), std::move(cb));
}

}  // namespace osn::pool
