// tests/http/emfile_log_test.cc — out of descriptors, the server sheds connections (the
// Listener's reserve-descriptor trick) and says so in at most one line a second, with a count:
// build/bin/hello under `ulimit -n 48`, and 150 clients that keep their connections open.
// The bound on lines is derived from the time the flood took (one line per started second,
// plus the count line), so a slow machine cannot make the test fail.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kernel-io/process.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/process_guard.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace osn::test {
namespace {

size_t lines_with(const std::string& text, std::string_view needle) {
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
  return n;
}

TEST(EmfileLog, ShedConnectionsAreLoggedOnceASecondWithACount) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string log_path = dir.file("stderr");
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(log, 0);
  const uint16_t port = free_tcp_port();
  kio::SpawnOptions spawn;
  spawn.program = "/bin/sh";
  spawn.args = {"-c", "ulimit -n 48 && exec \"$0\" --port \"$1\"", locate_tool("hello"), std::to_string(port)};
  spawn.inherit = {{log, 2}};
  auto pid = kio::spawn_process(spawn);
  ::close(log);
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  ChildGuard guard(*pid);

  const auto started = std::chrono::steady_clock::now();
  std::vector<HttpClient> clients;
  size_t shed = 0;
  int refused = 0;
  for (int i = 0; i < 150; ++i) {
    auto c = HttpClient::connect(port, 2'000);
    if (!c) {
      // Before it listens, connects are refused; count them (i does not move: --i below).
      ASSERT_LT(++refused, 100) << "hello never listened";
      ::usleep(20'000);
      --i;
      continue;
    }
    auto r = c->round_trip(get_request(), 2'000);
    if (r) {
      clients.push_back(std::move(*c));  // held open: the server's descriptor table fills up
    } else {
      ++shed;  // accepted and closed at once: shed
    }
  }
  ::usleep(1'200'000);  // let the once-a-second count line come out
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(kio::send_signal(*pid, SIGTERM).ok());
  (void)guard.wait_for(5'000);

  std::ifstream in(log_path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string err = text.str();
  ASSERT_GT(shed, 50u) << "the descriptor limit was not reached:\n" << err;
  const size_t lines = lines_with(err, "osnode listener");
  EXPECT_GE(lines, 1u) << err;
  EXPECT_LE(lines, 2 * (static_cast<size_t>(seconds) + 2)) << shed << " shed, " << seconds << " s:\n" << err;
  EXPECT_NE(err.find("more in the last second"), std::string::npos) << err;
}

}  // namespace
}  // namespace osn::test
