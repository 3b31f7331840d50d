// tests/pool/dns_crypto_test.cc — dns.lookup and crypto.pbkdf2 as pool requests.
#include <gtest/gtest.h>
#include <netdb.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "loop/loop.h"
#include "pool/crypto_work.h"
#include "pool/dns.h"
#include "pool/crypto/hex.h"
#include "pool/crypto/pbkdf2.h"
#include "tests/pool/pool_test_support.h"

namespace osn::pool {
namespace {

using testing::run_with_guard;

bool has(const std::vector<LookupAddress>& list, const std::string& address) {
  return std::any_of(list.begin(), list.end(), [&](auto& a) { return a.address == address; });
}

TEST(Dns, NumericAddressComesBackAsItself) {
  loop::Loop loop;
  LookupResult got = kio::SysError{"not called", 0};
  lookup(loop, "127.0.0.1", [&](LookupResult r) { got = std::move(r); }, {0, true});
  ASSERT_TRUE(run_with_guard(loop));
  ASSERT_TRUE(got.ok()) << got.error().message();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().address, "127.0.0.1");
  EXPECT_EQ(got->front().family, 4);
}

TEST(Dns, LocalhostResolvesToALoopbackAddress) {
  loop::Loop loop;
  LookupResult got = kio::SysError{"not called", 0};
  const auto loop_thread = std::this_thread::get_id();
  lookup(loop, "localhost", [&](LookupResult r) {
    EXPECT_EQ(std::this_thread::get_id(), loop_thread);
    got = std::move(r);
  });
  ASSERT_TRUE(run_with_guard(loop));
  if (!got.ok() && got.error().is(EAGAIN)) GTEST_SKIP() << "resolver unavailable: " << got.error().message();
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(has(*got, "127.0.0.1") || has(*got, "::1"));
}

TEST(Dns, ABadHostIsEaiNonameCarriedAsEnoent) {
  loop::Loop loop;
  LookupResult got = std::vector<LookupAddress>{};
  // AI_NUMERICHOST: never asks a DNS server, so the test needs no network.
  lookup(loop, "256.1.2.3", [&](LookupResult r) { got = std::move(r); }, {0, true});
  ASSERT_TRUE(run_with_guard(loop));
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.error().is(ENOENT));
  EXPECT_NE(got.error().message().find("EAI_NONAME"), std::string::npos) << got.error().message();
}

TEST(Dns, GaiErrorsMapToNamedMessagesAndNearestErrno) {
  EXPECT_TRUE(gai_error(EAI_AGAIN).is(EAGAIN));
  EXPECT_TRUE(gai_error(EAI_MEMORY).is(ENOMEM));
  EXPECT_TRUE(gai_error(EAI_SYSTEM, EMFILE).is(EMFILE));
  EXPECT_EQ(std::string(gai_error(EAI_NONAME).call),
            "getaddrinfo EAI_NONAME (Name or service not known)");
}

TEST(CryptoWork, Pbkdf2OnThePoolEqualsTheDirectComputation) {
  loop::Loop loop;
  const std::vector<uint8_t> password = {'p', 'a', 's', 's', 'w', 'd'};
  const std::vector<uint8_t> salt = {'s', 'a', 'l', 't'};
  kio::Result<std::vector<uint8_t>> got = kio::SysError{"not called", 0};
  pbkdf2(loop, password, salt, 1, 64, [&](kio::Result<std::vector<uint8_t>> r) { got = std::move(r); });
  ASSERT_TRUE(run_with_guard(loop));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, pbkdf2_hmac_sha256(password, salt, 1, 64));
  // RFC 7914 section 11, PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64).
  EXPECT_EQ(to_hex(*got),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
}

TEST(CryptoWork, ZeroIterationsIsRefused) {
  loop::Loop loop;
  kio::Result<std::vector<uint8_t>> got = std::vector<uint8_t>{};
  pbkdf2(loop, {1}, {2}, 0, 32, [&](kio::Result<std::vector<uint8_t>> r) { got = std::move(r); });
  ASSERT_TRUE(run_with_guard(loop));
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.error().is(EINVAL));
}

}  // namespace
}  // namespace osn::pool
