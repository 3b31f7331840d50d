// tests/http/hello_example_test.cc — build/bin/hello as a black box: usage errors exit 64, it
// prints the URL it listens on, answers `Hello, World!`, and exits 0 on SIGTERM.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/process_guard.h"
#include "tests/support/run_program.h"

namespace osn::test {
namespace {

TEST(HelloExample, BadArgumentsPrintUsageAndExit64) {
  const std::string hello = locate_tool("hello");
  EXPECT_EQ(run_program(hello, {}).exit_code, 64);
  EXPECT_EQ(run_program(hello, {"--port"}).exit_code, 64);
  EXPECT_EQ(run_program(hello, {"--port", "http"}).exit_code, 64);
  EXPECT_EQ(run_program(hello, {"--port", "70000"}).exit_code, 64);
  EXPECT_EQ(run_program(hello, {"--bogus"}).exit_code, 64);
}

TEST(HelloExample, AnswersHelloWorldAndExitsCleanlyOnSigterm) {
  const uint16_t port = free_tcp_port();
  ASSERT_NE(port, 0);
  auto out = kio::make_pipe();
  ASSERT_TRUE(out.ok());
  kio::SpawnOptions spawn;
  spawn.program = locate_tool("hello");
  spawn.args = {"--port", std::to_string(port)};
  spawn.inherit = {{out->write_end.get(), 1}};
  auto pid = kio::spawn_process(spawn);
  ASSERT_TRUE(pid.ok()) << pid.error().message();
  ChildGuard guard(*pid);
  (void)out->write_end.close();

  std::string line;  // "hello: listening on http://127.0.0.1:PORT/\n"
  while (line.find('\n') == std::string::npos) {
    auto ready = kio::wait_readable(out->read_end.get(), 5'000);
    ASSERT_TRUE(ready.ok() && *ready) << "hello printed nothing";
    char buf[256];
    auto n = kio::read_some(out->read_end.get(), buf);
    ASSERT_TRUE(n.ok() && *n > 0);
    line.append(buf, *n);
  }
  EXPECT_NE(line.find("http://127.0.0.1:" + std::to_string(port) + "/"), std::string::npos) << line;

  auto client = HttpClient::connect(port);
  ASSERT_TRUE(client.ok());
  auto r = client->round_trip(get_request("/any/path"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain");
  EXPECT_EQ(r->body, "Hello, World!");

  ASSERT_TRUE(kio::send_signal(*pid, SIGTERM).ok());
  auto status = guard.wait_for(5'000);
  ASSERT_TRUE(status.ok());
  ASSERT_NE(status->pid, 0) << "hello still running 5 s after SIGTERM";
  EXPECT_TRUE(status->exited) << status->describe();
  EXPECT_EQ(status->exit_code, 0);
}

}  // namespace
}  // namespace osn::test
