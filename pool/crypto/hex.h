// pool/crypto/hex.h — bytes and their text forms, for printing and checking digests and keys.
//
// Hexadecimal writes each byte as two lower-case digits, most significant nibble first — the
// form `sha256sum`, `openssl dgst` and Node's digest('hex') print, so outputs compare as text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace osn::pool {

// "a1b2..." (lower case, two digits per byte).
std::string to_hex(std::span<const uint8_t> bytes);

// The bytes that `hex` spells (either case); nullopt if its length is odd or it has a
// character that is not a hex digit.
std::optional<std::vector<uint8_t>> from_hex(std::string_view hex);

// The bytes of a string, viewed (not copied) as uint8_t: for hashing text.
inline std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace osn::pool
