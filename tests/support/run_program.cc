// tests/support/run_program.cc — spawn with stdin from a temp file and stdout/stderr on two
// pipes; poll(2) both to EOF, then waitpid(2) — all before a deadline, or SIGKILL.
#include "tests/support/run_program.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string_view>

#include "kernel-io/fd.h"
#include "kernel-io/io.h"
#include "kernel-io/pipe.h"

namespace osn::test {
namespace {

// A descriptor reading `input`: /dev/null when empty, else an unlinked temporary file.
kio::Fd open_input(std::string_view input) {
  if (input.empty()) return kio::Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  char name[] = "/tmp/osn-test-input-XXXXXX";
  kio::Fd fd(::mkostemp(name, O_CLOEXEC));
  if (fd.get() < 0) return fd;
  ::unlink(name);
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = ::write(fd.get(), input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return kio::Fd();
    done += static_cast<std::size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) return kio::Fd();
  return fd;
}

}  // namespace

ProgramResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const RunOptions& options) {
  ProgramResult result;
  kio::Fd input = open_input(options.input);
  auto out = kio::make_pipe();
  auto err = kio::make_pipe();
  if (input.get() < 0 || !out || !err) {
    result.err = "run_program: cannot set up stdin/stdout/stderr for " + program;
    return result;
  }
  // The child's ends block, as a terminal's would: a program that prints more than a pipe
  // holds must wait for us, not fail with EAGAIN. Our read ends stay non-blocking.
  (void)kio::set_nonblocking(out->write_end.get(), false);
  (void)kio::set_nonblocking(err->write_end.get(), false);
  kio::SpawnOptions spawn;
  spawn.program = program;
  spawn.args = args;
  spawn.extra_env = options.env;
  spawn.inherit = {{input.get(), 0}, {out->write_end.get(), 1}, {err->write_end.get(), 2}};
  auto pid = kio::spawn_process(spawn);
  input.reset();
  out->write_end.reset();
  err->write_end.reset();
  if (!pid) {
    result.err = program + ": " + pid.error().message();
    return result;
  }
  result.started = true;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  pollfd fds[2] = {{out->read_end.get(), POLLIN, 0}, {err->read_end.get(), POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_ends = 2;
  while (open_ends > 0 && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds, 2, 100) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      auto n = kio::read_some(fds[i].fd, buf);
      if (n && *n > 0) {
        sinks[i]->append(buf, *n);
      } else if (!n && n.error().would_block()) {
        continue;
      } else {
        fds[i].fd = -1;  // EOF or error: this end is done
        --open_ends;
      }
    }
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  auto status = kio::wait_child_for(*pid, left.count() > 0 ? static_cast<int>(left.count()) : 0);
  if (status && status->pid != 0) {
    result.finished = true;
    result.status = *status;
    result.exit_code = status->exited ? status->exit_code : 128 + status->term_signal;
  } else {
    ::kill(*pid, SIGKILL);
    (void)kio::wait_child(*pid, true);
  }
  return result;
}

std::string bin_dir() {
  if (const char* dir = std::getenv("OSN_BIN_DIR"); dir && *dir) return dir;
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "build/bin";
  std::string path(self, static_cast<std::size_t>(n));
  path.erase(path.rfind('/'));  // BUILD/tests
  return path + "/../bin";
}

std::string locate_tool(const std::string& name) { return bin_dir() + "/" + name; }

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  const std::string_view dirs = path;
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string_view::npos) end = dirs.size();
    const std::string candidate = std::string(dirs.substr(start, end - start)) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace osn::test
