// pool/crypto_work.h — crypto.pbkdf2: CPU-bound work sent to the pool.
//
// PBKDF2 is slow on purpose (pool/pbkdf2.h): hundreds of thousands of HMAC rounds. Run on the
// loop thread it would hold the only thread that answers requests for the whole computation —
// the study note's last sentence. Node's crypto.pbkdf2 therefore runs it on libuv's pool and
// calls back on the loop; this is the same. examples/blocking measures the difference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "kernel-io/result.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::pool {

using KeyCallback = std::function<void(kio::Result<std::vector<uint8_t>>)>;

// Derives key_length bytes with PBKDF2-HMAC-SHA256 on a pool thread; cb runs on the loop
// thread. iterations 0 is refused (EINVAL, call "pbkdf2"), as Node refuses it. Loop thread only.
WorkHandle pbkdf2(loop::Loop& loop, std::vector<uint8_t> password, std::vector<uint8_t> salt,
                  uint32_t iterations, size_t key_length, KeyCallback cb);

}  // namespace osn::pool
