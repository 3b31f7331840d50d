// tests/integration/demo_process.cc — see demo_process.h.
#include "tests/integration/demo_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace osn::test {
namespace {

void sleep_ms(int ms) { ::usleep(static_cast<useconds_t>(ms) * 1000); }

}  // namespace

std::string demo_binary() {
  if (const char* dir = std::getenv("OSN_BIN_DIR"); dir != nullptr && *dir != '\0') {
    return std::string(dir) + "/cluster-demo";
  }
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string exe = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string();
  const size_t slash = exe.rfind('/');  // BUILD/tests/integration_test -> BUILD/bin
  return (slash == std::string::npos ? std::string(".") : exe.substr(0, slash)) + "/../bin/cluster-demo";
}

DemoProcess::DemoProcess(const std::vector<std::string>& env) {
  char path[] = "/tmp/osn-demo-log.XXXXXX";
  const int log = ::mkstemp(path);
  if (log < 0) return;
  log_path_ = path;
  const std::string program = demo_binary();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its own group: one kill reaches the primary and every worker
    // If the test binary dies without running destructors (a sanitizer abort), the primary
    // dies too; its workers then see their channel close and stop.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    ::execl(program.c_str(), program.c_str(), static_cast<char*>(nullptr));
    std::fprintf(stderr, "exec %s failed\n", program.c_str());
    ::_exit(127);
  }
  if (pid_ > 0) ::setpgid(pid_, pid_);  // also here: no race with the child's own call
  ::close(log);
}

DemoProcess::~DemoProcess() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    if (!reaped_) ::waitpid(pid_, nullptr, 0);
  }
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

std::string DemoProcess::output() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<int> DemoProcess::wait_exit(int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    sleep_ms(10);
  }
  return std::nullopt;
}

bool DemoProcess::wait_group_empty(int timeout_ms) const {
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    if (::kill(-pid_, 0) == -1 && errno == ESRCH) return true;
    sleep_ms(10);
  }
  return false;
}

std::optional<uint64_t> server_unread_bytes(uint16_t server_port, uint16_t client_port) {
  char local[32], remote[32];
  std::snprintf(local, sizeof local, "0100007F:%04X", server_port);
  std::snprintf(remote, sizeof remote, "0100007F:%04X", client_port);
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the column titles
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local_address, remote_address, state, queues;
    fields >> slot >> local_address >> remote_address >> state >> queues;  // tx_queue:rx_queue
    if (local_address != local || remote_address != remote) continue;
    const size_t colon = queues.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::strtoull(queues.c_str() + colon + 1, nullptr, 16);
  }
  return std::nullopt;
}

}  // namespace osn::test
