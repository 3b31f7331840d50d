// tests/support/run_program.cc — posix_spawn(3) with file actions: stdin from a temp file,
// stdout into a pipe, stderr to /dev/null; read to EOF, then waitpid(2).
#include "tests/support/run_program.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

extern char** environ;

namespace osn::test {
namespace {

// Writes `input` to a fresh temporary file and returns its name ("" on failure).
std::string write_temp_file(std::string_view input) {
  char name[] = "/tmp/osn-test-input-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) return "";
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = write(fd, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  close(fd);
  return name;
}

std::string read_all(int fd) {
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string locate_tool(const std::string& name) {
  if (const char* dir = std::getenv("OSN_BIN_DIR")) return std::string(dir) + "/" + name;
  std::error_code ec;
  return (std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().parent_path() / "bin" / name).string();
}

ProgramResult run_program(const std::string& path, const std::vector<std::string>& args, std::string_view input) {
  ProgramResult result;
  const std::string input_file = write_temp_file(input);
  int out[2];
  if (input_file.empty() || pipe(out) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, input_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addclose(&actions, out[1]);
  std::vector<char*> argv = {const_cast<char*>(path.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (rc == 0) result.out = read_all(out[0]);
  close(out[0]);
  unlink(input_file.c_str());
  if (rc != 0) return result;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace osn::test
