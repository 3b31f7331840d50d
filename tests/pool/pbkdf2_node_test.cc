// tests/pool/pbkdf2_node_test.cc — our PBKDF2 against Node's crypto.pbkdf2Sync, where node exists.
//
// Random passwords, salts, iteration counts and key lengths (from a fixed seed, so a failure
// reproduces) go to one `node -e` child as arguments; it prints one hex key per line on a pipe
// we read with a deadline. The child is always reaped, and killed if it overstays.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "pool/crypto/hex.h"
#include "pool/crypto/pbkdf2.h"

namespace osn::pool {
namespace {

using Clock = std::chrono::steady_clock;

// Each argument is "passwordhex:salthex:iterations:length"; prints one hex key per line.
constexpr const char* kNodeScript = R"(
const crypto = require('crypto');
for (const arg of process.argv.slice(1)) {
  const [password, salt, iterations, length] = arg.split(':');
  const key = crypto.pbkdf2Sync(Buffer.from(password, 'hex'), Buffer.from(salt, 'hex'),
                                Number(iterations), Number(length), 'sha256');
  console.log(key.toString('hex'));
})";

struct KdfInput {
  std::vector<uint8_t> password;
  std::vector<uint8_t> salt;
  uint32_t iterations;
  size_t key_length;
};

std::vector<KdfInput> random_inputs(size_t count) {
  std::mt19937 rng(8018);  // RFC 8018
  auto uniform = [&rng](size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng);
  };
  auto random_bytes = [&](size_t n) {
    std::vector<uint8_t> out(n);
    for (uint8_t& b : out) b = static_cast<uint8_t>(uniform(0, 255));
    return out;
  };
  std::vector<KdfInput> inputs;
  for (size_t i = 0; i < count; ++i) {
    KdfInput in;
    in.password = random_bytes(uniform(0, 100));  // past 64 bytes: the key gets hashed first
    in.salt = random_bytes(uniform(0, 40));
    in.iterations = static_cast<uint32_t>(uniform(1, 3000));
    in.key_length = uniform(1, 100);
    inputs.push_back(std::move(in));
  }
  return inputs;
}

// Reads fd until end of file or until `deadline`. false on timeout or a read error.
bool read_until_eof(int fd, Clock::time_point deadline, std::string& out) {
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    kio::Result<bool> ready = kio::wait_readable(fd, static_cast<int>(left.count()));
    if (!ready) return false;
    if (!ready.value()) continue;  // the loop re-checks the deadline
    kio::Result<size_t> n = kio::read_some(fd, buf);
    if (!n) {
      if (n.error().would_block()) continue;
      return false;
    }
    if (n.value() == 0) return true;
    out.append(buf, n.value());
  }
}

TEST(Pbkdf2, MatchesNodePbkdf2SyncOnRandomInputs) {
  const std::vector<KdfInput> inputs = random_inputs(20);
  kio::SpawnOptions options;
  options.program = "node";
  options.args = {"-e", kNodeScript};
  for (const KdfInput& in : inputs) {
    options.args.push_back(to_hex(in.password) + ":" + to_hex(in.salt) + ":" +
                           std::to_string(in.iterations) + ":" + std::to_string(in.key_length));
  }
  kio::Result<kio::Pipe> pipe = kio::make_pipe();
  ASSERT_TRUE(pipe) << pipe.error().message();
  // The child gets a blocking stdout (O_NONBLOCK belongs to the shared open file description).
  ASSERT_TRUE(kio::set_nonblocking(pipe->write_end.get(), false));
  options.inherit = {{pipe->write_end.get(), 1}};

  kio::Result<pid_t> child = kio::spawn_process(options);
  if (!child && child.error().is(ENOENT)) {
    GTEST_SKIP() << "node is not installed (" << child.error().message() << ")";
  }
  ASSERT_TRUE(child) << child.error().message();
  ASSERT_TRUE(pipe->write_end.close());  // so we see EOF when node exits

  std::string output;
  bool complete = read_until_eof(pipe->read_end.get(), Clock::now() + std::chrono::seconds(20),
                                 output);
  if (!complete) (void)kio::send_signal(child.value(), SIGKILL);
  kio::Result<kio::ChildStatus> status = kio::wait_child_for(child.value(), 10'000);
  if (!status || status->pid == 0) {
    (void)kio::send_signal(child.value(), SIGKILL);
    (void)kio::wait_child(child.value(), true);
  }
  ASSERT_TRUE(complete) << "node did not finish within 20 s";
  ASSERT_TRUE(status && status->exited && status->exit_code == 0)
      << "node: " << (status ? status->describe() : status.error().message());

  std::istringstream lines(output);
  std::string expected_hex;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(std::getline(lines, expected_hex)) << "node printed only " << i << " keys";
    const KdfInput& in = inputs[i];
    EXPECT_EQ(to_hex(pbkdf2_hmac_sha256(in.password, in.salt, in.iterations, in.key_length)),
              expected_hex)
        << "input " << i << ": password " << to_hex(in.password) << ", salt " << to_hex(in.salt)
        << ", c=" << in.iterations << ", length " << in.key_length;
  }
}

}  // namespace
}  // namespace osn::pool
