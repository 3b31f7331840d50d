// cluster/fork_child.cc — spawn with an inherited channel; join it from the other side.
#include "cluster/fork_child.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "kernel-io/socket.h"

namespace osn::cluster {

// ---- parent side ------------------------------------------------------------------------------

kio::Result<std::unique_ptr<ChildProcess>> fork_child(loop::Loop& loop, const std::string& program,
                                                       std::vector<std::string> args) {
  auto pair = kio::socket_pair(SOCK_STREAM);
  if (!pair) return pair.error();
  auto child = std::make_unique<ChildProcess>(ChildProcess::Key(), loop);
  // Watch SIGCHLD before the child exists, so its exit cannot slip past us.
  child->sigchld_ = std::make_unique<loop::Signal>(loop, [c = child.get()](int) { c->check_exit(); });
  if (auto s = child->sigchld_->start(SIGCHLD); !s) return s.error();

  // The child keeps its end under the same number (close-on-exec cleared in the child only).
  const int child_fd = pair->second.get();
  kio::SpawnOptions options;
  options.program = program;
  options.args = std::move(args);
  options.extra_env.push_back(std::string(kChannelFdVariable) + "=" + std::to_string(child_fd));
  options.inherit.emplace_back(child_fd, child_fd);
  auto pid = kio::spawn_process(options);
  if (!pid) return pid.error();
  pair->second.reset();  // the child has its copy; ours would hide the child's EOF from us

  ChildProcess* c = child.get();
  c->pid_ = *pid;
  c->channel_ = std::make_unique<Channel>(loop, std::move(pair->first));
  c->channel_->start([c](const Message& m) { if (c->on_message_) c->on_message_(m); },
                     [c](const std::string& why) { if (c->on_disconnect_) c->on_disconnect_(why); });
  return child;
}

ChildProcess::~ChildProcess() = default;

void ChildProcess::check_exit() {
  if (exited_) return;
  auto status = kio::wait_child(pid_, /*block=*/false);
  if (!status || status->pid == 0) return;  // SIGCHLD was about another child
  exited_ = true;
  sigchld_->stop();
  if (on_exit_) on_exit_(*status);
}

kio::Status ChildProcess::kill(int signo) const {
  if (exited_) return kio::SysError{"kill", ESRCH};
  return kio::send_signal(pid_, signo);
}

// ---- child side -------------------------------------------------------------------------------

ParentChannel::ParentChannel(Key, loop::Loop& loop, kio::Fd fd) : channel_(loop, std::move(fd)) {
  channel_.start([this](const Message& m) { if (on_message_) on_message_(m); },
                 [this](const std::string& why) { if (on_disconnect_) on_disconnect_(why); });
}

kio::Result<std::unique_ptr<ParentChannel>> ParentChannel::join(loop::Loop& loop) {
  const char* text = std::getenv(kChannelFdVariable);
  if (text == nullptr) return kio::SysError{"getenv(OSN_CHANNEL_FD)", ENOENT};
  int fd = -1;
  const char* end = text + std::strlen(text);
  struct stat st;
  if (std::from_chars(text, end, fd).ptr != end || fd < 0 || ::fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
    return kio::SysError{"OSN_CHANNEL_FD", EBADF};
  ::unsetenv(kChannelFdVariable);
  kio::Fd channel(fd);
  (void)kio::set_cloexec(channel.get());     // our own children must not inherit it
  (void)kio::set_nonblocking(channel.get());
  return std::make_unique<ParentChannel>(Key(), loop, std::move(channel));
}

}  // namespace osn::cluster
