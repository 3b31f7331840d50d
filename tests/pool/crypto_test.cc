// tests/pool/crypto_test.cc — SHA-256, HMAC-SHA256 and PBKDF2 against published vectors.
//
// Every expected value below comes from a standard (FIPS 180-4 examples, RFC 4231, the
// PBKDF2-HMAC-SHA256 vectors widely published for RFC 6070's inputs) and was cross-checked
// with Python's hashlib and Node's crypto. pbkdf2_node_test.cc asks a live `node` for more
// answers on random inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "pool/crypto/hex.h"
#include "pool/crypto/hmac_sha256.h"
#include "pool/crypto/pbkdf2.h"
#include "pool/crypto/sha256.h"

namespace osn::pool {
namespace {

std::vector<uint8_t> hex_bytes(std::string_view hex) {
  std::optional<std::vector<uint8_t>> bytes = from_hex(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex in test table: " << hex;
  return bytes.value_or(std::vector<uint8_t>{});
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(byte(rng));
  return out;
}

// ---- SHA-256 ----------------------------------------------------------------------------------

struct HashCase {
  std::string message;
  const char* digest_hex;
};

TEST(Sha256, NistExampleMessages) {
  const HashCase cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",  // 448 bits
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
       "lmnopqrsmnopqrstnopqrstu",  // 896 bits
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
  };
  for (const HashCase& c : cases) {
    EXPECT_EQ(to_hex(sha256(bytes_of(c.message))), c.digest_hex) << "message: " << c.message;
  }
}

TEST(Sha256, OneMillionA) {
  std::string million(1'000'000, 'a');
  EXPECT_EQ(to_hex(sha256(bytes_of(million))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Lengths around the padding boundary: 55 bytes leave room for 0x80 and the length in one
// block; 56..63 need a second block; 64 starts with a whole block.
TEST(Sha256, MessagesAroundThePaddingBoundary) {
  const std::pair<size_t, const char*> cases[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
  };
  for (auto [length, digest_hex] : cases) {
    EXPECT_EQ(to_hex(sha256(bytes_of(std::string(length, 'a')))), digest_hex) << length << " x 'a'";
  }
}

TEST(Sha256, StreamingInOddPiecesEqualsOneShot) {
  std::mt19937 rng(20261126);
  const std::vector<uint8_t> message = random_bytes(rng, 1000);
  const Sha256Digest expected = sha256(message);
  for (size_t piece : {1, 3, 7, 13, 31, 55, 63, 64, 65, 127, 999, 1000}) {
    Sha256 hash;
    std::span<const uint8_t> rest(message);
    while (!rest.empty()) {
      size_t take = std::min(piece, rest.size());
      hash.update(rest.first(take));
      rest = rest.subspan(take);
    }
    EXPECT_EQ(to_hex(hash.finish()), to_hex(expected)) << "piece size " << piece;
  }
}

TEST(Sha256, StreamingInRandomPiecesEqualsOneShotForEveryLength) {
  std::mt19937 rng(7);
  for (size_t length = 0; length <= 200; ++length) {
    const std::vector<uint8_t> message = random_bytes(rng, length);
    Sha256 hash;
    std::span<const uint8_t> rest(message);
    while (!rest.empty()) {
      size_t take = std::uniform_int_distribution<size_t>(0, rest.size())(rng);
      hash.update(rest.first(take));
      rest = rest.subspan(take);
    }
    EXPECT_EQ(to_hex(hash.finish()), to_hex(sha256(message))) << "length " << length;
  }
}

// "abc" as FIPS 180-4 pads it: one block, 0x80 after the message, length 24 bits at the end.
TEST(Sha256, PortableCompressionOfThePaddedAbcBlock) {
  std::array<uint8_t, kSha256BlockSize> block{'a', 'b', 'c', 0x80};
  block[63] = 24;
  Sha256State state = kSha256InitialState;
  sha256_compress_portable(state, block);
  EXPECT_EQ(to_hex(sha256_digest_of(state)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, ShaNiCompressionAgreesWithPortable) {
  if (!cpu_has_sha256_instructions()) {
    GTEST_SKIP() << "this CPU has no SHA extensions; sha256_compress uses the portable code";
  }
  std::mt19937 rng(180);
  std::uniform_int_distribution<uint32_t> word;
  for (int i = 0; i < 1000; ++i) {
    Sha256State state;
    for (uint32_t& h : state) h = word(rng);
    const std::vector<uint8_t> bytes = random_bytes(rng, kSha256BlockSize);
    std::span<const uint8_t, kSha256BlockSize> block(bytes.data(), kSha256BlockSize);
    Sha256State portable = state, sha_ni = state;
    sha256_compress_portable(portable, block);
    sha256_compress_sha_ni(sha_ni, block);
    ASSERT_EQ(portable, sha_ni) << "block " << i << ": " << to_hex(bytes);
  }
}

// ---- HMAC-SHA256 ------------------------------------------------------------------------------

struct MacCase {
  int number;
  std::vector<uint8_t> key;
  std::vector<uint8_t> message;
  const char* mac_hex;  // RFC 4231 §4; case 5 is truncated to 128 bits there
};

TEST(HmacSha256, Rfc4231TestCases1To7) {
  const std::string large_key_message = "Test Using Larger Than Block-Size Key - Hash Key First";
  const std::string large_both_message =
      "This is a test using a larger than block-size key and a larger than block-size data. The "
      "key needs to be hashed before being used by the HMAC algorithm.";
  const auto bytes = [](std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  const std::vector<MacCase> cases = {
      {1, std::vector<uint8_t>(20, 0x0b), bytes("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {2, bytes("Jefe"), bytes("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {3, std::vector<uint8_t>(20, 0xaa), std::vector<uint8_t>(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {4, hex_bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
       std::vector<uint8_t>(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {5, std::vector<uint8_t>(20, 0x0c), bytes("Test With Truncation"),
       "a3b6167473100ee06e0c796c2955552b"},
      {6, std::vector<uint8_t>(131, 0xaa), bytes(large_key_message),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {7, std::vector<uint8_t>(131, 0xaa), bytes(large_both_message),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const MacCase& c : cases) {
    std::string mac = to_hex(hmac_sha256(c.key, c.message));
    EXPECT_EQ(mac.substr(0, std::string_view(c.mac_hex).size()), c.mac_hex) << "case " << c.number;
  }
}

TEST(HmacSha256, DigestShortcutAndStreamingEqualOneShot) {
  std::mt19937 rng(42);
  for (size_t key_length : {0, 1, 32, 63, 64, 65, 200}) {
    const std::vector<uint8_t> key = random_bytes(rng, key_length);
    const HmacSha256Key prepared(key);
    Sha256Digest message;
    const std::vector<uint8_t> random_message = random_bytes(rng, message.size());
    std::copy(random_message.begin(), random_message.end(), message.begin());

    EXPECT_EQ(to_hex(prepared.mac_of_digest(message)), to_hex(hmac_sha256(key, message)))
        << "key length " << key_length;
    Sha256 inner = prepared.begin_mac();
    inner.update(std::span(message).first(5));
    inner.update(std::span(message).subspan(5));
    EXPECT_EQ(to_hex(prepared.finish_mac(inner)), to_hex(hmac_sha256(key, message)))
        << "key length " << key_length;
  }
}

// ---- PBKDF2-HMAC-SHA256 -----------------------------------------------------------------------

struct KdfCase {
  std::string password;
  std::string salt;
  uint32_t iterations;
  size_t key_length;
  const char* key_hex;
};

TEST(Pbkdf2, PublishedVectors) {
  const KdfCase cases[] = {
      {"password", "salt", 1, 32,
       "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"},
      {"password", "salt", 2, 32,
       "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"},
      {"password", "salt", 4096, 32,
       "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"},
      {"passwordPASSWORDpassword", "saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40,
       "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"},
      {std::string("pass\0word", 9), std::string("sa\0lt", 5), 4096, 16,
       "89b69d0516f829893c696226650a8687"},
  };
  for (const KdfCase& c : cases) {
    std::vector<uint8_t> key =
        pbkdf2_hmac_sha256(bytes_of(c.password), bytes_of(c.salt), c.iterations, c.key_length);
    EXPECT_EQ(to_hex(key), c.key_hex) << c.password.size() << "-byte password, c=" << c.iterations;
  }
}

TEST(Pbkdf2, ShorterKeyIsPrefixOfLongerKey) {
  std::vector<uint8_t> long_key = pbkdf2_hmac_sha256(bytes_of("pw"), bytes_of("salt"), 3, 100);
  ASSERT_EQ(long_key.size(), 100u);
  for (size_t length : {0, 1, 31, 32, 33, 64, 65}) {
    std::vector<uint8_t> key = pbkdf2_hmac_sha256(bytes_of("pw"), bytes_of("salt"), 3, length);
    EXPECT_EQ(key, std::vector<uint8_t>(long_key.begin(), long_key.begin() + length))
        << "length " << length;
  }
}

TEST(Pbkdf2, ZeroIterationsIsTreatedAsOne) {
  EXPECT_EQ(pbkdf2_hmac_sha256(bytes_of("password"), bytes_of("salt"), 0, 32),
            pbkdf2_hmac_sha256(bytes_of("password"), bytes_of("salt"), 1, 32));
}

// ---- hex --------------------------------------------------------------------------------------

TEST(Hex, RoundTripsEveryByteAndRejectsNonHex) {
  std::vector<uint8_t> all(256);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i);
  std::string hex = to_hex(all);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  EXPECT_EQ(from_hex(hex), all);
  EXPECT_EQ(from_hex("ABcd"), (std::vector<uint8_t>{0xab, 0xcd}));
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace osn::pool
