// tests/kernel-io/spawn_signals_test.cc — what a spawned program inherits of our signals.
//
// fork copies the signal mask and every disposition; execve resets only *caught* signals to
// SIG_DFL, so a blocked or ignored signal reaches the new program unless the child undoes it
// (posix_spawn's POSIX_SPAWN_SETSIGMASK/SETSIGDEF, libuv's uv_spawn). Here a forked "runtime"
// sets what ours sets — SIGPIPE ignored, SIGCHLD/SIGTERM blocked for a signalfd as the cluster
// primary does — plus the two signals glibc keeps for itself (32 and 33, which its sigaction
// refuses, so only the kernel call can ignore or reset them), then spawns a real program:
// `cat /proc/self/status` through sh. Its SigBlk and SigIgn must hold none of them.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/signals.h"
#include "tests/support/process_guard.h"

namespace osn::kio {
namespace {

uint64_t bit(int signo) { return 1ull << (signo - 1); }

// The hex mask of `key` ("SigBlk") in a /proc/PID/status text; all ones when it is missing.
uint64_t status_mask(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::strtoull(line.c_str() + key.size() + 1, nullptr, 16);
  return ~0ull;
}

// The kernel's sigaction, bypassing glibc's refusal of its internal signals (see signals.cc).
bool kernel_ignore(int signo) {
  const unsigned long ignore[4] = {reinterpret_cast<unsigned long>(SIG_IGN), 0, 0, 0};
  return ::syscall(SYS_rt_sigaction, signo, ignore, nullptr, 8) == 0;
}

TEST(SpawnSignals, ARealProgramInheritsNoBlockedOrIgnoredSignalOfOurs) {
  auto out = make_pipe();
  ASSERT_TRUE(out.ok());
  const int report = out->write_end.get();
  // In a child, so that the test process never runs with glibc's own signals ignored.
  auto runtime = test::run_in_child([report] {
    if (!ignore_sigpipe().ok() || !kernel_ignore(32) || !kernel_ignore(33)) return 10;
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    if (::sigaction(SIGUSR2, &ignore, nullptr) != 0) return 11;
    ScopedSignalBlock signalfd_set({SIGCHLD, SIGTERM, SIGUSR1});
    SpawnOptions options;
    options.program = "/bin/sh";
    options.args = {"-c", "exec cat /proc/self/status >&3"};
    options.inherit = {{report, 3}};
    auto pid = spawn_process(options);
    if (!pid) return 12;
    auto status = wait_child_for(*pid, 10'000);
    if (!status || status->pid == 0) return 13;
    return status->exited && status->exit_code == 0 ? 0 : 14;
  }, 15'000);
  ASSERT_TRUE(runtime.ok()) << runtime.error().message();
  ASSERT_EQ(runtime->describe(), "exited with code 0") << "10-11: setting up, 12: spawn, 13-14: cat";
  out->write_end.reset();
  std::string text;
  char buf[4096];
  for (;;) {
    auto n = read_some(out->read_end.get(), buf);
    ASSERT_TRUE(n.ok()) << n.error().message();
    if (*n == 0) break;
    text.append(buf, *n);
  }
  const uint64_t blocked = status_mask(text, "SigBlk"), ignored = status_mask(text, "SigIgn");
  for (int signo : {SIGCHLD, SIGTERM, SIGUSR1})
    EXPECT_EQ(blocked & bit(signo), 0u) << signal_name(signo) << " still blocked in cat:\n" << text;
  for (int signo : {SIGPIPE, SIGUSR2, 32, 33})
    EXPECT_EQ(ignored & bit(signo), 0u) << "signal " << signo << " still ignored in cat:\n" << text;
}

}  // namespace
}  // namespace osn::kio
